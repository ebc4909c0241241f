"""Pages of the learners' survey of a class (/danh-gia-chat-luong/; docs/domain.md §15.3).

- the institution (managers; institution staff for the classes they run — ClassSurvey.objects.restrict): the list
  of surveys with each class's index and band, the index by programme, provider, lecturer and year, a class's
  results, its options (anonymity, closing date), paper forms (download, upload), opening a survey by hand for a
  class finished before surveys existed. Others: 403 on the list, 404 on a class (its survey is out of their sight);
- the learner: the form of a class they completed (403 with the reason otherwise — never the form of a class they
  may not answer), once.
Views are thin: rules in services, figures in queries, files in paper."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dtbd.core.exportlog import Kind as ExportKind
from dtbd.core.exportlog import log_export
from dtbd.core.importing import ImportFailed
from dtbd.core.middleware import upload_limit
from dtbd.training.models import TrainingClass
from dtbd.training.permissions import can_run_class, classes_for

from . import paper, queries, services
from .forms import OptionsForm, PaperUploadForm
from .models import Band, ClassSurvey

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DIMENSION_LABELS = {
    queries.CLASS: gettext_lazy("Theo lớp"), queries.PROGRAMME: gettext_lazy("Theo chương trình"),
    queries.PROVIDER: gettext_lazy("Theo cơ sở đào tạo"), queries.LECTURER: gettext_lazy("Theo giảng viên"),
    queries.YEAR: gettext_lazy("Theo năm"),
}
FINISHED = (TrainingClass.Status.FINISHED, TrainingClass.Status.CLOSED)


def _surveys(user):
    qs = ClassSurvey.objects.restrict(user)
    if qs.query.is_empty():
        raise PermissionDenied(_("Bạn không có quyền xem kết quả khảo sát."))
    return qs


def _survey(user, class_pk):
    return get_object_or_404(
        ClassSurvey.objects.restrict(user).select_related("training_class__program", "training_class__provider",
                                                           "template"),
        training_class_id=class_pk)


def _year(request):
    raw = request.GET.get("nam", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2200 else None


@login_required
def survey_list(request):
    surveys = _surveys(request.user)
    year = _year(request)
    dimension = request.GET.get("theo", queries.CLASS)
    if dimension not in queries.DIMENSIONS:
        dimension = queries.CLASS
    context = {"year": year, "years": list(range(timezone.localdate().year, 2017, -1)), "dimension": dimension,
               "dimensions": [(key, str(label)) for key, label in DIMENSION_LABELS.items()], "Band": Band}
    if dimension == queries.CLASS:
        context["surveys"], context["rule"] = queries.survey_rows(surveys, year)
    else:
        context["rows"], context["rule"] = queries.index_rows(surveys, dimension, year)
    return render(request, "evaluation/survey_list.html", context)


def _options_form(survey, data=None):
    form = OptionsForm(data, initial={"anonymous": survey.anonymous, "closes_on": survey.closes_on})
    if services.has_answers(survey):
        form.fields["anonymous"].disabled = True  # locked after the first answer (services.set_options)
    return form


def _results_page(request, survey, *, upload_form=None, import_errors=None, options_form=None, status=200):
    results = queries.class_results(survey)
    context = {
        "survey": survey, "obj": survey.training_class, "results": results,
        "texts": queries.class_texts(survey),
        "locked": services.has_answers(survey),
        "options_form": options_form or _options_form(survey),
        "upload_form": upload_form or PaperUploadForm(), "import_errors": import_errors,
        "open_now": services.is_open(survey),
    }
    return render(request, "evaluation/class_results.html", context, status=status)


@login_required
def class_results(request, pk):
    return _results_page(request, _survey(request.user, pk))


@login_required
@require_POST
def open_survey(request, pk):
    """Open the survey of a finished class that has none (a class finished before surveys existed)."""
    cls = get_object_or_404(classes_for(request.user).select_related("provider__unit"), pk=pk)
    if not can_run_class(request.user, cls):
        raise PermissionDenied(_("Bạn không có quyền quản lý lớp %(code)s.") % {"code": cls.code})
    if cls.status not in FINISHED:
        messages.error(request, _("Lớp %(code)s chưa kết thúc: chưa mở khảo sát được.") % {"code": cls.code})
        return redirect("training:class_detail", pk=cls.pk)
    survey = services.open_survey(cls)
    if survey is None:
        messages.error(request, _("Chưa có mẫu phiếu khảo sát đang áp dụng."))
        return redirect("training:class_detail", pk=cls.pk)
    sent = services.remind(survey, timezone.localdate())
    messages.success(request, _("Đã mở khảo sát lớp %(code)s; đã mời %(n)s học viên trả lời.") % {"code": cls.code, "n": sent})
    return redirect("evaluation:class_results", pk=cls.pk)


@login_required
@require_POST
def survey_options(request, pk):
    survey = _survey(request.user, pk)
    form = _options_form(survey, request.POST)
    if not form.is_valid():
        return _results_page(request, survey, options_form=form, status=400)
    try:
        services.set_options(survey, anonymous=form.cleaned_data["anonymous"],
                             closes_on=form.cleaned_data["closes_on"], user=request.user)
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _results_page(request, survey, options_form=form, status=400)
    messages.success(request, _("Đã lưu cài đặt khảo sát lớp %(code)s.") % {"code": survey.training_class.code})
    return redirect("evaluation:class_results", pk=pk)


@login_required
def paper_download(request, pk):
    survey = _survey(request.user, pk)
    response = HttpResponse(paper.write_template(survey), content_type=XLSX)
    log_export(request.user, ExportKind.ROSTER, f"{survey.training_class.code}: mẫu phiếu khảo sát giấy",
               len(services.pending_person_ids(survey)), request=request)
    response["Content-Disposition"] = content_disposition_header(True, paper.filename(survey.training_class))
    return response


@upload_limit()
@login_required
@require_POST
def paper_upload(request, pk):
    survey = _survey(request.user, pk)
    form = PaperUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _results_page(request, survey, upload_form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        forms, valid = paper.import_paper(survey, upload, name=upload.name)
    except ImportFailed as exc:
        return _results_page(request, survey, upload_form=form, import_errors=[str(e) for e in exc.errors],
                             status=400)
    messages.success(request, _("Đã ghi nhận %(n)s phiếu giấy (%(v)s phiếu hợp lệ).") % {"n": forms, "v": valid})
    return redirect("evaluation:class_results", pk=pk)


@login_required
def answer(request, pk):
    """The learner's form. The class must be in the user's sight (404); the answer is refused with the reason (403)
    unless they completed the class, have not answered and the survey is open."""
    cls = get_object_or_404(classes_for(request.user), pk=pk)
    person_id = request.user.person_id
    survey = ClassSurvey.objects.filter(training_class=cls).select_related("template", "training_class").first()
    refusal = services.answer_refusal(survey, person_id)
    if refusal:
        return render(request, "evaluation/answer_refused.html", {"obj": cls, "reason": refusal}, status=403)
    blocks = services.form_blocks(survey.template, cls)
    errors, values = {}, {}
    if request.method == "POST":
        filled, errors = services.parse_post(blocks, request.POST)
        values = request.POST
        if not errors:
            try:
                services.submit(survey, person_id, filled, blocks)
            except ValidationError as error:
                return render(request, "evaluation/answer_refused.html",
                              {"obj": cls, "reason": " ".join(error.messages)}, status=403)
            messages.success(request, _("Cảm ơn bạn đã trả lời phiếu khảo sát lớp %(code)s.") % {"code": cls.code})
            return redirect("training:portal")
    rows = [(block, [(item, block.key(item), values.get(block.key(item), ""), errors.get(block.key(item)))
                     for item in block.items]) for block in blocks]
    return render(request, "evaluation/answer.html",
                  {"obj": cls, "survey": survey, "rows": rows, "errors": errors, "scores": range(1, 11)},
                  status=400 if errors else 200)


# -- panels of training pages (training.extensions) -------------------------------------------------------------------
def portal_panel(request, person):
    waiting = services.waiting_surveys(person.pk)
    if not waiting:
        return ""
    return render_to_string("evaluation/_portal_panel.html", {"waiting": waiting}, request=request)


def class_panel(request, training_class):
    """On the class page: to those who run the class, its survey (index, forms) or the button opening it; to a
    learner who may answer, the link to the form."""
    user = request.user
    survey = ClassSurvey.objects.filter(training_class=training_class).first()
    runs = can_run_class(user, training_class)
    if runs:
        if survey is None and training_class.status not in FINISHED:
            return ""
        results = queries.class_results(survey) if survey else None
        return render_to_string("evaluation/_class_panel.html", {"obj": training_class, "survey": survey,
                                                                 "results": results}, request=request)
    if survey is not None and user.person_id and services.answer_refusal(survey, user.person_id) is None:
        return render_to_string("evaluation/_class_panel.html", {"obj": training_class, "survey": survey,
                                                                 "may_answer": True}, request=request)
    return ""


def lecturer_panel(request, lecturer):
    """On the lecturer's page: their survey index per class, for the classes whose results the user may read."""
    surveys = ClassSurvey.objects.restrict(request.user)
    if surveys.query.is_empty():
        return ""
    rows, overall = queries.lecturer_results(lecturer, surveys)
    return render_to_string("evaluation/_lecturer_panel.html", {"rows": rows, "overall": overall}, request=request)
