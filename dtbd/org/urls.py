from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("them/", views.unit_create, name="unit_create"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("<int:pk>/sua/", views.unit_edit, name="unit_edit"),
    path("<int:pk>/don-vi-con/", views.unit_children, name="unit_children"),
]
