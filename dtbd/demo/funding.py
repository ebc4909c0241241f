"""The demo's annual assessments and funding records (docs/domain.md §14), built after its people and plans — a
deterministic function of the province's seed and size and of `today`:

- the annual ratings (§14.1) of the last three assessed years for the cán bộ, công chức and viên chức assessed in
  them: about 15 % HTXSNV, 60 % HTTNV, 22 % HTNV, 3 % KHTNV, some people not rated (more in the year under way);
- postgraduate dispatches (§14.2) of about 2,5 % of the staff (at most MAX_DISPATCHES), through funding.services as
  the dispatch pages do: some dispatched or studying (a few abroad), most graduated with their diploma and a service
  commitment in progress (one ending in the next months), one dropped out (its case opened at once), costs by item
  and source;
- a person of the Sở Nội vụ who leaves before the end of their commitment (§14.3), recorded through the staff
  register's leave service so that its hook opens the reimbursement case; the council's decision and a first payment
  follow through funding.services;
- two talent attraction policies (§14.4) aimed at health, information technology and urban management (no one
  attracted in urban management yet: a shortfall), about ten people attracted with the support paid by year
  (funding.talent);
- a scheme creating a source of cadres (§14.5) with its candidates, their training path, and three of them recruited
  into the register (funding.sources.recruit).
"""
import datetime
import random

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from dtbd.core.importing import db_now, insert_rows
from dtbd.core.models import Source
from dtbd.funding import services as funding
from dtbd.funding import sources, talent
from dtbd.funding.models import (
    Attraction,
    Candidate,
    CandidateStep,
    CostItem,
    DegreeLevel,
    Dispatch,
    DispatchCost,
    Funding,
    Level,
    Policy,
    Scheme,
)
from dtbd.org.models import Unit
from dtbd.people import services as people_services
from dtbd.people.assessments import assessed_people
from dtbd.people.catalog import Category, Gender
from dtbd.people.forms import default_assessment_year
from dtbd.people.models import AnnualAssessment, Ethnicity, Person, Rating
from dtbd.people.queries import staff_placements

MILLION = 1_000_000
BATCH = 2000
# The share of each rating among those rated (docs/domain.md §14.1), in hundredths.
RATINGS = ((Rating.HTXSNV, 15), (Rating.HTTNV, 60), (Rating.HTNV, 22), (Rating.KHTNV, 3))
GOOD = (Rating.HTXSNV, Rating.HTTNV)
YEARS = 3  # the assessed years written
DISPATCH_SHARE = 0.025  # of the staff: sent to a postgraduate course over the last years
# Each dispatch goes through the services (checks, diploma, commitment: about 40 ms on SQLite): a large province gets
# this many at most, so that `dtbd demo --staff 100000` stays within seconds.
MAX_DISPATCHES = 150
FIELDS = ("Quản lý công", "Luật", "Kinh tế", "Quản lý kinh tế", "Công nghệ thông tin", "Y tế công cộng",
          "Quản trị nhân lực", "Tài chính – Ngân hàng", "Chính sách công")
HOME = ("Học viện Hành chính và Quản trị công", "Trường Đại học Kinh tế Quốc dân", "Trường Đại học Luật Hà Nội",
        "Học viện Chính trị quốc gia Hồ Chí Minh", "Trường Đại học Nội vụ Hà Nội", "Trường Đại học Y Hà Nội")
ABROAD = (("Úc", "Đại học Quốc gia Úc"), ("Nhật Bản", "Viện Nghiên cứu chính sách quốc gia GRIPS"),
          ("Pháp", "Đại học Paris 1 Panthéon-Sorbonne"))


def add_months(date, months):
    return funding.add_months(date, months)


