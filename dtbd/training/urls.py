"""Routes of the training app (names in the `training` namespace, under /dao-tao/), and the public certificate check
(`public_urlpatterns`, namespace `public`, at the site's root: /verify/<code>/)."""
from django.urls import path

from .views import catalogue, certificates, classes, enrolment, lecturers, portal, results

app_name = "training"

urlpatterns = [
    # catalogue
    path("chuong-trinh/", catalogue.program_list, name="program_list"),
    path("chuong-trinh/them/", catalogue.program_create, name="program_create"),
    path("chuong-trinh/<int:pk>/", catalogue.program_detail, name="program_detail"),
    path("chuong-trinh/<int:pk>/sua/", catalogue.program_edit, name="program_edit"),
    path("co-so/", catalogue.provider_list, name="provider_list"),
    path("co-so/<int:pk>/", catalogue.provider_detail, name="provider_detail"),
    path("nhu-cau/", catalogue.needs, name="needs"),
    # lecturers
    path("giang-vien/", lecturers.lecturer_list, name="lecturer_list"),
    path("giang-vien/them/", lecturers.lecturer_create, name="lecturer_create"),
    path("giang-vien/<int:pk>/", lecturers.lecturer_detail, name="lecturer_detail"),
    path("giang-vien/<int:pk>/sua/", lecturers.lecturer_edit, name="lecturer_edit"),
    # classes
    path("lop/", classes.class_list, name="class_list"),
    path("lop/lich/", classes.class_calendar, name="class_calendar"),
    path("lop/them/", classes.class_create, name="class_create"),
    path("lop/<int:pk>/", classes.class_detail, name="class_detail"),
    path("lop/<int:pk>/sua/", classes.class_edit, name="class_edit"),
    path("lop/<int:pk>/buoi-hoc/", classes.class_sessions, name="class_sessions"),
    path("lop/<int:pk>/trang-thai/", classes.class_status, name="class_status"),
    # enrolment
    path("lop/<int:pk>/hoc-vien/", enrolment.class_enrolments, name="class_enrolments"),
    path("lop/<int:pk>/cu-hoc-vien/", enrolment.nominate, name="nominate"),
    path("lop/<int:pk>/cu-theo-ra-soat/", enrolment.nominate_from_review, name="nominate_from_review"),
    path("lop/<int:pk>/dang-ky/", enrolment.self_register, name="self_register"),
    path("lop/<int:pk>/rut-dang-ky/", enrolment.self_withdraw, name="self_withdraw"),
    path("dang-ky/", enrolment.enrolment_queue, name="enrolment_queue"),
    path("dang-ky/<int:pk>/duyet/", enrolment.enrolment_approve, name="enrolment_approve"),
    path("dang-ky/<int:pk>/tu-choi/", enrolment.enrolment_reject, name="enrolment_reject"),
    path("dang-ky/<int:pk>/rut/", enrolment.enrolment_withdraw, name="enrolment_withdraw"),
    # attendance and results
    path("lop/<int:pk>/diem-danh/", results.attendance, name="attendance"),
    path("lop/<int:pk>/danh-sach.xlsx", results.roster_download, name="roster_download"),
    path("lop/<int:pk>/danh-sach/tai-len/", results.roster_upload, name="roster_upload"),
    path("lop/<int:pk>/ket-qua/", results.results_page, name="results"),
    path("lop/<int:pk>/ket-qua/chot/", results.results_submit, name="results_submit"),
    path("ket-qua/<int:enrollment_pk>/dieu-chinh/", results.result_correct, name="result_correct"),
    # certificates
    path("chung-chi/", certificates.certificate_list, name="certificate_list"),
    path("chung-chi/<int:pk>/pdf/", certificates.certificate_pdf, name="certificate_pdf"),
    path("chung-chi/<int:pk>/cap-xac-nhan/", certificates.certificate_replace, name="certificate_replace"),
    # the learner portal
    path("hoc-vien/", portal.portal, name="portal"),
]

public_urlpatterns = [
    path("verify/<str:code>/", certificates.verify, name="verify"),
]
