"""Routes of the enrolment pages (names in the `training` namespace)."""
from django.urls import path

from . import views_enrolment as v

urlpatterns = [
    path("lop/<int:pk>/hoc-vien/", v.class_enrolments, name="class_enrolments"),
    path("lop/<int:pk>/cu-hoc-vien/", v.nominate, name="nominate"),
    path("lop/<int:pk>/cu-theo-ra-soat/", v.nominate_from_review, name="nominate_from_review"),
    path("lop/<int:pk>/dang-ky/", v.self_register, name="self_register"),
    path("lop/<int:pk>/rut-dang-ky/", v.self_withdraw, name="self_withdraw"),
    path("dang-ky/", v.enrolment_queue, name="enrolment_queue"),
    path("dang-ky/<int:pk>/duyet/", v.enrolment_approve, name="enrolment_approve"),
    path("dang-ky/<int:pk>/tu-choi/", v.enrolment_reject, name="enrolment_reject"),
    path("dang-ky/<int:pk>/rut/", v.enrolment_withdraw, name="enrolment_withdraw"),
]
