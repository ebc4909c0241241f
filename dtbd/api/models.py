"""Access tokens for integrations (other systems calling /api/v1/). A token acts with exactly its user's scope
(dtbd.accounts.scope.scope_of(token.user)); only a SHA-256 hash of the key is stored, with a short visible prefix
so a user can tell their tokens apart. Every token expires; a revoked or expired token is refused."""
import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX_LENGTH = 8


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("tên khoá"), max_length=100, help_text=_("Hệ thống nào dùng khoá này."))
    prefix = models.CharField(_("tiền tố"), max_length=PREFIX_LENGTH, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("khoá truy cập API")
        verbose_name_plural = _("khoá truy cập API")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self):
        return self.revoked_at is None and not self.is_expired
