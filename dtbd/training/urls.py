from django.urls import path

from . import urls_certificates, urls_classes, urls_enrolment, urls_portal, urls_results, views

app_name = "training"

urlpatterns = [
    path("chuong-trinh/", views.program_list, name="program_list"),
    path("chuong-trinh/them/", views.program_create, name="program_create"),
    path("chuong-trinh/<int:pk>/", views.program_detail, name="program_detail"),
    path("chuong-trinh/<int:pk>/sua/", views.program_edit, name="program_edit"),
    path("co-so/", views.provider_list, name="provider_list"),
    path("co-so/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("nhu-cau/", views.needs, name="needs"),
    # Classes, enrolment, results: each part keeps its routes (all under /dao-tao/, names in the `training` namespace).
    *urls_classes.urlpatterns,
    *urls_enrolment.urlpatterns,
    *urls_results.urlpatterns,
    *urls_certificates.urlpatterns,
    *urls_portal.urlpatterns,
]
