"""TOTP two-factor authentication (django-otp): who needs it, enrolment and verification."""
import segno
from django.conf import settings
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .scope import is_manager

SETUP, VERIFY = "setup", "verify"
DEVICE_NAME = "TOTP"


def required_for(user):
    """System admins and province managers must use a second factor when settings.DTBD_REQUIRE_2FA is on."""
    return bool(getattr(settings, "DTBD_REQUIRE_2FA", False)) and is_manager(user)


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_step(user):
    """What this logged-in user still owes: VERIFY (has a device, this session not verified), SETUP (must enrol),
    or None."""
    if user.is_verified():
        return None
    if confirmed_device(user):
        return VERIFY
    if required_for(user):
        return SETUP
    return None


NO_DEVICE = "2fa_no_device"


def note_devices_at_login(sender, request, user, **kwargs):
    """user_logged_in: remember in the new session that the user has no confirmed device, so that the middleware
    asks the database once per login, not on every request (a device is only ever confirmed through the enrolment
    page, which verifies the session and clears the mark)."""
    session = getattr(request, "session", None)
    if session is not None and confirmed_device(user) is None:
        session[NO_DEVICE] = user.pk


def pending_step_cached(request):
    """pending_step for the request's user; no query for a user who has no device (noted at login) and does not
    need one."""
    user = request.user
    if request.session.get(NO_DEVICE) == user.pk and not required_for(user):
        return None
    return pending_step(user)


def enrolment_device(user):
    """The user's unconfirmed device being enrolled (a fresh secret the first time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device):
    import base64

    return base64.b32encode(device.bin_key).decode()


def qr_svg_data_uri(device):
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def confirm(request, device, token):
    """Confirm an enrolment with a code from the app: the device becomes the user's only confirmed device and the
    session is verified. False when the code is wrong."""
    if not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    request.session.pop(NO_DEVICE, None)
    otp_login(request, device)
    return True


def verify(request, user, token):
    """Check a code against the user's device (django-otp throttles repeated failures); verifies the session."""
    device = confirmed_device(user)
    if device is None:
        return False
    if device.verify_token(token):
        otp_login(request, device)
        return True
    return False
