"""Public routes without login: /verify/<code>/ (certificate verification)."""
from django.urls import path

from . import views_certificates

app_name = "public"
urlpatterns = [
    path("verify/<str:code>/", views_certificates.verify, name="verify"),
]
