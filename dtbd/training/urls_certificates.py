"""Routes of the certificates pages (names in the `training` namespace)."""
from django.urls import path

from . import views_certificates as views

urlpatterns = [
    path("chung-chi/", views.certificate_list, name="certificate_list"),
    path("chung-chi/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("chung-chi/<int:pk>/cap-xac-nhan/", views.certificate_replace, name="certificate_replace"),
]
