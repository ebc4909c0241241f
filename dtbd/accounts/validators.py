"""Password policy (settings AUTH_PASSWORD_VALIDATORS): Django's validators; the minimum length one speaks
Vietnamese here because Django's own Vietnamese catalogue lacks that message. Users created by code (demo data,
tests) bypass validators on purpose; every password set through a form is checked."""
from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def __init__(self, min_length=10):
        super().__init__(min_length)

    def get_error_message(self):
        return _("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.") % {"min_length": self.min_length}

    def get_help_text(self):
        return _("Mật khẩu phải có ít nhất %(min_length)d ký tự.") % {"min_length": self.min_length}
