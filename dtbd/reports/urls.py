from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:name>/", views.report_view, name="report"),
    path("<slug:name>/tai-ve.<str:fmt>", views.download, name="download"),
]
