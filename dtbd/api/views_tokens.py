"""The page where a user creates (the key is shown once), lists and revokes their own API tokens."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import tokens
from .forms import TokenForm
from .models import ApiToken


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            token, new_key = tokens.create_token(request.user, form.cleaned_data["name"], form.cleaned_data["days"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã tạo khoá “%(name)s”. Sao chép khoá ngay: khoá chỉ hiện một lần.")
                             % {"name": token.name})
            form = TokenForm()
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at", "-id"),
    }
    response = render(request, "api/tokens.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.revoke(token, request.user)
    messages.success(request, _("Đã thu hồi khoá “%(name)s”.") % {"name": token.name})
    return redirect("api:tokens")
