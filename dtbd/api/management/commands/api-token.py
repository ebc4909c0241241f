"""`dtbd api-token create USERNAME --days N --name X` prints a new API key (once); `list USERNAME`; `revoke ID`."""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dtbd.api.models import ApiToken
from dtbd.api.tokens import DEFAULT_DAYS, create_token


class Command(BaseCommand):
    help = "Tạo, liệt kê, thu hồi khoá truy cập API của một người dùng."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Tạo khoá mới; khoá được in ra một lần.")
        create.add_argument("username")
        create.add_argument("--days", type=int, default=DEFAULT_DAYS, help="Số ngày hiệu lực (mặc định 90).")
        create.add_argument("--name", default="", help="Tên khoá (hệ thống nào dùng).")
        listing = sub.add_parser("list", help="Liệt kê khoá của một người dùng.")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Thu hồi khoá theo số thứ tự (id).")
        revoke.add_argument("id", type=int)

    def _user(self, username):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{username}”.")
        return user

    def handle(self, *args, **options):
        action = options["action"]
        if action == "create":
            user = self._user(options["username"])
            try:
                token, key = create_token(user, options["name"] or f"cli-{timezone.localdate():%Y%m%d}", options["days"])
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            self.stderr.write(f"Khoá #{token.pk} “{token.name}” của {user.username}, hết hạn {timezone.localtime(token.expires_at):%d/%m/%Y}.")
            self.stdout.write(key)
        elif action == "list":
            user = self._user(options["username"])
            for t in ApiToken.objects.filter(user=user):
                state = "thu hồi" if t.revoked_at else ("hết hạn" if t.is_expired else "đang dùng")
                self.stdout.write(f"{t.pk}\t{t.prefix}…\t{t.name}\t{timezone.localtime(t.expires_at):%d/%m/%Y}\t{state}")
        else:
            updated = ApiToken.objects.filter(pk=options["id"], revoked_at__isnull=True).update(revoked_at=timezone.now())
            if not updated:
                raise CommandError(f"Không có khoá #{options['id']} đang dùng.")
            self.stdout.write(f"Đã thu hồi khoá #{options['id']}.")
