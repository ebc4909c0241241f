"""The demo's classes as plain data: a deterministic function of (province, today), with no database access.

Classes of the previous and the current year around `today` in every status — planned, open for registration (the
window includes today), running, finished with results submitted, closed, cancelled, and one finished class waiting
for its results — of the seeded programmes (dtbd.training.seed) and providers. The provincial school of politics
(provider TCT_TINH, linked by the loader to the demo's TRUONG unit, the `truong` login's scope) runs most of them.
Each class has its sessions (tiết, topic, lecturer), its assessments and enrolments in states that fit its status;
finished classes have attendance, submitted results and, for those who completed, a certificate
(PROVIDER-YEAR-NNNNN) and the qualification it puts on the staff record (source CLASS, the class's tiết), as
dtbd.training.certificates.issue() does. `seats_taken` = ENROLLED + COMPLETED + FAILED, never above capacity.

Everything is computed from `today` and the province's seed, so a (seed, staff, today) always gives the same classes.
People are referred to by their local id, programmes and providers by code, users by demo login name.
"""
import datetime
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from dtbd.training.seed import AUDIENCE, PROGRAMS, PROVIDERS

from .generator import after_reorganisation

SCHOOL = "TCT_TINH"  # the seeded provider that the loader links to the demo's TRUONG unit
UTC = datetime.timezone.utc
TWO = Decimal("0.01")
GRADES = ((Decimal(9), "XS"), (Decimal(8), "GIOI"), (Decimal("6.5"), "KHA"), (Decimal(5), "TB"))

PROGRAM = {code: dict(name=name, category=cat, kind=kind, tiet=tiet, grants=grants, providers=provs)
           for code, name, cat, kind, tiet, grants, _aud, _val, provs in PROGRAMS}
VALIDITY = {code: val for code, _n, _c, _k, _t, _g, _a, val, _p in PROGRAMS}
PROVIDER_NAME = {code: name for code, name, _kind in PROVIDERS}

TOPICS = {
    "QLNN": ["Nhà nước và pháp luật", "Tổ chức bộ máy hành chính nhà nước", "Công vụ, công chức",
             "Quản lý nhà nước đối với ngành, lĩnh vực", "Thủ tục hành chính và cải cách hành chính",
             "Kỹ năng soạn thảo văn bản", "Kỹ năng giao tiếp, ứng xử trong công vụ", "Chuyển đổi số trong cơ quan nhà nước",
             "Đạo đức công vụ", "Tìm hiểu thực tế"],
    "LDQL": ["Lãnh đạo, quản lý trong khu vực công", "Kỹ năng ra quyết định", "Quản lý sự thay đổi",
             "Kỹ năng điều hành cuộc họp", "Đánh giá, sử dụng cán bộ", "Xử lý tình huống trong lãnh đạo, quản lý",
             "Kỹ năng tạo động lực cho công chức"],
    "QPAN": ["Quan điểm của Đảng về quốc phòng, an ninh", "Xây dựng nền quốc phòng toàn dân", "Bảo vệ chủ quyền biển, đảo",
             "Phòng, chống diễn biến hoà bình", "Bảo đảm an ninh chính trị, trật tự an toàn xã hội"],
    "SO_AI": ["Kỹ năng số cơ bản trong công vụ", "Ứng dụng trí tuệ nhân tạo tạo sinh", "An toàn thông tin cá nhân",
              "Khai thác cơ sở dữ liệu dùng chung"],
    "LLCT": ["Triết học Mác - Lênin", "Kinh tế chính trị Mác - Lênin", "Chủ nghĩa xã hội khoa học",
             "Tư tưởng Hồ Chí Minh", "Lịch sử Đảng Cộng sản Việt Nam"],
}
LECTURERS = ["TS. Nguyễn Thị Thu Hà", "ThS. Trần Văn Hùng", "TS. Lê Minh Đức", "ThS. Hoàng Thị Lan", "PGS.TS. Phạm Văn Tuấn",
             "ThS. Ma Văn Sơn", "TS. Đỗ Thị Hương", "ThS. Nông Văn Thành", "Đại tá Vũ Văn Long", "ThS. Bùi Thị Mai"]
