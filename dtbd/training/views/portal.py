"""The learner portal (/dao-tao/hoc-vien/): a logged-in person's open classes, enrolments, certificates, this year's
tiết against the required minimum, and what their current and planned posts still require, each with the programmes
that grant it and their open classes. Thin: the reads are in dtbd.training.queries (fixed number of queries)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..extensions import portal_page_panels
from ..models import Enrollment, Result
from ..queries import certificates_of, classes_open_for, enrolments_of, learning_standing
from ..services import may_withdraw


@login_required
def portal(request):
    person = request.user.person if request.user.person_id else None
    if person is None:
        messages.info(request, _("Tài khoản của bạn chưa gắn với hồ sơ cán bộ nên không có trang học tập cá nhân."))
        return redirect("home:home")
    today = timezone.localdate()
    standing = learning_standing(person, today)
    enrolments = list(enrolments_of(person))
    for enrolment in enrolments:
        enrolment.can_withdraw = may_withdraw(enrolment, request.user)
    context = {
        "person": person,
        "today": today,
        "open_classes": list(classes_open_for(person, today)[:50]),
        "enrolments": enrolments,
        "certificates": list(certificates_of(person)),
        "standing": standing,
        "WAITLISTED": Enrollment.State.WAITLISTED,
        "grades": dict(Result.Grade.choices),
        "panels": portal_page_panels(request, person),
    }
    return render(request, "training/portal.html", context)
