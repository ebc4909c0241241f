"""A proposed plan (docs/domain.md §13.5): the needs of a plan's scope and year, candidate classes for the
programmes they ask for, the optimiser's choice of classes and learners, and its acceptance into a draft plan.

- Weights come from each need's reason and history (`Weights`): a base per reason (legal requirement first), a bonus
  per year already waited (up to three), a bonus when its deadline falls within the plan's year, halved for someone
  who retires within two years of the year's end. The officer changes the figures on the optimiser's form.
- Candidate classes (`candidates`): for every programme with open needs and every quarter, as many classes as its
  needs fill at the chosen capacity; each starts in its quarter, programmes staggered week by week so that two short
  courses of one quarter do not always share their days; length from the programme's tiết (8 a day, 5 days a week).
  Costs from the form: a fixed cost per class (plus an amount per tiết) and a cost per learner and day.
- The run is a background job (dtbd.plans.jobs.optimise_plan) whose result file holds the solver's answer with the
  candidates and the needs left unmet, each with why; `accept` turns the opened classes into lines of the draft plan
  (one per programme and quarter) and links every placed need to its line.
"""
import datetime
import json
import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dtbd.core.db import prefix_q
from dtbd.training.models import Program

from ..models import Form, Funding, Need, Plan, Reason
from ..optimiser import instance_from_rows, solve
from . import workflow

RETIREMENT_AGE = {"NAM": 62, "NU": 60}  # Bộ luật Lao động 2019, art. 169 (the end of its roadmap)
DAYS_PER_WEEK = 5
TIET_PER_DAY = 8


@dataclass
class Weights:
    legal: float = 10
    planned_post: float = 6
    job_position: float = 4
    request: float = 3
    per_year_waited: float = 1
    deadline_in_year: float = 5
    retiring_factor: float = 0.5

    def base(self, reason):
        return {Reason.LEGAL: self.legal, Reason.PLANNED_POST: self.planned_post,
                Reason.JOB_POSITION: self.job_position}.get(reason, self.request)


@dataclass
class Options:
    budget: int
    max_classes_per_person: int = 2
    capacity: int = 50
    min_size: int = 20
    fixed_cost: int = 20_000_000
    cost_per_tiet: int = 150_000
    cost_per_person_day: int = 200_000
    source: str = Funding.NSTINH
    time_limit: int = 30
    weights: Weights = field(default_factory=Weights)

    @classmethod
    def from_dict(cls, data):
        data = dict(data)
        weights = Weights(**data.pop("weights", {}))
        return cls(**data, weights=weights)

    def to_dict(self):
        return asdict(self)


def plan_needs(plan):
    """The open needs of the plan's year in its unit's subtree (a queryset; the caller checked the plan's scope)."""
    return Need.objects.filter(prefix_q("unit__path", plan.unit.path), year=plan.year, met=False)