LECTURER_INSTITUTION = "Trường Chính trị tỉnh Tuyên Quang"  # where the demo's invited lecturers work (the register)
ASSESSMENTS = {
    "QLNN": [("Kiểm tra học phần 1", "TEST"), ("Kiểm tra học phần 2", "TEST"), ("Tiểu luận cuối khoá", "ESSAY")],
    "LDQL": [("Kiểm tra kiến thức", "TEST"), ("Bài thu hoạch", "ESSAY")],
    "QPAN": [("Bài thi cuối khoá", "FINAL")],
    "SO_AI": [("Bài thực hành", "PRACTICE")],
    "LLCT": [],
}
PLACES = {"TCT_TINH": "Trường Chính trị tỉnh Tuyên Quang", "HVHC": "Học viện Hành chính và Quản trị công, Hà Nội",
          "DHNV_HN": "Trực tuyến", "HVQP": "Học viện Quốc phòng, Hà Nội", "HVCTQG": "Hà Nội", "HVCT_KV1": "Hà Nội"}
REJECT_REASONS = ["Không thuộc đối tượng của chương trình.", "Đơn vị không bố trí được người thay thế trong thời gian học.",
                  "Đã đăng ký lớp khác cùng thời gian."]
WITHDRAW_REASONS = ["Ốm đau, có xác nhận của cơ sở y tế.", "Được cử đi công tác đột xuất.", "Nghỉ thai sản."]


@dataclass
class Classes:
    today: datetime.date
    classes: list = field(default_factory=list)
    # (cid, code, name, program, provider, form, place, capacity, min_size, reg_opens, reg_closes, starts, ends,
    #  cost, funding, status, min_attendance_pct, submitted_at, submitted_by)
    sessions: list = field(default_factory=list)  # (sid, cid, date, start, end, tiet, topic, lecturer)
    assessments: list = field(default_factory=list)  # (aid, cid, name, kind, order)
    enrollments: list = field(default_factory=list)
    # (eid, cid, person, source, state, reason, requested_at, requested_by, decided_at, decided_by, completed_on)
    attendance: list = field(default_factory=list)  # (sid, eid, status)
    results: list = field(default_factory=list)  # (eid, final_score, grade, attendance_pct, completed, submitted_at, by)
    scores: list = field(default_factory=list)  # (eid, aid, value)
    certificates: list = field(default_factory=list)  # (eid, provider, year, serial, number, issued_on)
    qualifications: list = field(default_factory=list)
    # (eid, person, type, level, major, issuer, issued_on, valid_until, number, hours)
    notices: list = field(default_factory=list)  # (username, kind, title, body, url name + args, created_at, read)
    seats: dict = field(default_factory=dict)  # cid -> seats_taken

    def split(self, day):
        """(classes starting before `day`, the others), each with its own rows; a notice goes with the class it links
        to, else by its date. The loader writes the first before the reorganisations of `day`, the second after."""
        first = {r[0] for r in self.classes if r[11] < day}
        at = _at(day, 0)
        halves = []
        for keep in (True, False):
            cids = {r[0] for r in self.classes if (r[0] in first) == keep}
            eids = {r[0] for r in self.enrollments if r[1] in cids}
            sids = {r[0] for r in self.sessions if r[1] in cids}
            halves.append(Classes(
                today=self.today,
                classes=[r for r in self.classes if r[0] in cids],
                sessions=[r for r in self.sessions if r[0] in sids],
                assessments=[r for r in self.assessments if r[1] in cids],
                enrollments=[r for r in self.enrollments if r[0] in eids],
                attendance=[r for r in self.attendance if r[0] in sids],
                results=[r for r in self.results if r[0] in eids],
                scores=[r for r in self.scores if r[0] in eids],
                certificates=[r for r in self.certificates if r[0] in eids],
                qualifications=[r for r in self.qualifications if r[0] in eids],
                notices=[r for r in self.notices
                         if (r[4][1] in cids if len(r[4]) > 1 else (r[5] < at) == keep)],
                seats={cid: n for cid, n in self.seats.items() if cid in cids},
            ))
        return tuple(halves)


