from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("csdl-quoc-gia/", views.national_export, name="national_export"),
    path("qua-trinh-boi-duong/<int:pk>/", views.training_history, name="training_history"),
    path("qua-trinh-boi-duong/<int:pk>/tai-ve.<str:fmt>", views.training_history_download, name="training_history_download"),
    path("qua-trinh-boi-duong/<int:pk>/tao-tep.<str:fmt>", views.training_history_job, name="training_history_job"),
    path("<slug:name>/", views.report_view, name="report"),
    path("<slug:name>/tai-ve.<str:fmt>", views.download, name="download"),
    path("<slug:name>/tao-tep.<str:fmt>", views.download_job, name="download_job"),
]
