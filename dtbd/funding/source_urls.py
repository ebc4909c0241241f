"""Source-cadre schemes under /tao-nguon/ (docs/domain.md §14.5)."""
from django.urls import path

from . import source_views as views

app_name = "sources"

urlpatterns = [
    path("", views.scheme_list, name="scheme_list"),
    path("de-an/moi/", views.scheme_edit, name="scheme_create"),
    path("de-an/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("de-an/<int:pk>/sua/", views.scheme_edit, name="scheme_edit"),
    path("de-an/<int:pk>/ung-vien/moi/", views.candidate_create, name="candidate_create"),
    path("ung-vien/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("ung-vien/<int:pk>/sua/", views.candidate_edit, name="candidate_edit"),
    path("ung-vien/<int:pk>/dao-tao/", views.candidate_step, name="candidate_step"),
    path("ung-vien/<int:pk>/tuyen-dung/", views.candidate_recruit, name="candidate_recruit"),
]
