from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/doc/", views.notice_read, name="read"),
    path("doc-tat-ca/", views.notice_read_all, name="read_all"),
    path("nhac-viec/", views.reminder_preferences, name="reminders"),
]
