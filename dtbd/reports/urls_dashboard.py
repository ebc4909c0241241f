"""/tong-quan/: the dashboard, its drill-down lists and the indicator (target) pages."""
from django.urls import path

from . import views_dashboard as views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard_view, name="index"),
    path("luot-hoc/", views.enrolments, name="enrolments"),
    path("can-bo/", views.people, name="people"),
    path("lop/", views.classes, name="classes"),
    path("chi-tieu/", views.indicator_list, name="indicators"),
    path("chi-tieu/them/", views.indicator_edit, name="indicator_create"),
    path("chi-tieu/<int:pk>/sua/", views.indicator_edit, name="indicator_edit"),
    path("chi-tieu/<int:pk>/danh-sach/", views.indicator_members, name="indicator_members"),
]
