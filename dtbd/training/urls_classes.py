"""Routes of the classes pages (names in the `training` namespace)."""
from django.urls import path

from . import views_classes as v

urlpatterns = [
    path("lop/", v.class_list, name="class_list"),
    path("lop/lich/", v.class_calendar, name="class_calendar"),
    path("lop/them/", v.class_create, name="class_create"),
    path("lop/<int:pk>/", v.class_detail, name="class_detail"),
    path("lop/<int:pk>/sua/", v.class_edit, name="class_edit"),
    path("lop/<int:pk>/buoi-hoc/", v.class_sessions, name="class_sessions"),
    path("lop/<int:pk>/trang-thai/", v.class_status, name="class_status"),
]
