"""Reports after a course abroad (docs/domain.md §10.2): the learner's upload page, the file (served only to the
learner and to the officers who see the enrolment), and the officers' list of late reports.

Thin: the rules are in dtbd.training.services.overseas. An enrolment or report out of sight is a 404; visible but not
the caller's to send, a 403."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dtbd.accounts.scope import scope_of
from dtbd.core.lists import page_of

from ..models import Enrollment, OverseasReport
from ..services import overseas

PAGE_SIZE = 50


@login_required
def overseas_upload(request, pk):
    user = request.user
    enrolment = (overseas.abroad_enrolments().filter(pk=pk, pk__in=Enrollment.objects.restrict(user).values("pk"))
                 .select_related("training_class", "person").first())
    if enrolment is None:
        raise Http404(_("Không tìm thấy khoá học ở nước ngoài trong phạm vi của bạn."))
    overseas.check_submitter(enrolment, user)
    error = ""
    if request.method == "POST":
        try:
            overseas.submit(enrolment, request.FILES.get("file"), user, request.POST.get("note", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Đã nộp báo cáo sau khoá học %(code)s.") % {"code": enrolment.training_class.code})
            return redirect("training:portal" if user.person_id == enrolment.person_id else "training:overseas_reports")
    [task] = overseas.attach_reports([enrolment])
    return render(request, "training/overseas_upload.html", {"task": task, "error": error},
                  status=400 if error else 200)


@login_required
@require_GET
def overseas_file(request, pk):
    report = (OverseasReport.objects.filter(pk=pk, enrollment__in=Enrollment.objects.restrict(request.user).values("pk"))
              .first())
    if report is None or not report.file:
        raise Http404(_("Không tìm thấy báo cáo trong phạm vi của bạn."))
    try:
        handle = report.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("Tệp báo cáo không còn trên máy chủ.")) from None
    return FileResponse(handle, as_attachment=True, filename=report.file_name)


@login_required
def overseas_reports(request):
    scope = scope_of(request.user)
    if not (scope.sees_units or scope.is_institution):
        raise PermissionDenied(_("Trang này dành cho cán bộ quản lý, cán bộ tổ chức và lãnh đạo."))
    today = timezone.localdate()
    late_only = request.GET.get("all") != "1"
    page_obj = page_of(request, overseas.rows(request.user, today, late_only), PAGE_SIZE)
    rows = overseas.attach_reports(list(page_obj.object_list), today)
    return render(request, "training/overseas_reports.html",
                  {"rows": rows, "page_obj": page_obj, "late_only": late_only, "today": today,
                   "days": overseas.report_days()})
