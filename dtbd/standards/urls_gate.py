from django.urls import path

from . import views_gate

urlpatterns = [
    path("kiem-tra/<int:person_pk>/", views_gate.check, name="gate_check"),
    path("bo-nhiem/<int:person_pk>/", views_gate.appointment_create, name="appointment_create"),
    path("quy-hoach/", views_gate.succession, name="succession"),
]