class _Builder:
    def __init__(self, province, today, users):
        User = get_user_model()
        self.today = today
        self.rng = random.Random(f"dtbd-demo-funding-{province.seed}-{province.staff}-{today.isoformat()}")
        self.staff = province.staff
        self.tinh = User.objects.get(pk=users["tinh"])
        self.donvi = User.objects.get(pk=users["donvi"])
        self.root = Unit.objects.get(pk=self.tinh.scope_unit_id)
        self.snv = Unit.objects.get(pk=self.donvi.scope_unit_id)
        self.counts = {}
        # The demo's named people (Nguyễn Văn An, the learner login) keep the situation the demo describes.
        named = {province.special["an"], province.special["hocvien"]}
        self.named = {p[1] for p in province.people if p[0] in named}
        self.last_year = default_assessment_year(today)
        self.forced = {}  # {(person id, year): rating}: the good years a dispatch needs before its decision

    # ------------------------------------------------------------------ people to draw from
    def pool(self, unit, categories=(Category.CC, Category.VC)):
        """Staff of `unit`'s subtree today young enough and long enough in service to be sent to study in the last
        five years (the conditions of §14.2), by id: deterministic."""
        ids = staff_placements(unit, self.today, categories).values("person_id")
        return list(Person.objects.filter(pk__in=ids).exclude(code__in=self.named)
                    .filter(birth_date__gte=add_months(self.today, -12 * 40),
                            recruited_on__lte=add_months(self.today, -12 * 9))
                    .order_by("pk").values_list("pk", flat=True))

    # ------------------------------------------------------------------ dispatches: the plan
    def plan_dispatches(self):
        """[(person id, spec)]: who is sent when, and how it ends. Planned before the ratings are written: the two
        years before each decision are rated good for its person."""
        count = min(MAX_DISPATCHES, max(8, round(self.staff * DISPATCH_SHARE)))
        snv = self.pool(self.snv)
        others = [pk for pk in self.pool(self.root) if pk not in set(snv)]
        self.rng.shuffle(others)
        chosen = snv[:4] + others[:count - min(4, len(snv))]
        t = self.today
        plans = []
        for i, pk in enumerate(chosen):
            spec = {"abroad": i % 12 == 5, "level": Level.TS if i % 9 == 4 else Level.THS}
            if i == 0:  # the leaver (Sở Nội vụ): graduated, leaves before the end of the commitment
                spec.update(kind="leaver", returned=add_months(t, -20), months=24)
            elif i == 1:  # the commitment ending in the next months: 18 months of study × 2 = 36 months
                spec.update(kind="graduated", returned=add_months(t, 2 - 36), months=18)
            elif i == 2:
                spec.update(kind="studying", starts=add_months(t, -10), months=24)
            elif i == 3:
                spec.update(kind="dropped", starts=add_months(t, -16), months=24, dropped=add_months(t, -3))
            elif i % 4 == 0:
                spec.update(kind="studying", starts=add_months(t, -self.rng.randint(2, 20)), months=24)
            elif i % 7 == 0:
                spec.update(kind="dispatched", starts=add_months(t, self.rng.randint(1, 4)), months=24)
            else:
                spec.update(kind="graduated", returned=add_months(t, -self.rng.randint(3, 30)),
                            months=self.rng.choice((18, 24, 24, 36)))
            if "returned" in spec:
                spec["starts"] = add_months(spec["returned"], -spec["months"])
            spec["decision"] = add_months(spec["starts"], -2)
            for year in (spec["decision"].year - 2, spec["decision"].year - 1):
                self.forced[(pk, year)] = self.rng.choice((Rating.HTTNV, Rating.HTTNV, Rating.HTXSNV))
            plans.append((pk, spec))
        return plans

    # ------------------------------------------------------------------ annual assessments
    def assessments(self):
        """The ratings of the last YEARS assessed years, in bulk: one row per person and year, for the people the grid
        assesses (people.assessments.assessed_people), dated from 1 October of the year to today. Written in
        bulk (core.importing.insert_rows, as the loader writes the people), bypassing record_assessments, which saves
        and audits row by row: the demo keeps its rules — one rating per person and year, a year not after the one
        being assessed, a date not before 1 October of the year — by construction, and leaves the audit log empty of
        its own creation like the rest of the demo."""
        rows = []
        weights = [w for _r, w in RATINGS]
        codes = [r for r, _w in RATINGS]
        done = set()
        # Before the merger of 1 July 2025 Hà Giang assessed its own staff: every top unit of the tree rates the
        # people it had in the year (the merged province's root ended on 30/06/2025).
        roots = list(Unit.objects.filter(parent__isnull=True).order_by("path"))
        for year in range(self.last_year - YEARS + 1, self.last_year + 1):
            current = year == self.today.year
            missing = 0.25 if current else 0.04
            first, last = datetime.date(year, 10, 1), min(datetime.date(year, 12, 28), self.today)
            assessed = set()
            for root in roots:
                assessed.update(assessed_people(root, year).values_list("pk", flat=True))
            for pk in sorted(assessed):
                rating = self.forced.get((pk, year))
                if rating is None:
                    if self.rng.random() < missing:
                        continue
                    rating = self.rng.choices(codes, weights)[0]
                rows.append(self._rating(pk, year, rating, first, last))
                done.add((pk, year))
        # The earlier good years a dispatch needs (before the three written for everyone).
        for (pk, year), rating in sorted(self.forced.items()):
            if (pk, year) not in done:
                rows.append(self._rating(pk, year, rating, datetime.date(year, 10, 1), datetime.date(year, 12, 28)))
        insert_rows(AnnualAssessment, ("person", "year", "rating", "assessed_on"), rows, BATCH,
                    constants={"assessed_by": "Thủ trưởng cơ quan, đơn vị", "source": Source.ENTERED,
                               "created_at": db_now()})
        self.counts["assessments"] = len(rows)

    def _rating(self, pk, year, rating, first, last):
        day = first + datetime.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))
        return pk, year, rating, day

    # ------------------------------------------------------------------ dispatches: through the services
    def dispatches(self, plans):
        made = {}
        people = Person.objects.in_bulk([pk for pk, _spec in plans])
        for n, (pk, spec) in enumerate(plans, start=1):
            person = people[pk]
            if spec["abroad"]:
                country, institution = ABROAD[n % len(ABROAD)]
            else:
                country, institution = "Việt Nam", HOME[n % len(HOME)]
            field = FIELDS[n % len(FIELDS)]
            dispatch = Dispatch(
                person=person, level=spec["level"], field=field, institution=institution, abroad=spec["abroad"],
                country=country, decision_no=f"{100 + n}/QĐ-UBND", decision_date=spec["decision"],
                signer="Chủ tịch UBND tỉnh", starts_on=spec["starts"],
                planned_end=add_months(spec["starts"], spec["months"]), field_matches_position=True)
            try:
                funding.create_dispatch(dispatch, self.tinh)
            except ValidationError:  # a category or condition the pool's filter does not see: not sent
                continue
            self.costs(dispatch, spec)
            kind = spec["kind"]
            if kind != "dispatched":
                funding.start_studying(dispatch)
            if kind in ("graduated", "leaver"):
                funding.record_graduation(dispatch, spec["returned"], certificate_no=f"VB{dispatch.pk:06d}")
            elif kind == "dropped":
                funding.record_end_without_diploma(dispatch, Dispatch.Status.DROPPED_OUT, spec["dropped"])
            made[kind] = made.get(kind, []) + [dispatch]
        self.counts["dispatches"] = sum(len(v) for v in made.values())
        self.counts["abroad"] = Dispatch.objects.filter(abroad=True).count()
        return made

    def costs(self, dispatch, spec):
        """What was paid by item and source (the cost rows of the dispatch page, one per item and source)."""
        years = max(1, spec["months"] // 12)
        rows = []
        if dispatch.abroad:
            rows += [(CostItem.TUITION, Funding.TAI_TRO, 600 * MILLION * years),
                     (CostItem.LIVING, Funding.NSTINH, 240 * MILLION * years),
                     (CostItem.TRAVEL, Funding.NSTINH, 45 * MILLION)]
        else:
            tuition = (45 if dispatch.level == Level.THS else 90) * MILLION * years
            rows += [(CostItem.TUITION, Funding.NSTINH, tuition // 2),
                     (CostItem.TUITION, Funding.CA_NHAN, tuition // 2),
                     (CostItem.TRAVEL, Funding.DON_VI, self.rng.choice((6, 8, 12)) * MILLION)]
            if spec["kind"] in ("graduated", "leaver"):
                rows.append((CostItem.THESIS, Funding.DON_VI, 10 * MILLION))
        DispatchCost.objects.bulk_create([DispatchCost(dispatch=dispatch, item=item, source=source, amount=amount)
                                          for item, source, amount in rows])

    def leaver(self, made):
        """The Sở Nội vụ graduate leaves (the staff register's leave service: its hook opens the case); the council
        decides the formula's amount, a first payment follows."""
        leaver = next(iter(made.get("leaver", [])), None)
        if leaver is None:
            return
        left_on = add_months(self.today, -4)
        people_services.record_leave(leaver.person, left_on, "RESIGNED")
        case = leaver.reimbursement
        case = funding.decide_case(case, case=case.case, decision_no="12/QĐ-HĐ",
                                   decision_date=add_months(self.today, -2))
        funding.add_payment(case, add_months(self.today, -1), (case.amount_due * 4 // 10) // 1000 * 1000,
                            note="Nộp lần 1")
        self.counts["left"] = 1

    # ------------------------------------------------------------------ talent attraction
    def talent(self):
        year = self.today.year
        old = talent.save_policy(Policy(
            name="Chính sách thu hút, trọng dụng người có trình độ cao giai đoạn 2021 – 2025",
            legal_basis="Nghị quyết của HĐND tỉnh về chính sách thu hút, trọng dụng nhân tài (theo Nghị định "
                        "140/2017/NĐ-CP); Quyết định của UBND tỉnh hướng dẫn thực hiện",
            valid_from=datetime.date(year - 5, 1, 1), valid_to=datetime.date(year - 1, 12, 31),
            budget=20_000 * MILLION, target_fields="Y tế\nCông nghệ thông tin\nQuản lý đô thị"), self.tinh)
        new = talent.save_policy(Policy(
            name=f"Chính sách thu hút nhân tài vào cơ quan, đơn vị của tỉnh từ năm {year}",
            legal_basis="Nghị quyết của HĐND tỉnh về chính sách thu hút nhân tài (theo Nghị định 140/2017/NĐ-CP)",
            valid_from=datetime.date(year, 1, 1), budget=15_000 * MILLION,
            target_fields="Y tế\nCông nghệ thông tin\nQuản lý đô thị\nChuyển đổi số"), self.tinh)
        for policy, grant in ((old, 150), (new, 200)):
            talent.add_item(policy, self.tinh, "Hỗ trợ một lần khi tiếp nhận", amount=grant * MILLION)
            talent.add_item(policy, self.tinh, "Hỗ trợ thuê nhà ở (mỗi năm)", amount=36 * MILLION)
            talent.add_item(policy, self.tinh, "Bố trí việc làm cho vợ hoặc chồng",
                            description="Ưu tiên xét tuyển vào cơ quan, đơn vị phù hợp chuyên môn")
        health = Unit.objects.filter(parent=self.root, name="Sở Y tế").first() or self.root
        # (unit, field, level, policy): urban management has no one (a shortfall of both policies).
        wanted = [(health, "Y tế", DegreeLevel.CK2, old), (health, "Y tế", DegreeLevel.CK1, old),
                  (health, "Y tế", DegreeLevel.THS, old), (health, "Y tế", DegreeLevel.TS, new),
                  (health, "Y tế", DegreeLevel.CK1, new),
                  (self.snv, "Công nghệ thông tin", DegreeLevel.THS, old),
                  (self.snv, "Công nghệ thông tin", DegreeLevel.DH, new),
                  (self.root, "Công nghệ thông tin", DegreeLevel.THS, old),
                  (self.root, "Công nghệ thông tin", DegreeLevel.DH, new),
                  (self.root, "Chuyển đổi số", DegreeLevel.THS, new)]
        taken = set(Dispatch.objects.values_list("person_id", flat=True))
        taken |= set(Person.objects.filter(code__in=self.named).values_list("pk", flat=True))
        count = 0
        for i, (unit, field, level, policy) in enumerate(wanted):
            ids = staff_placements(unit, self.today).exclude(person_id__in=taken).order_by("-person__birth_date",
                                                                                          "person_id")
            placement = ids.values("person_id", "unit_id").first()
            if placement is None:
                continue
            taken.add(placement["person_id"])
            end = policy.valid_to or self.today
            decision = policy.valid_from + datetime.timedelta(days=(end - policy.valid_from).days * (i % 5 + 1) // 6)
            attraction = talent.save_attraction(Attraction(
                policy=policy, person_id=placement["person_id"], field=field, level=level,
                institution="Trường Đại học Y Hà Nội" if field == "Y tế" else "Trường Đại học Bách khoa Hà Nội",
                unit_id=placement["unit_id"], decision_no=f"{300 + i}/QĐ-UBND", decision_date=decision,
                commitment_months=60), self.tinh)
            grant = 150 if policy == old else 200
            talent.add_payment(attraction, self.tinh, decision.year, "Hỗ trợ một lần khi tiếp nhận", grant * MILLION)
            for paid in range(decision.year, self.today.year + 1):
                talent.add_payment(attraction, self.tinh, paid, "Hỗ trợ thuê nhà ở", 36 * MILLION)
            count += 1
        self.counts["attracted"] = count

    # ------------------------------------------------------------------ source cadres
    def sources(self):
        year = self.today.year
        scheme = sources.save_scheme(Scheme(
            name="Đề án tạo nguồn cán bộ từ sinh viên tốt nghiệp xuất sắc, cán bộ khoa học trẻ",
            decision="Quyết định của UBND tỉnh phê duyệt Đề án (theo Nghị định 140/2017/NĐ-CP)",
            valid_from=datetime.date(year - 2, 1, 1), valid_to=datetime.date(year + 3, 12, 31), target=20), self.tinh)
        kinh = Ethnicity.objects.filter(name="Kinh").first() or Ethnicity.objects.order_by("pk").first()
        people = [
            ("Nguyễn Minh Khôi", Gender.NAM, "Trường Đại học Kinh tế Quốc dân", "Kinh tế phát triển",
             Candidate.Selection.EXCELLENT_GRADUATE),
            ("Trần Thu Hà", Gender.NU, "Trường Đại học Luật Hà Nội", "Luật", Candidate.Selection.EXCELLENT_GRADUATE),
            ("Lê Quang Huy", Gender.NAM, "Trường Đại học Bách khoa Hà Nội", "Công nghệ thông tin",
             Candidate.Selection.YOUNG_SCIENTIST),
            ("Phạm Ngọc Ánh", Gender.NU, "Học viện Hành chính và Quản trị công", "Quản lý nhà nước",
             Candidate.Selection.EXCELLENT_GRADUATE),
            ("Hoàng Văn Long", Gender.NAM, "Tỉnh đoàn", "Công tác thanh niên", Candidate.Selection.YOUTH_CADRE),
            ("Đỗ Thị Mai", Gender.NU, "Trường Đại học Y Hà Nội", "Y tế công cộng", Candidate.Selection.YOUNG_SCIENTIST),
            ("Vũ Đức Thắng", Gender.NAM, "UBND xã", "Quản lý đất đai", Candidate.Selection.YOUTH_CADRE),
            ("Ngô Phương Linh", Gender.NU, "Trường Đại học Nội vụ Hà Nội", "Quản trị nhân lực",
             Candidate.Selection.EXCELLENT_GRADUATE),
        ]
        selected = datetime.date(year - 1, 8, 15)
        candidates = []
        for i, (name, gender, organisation, field, selection) in enumerate(people):
            unit = self.snv if i % 2 == 0 else self.root
            birth = datetime.date(year - 24 - i % 4, 1 + i, 10 + i)
            candidate = sources.save_candidate(Candidate(
                scheme=scheme, unit=unit, full_name=name, birth_date=birth, citizen_id=self.citizen_id(birth, gender),
                gender=gender, ethnicity=kinh, organisation=organisation, field=field, selection=selection,
                selection_note="Tốt nghiệp loại xuất sắc" if selection == Candidate.Selection.EXCELLENT_GRADUATE
                else "", selected_on=selected), self.tinh, today=self.today)
            sources.add_step(CandidateStep(candidate=candidate, title="Bồi dưỡng kiến thức quản lý nhà nước",
                                           provider="Trường Chính trị tỉnh", starts_on=datetime.date(year - 1, 10, 1),
                                           ends_on=datetime.date(year - 1, 12, 20), result="Đạt"), self.tinh)
            sources.add_step(CandidateStep(candidate=candidate, title="Thực tập tại cơ quan dự kiến tiếp nhận",
                                           provider=unit.name, starts_on=datetime.date(year, 2, 1),
                                           ends_on=min(datetime.date(year, 7, 31), self.today),
                                           result="Hoàn thành" if i < 5 else ""), self.tinh)
            candidates.append(candidate)
        recruited_on = min(datetime.date(year, 8, 1), self.today)
        for n, candidate in enumerate(candidates[:3], start=1):
            sources.recruit(candidate, self.tinh, unit=candidate.unit, on_date=recruited_on, category=Category.CC,
                            code=f"TQN{year}{n:03d}", job_position="Chuyên viên")
        self.counts["candidates"] = len(candidates)
        self.counts["recruited"] = 3

    def citizen_id(self, birth, gender):
        """A citizen id of Tuyên Quang (008) fitting the birth date and gender, not yet in the register."""
        head = f"008{(0 if birth.year < 2000 else 2) + (gender == Gender.NU)}{birth.year % 100:02d}"
        while True:
            cid = f"{head}{self.rng.randint(0, 999999):06d}"
            if not Person.objects.filter(citizen_id=cid).exists():
                return cid

    def run(self):
        plans = self.plan_dispatches()
        self.assessments()
        made = self.dispatches(plans)
        self.leaver(made)
        self.talent()
        self.sources()
        return self.counts


def build_funding(province, today, users):
    """The ratings and the funding records (module docstring); returns counts for the command's summary."""
    return _Builder(province, today, users).run()