def weight_of(need, weights, year):
    """The weight of one need (a row of `need_rows`) for a plan of `year`."""
    value = weights.base(need["reason"])
    end = datetime.date(year, 12, 31)
    if need["waiting_since"]:
        value += weights.per_year_waited * min(3, max(0, (end - need["waiting_since"]).days // 365))
    if need["due_on"] and need["due_on"] <= end:
        value += weights.deadline_in_year
    age_limit = RETIREMENT_AGE.get(need["person__gender"])
    birth = need["person__birth_date"]
    if age_limit and birth and (end.year + 2) - birth.year >= age_limit:
        value *= weights.retiring_factor
    return round(value, 2)


def need_rows(plan):
    return list(plan_needs(plan).values(
        "pk", "reason", "waiting_since", "due_on", "person__code", "person__gender", "person__birth_date",
        "program__code",
    ).order_by("program__code", "person__code"))


def quarter_start(year, quarter):
    return datetime.date(year, 3 * (quarter - 1) + 1, 1)


def candidates(year, demand, options, programmes):
    """Candidate classes: `demand` {programme code: needs}, `programmes` {code: Program}. Dicts in the optimiser's
    file format plus the quarter."""
    rows = []
    for index, code in enumerate(sorted(demand)):
        programme = programmes[code]
        days = max(1, math.ceil((programme.duration_tiet or TIET_PER_DAY) / TIET_PER_DAY))
        length = (days - 1) // DAYS_PER_WEEK * 7 + (days - 1) % DAYS_PER_WEEK  # working days → calendar days
        copies = max(1, math.ceil(demand[code] / options.capacity))
        for quarter in (1, 2, 3, 4):
            start = quarter_start(year, quarter) + datetime.timedelta(weeks=index % 8)
            for copy in range(1, copies + 1):
                rows.append({
                    "id": f"{code}-Q{quarter}-{copy}", "programme": code, "quarter": quarter,
                    "capacity": options.capacity, "min_size": min(options.min_size, options.capacity),
                    "fixed_cost": options.fixed_cost + options.cost_per_tiet * (programme.duration_tiet or 0),
                    "cost_per_person": options.cost_per_person_day * days,
                    "start": start, "end": start + datetime.timedelta(days=length),
                })
    return rows


def check_can_run(plan, user):
    """The optimiser fills a draft plan: whoever may change it (the workflow's rules: OutOfScope, PermissionDenied),
    while it is a draft."""
    workflow.require_change(user, plan)
    if plan.status != Plan.Status.DRAFT:
        raise ValidationError(_("Chỉ đề xuất cho kế hoạch đang ở trạng thái dự thảo."))


def run(plan, options, progress=None):
    """Build the instance of `plan`, solve it and return the proposal (a JSON-ready dict)."""
    needs = need_rows(plan)
    demand = Counter(n["program__code"] for n in needs)
    programmes = {p.code: p for p in Program.objects.filter(code__in=list(demand))}
    classes = candidates(plan.year, demand, options, programmes)
    if progress:
        progress(_("Đã lập bài toán: %(needs)s nhu cầu, %(classes)s lớp dự kiến") % {
            "needs": len(needs), "classes": len(classes)})
    weights = {n["pk"]: weight_of(n, options.weights, plan.year) for n in needs}
    instance = instance_from_rows(
        [(n["person__code"], n["program__code"], weights[n["pk"]]) for n in needs],
        [{k: v for k, v in c.items() if k != "quarter"} for c in classes],
        int(options.budget), options.max_classes_per_person,
    )
    result = solve(instance, time_limit=options.time_limit)
    return {
        "plan": plan.pk,
        "year": plan.year,
        "options": options.to_dict(),
        "result": result.to_json(),
        "greedy_objective": result.greedy_objective,
        "classes": [{**c, "start": c["start"].isoformat(), "end": c["end"].isoformat()} for c in classes],
        "needs": [{"id": n["pk"], "person": n["person__code"], "programme": n["program__code"],
                   "reason": n["reason"], "weight": weights[n["pk"]]} for n in needs],
    }


# -- reading a proposal


@dataclass
class ProposedLine:
    programme: str
    quarter: int
    classes: int
    people: int
    cost: int
    start: datetime.date
    end: datetime.date
    learners: list = field(default_factory=list)  # person codes placed in the line's classes


def summary(proposal):
    """What the proposal page shows: lines (programme × quarter), totals, and the unmet needs counted by programme
    and why."""
    result = proposal["result"]
    by_id = {c["id"]: c for c in proposal["classes"]}
    size = Counter(p["class"] for p in result["placements"])
    members = defaultdict(list)
    for p in result["placements"]:
        members[p["class"]].append(p["person"])
    lines = {}
    for class_id in result["opened"]:
        c = by_id[class_id]
        key = (c["programme"], c["quarter"])
        line = lines.setdefault(key, ProposedLine(c["programme"], c["quarter"], 0, 0, 0,
                                                        datetime.date.fromisoformat(c["start"]),
                                                        datetime.date.fromisoformat(c["end"])))
        line.classes += 1
        line.people += size[class_id]
        line.learners.extend(members[class_id])
        line.cost += c["fixed_cost"] + c["cost_per_person"] * size[class_id]
    placed = {(p["person"], by_id[p["class"]]["programme"]) for p in result["placements"]}
    per_person = Counter(p["person"] for p in result["placements"])
    opened_programmes = {by_id[c]["programme"] for c in result["opened"]}
    offered = {c["programme"] for c in proposal["classes"]}
    limit = proposal["options"]["max_classes_per_person"]
    unmet = defaultdict(Counter)
    for need in proposal["needs"]:
        if (need["person"], need["programme"]) in placed:
            continue
        if need["programme"] not in offered:
            why = _("không có lớp dự kiến cho chương trình")
        elif per_person[need["person"]] >= limit:
            why = _("đã đủ số lớp tối đa một người")
        elif need["programme"] in opened_programmes:
            why = _("các lớp mở đã đủ chỗ hoặc trùng lịch; mở thêm lớp vượt kinh phí")
        else:
            why = _("không đủ kinh phí hoặc không đủ số học viên tối thiểu để mở lớp")
        unmet[need["programme"]][why] += 1
    return {
        "lines": sorted(lines.values(), key=lambda line: (line.programme, line.quarter)),
        "met": len(placed),
        "needs": len(proposal["needs"]),
        "unmet": {code: sorted(reasons.items(), key=lambda item: -item[1]) for code, reasons in sorted(unmet.items())},
    }


def accept(plan, user, proposal):
    """Add the proposal's lines to the draft `plan` (through the workflow, which checks the user and the status)
    and link each placed need to its line. Returns the lines created."""
    if proposal.get("plan") != plan.pk:
        raise ValidationError(_("Đề xuất này được lập cho kế hoạch khác."))
    check_can_run(plan, user)
    source = proposal["options"].get("source") or Funding.NSTINH
    by_id = {c["id"]: c for c in proposal["classes"]}
    programmes = {p.code: p for p in Program.objects.filter(code__in={c["programme"] for c in by_id.values()})}
    people_by_line = defaultdict(set)
    for p in proposal["result"]["placements"]:
        c = by_id[p["class"]]
        people_by_line[(c["programme"], c["quarter"])].add(p["person"])
    created = []
    with transaction.atomic():
        for line in summary(proposal)["lines"]:
            programme = programmes[line.programme]
            created_line = workflow.add_line(
                plan, user, costs={source: line.cost}, program=programme, people=line.people,
                classes=line.classes, form=Form.IN_PERSON, quarter=line.quarter,
                provider=programme.providers.order_by("pk").first(),
                target_group=_("Theo đề xuất tối ưu từ nhu cầu"),
            )
            created.append(created_line)
            codes = people_by_line[(line.programme, line.quarter)]
            for need in plan_needs(plan).filter(program=programme, person__code__in=codes, line__isnull=True):
                need.line = created_line
                need.save(update_fields=["line"])
    return created


def load(job):
    """The proposal a finished optimiser job wrote (its result file), or None."""
    if not job.result_file:
        return None
    with job.result_file.open("rb") as handle:
        return json.loads(handle.read().decode("utf-8"))

