"""The demo's annual training plans (docs/domain.md §13), built after its classes, through the plans services as an
officer would on the pages — a deterministic function of the province's seed and size and of `today`:

- this year's plan of the province: three departments draw up and submit their plans (one of them returned once for a
  correction), the province consolidates them with its own lines, approves the whole (a decision number) and carries
  it out. Its lines are those of the year's classes: the finished classes of a programme (and provider) make a line
  DONE, the classes still under way another; two lines of an ended quarter have no class (AT RISK: late), one line's
  classes cost more than its estimate (OVER BUDGET: class costs by item and source, written by the budget service), one
  class is opened from a line. The lines' estimates come from the classes' own figures; the budget assigned
  (`budget_cap`) stays above the total. A revision of the plan is being drafted (a line moved, one added);
- next year's draft plan of the province, built from the needs: the review's needs collected for the whole province,
  requests of the units (named people; one sent as the Excel upload would send it, one left in draft), the
  optimiser's proposal (recorded as the finished job the proposal page reads) accepted into the draft. The Sở Nội vụ
  has submitted its own plan for next year, waiting to be consolidated.

Before the first quarter has ended no line can be late: the two lines without a class then fall in a later quarter.
A province of more than MAX_PROPOSAL_NEEDS needs (about 50.000 staff) gets no proposal: its draft stays empty.
"""
import datetime
import io
import json
import random
from decimal import ROUND_CEILING, Decimal

import xlsxwriter
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from dtbd.core.models import Job
from dtbd.org.models import Unit
from dtbd.people.models import Person
from dtbd.people.queries import staff_placements
from dtbd.plans.importing import HEADERS, import_needs
from dtbd.plans.models import CostItem, Funding, Need, NeedRequest, Plan, PlanLine, Priority
from dtbd.plans.services import budget, needs, proposal, workflow
from dtbd.training.models import Program, Provider, TrainingClass
from dtbd.training.seed import PROGRAMS

from .classes import SCHOOL

Status = TrainingClass.Status
FINISHED = (Status.FINISHED, Status.CLOSED)
AUDIENCE = {p[0]: p[6] for p in PROGRAMS}
MILLION = Decimal(1_000_000)
CLASS_SIZE = 60  # the most learners a line of the demo plans for one class
# The departments that draw up a plan of their own this year (names of the demo's units, dtbd/demo/units.py).
DEPARTMENTS = ("Sở Tài chính", "Sở Y tế")
# Programmes planned this year that no class has been opened for (late when their quarter has ended).
NOT_OPENED = (("QLNN_CVCC", "HVHC", 1), ("LLCT_CC", "HVCTQG", 2))
# How a class's cost splits into items (shares in hundredths): at the provincial school, and elsewhere (tuition).
SPLIT_SCHOOL = ((CostItem.LECTURERS, 25), (CostItem.MATERIALS, 10), (CostItem.VENUE, 15), (CostItem.PER_DIEM, 40),
                (CostItem.OTHER, 10))
SPLIT_AWAY = ((CostItem.TUITION, 60), (CostItem.TRAVEL, 15), (CostItem.PER_DIEM, 25))
# The optimiser's time on next year's plan: short, the demo loads in seconds (docs/domain.md §13.5).
OPTIMISER_SECONDS = 3
# Above this many needs the proposal is left to the page: the optimiser's greedy start alone grows to tens of seconds
# (12.600 needs of 30.000 staff: about 5 s in all; 42.000 needs of 100.000 staff: over 30 s).
MAX_PROPOSAL_NEEDS = 20_000


def quarter_of(day):
    return (day.month - 1) // 3 + 1


def _round_up(amount, step=MILLION):
    return (Decimal(amount) / step).to_integral_value(rounding=ROUND_CEILING) * step


def _people(unit, date, count):
    """Ids of `count` staff of `unit`'s subtree on `date` (the lowest ids: deterministic)."""
    return list(staff_placements(unit, date).order_by("person_id").values_list("person_id", flat=True)
                .distinct()[:count])


