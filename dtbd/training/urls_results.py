"""Routes of the results pages (names in the `training` namespace)."""
from django.urls import path

from . import views_results

urlpatterns = [
    path("lop/<int:pk>/diem-danh/", views_results.attendance, name="attendance"),
    path("lop/<int:pk>/danh-sach.xlsx", views_results.roster_download, name="roster_download"),
    path("lop/<int:pk>/danh-sach/tai-len/", views_results.roster_upload, name="roster_upload"),
    path("lop/<int:pk>/ket-qua/", views_results.results_page, name="results"),
    path("lop/<int:pk>/ket-qua/chot/", views_results.results_submit, name="results_submit"),
    path("ket-qua/<int:enrollment_pk>/dieu-chinh/", views_results.result_correct, name="result_correct"),
]
