from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dtbd.plans.models import Plan


@login_required
def plan_list(request):
    plans = Plan.objects.restrict(request.user).select_related("unit")
    return render(request, "plans/plan_list.html", {"plans": plans})
