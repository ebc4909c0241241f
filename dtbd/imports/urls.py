from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("mau/<slug:slug>.xlsx", views.template_file, name="template"),
    path("tai-len/<slug:slug>/", views.upload, name="upload"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/xac-nhan/", views.confirm, name="confirm"),
]
