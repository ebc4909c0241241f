"""The plan pages under /ke-hoach/: needs and unit requests, plans and their revisions, budget and execution."""
from django.urls import path

from .views import budget, needs, plans

app_name = "plans"

urlpatterns = [
    # -- plans (list, detail, lines, transitions, revisions, consolidation, classes opened from lines)
    path("", plans.plan_list, name="plan_list"),
    # -- needs (register, unit requests, upload)
    # -- budget and execution (class costs, norms, roll-ups, execution view)
    path("lop/<int:pk>/kinh-phi/", budget.class_costs, name="class_costs"),
    path("dinh-muc/", budget.norm_list, name="norm_list"),
    path("<int:pk>/thuc-hien/", budget.plan_execution, name="plan_execution"),
]
