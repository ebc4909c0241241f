"""The public disclosure of results at /cong-khai/ (no login; docs/domain.md §16.6)."""
from django.urls import path

from . import views_quality as views

app_name = "disclosure"

urlpatterns = [
    path("", views.public_index, name="index"),
    path("<int:year>/", views.public_year, name="year"),
]
