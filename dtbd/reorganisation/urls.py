from django.urls import path

from . import views

app_name = "reorganisation"
urlpatterns = [
    path("", views.index, name="index"),
    path("mau/", views.template, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/xac-nhan/", views.confirm, name="confirm"),
    path("<int:pk>/huy/", views.drop, name="drop"),
    path("don-vi/<int:pk>/", views.unit_operation, name="unit_operation"),
]
