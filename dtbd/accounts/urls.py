from django.urls import include, path

from . import views

urlpatterns = [
    path("2fa/thiet-lap/", views.two_factor_setup, name="two_factor_setup"),
    path("2fa/xac-minh/", views.two_factor_verify, name="two_factor_verify"),
    path("", include("django.contrib.auth.urls")),
]
