from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("xuat-excel/", views.person_export, name="person_export"),
    path("xuat-excel/tao-tep/", views.person_export_job, name="person_export_job"),
    path("danh-gia/", views.assessment_grid, name="assessment_grid"),
    path("them/", views.person_create, name="person_create"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/sua/", views.person_edit, name="person_edit"),
    path("<int:pk>/thoi-cong-tac/", views.person_leave, name="person_leave"),
    path("<int:pk>/xoa/", views.person_delete, name="person_delete"),
    path("<int:pk>/van-bang/them/", views.qualification_edit, name="qualification_create"),
    path("<int:pk>/van-bang/<int:qpk>/sua/", views.qualification_edit, name="qualification_edit"),
]
