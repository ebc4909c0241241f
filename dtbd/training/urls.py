from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("chuong-trinh/", views.program_list, name="program_list"),
    path("chuong-trinh/them/", views.program_create, name="program_create"),
    path("chuong-trinh/<int:pk>/", views.program_detail, name="program_detail"),
    path("chuong-trinh/<int:pk>/sua/", views.program_edit, name="program_edit"),
    path("co-so/", views.provider_list, name="provider_list"),
    path("co-so/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("nhu-cau/", views.needs, name="needs"),
]
