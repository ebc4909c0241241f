"""The effectiveness evaluation, the coverage and the publication pages under /danh-gia-chat-luong/ (docs/domain.md
§16.4–15.6)."""
from django.urls import path

from . import views_quality as views

app_name = "quality"

urlpatterns = [
    path("hieu-qua/", views.effectiveness_list, name="effectiveness_list"),
    path("hieu-qua/<int:pk>/", views.effectiveness_detail, name="effectiveness_detail"),
    path("bao-phu/", views.coverage_list, name="coverage"),
    path("cong-bo/", views.publish, name="publish"),
    path("cong-bo/<int:pk>/rut-lai/", views.withdraw, name="withdraw"),
]
