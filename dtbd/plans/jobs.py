"""Background job of the plans app (dtbd.core.jobs, kind "plan_optimise"): the optimiser's proposal for a draft plan.
It runs as its creator (the plan's scope is checked again now); the proposal is the job's result file (JSON), read by
the proposal page."""
import json
import threading
import time

from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from dtbd.core.jobs import JobError, Outcome

from .models import Plan
from .services import proposal, workflow


def optimise_plan(job, context):
    params = job.parameters
    plan = Plan.objects.select_related("unit").filter(pk=params.get("plan")).first()
    try:
        if plan is None:
            raise workflow.OutOfScope
        proposal.check_can_run(plan, job.created_by)
    except workflow.OutOfScope as exc:
        raise JobError(_("Không tìm thấy kế hoạch.")) from exc
    except Exception as exc:  # PermissionDenied, ValidationError: the message for the user
        raise JobError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
    options = proposal.Options.from_dict(params["options"])
    limit = max(1, int(options.time_limit))
    context.progress(0, limit, _("Đang lập bài toán từ nhu cầu của kế hoạch"))
    state = {"message": "", "stop": threading.Event()}

    def tick():
        # The solver reports nothing while it works: every two seconds the bar shows the seconds spent against the
        # time limit (from this thread's own database connection, closed at the end).
        started = time.monotonic()
        try:
            while not state["stop"].wait(2.0):
                spent = min(limit, int(time.monotonic() - started))
                context.progress(spent, limit, state["message"] or _("Đang tìm phương án tối ưu"))
        except Exception:  # the job was taken over or the database is busy: the runner goes on, the bar waits
            pass
        finally:
            connection.close()

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        result = proposal.run(plan, options, progress=lambda message: state.update(message=message))
    finally:
        state["stop"].set()
        ticker.join()
    context.progress(limit, limit, _("Đã có đề xuất"))
    content = json.dumps(result, ensure_ascii=False).encode("utf-8")
    met = len(result["result"]["placements"])
    return Outcome(
        content=content, name=f"de-xuat-ke-hoach-{plan.year}.json",
        link=reverse("plans:proposal", args=[job.pk]),
        message=_("Đề xuất mở %(classes)s lớp, đáp ứng %(met)s/%(needs)s nhu cầu.") % {
            "classes": len(result["result"]["opened"]), "met": met, "needs": len(result["needs"])},
    )
