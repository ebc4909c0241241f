"""The official documents of a class (summons letter, dispatch decision): a form for the number, date and signer,
then the file, as Word or PDF (dtbd.training.services.documents)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from dtbd.core import officialdoc
from dtbd.core.exportlog import Kind as ExportKind
from dtbd.core.exportlog import log_export
from dtbd.core.http import content_disposition

from ..forms.documents import ClassDocumentForm
from ..permissions import classes_for
from ..services import documents

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@login_required
def class_documents(request, pk):
    cls = get_object_or_404(classes_for(request.user).select_related("program", "provider__unit"), pk=pk)
    kinds = documents.kinds_for(request.user, cls)
    if not kinds:
        raise PermissionDenied(_("Bạn không có quyền lập văn bản của lớp này."))
    form = ClassDocumentForm(request.POST or None, kinds=kinds, initial={"kind": request.GET.get("loai") or kinds[0]})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            kind, fmt = form.cleaned_data["kind"], form.cleaned_data["fmt"]
            try:
                document, people = documents.build(kind, request.user, cls, form.signing(request.user.signature_name()))
                content = documents.render(document, fmt)
            except documents.DocumentRefused as refusal:
                form.add_error(None, str(refusal))
            except officialdoc.DocumentNotAvailable as missing:
                return HttpResponse(str(missing), status=503, content_type="text/plain; charset=utf-8")
            else:
                name = documents.file_name(kind, cls, fmt)
                log_export(request.user, ExportKind.ROSTER, f"{name} · {cls.code}", people, request=request)
                response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
                response["Content-Disposition"] = content_disposition(name)
                return response
        status = 400
    return render(request, "training/class_documents.html", {"obj": cls, "form": form}, status=status)
