from django.urls import path

from . import views

app_name = "elearning"

urlpatterns = [
    path("khoa-hoc/<int:pk>/", views.course_detail, name="course"),
    path("khoa-hoc/<int:pk>/sua/", views.course_edit, name="course_edit"),
    path("khoa-hoc/<int:pk>/tien-do/", views.course_progress, name="progress"),
    path("lop/<int:class_pk>/tao-khoa-hoc/", views.course_create, name="course_create"),
    path("chuyen-de/<int:module_pk>/them-bai/", views.lesson_create, name="lesson_create"),
    path("bai/<int:pk>/", views.lesson_detail, name="lesson"),
    path("bai/<int:pk>/sua/", views.lesson_edit, name="lesson_edit"),
    path("bai/<int:pk>/hoan-thanh/", views.lesson_complete, name="lesson_complete"),
    path("bai/<int:pk>/nhip/", views.lesson_heartbeat, name="lesson_heartbeat"),
    path("bai/<int:pk>/tep/", views.lesson_file, name="lesson_file"),
    path("bai/<int:pk>/dinh-kem/", views.attachment_add, name="attachment_add"),
    path("bai/<int:pk>/scorm/", views.scorm_upload, name="scorm_upload"),
    path("bai/<int:pk>/scorm/commit/", views.scorm_commit, name="scorm_commit"),
    path("bai/<int:pk>/scorm/goi/<path:path>", views.scorm_file, name="scorm_file"),
    path("tai-lieu/<int:pk>/", views.attachment_file, name="attachment"),
    path("kiem-tra/<int:pk>/", views.quiz, name="quiz"),
    path("kiem-tra/<int:pk>/bat-dau/", views.quiz_start, name="quiz_start"),
    path("kiem-tra/<int:pk>/cau-hoi/", views.question_bank, name="question_bank"),
    path("kiem-tra/<int:pk>/cau-hoi.xlsx", views.question_export, name="question_export"),
    path("luot/<int:pk>/", views.attempt_detail, name="attempt"),
    path("luot/<int:pk>/tra-loi/", views.attempt_answer, name="attempt_answer"),
    path("luot/<int:pk>/nop/", views.attempt_submit, name="attempt_submit"),
]
