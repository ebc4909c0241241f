"""Job pages: "Công việc của tôi", one job with its progress bar (htmx polls a small partial while it runs; no
inline script), and the result file. A user sees only their own jobs: anyone else's answers 404."""
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from .http import content_disposition
from .lists import render_list
from .models import Job

LIST_SIZE = 50


def _own_job(request, pk):
    return get_object_or_404(Job.objects.all(), pk=pk, created_by=request.user)


@login_required
def job_list(request):
    jobs = Job.objects.filter(created_by=request.user).defer("parameters").order_by("-created_at", "-pk")
    return render_list(request, jobs, "jobs/list.html", page_size=LIST_SIZE, rows_name="jobs")


@login_required
def job_detail(request, pk):
    return render(request, "jobs/detail.html", {"job": _own_job(request, pk)})


@login_required
def job_status(request, pk):
    return render(request, "jobs/_status.html", {"job": _own_job(request, pk)})


@login_required
def job_file(request, pk):
    job = _own_job(request, pk)
    if job.status != Job.Status.DONE or not job.result_file:
        raise Http404
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True)
    response["Content-Disposition"] = content_disposition(job.result_name or job.result_file.name.rsplit("/", 1)[-1])
    return response
