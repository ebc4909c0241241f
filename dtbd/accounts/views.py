"""Two-factor pages: enrolment (QR code + secret, confirmed by a code) and the verification step after login."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import twofactor
from .forms import TokenForm


def _next(request):
    url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return "/"
    return url


@never_cache
@login_required
def two_factor_setup(request):
    if twofactor.confirmed_device(request.user) and not request.user.is_verified():
        return redirect("two_factor_verify")
    device = twofactor.enrolment_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.confirm(request, device, form.cleaned_data["token"]):
            messages.success(request, _("Đã bật xác thực hai lớp cho tài khoản."))
            return redirect(_next(request))
        form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trong ứng dụng."))
    context = {
        "form": form,
        "qr": twofactor.qr_svg_data_uri(device),
        "secret": twofactor.secret_base32(device),
        "required": twofactor.required_for(request.user),
        "has_device": twofactor.confirmed_device(request.user) is not None,
        "next": _next(request),
    }
    return render(request, "registration/two_factor_setup.html", context)


@never_cache
@login_required
def two_factor_verify(request):
    if twofactor.confirmed_device(request.user) is None:
        return redirect("two_factor_setup")
    if request.user.is_verified():
        return redirect(_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request, request.user, form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error(
            "token", _("Mã xác thực không đúng hoặc đã hết hạn. Nhập sai nhiều lần liên tiếp phải chờ lâu hơn mới thử lại được.")
        )
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)})


def lockout(request, original_response=None, credentials=None):
    """django-axes's answer to a locked-out login (settings AXES_LOCKOUT_CALLABLE): a Vietnamese page, HTTP 429."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": round(float(settings.AXES_COOLOFF_TIME) * 60),
    }
    return render(request, "registration/lockout.html", context, status=429)
