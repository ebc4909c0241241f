"""Postgraduate dispatch, commitments and reimbursement under /dao-tao-sau-dai-hoc/ (docs/domain.md §14.2–14.3)."""
from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("", views.dispatch_list, name="dispatch_list"),
    path("cu-di/", views.dispatch_create, name="dispatch_create"),
    path("<int:pk>/", views.dispatch_detail, name="dispatch_detail"),
    path("<int:pk>/kinh-phi/", views.dispatch_cost, name="dispatch_cost"),
    path("<int:pk>/ket-qua/", views.dispatch_outcome, name="dispatch_outcome"),
    path("cam-ket/", views.commitments, name="commitments"),
    path("den-bu/", views.case_list, name="case_list"),
    path("den-bu/<int:pk>/", views.case_detail, name="case_detail"),
    path("den-bu/<int:pk>/quyet-dinh/", views.case_decide, name="case_decide"),
    path("den-bu/<int:pk>/nop/", views.case_payment, name="case_payment"),
]
