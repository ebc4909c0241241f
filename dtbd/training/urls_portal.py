"""Routes of the portal pages (names in the `training` namespace)."""
from django.urls import path

from . import views_portal

urlpatterns = [
    path("hoc-vien/", views_portal.portal, name="portal"),
]
