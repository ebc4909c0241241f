"""Talent attraction under /thu-hut-nhan-tai/ (docs/domain.md §14.4)."""
from django.urls import path

from . import talent_views as views

app_name = "talent"

urlpatterns = [
    path("", views.policy_list, name="policy_list"),
    path("chinh-sach/moi/", views.policy_edit, name="policy_create"),
    path("chinh-sach/<int:pk>/", views.policy_detail, name="policy_detail"),
    path("chinh-sach/<int:pk>/sua/", views.policy_edit, name="policy_edit"),
    path("chinh-sach/<int:pk>/che-do/", views.policy_item, name="policy_item"),
    path("nguoi/", views.attraction_list, name="attraction_list"),
    path("nguoi/moi/", views.attraction_edit, name="attraction_create"),
    path("nguoi/<int:pk>/", views.attraction_detail, name="attraction_detail"),
    path("nguoi/<int:pk>/sua/", views.attraction_edit, name="attraction_edit"),
    path("nguoi/<int:pk>/chi-tra/", views.attraction_payment, name="attraction_payment"),
]
