"""The plan pages under /ke-hoach/: needs and unit requests, plans and their revisions, budget and execution."""
from django.urls import path

from .views import budget, needs, optimiser, plans

app_name = "plans"

urlpatterns = [
    # -- plans (list, detail, lines, transitions, revisions, consolidation, classes opened from lines)
    path("", plans.plan_list, name="plan_list"),
    path("lap-moi/", plans.plan_create, name="plan_create"),
    path("<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("<int:pk>/sua/", plans.plan_edit, name="plan_edit"),
    path("<int:pk>/xoa/", plans.plan_delete, name="plan_delete"),
    path("<int:pk>/them-dong/", plans.line_create, name="line_create"),
    path("<int:pk>/chuyen-trang-thai/", plans.plan_transition, name="plan_transition"),
    path("<int:pk>/y-kien/", plans.plan_comment, name="plan_comment"),
    path("<int:pk>/dieu-chinh/", plans.plan_revise, name="plan_revise"),
    path("<int:pk>/so-sanh/", plans.plan_diff, name="plan_diff"),
    path("<int:pk>/tong-hop/", plans.plan_consolidate, name="plan_consolidate"),
    path("dong/<int:pk>/sua/", plans.line_edit, name="line_edit"),
    path("dong/<int:pk>/xoa/", plans.line_delete, name="line_delete"),
    path("dong/<int:pk>/mo-lop/", plans.line_open_class, name="line_open_class"),
    # -- the optimiser's proposal (a background job), read and accepted into a draft plan
    path("<int:pk>/toi-uu/", optimiser.plan_optimise, name="plan_optimise"),
    path("de-xuat/<int:pk>/", optimiser.proposal_detail, name="proposal"),
    path("de-xuat/<int:pk>/chap-nhan/", optimiser.proposal_accept, name="proposal_accept"),
    # -- needs (register, unit requests, upload)
    path("nhu-cau/", needs.register, name="need_list"),
    path("nhu-cau/tong-hop/", needs.collect, name="need_collect"),
    path("nhu-cau/xuat.xlsx", needs.register_export, name="need_export"),
    path("de-nghi/", needs.request_list, name="request_list"),
    path("de-nghi/them/", needs.request_create, name="request_create"),
    path("de-nghi/<int:pk>/", needs.request_detail, name="request_detail"),
    path("de-nghi/<int:pk>/sua/", needs.request_edit, name="request_edit"),
    path("de-nghi/<int:pk>/gui/", needs.request_submit, name="request_submit"),
    # -- budget and execution (class costs, norms, roll-ups, execution view)
    path("lop/<int:pk>/kinh-phi/", budget.class_costs, name="class_costs"),
    path("dinh-muc/", budget.norm_list, name="norm_list"),
    path("<int:pk>/thuc-hien/", budget.plan_execution, name="plan_execution"),
]