def _weekdays(start, count):
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _back_weekdays(end, count):
    """`count` weekdays ending on or before `end` (oldest first)."""
    days, day = [], end
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= datetime.timedelta(days=1)
    return days[::-1]


def _at(day, hour, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _grade(score, completed):
    if not completed:
        return "KD"
    if score is None:
        return ""
    for floor, grade in GRADES:
        if score >= floor:
            return grade
    return "KD"


def generate_classes(province, today):
    return _Builder(province, today).run()


class _Builder:
    def __init__(self, province, today):
        self.p, self.today = province, today
        self.rng = random.Random(f"dtbd-demo-classes-{province.seed}-{province.staff}-{today.isoformat()}")
        self.c = Classes(today=today)
        self.sid = self.aid = self.eid = 0
        self.serials = {}
        self.busy = set()  # (programme, person) already placed: one class of a programme per person

    # ------------------------------------------------------------------ people pools

    def pools(self):
        p = self.p
        active = {r[0] for r in p.people if r[12] is None}
        category = {r[0]: r[1] for r in p.category_assignments if r[3] is None}
        levels = {}
        for r in p.post_assignments:
            if r[5] is None:
                levels.setdefault(r[0], set()).add(r[2])
        for r in p.planned_posts:
            levels.setdefault(r[0], set()).add(r[1])
        held = {}
        for q in p.qualifications:
            held.setdefault(q[0], set()).add((q[1], q[2]))
        self.unit_of = {r[0]: r[1] for r in after_reorganisation(p) if r[3] is None}
        dept = {u.id: u.dept for u in p.units}
        snv = next(u.id for u in p.units if u.code == p.special["donvi"])
        self.snv_people = sorted(pid for pid in active if dept.get(self.unit_of.get(pid)) == snv)
        self.snv_set = set(self.snv_people)
        self.hocvien = p.special["hocvien"]
        self.anyone = [pid for pid in sorted(active) if pid != self.hocvien and category.get(pid) != "HD"]
        self.rng.shuffle(self.anyone)
        self.any_pos = {}
        pools = {}
        for code, (cats, posts) in AUDIENCE.items():
            cats, posts = set(cats.split(",")) - {""}, set(posts.split(",")) - {""}
            grants = PROGRAM[code]["grants"]
            pool = [pid for pid in sorted(active)
                    if pid != self.hocvien
                    and (not cats or category.get(pid) in cats)
                    and (not posts or levels.get(pid, set()) & posts)
                    and not (grants and tuple(grants) in held.get(pid, set()))]
            self.rng.shuffle(pool)
            pools[code] = pool
        self.pool = pools

    def take(self, program, n, least=8):
        """Up to `n` people of the programme's audience not yet in one of its classes. A small province runs out of
        leaders: at least `least` (or `n`) are then taken among all staff (the nomination page would warn)."""
        pool = self.pool[program]
        chosen = []
        while len(chosen) < n and pool:
            pid = pool.pop()
            if (program, pid) not in self.busy:
                self.busy.add((program, pid))
                chosen.append(pid)
        pos = self.any_pos.get(program, 0)
        while len(chosen) < min(n, least) and pos < len(self.anyone):
            pid = self.anyone[pos]
            pos += 1
            if (program, pid) not in self.busy:
                self.busy.add((program, pid))
                chosen.append(pid)
        self.any_pos[program] = pos
        return chosen

    # ------------------------------------------------------------------ plan

    def run(self):
        self.pools()
        t, rng = self.today, self.rng
        staff = self.p.staff
        copies = max(1, min(60, round(staff / 1500)))
        year = t.year
        jan1, prev_jan = datetime.date(year, 1, 1), datetime.date(year - 1, 1, 15)
        slots = []  # (program, status, end or start)
        for k in range(copies):
            # Leaders' programmes have a small audience: one class a year for every three copies.
            past_programs = ["QLNN_CV", "SO_AI_CB", "LDQL_PHONG", "QPAN_DT4", "QLNN_CVC", "QLNN_CV"]
            if k % 3 == 0:
                past_programs[3:3] = ["LDQL_SO", "QPAN_DT3"]
            # Previous year: closed classes spread over the year.
            for i, program in enumerate(past_programs):
                end = prev_jan + datetime.timedelta(days=int((i + 0.5 + rng.random() * 0.5) * 330 / len(past_programs)))
                slots.append((program, "CLOSED", end))
            # Current year: finished between 1 January (or 10 months ago) and a week ago; the latest two FINISHED.
            lo = max(jan1 + datetime.timedelta(days=40), t - datetime.timedelta(days=320))
            hi = t - datetime.timedelta(days=8)
            span = max((hi - lo).days, 0)
            for i, program in enumerate(past_programs):
                end = lo + datetime.timedelta(days=int(span * (i + rng.random() * 0.8) / len(past_programs)))
                slots.append((program, "FINISHED" if i >= len(past_programs) - 2 else "CLOSED", min(end, hi)))
            slots.append(("QLNN_CV", "RUNNING", None))
            slots.append(("SO_AI_CB", "OPEN", None))
            slots.append(("QLNN_CV", "OPEN", None))
            if k == 0:
                slots.append(("QPAN_DT4", "AWAITING", t - datetime.timedelta(days=3)))  # finished, results not in
                slots.append(("SO_AI_CB", "RUNNING", None))
                slots.append(("LDQL_PHONG", "OPEN", None))
                slots.append(("QLNN_CVC", "PLANNED", None))
                slots.append(("LLCT_TC", "PLANNED", None))
                slots.append(("SO_AI_CB", "CANCELLED", t - datetime.timedelta(days=200)))
                slots.append(("QLNN_CV", "CANCELLED", datetime.date(year - 1, 11, 20)))
        # The learner: a completed class (certificate), an enrolled running class and an upcoming one; OPEN classes
        # exist that they are not in.
        finished_ai = [i for i, s in enumerate(slots) if s[0] == "SO_AI_CB" and s[1] in ("CLOSED", "FINISHED")]
        self.for_hocvien = {
            max(finished_ai, key=lambda i: slots[i][2]): "done",
            next(i for i, s in enumerate(slots) if s[0] == "QLNN_CV" and s[1] == "RUNNING"): "running",
            next(i for i, s in enumerate(slots) if s[0] == "QLNN_CVC" and s[1] == "PLANNED"): "upcoming",
        }
        seq = {}
        for index, (program, status, when) in enumerate(slots):
            providers = PROGRAM[program]["providers"]
            provider = SCHOOL if SCHOOL in providers and (program != "QLNN_CV" or index % 3) else providers[index % len(providers)]
            self.make_class(index, program, provider, status, when, seq)
        self.make_notices()
        return self.c

    def make_class(self, index, program, provider, status, when, seq):
        t, rng, prog = self.today, self.rng, PROGRAM[program]
        category = prog["category"]
        tiet = prog["tiet"]
        n_sessions = 0 if program == "LLCT_TC" else max(2, tiet // 8)
        # Dates.
        if status in ("CLOSED", "FINISHED", "AWAITING"):
            days = _back_weekdays(when, n_sessions)
            starts, ends = days[0], days[-1]
        elif status == "CANCELLED":
            days = []
            starts = when
            ends = _weekdays(when, max(1, n_sessions))[-1]
        elif status == "RUNNING":
            before = max(1, min(n_sessions - 1, n_sessions * 2 // 3 if n_sessions > 3 else 1))
            first = _back_weekdays(t - datetime.timedelta(days=1), before)[0]
            days = _weekdays(first, n_sessions)
            if days[-1] < t:
                days = _weekdays(first, n_sessions + 1)[1:]
            starts, ends = days[0], days[-1]
        elif status == "OPEN":
            starts = t + datetime.timedelta(days=rng.randint(18, 40))
            days = _weekdays(starts, n_sessions)
            starts, ends = days[0], days[-1]
        else:  # PLANNED
            starts = t + datetime.timedelta(days=rng.randint(45, 80))
            days = _weekdays(starts, n_sessions) if n_sessions else []
            ends = days[-1] if days else starts + datetime.timedelta(days=180)
        if status == "OPEN":
            reg_opens, reg_closes = t - datetime.timedelta(days=rng.randint(3, 15)), starts - datetime.timedelta(days=7)
        elif status == "PLANNED":
            reg_opens, reg_closes = starts - datetime.timedelta(days=35), starts - datetime.timedelta(days=7)
        else:
            reg_opens, reg_closes = starts - datetime.timedelta(days=40), starts - datetime.timedelta(days=10)
        year = starts.year
        seq[(program, year)] = seq.get((program, year), 0) + 1
        number = seq[(program, year)]
        code = f"{program}-{year}-{number:02d}"
        name = f"Lớp {prog['name'][0].lower()}{prog['name'][1:]} khoá {number:02d}/{year}"
        capacity = {"SO_AI": 60, "QPAN": 45, "LDQL": 35, "LLCT": 60}.get(category, 45)
        capacity = rng.choice([capacity - 10, capacity, capacity + 5])
        form = "ONLINE" if provider == "DHNV_HN" else "IN_PERSON" if rng.random() < 0.85 else "BLENDED"
        db_status = {"AWAITING": "FINISHED"}.get(status, status)
        min_pct = 100 if category == "SO_AI" else 80
        cid = len(self.c.classes) + 1
        submitted = None
        by = "truong" if provider == SCHOOL else "tinh"
        if status in ("CLOSED", "FINISHED"):
            submitted = (_at(ends + datetime.timedelta(days=2), 9, 30), by)
        cost = Decimal(capacity * tiet * 25_000).quantize(Decimal(1000))
        funding = "NSTINH" if provider == SCHOOL else "NSTW" if provider in ("HVHC", "HVQP") else "DON_VI"
        self.c.classes.append([cid, code, name, program, provider, form, PLACES.get(provider, ""), capacity,
                               10 if category != "SO_AI" else None, reg_opens, reg_closes, starts, ends, cost, funding,
                               db_status, min_pct, submitted[0] if submitted else None, submitted[1] if submitted else None])
        # Sessions and assessments.
        topics = TOPICS[category]
        lecturers = LECTURERS[index % 4:] + LECTURERS[:index % 4]
        session_ids = []
        left = tiet
        for i, day in enumerate(days):
            self.sid += 1
            n = min(8, left) if i < len(days) - 1 else max(left, 1)
            left -= n
            minutes = 7 * 60 + 30 + n * 50 + (90 if n > 4 else 0)  # 50-minute tiết, lunch break
            self.c.sessions.append((self.sid, cid, day, datetime.time(7, 30), datetime.time(minutes // 60, minutes % 60), n,
                                    topics[i * len(topics) // max(len(days), 1)], lecturers[i % 3]))
            session_ids.append((self.sid, day))
        assessment_ids = []
        for order, (aname, kind) in enumerate(ASSESSMENTS[category], start=1):
            self.aid += 1
            self.c.assessments.append((self.aid, cid, aname, kind, order))
            assessment_ids.append(self.aid)
        class_tiet = sum(s[5] for s in self.c.sessions[len(self.c.sessions) - len(session_ids):]) or tiet
        self.enrol(cid, index, code, program, provider, status, capacity, min_pct, reg_opens, starts, ends,
                   session_ids, assessment_ids, class_tiet, submitted)

    # ------------------------------------------------------------------ enrolments

    def enrol(self, cid, index, code, program, provider, status, capacity, min_pct, reg_opens, starts, ends,
              session_ids, assessment_ids, class_tiet, submitted):
        rng, c = self.rng, self.c
        role = self.for_hocvien.get(index)
        if status in ("CLOSED", "FINISHED", "AWAITING", "RUNNING"):
            seated = int(capacity * rng.uniform(0.7, 1.0))
        elif status == "OPEN":
            seated = int(capacity * rng.uniform(0.3, 0.6))
        elif status == "PLANNED":
            seated = int(capacity * rng.uniform(0.1, 0.3))
        else:
            seated = 0
        people = self.take(program, seated) if seated else []
        if role:  # the learner is placed whatever the audience
            people = [self.hocvien] + people[: max(0, seated - 1)]
        extra = self.take(program, rng.randint(1, 3))  # withdrawn / rejected
        pending = []
        if status in ("OPEN", "PLANNED"):
            snv = [pid for pid in self.snv_people if pid != self.hocvien and (program, pid) not in self.busy]
            pending = snv[: rng.randint(2, 4)]
            self.busy.update((program, pid) for pid in pending)
            pending += self.take(program, rng.randint(2, 6))
        cancelled_people = self.take(program, rng.randint(3, 8)) if status == "CANCELLED" else []

        first_day = reg_opens if reg_opens < self.today else self.today - datetime.timedelta(days=20)
        last_day = min(starts, self.today) - datetime.timedelta(days=1)

        def requested(pid):
            day = first_day + datetime.timedelta(days=rng.randint(0, max(0, (last_day - first_day).days)))
            return _at(day, rng.randint(7, 16), rng.randint(0, 59))

        def source(pid):
            if pid == self.hocvien:
                return "SELF"
            r = rng.random()
            return "NOMINATED" if r < 0.7 else "SELF" if r < 0.9 else "ASSIGNED"

        def add(pid, state, reason="", completed_on=None, decided=True):
            self.eid += 1
            src = source(pid)
            at = requested(pid)
            decider = None
            decided_at = None
            if decided:
                decided_at = at + datetime.timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 5))
                cap = _at(self.today - datetime.timedelta(days=1), 17)  # always in the past
                decided_at = max(min(decided_at, cap), at + datetime.timedelta(minutes=30))
                decider = "tinh" if src == "ASSIGNED" else "donvi" if pid in self.snv_set else "tinh"
            c.enrollments.append((self.eid, cid, pid, src, state, reason, at,
                                  "hocvien" if pid == self.hocvien else None, decided_at, decider, completed_on))
            return self.eid

        seats = 0
        learners = []
        first_row, first_eid = len(c.enrollments), self.eid + 1
        for pid in people:
            learners.append((pid, add(pid, "ENROLLED")))  # the state is fixed below for finished classes
            seats += 1
        for pid in extra:
            if status in ("PLANNED", "CANCELLED"):
                add(pid, "REJECTED", rng.choice(REJECT_REASONS))
            elif rng.random() < 0.5:
                add(pid, "WITHDRAWN", rng.choice(WITHDRAW_REASONS))
            else:
                add(pid, "REJECTED", rng.choice(REJECT_REASONS))
        for pid in pending:
            add(pid, "REQUESTED", decided=False)
        for pid in cancelled_people:
            add(pid, "WITHDRAWN", "Lớp bị huỷ do không đủ số học viên tối thiểu.")
        c.seats[cid] = seats

        # Attendance, results, certificates.
        if status not in ("CLOSED", "FINISHED", "AWAITING", "RUNNING"):
            return
        held = [s for s in session_ids if s[1] < self.today]
        outcomes = {}
        fail_rate = 0.08
        for pid, eid in learners:
            fails = pid != self.hocvien and rng.random() < fail_rate
            mode = rng.choice(["absent", "score"]) if fails else ""
            if not assessment_ids and mode == "score":
                mode = "absent"
            n = len(held)
            allowed = int(n * (100 - min_pct) / 100)
            marks = ["PRESENT"] * n
            if mode == "absent":
                for i in rng.sample(range(n), min(n, allowed + 1 + rng.randint(0, 2))):
                    marks[i] = "ABSENT"
            elif n and pid != self.hocvien and rng.random() < 0.3:
                for i in rng.sample(range(n), min(n, rng.randint(0, allowed) if allowed else 0)):
                    marks[i] = "EXCUSED" if rng.random() < 0.7 else "ABSENT"
                if min_pct == 100:
                    marks = ["EXCUSED" if m == "ABSENT" else m for m in marks]
            if pid != self.hocvien and n and rng.random() < 0.15:
                i = rng.randrange(n)
                if marks[i] == "PRESENT":
                    marks[i] = "EXCUSED"
            for (sid, _day), mark in zip(held, marks):
                c.attendance.append((sid, eid, mark))
            attended = sum(m != "ABSENT" for m in marks)
            pct = (Decimal(100 * attended) / Decimal(n)).quantize(TWO, rounding=ROUND_HALF_UP) if n else None
            values = []
            for j, aid in enumerate(assessment_ids):
                value = Decimal(rng.choice(range(55, 100, 5))) / 10 if mode != "score" or j else Decimal(rng.choice([30, 35, 40, 45])) / 10
                values.append((aid, value.quantize(TWO)))
            outcomes[eid] = (pid, pct, values, mode)
        if status == "RUNNING":
            return
        if status == "AWAITING":  # scores typed as drafts, not submitted
            return
        submitted_at, by = submitted
        issued = ends
        rows = {eid: first_row + eid - first_eid for _pid, eid in learners}
        for pid, eid in learners:
            pid, pct, values, mode = outcomes[eid]
            ok = (pct is None or pct >= min_pct) and all(v >= Decimal(5) for _a, v in values)
            final = (sum(v for _a, v in values) / len(values)).quantize(TWO, rounding=ROUND_HALF_UP) if values else None
            c.results.append((eid, final, _grade(final, ok), pct, ok, submitted_at, by))
            for aid, value in values:
                c.scores.append((eid, aid, value))
            row = list(c.enrollments[rows[eid]])
            row[4] = "COMPLETED" if ok else "FAILED"
            row[10] = issued if ok else None
            c.enrollments[rows[eid]] = tuple(row)
            if ok:
                self.certify(eid, pid, program, provider, issued, class_tiet)

    def certify(self, eid, pid, program, provider, issued, class_tiet):
        key = (provider, issued.year)
        self.serials[key] = serial = self.serials.get(key, 0) + 1
        number = f"{provider}-{issued.year}-{serial:05d}"
        self.c.certificates.append((eid, provider, issued.year, serial, number, issued))
        prog = PROGRAM[program]
        qtype, level = prog["grants"] or ("BD", "GCN")
        validity = VALIDITY[program]
        self.c.qualifications.append((
            eid, pid, qtype, level, prog["name"] if qtype == "BD" else "", PROVIDER_NAME.get(provider, provider), issued,
            _add_years(issued, validity) if validity else None, number,
            None if prog["kind"] == "DEGREE" else class_tiet,
        ))

    # ------------------------------------------------------------------ notices

    def make_notices(self):
        c, t = self.c, self.today
        classes = {row[0]: row for row in c.classes}
        mine = [e for e in c.enrollments if e[2] == self.hocvien]
        for e in sorted(mine, key=lambda e: e[6]):
            cls = classes[e[1]]
            label = f"{cls[1]} — {cls[2]}"
            when = e[8] or e[6]
            c.notices.append(("hocvien", "APPROVED", f"Được duyệt vào lớp {cls[1]}",
                              f"Bạn đã được xếp vào lớp {label}, khai giảng ngày {cls[11]:%d/%m/%Y}.",
                              ("training:class_detail", cls[0]), when, when < _at(t, 0) - datetime.timedelta(days=20)))
            if e[4] == "COMPLETED":
                cert = next(x for x in c.certificates if x[0] == e[0])
                at = cls[17] or when
                c.notices.append(("hocvien", "RESULTS", f"Kết quả lớp {cls[1]}",
                                  f"Bạn đã hoàn thành lớp {label}. Chứng chỉ số {cert[4]}.",
                                  ("training:portal",), at, False))
        for e in c.enrollments:
            if e[4] == "REQUESTED" and e[2] in self.snv_set and e[3] == "SELF":
                cls = classes[e[1]]
                c.notices.append(("donvi", "REQUESTED", f"Có đăng ký chờ duyệt: lớp {cls[1]}",
                                  f"Một cán bộ của đơn vị đăng ký lớp {cls[1]} — {cls[2]}.",
                                  ("training:enrolment_queue",), e[6], False))
        awaiting = [row for row in c.classes if row[15] == "FINISHED" and row[17] is None]
        for row in awaiting:
            c.notices.append(("truong", "OTHER", f"Lớp {row[1]} chờ chốt kết quả",
                              f"Lớp {row[1]} đã kết thúc ngày {row[12]:%d/%m/%Y}; hãy nhập điểm và chốt kết quả.",
                              ("training:class_detail", row[0]), _at(row[12], 17), False))
