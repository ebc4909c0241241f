"""Create, check and revoke API tokens. The full key is returned once, at creation; only its hash is kept."""
import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PREFIX_LENGTH, ApiToken, hash_key

DEFAULT_DAYS = 90
MAX_DAYS = 365
# Recording last_used_at on every request would write on every read: once a minute per token is enough.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def create_token(user, name, days=DEFAULT_DAYS):
    """A new token for `user`, valid `days` days. Returns (token, key): `key` is shown to the user once."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Cần đặt tên cho khoá (hệ thống nào dùng khoá này).")})
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": _("Thời hạn của khoá phải từ 1 đến %(max)s ngày.") % {"max": MAX_DAYS}})
    if not user.is_active:
        raise ValidationError(_("Tài khoản %(u)s đã bị khoá, không thể tạo khoá API.") % {"u": user.get_username()})
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=key[:PREFIX_LENGTH], key_hash=hash_key(key),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return token, key


def find_usable(key):
    """The usable token (not revoked, not expired, active user) whose key is `key`, or None."""
    if not key:
        return None
    token = ApiToken.objects.usable().select_related("user", "user__scope_unit").filter(key_hash=hash_key(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def revoke(token, by_user):
    """Revoke `token`: its owner or a system admin. Revoking twice keeps the first time."""
    if not (token.user_id == by_user.pk or by_user.is_superuser):
        raise PermissionDenied(_("Bạn chỉ được thu hồi khoá của chính mình."))
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])  # save(), not update(): the revocation is audited
    token.refresh_from_db(fields=["revoked_at"])
    return token