class _Builder:
    def __init__(self, province, today, users):
        User = get_user_model()
        self.today = today
        self.year = today.year
        self.quarter = quarter_of(today)
        self.rng = random.Random(f"dtbd-demo-plans-{province.seed}-{province.staff}-{today.isoformat()}")
        self.staff = province.staff
        self.tinh = User.objects.get(pk=users["tinh"])
        self.donvi = User.objects.get(pk=users["donvi"])
        self.root = Unit.objects.get(pk=self.tinh.scope_unit_id)
        self.snv = Unit.objects.get(pk=self.donvi.scope_unit_id)
        self.departments = list(Unit.objects.filter(parent=self.root, name__in=DEPARTMENTS).order_by("name"))
        self.programmes = {p.code: p for p in Program.objects.all()}
        self.providers = {p.code: p for p in Provider.objects.all()}
        self.counts = {"year": self.year}

    # ------------------------------------------------------------------ this year

    def specs(self):
        """The lines of this year's plan: one per (programme, provider, source) for the classes finished, one for
        those under way, then the programmes planned with no class. Each: a dict of the line's fields, its costs and
        the classes it is to keep."""
        classes = (TrainingClass.objects.filter(starts_on__year=self.year).exclude(status=Status.CANCELLED)
                   .select_related("program", "provider").order_by("starts_on", "code"))
        groups = {}
        for c in classes:
            key = (c.program.code, c.provider.code, c.funding_source or Funding.NSTINH, c.status in FINISHED)
            groups.setdefault(key, []).append(c)
        specs = []
        for (programme, provider, source, done), members in sorted(groups.items(), key=lambda kv: (not kv[0][3], kv[0])):
            cost = _round_up(sum(c.cost_estimate or 0 for c in members) * Decimal("1.05"))
            specs.append({
                "program": self.programmes[programme], "provider": self.providers[provider],
                "quarter": quarter_of(members[0].starts_on), "people": sum(c.capacity for c in members),
                "classes": len(members), "costs": {source: cost}, "done": done, "linked": members,
                "target_group": AUDIENCE.get(programme, ""),
            })
        ended = [q for q in range(1, 5) if q < self.quarter]
        for i, (programme, provider, quarter) in enumerate(NOT_OPENED):
            people = max(5, self.staff // 300) if programme == "LLCT_CC" else max(10, self.staff // 100)
            tiet = self.programmes[programme].duration_tiet or 0
            quarter = quarter if quarter in ended else min(4, self.quarter + 1 + i)
            specs.append({
                "program": self.programmes[programme], "provider": self.providers[provider], "quarter": quarter,
                "people": people, "classes": -(-people // CLASS_SIZE),
                "costs": {Funding.NSTW: _round_up(people * tiet * 25_000)},
                "done": False, "linked": [], "target_group": AUDIENCE.get(programme, ""),
            })
        # One more line, of the quarter under way: the class for it is opened from the line (below).
        people = max(30, self.staff // 50)
        specs.append({
            "program": self.programmes["SO_AI_CB"], "provider": self.providers["DHNV_HN"], "quarter": self.quarter,
            "people": people, "classes": -(-people // CLASS_SIZE),
            "costs": {Funding.DON_VI: _round_up(people * 16 * 25_000)},
            "done": False, "linked": [], "open": True,
            "target_group": "Công chức, viên chức mới tuyển dụng",
        })
        return specs

    @staticmethod
    def _add(plan, user, spec, note=""):
        return workflow.add_line(
            plan, user, costs=spec["costs"], program=spec["program"], provider=spec["provider"],
            quarter=spec["quarter"], people=spec["people"], classes=spec["classes"], note=note,
            target_group=spec["target_group"][:255],
        )

    def this_year(self):
        year, tinh = self.year, self.tinh
        specs = self.specs()
        # Who draws up which lines: Sở Nội vụ (its officer, `donvi`), two other departments (the province manager
        # for them), the province itself.
        owners = [(self.snv, self.donvi)] + [(unit, tinh) for unit in self.departments] + [(self.root, tinh)]
        unit_plans = {}
        for unit, user in owners[:-1]:
            unit_plans[unit.pk] = workflow.create_plan(
                user, unit, year, f"Kế hoạch đào tạo, bồi dưỡng cán bộ, công chức, viên chức năm {year} — {unit.name}")
        province = workflow.create_plan(
            tinh, self.root, year, f"Kế hoạch đào tạo, bồi dưỡng cán bộ, công chức, viên chức tỉnh năm {year}",
            note="Tổng hợp từ kế hoạch của các sở, ban, ngành và các lớp do tỉnh tổ chức.")
        unit_lines = []  # (spec, the unit's line)
        own = []
        for i, spec in enumerate(specs):
            unit, user = owners[i % len(owners)]
            if unit.pk == self.root.pk:
                own.append(spec)
            else:
                unit_lines.append((spec, self._add(unit_plans[unit.pk], user, spec)))
        # Sở Nội vụ's plan is sent back once (the log shows why) and sent again.
        snv_plan = unit_plans[self.snv.pk]
        workflow.transition(snv_plan, Plan.Status.SUBMITTED, self.donvi)
        workflow.transition(snv_plan, Plan.Status.DRAFT, tinh,
                            "Đề nghị rà soát lại số người dự kiến theo kết quả rà soát tiêu chuẩn ngạch.")
        first = next(line for spec, line in unit_lines if line.plan_id == snv_plan.pk)
        workflow.edit_line(first, self.donvi, note="Đã rà soát lại theo ý kiến của Sở Nội vụ (cấp tỉnh).")
        workflow.comment(snv_plan, self.donvi, "Đã chỉnh sửa theo ý kiến, đề nghị tổng hợp.")
        for plan in unit_plans.values():
            workflow.transition(plan, Plan.Status.SUBMITTED, self.donvi if plan.pk == snv_plan.pk else tinh)
        workflow.consolidate(province, tinh)
        lines = []  # (spec, the province's line)
        for spec, unit_line in unit_lines:
            lines.append((spec, PlanLine.objects.get(plan=province, source_line=unit_line)))
        for spec in own:
            lines.append((spec, self._add(province, tinh, spec)))
        total = workflow.totals(province)["cost"]
        cap = _round_up(Decimal(total) * Decimal("1.12"), 100 * MILLION)
        workflow.update_plan(province, tinh, budget_cap=cap)
        workflow.transition(province, Plan.Status.SUBMITTED, tinh)
        approved_on = min(self.today, datetime.date(year, 1, 15))
        workflow.transition(province, Plan.Status.APPROVED, tinh, "Phê duyệt kèm theo dự toán kinh phí.",
                            decision_no=f"{self.rng.randint(100, 399)}/QĐ-UBND", approved_on=approved_on)
        workflow.transition(province, Plan.Status.IN_EXECUTION, tinh, "Triển khai thực hiện kế hoạch.")
        self.link_classes(lines)
        self.counts.update(plan_lines=len(lines), plan_cost=int(total), budget_cap=int(cap))
        self.revise(province, lines)
        return province

    def link_classes(self, lines):
        """The year's classes kept by their lines, their costs by item and source, one line over its estimate."""
        over = next((line for spec, line in lines if spec["done"] and spec["program"].code == "QLNN_CV"),
                    next((line for spec, line in lines if spec["done"]), None))
        for spec, line in lines:
            for c in spec["linked"]:
                workflow.link_class(line, c, self.tinh)
            if spec["done"]:
                planned = sum(spec["costs"].values())
                self.class_costs(spec, planned, over=line is over)
            if spec.get("open"):
                starts = self.today + datetime.timedelta(days=21)
                workflow.open_class_from_line(
                    line, self.tinh, code=f"KH{self.year}-SOAI-01", name=spec["program"].name,
                    capacity=-(-spec["people"] // spec["classes"]),
                    starts_on=starts, ends_on=starts + datetime.timedelta(days=1), place="Trực tuyến",
                    form=TrainingClass.Form.ONLINE)
        self.counts["over_budget_line"] = over.pk if over else None

    def class_costs(self, spec, planned, over):
        """Each finished class's costs by item (budget.save_class_costs): estimated as the class's figure, spent a
        little under; the line `over` spends 12 % above the line's estimate."""
        (source,) = spec["costs"]
        members = spec["linked"]
        split = SPLIT_SCHOOL if spec["provider"].code == SCHOOL else SPLIT_AWAY
        base = sum(Decimal(c.cost_estimate or 0) for c in members) or Decimal(1)
        for c in members:
            share = Decimal(c.cost_estimate or 0) / base
            if over:
                estimated, actual = planned * Decimal("0.97") * share, planned * Decimal("1.12") * share
            else:
                estimated = Decimal(c.cost_estimate or 0)
                actual = estimated * Decimal(str(round(0.88 + 0.1 * self.rng.random(), 3)))
            cells = {}
            for item, pct in split:
                cells[(item, source)] = (_round_up(estimated * pct / 100, 1000), _round_up(actual * pct / 100, 1000))
            budget.save_class_costs(c, cells)

    def revise(self, province, lines):
        """A revision in draft: a late line moved to the fourth quarter with more people, a line added."""
        revision = workflow.new_revision(province, self.tinh)
        late = [line for spec, line in lines if not spec["linked"] and not spec.get("open")]
        if late:
            moved = revision.lines.get(origin=late[0])
            workflow.edit_line(moved, self.tinh, quarter=4, people=moved.people + 5,
                               note="Chuyển sang quý IV do học viện chưa bố trí được lớp.")
        workflow.add_line(revision, self.tinh, costs={Funding.NSTW: _round_up(12 * 240 * 25_000)},
                          program=self.programmes["LDQL_SO"], provider=self.providers["HVHC"], quarter=4, people=12,
                          target_group=AUDIENCE["LDQL_SO"][:255], note="Bổ sung theo đề nghị của Ban Tổ chức.")
        workflow.comment(revision, self.tinh, "Dự thảo điều chỉnh, bổ sung kế hoạch quý IV.")

    # ------------------------------------------------------------------ next year

    def requests(self, year):
        """The units' requests for next year: Sở Nội vụ's (named people, one sent as the Excel upload), those of two
        departments (one still a draft)."""
        made = []
        snv_people = _people(self.snv, self.today, 6)
        req = NeedRequest(year=year, unit=self.snv, program=self.programmes["QLNN_CVC"], people_count=8,
                          priority=Priority.HIGH, quarter=2,
                          justification="Công chức dự thi nâng ngạch chuyên viên chính năm tới.")
        needs.save_request(self.donvi, req, Person.objects.filter(pk__in=snv_people[:3]))
        made.append(needs.submit_request(self.donvi, req))
        # The upload: the same template and code path as /nhap-lieu/ (plans.importing.import_needs).
        codes = list(Person.objects.filter(pk__in=snv_people[3:6]).order_by("code").values_list("code", flat=True))
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, HEADERS)
        sheet.write_row(1, 0, [year, self.snv.code, "SO_AI_CB", 25, "Cao", 1,
                               "Triển khai chuyển đổi số, ứng dụng AI trong xử lý văn bản.", ", ".join(codes)])
        book.close()
        buffer.seek(0)
        import_needs(buffer, user=self.donvi)
        made.append(NeedRequest.objects.get(year=year, unit=self.snv, program=self.programmes["SO_AI_CB"]))
        for i, unit in enumerate(self.departments):
            code = ("LDQL_PHONG", "QPAN_DT4")[i % 2]
            named = _people(unit, self.today, 2)
            req = NeedRequest(year=year, unit=unit, program=self.programmes[code], people_count=10 + 5 * i,
                              priority=Priority.NORMAL, quarter=3,
                              justification="Lãnh đạo cấp phòng mới bổ nhiệm, trong diện quy hoạch.")
            needs.save_request(self.tinh, req, Person.objects.filter(pk__in=named))
            if i == 0:
                needs.submit_request(self.tinh, req)
            made.append(req)
        return made

    def next_year(self, cap):
        year, tinh = self.year + 1, self.tinh
        made = self.requests(year)
        needs.collect_from_review(self.root, year, tinh, date=self.today)
        # Sở Nội vụ's own plan for next year, from its requests, submitted: the province has yet to consolidate it.
        snv_plan = workflow.create_plan(
            self.donvi, self.snv, year, f"Kế hoạch đào tạo, bồi dưỡng cán bộ, công chức, viên chức năm {year} — "
            f"{self.snv.name}")
        for req in made[:2]:
            tiet = req.program.duration_tiet or 8
            workflow.add_line(snv_plan, self.donvi, costs={Funding.DON_VI: _round_up(req.people_count * tiet * 25_000)},
                              program=req.program, provider=req.program.providers.order_by("pk").first(),
                              quarter=req.quarter or 2, people=req.people_count,
                              target_group=req.justification[:255])
        workflow.transition(snv_plan, Plan.Status.SUBMITTED, self.donvi)
        plan = workflow.create_plan(
            tinh, self.root, year, f"Kế hoạch đào tạo, bồi dưỡng cán bộ, công chức, viên chức tỉnh năm {year}",
            note="Dự thảo lập từ sổ nhu cầu và đề xuất tối ưu.", budget_cap=cap)
        accepted, met = [], 0
        count = proposal.plan_needs(plan).count()
        if count <= MAX_PROPOSAL_NEEDS:
            # A small province's needs fill smaller classes: the minimum class size follows the number of needs
            # (5 for a few dozen needs, the usual 20 from 400 needs on).
            options = proposal.Options(budget=int(cap), time_limit=OPTIMISER_SECONDS,
                                       min_size=min(20, max(5, count // 20)))
            result = proposal.run(plan, options)
            self.record_job(plan, result)
            accepted = proposal.accept(plan, tinh, result)
            met = len(result["result"]["placements"])
        self.counts.update(next_needs=Need.objects.filter(year=year).count(), next_requests=len(made),
                           next_lines=len(accepted), next_met=met)
        return plan

    def record_job(self, plan, result):
        """The finished optimiser job whose file the proposal page reads, as dtbd.plans.jobs.optimise_plan leaves it
        (the worker runs outside the loader's transaction: the record is written here)."""
        now = timezone.now()
        job = Job.objects.create(
            kind=Job.Kind.PLAN_OPTIMISE, created_by=self.tinh, title=f"Đề xuất kế hoạch: {plan}",
            parameters={"plan": plan.pk, "options": result["options"], "language": "vi"},
            status=Job.Status.DONE, attempts=1, started_at=now, finished_at=now, heartbeat=now,
            progress_done=1, progress_total=1,
            progress_message=f"Đề xuất mở {len(result['result']['opened'])} lớp, đáp ứng "
                             f"{len(result['result']['placements'])}/{len(result['needs'])} nhu cầu.",
        )
        name = f"de-xuat-ke-hoach-{plan.year}.json"
        job.result_file.save(name, ContentFile(json.dumps(result, ensure_ascii=False).encode("utf-8")), save=False)
        job.result_name, job.link = name, reverse("plans:proposal", args=[job.pk])
        job.save()

    def run(self):
        province = self.this_year()
        self.next_year(_round_up(province.budget_cap * Decimal("1.1"), 100 * MILLION))
        return self.counts


def build_plans(province, today, users):
    """This year's plan and next year's draft (module docstring); returns counts for the command's summary."""
    return _Builder(province, today, users).run()
