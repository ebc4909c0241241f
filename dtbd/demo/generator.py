"""The demo province as plain data: a deterministic function of (seed, staff), with no database access.

`generate(seed, staff)` returns a `Province` whose lists hold rows ready for the loader: units with local ids
(parents by local id), people with local ids, and their dated records (unit, category, rank, posts, job position,
planned posts) and qualifications.

The province is built as it stood before 1 July 2025 — Tuyên Quang and Hà Giang, each with its departments and its
districts (their communes under them) — with the two reorganisations of that day as data (`Province.reorganisations`):
the end of the district level (districts and communes → the new communes, each district's staff to the commune they
work in since) and the merger of Hà Giang into Tuyên Quang (departments, offices and services → Tuyên Quang's of the
same name, the public-service units of Hà Giang's places → successor units under Tuyên Quang's departments). The
loader carries them out through the reorganisation services (docs/domain.md §15); `after_reorganisation` is the same
rule in memory (the placements the database then holds). Placements and posts starting on or after that day are
in the successor units (the loader writes them after the operations).

Ranks and ethnic groups are referred to by code / name; the loader maps them to the catalogue rows. Every date is
computed from REFERENCE_DATE, never from today, so a seed always gives the same data.

Shares follow published figures (docs/domain.md §12): about CB 8 %, CC 35 %, VC 50 %, HD 7 %; ~8 % leaders;
~5 % planned (quy hoạch); province-level education ≈ 0.5 % TS, 18 % ThS, 75 % ĐH; commune staff mostly ĐH/TC.
"""
import datetime
import hashlib
import random
from dataclasses import dataclass, field

from dtbd.core.text import fold

from . import names as N
from . import units as U

REFERENCE_DATE = datetime.date(2026, 11, 1)
MIN_STAFF = 100

IMPORTED, ENTERED, DECISION = "IMPORTED", "ENTERED", "DECISION"

# Rank ladders (lowest first) by kind of work; a promotion moves one step up.
CC_LADDER = ["01.005", "01.004", "01.003", "01.002", "01.001"]
LADDERS = {
    "inspection": ["01.004", "04.025", "04.024", "04.023"],
    "accounting": ["06.032", "06.031", "06.030", "06.029"],
    "teacher": ["V.07.05.15", "V.07.05.14", "V.07.05.13"],
    "lecturer": ["V.07.01.03", "V.07.01.02", "V.07.01.01"],
    "doctor": ["V.08.01.03", "V.08.01.02", "V.08.01.01"],
    "nurse": ["V.08.05.13", "V.08.05.12", "V.08.05.11"],
    "engineer": ["V.05.02.07"],
    "heritage": ["V.10.03.10"],
}
RANK_TIER = {
    "01.001": "CVCC", "01.002": "CVC", "01.003": "CV", "01.004": "CS", "01.005": "NV",
    "04.023": "CVCC", "04.024": "CVC", "04.025": "CV", "06.029": "CVCC", "06.030": "CVC", "06.031": "CV",
    "06.032": "CS", "V.07.01.01": "CVCC", "V.07.01.02": "CVC", "V.07.01.03": "CV", "V.07.05.13": "CVC",
    "V.07.05.14": "CV", "V.07.05.15": "CV", "V.08.01.01": "CVCC", "V.08.01.02": "CVC", "V.08.01.03": "CV",
    "V.08.05.11": "CVC", "V.08.05.12": "CV", "V.08.05.13": "CS", "V.05.02.07": "CV", "V.10.03.10": "CV",
}

# sector -> (majors with weights, universities)
MAJORS = {
    "admin": ["Luật", "Hành chính học", "Quản lý nhà nước", "Kinh tế", "Văn thư - Lưu trữ", "Công nghệ thông tin"],
    "home": ["Luật", "Hành chính học", "Quản lý nhân lực", "Quản lý nhà nước", "Văn thư - Lưu trữ", "Xã hội học"],
    "finance": ["Tài chính - Ngân hàng", "Kế toán", "Kinh tế", "Kinh tế đầu tư", "Quản trị kinh doanh"],
    "justice": ["Luật", "Luật kinh tế", "Hành chính học"],
    "economy": ["Kinh tế", "Quản trị kinh doanh", "Thương mại quốc tế", "Kỹ thuật điện", "Luật kinh tế"],
    "building": ["Xây dựng dân dụng và công nghiệp", "Kiến trúc", "Kỹ thuật giao thông", "Kinh tế xây dựng",
                 "Quy hoạch vùng và đô thị"],
    "agri": ["Nông học", "Lâm sinh", "Quản lý đất đai", "Khoa học môi trường", "Chăn nuôi - Thú y", "Thủy lợi"],
    "education": ["Sư phạm Toán học", "Sư phạm Ngữ văn", "Sư phạm Tiếng Anh", "Sư phạm Vật lý", "Sư phạm Hóa học",
                  "Sư phạm Lịch sử", "Sư phạm Sinh học", "Giáo dục thể chất", "Quản lý giáo dục"],
    "health": ["Y đa khoa", "Điều dưỡng", "Dược học", "Y học cổ truyền", "Y tế công cộng", "Kỹ thuật xét nghiệm y học"],
    "science": ["Công nghệ thông tin", "Khoa học máy tính", "Điện tử - Viễn thông", "Công nghệ sinh học"],
    "culture": ["Văn hóa học", "Quản lý văn hóa", "Du lịch", "Báo chí", "Giáo dục thể chất", "Thư viện - Thông tin"],
    "ethnic": ["Dân tộc học", "Luật", "Quản lý nhà nước", "Tôn giáo học"],
    "foreign": ["Quan hệ quốc tế", "Ngôn ngữ Anh", "Ngôn ngữ Trung Quốc", "Luật quốc tế"],
    "inspection": ["Luật", "Kinh tế", "Kế toán", "Thanh tra"],
    "college": ["Sư phạm kỹ thuật", "Kỹ thuật điện", "Công nghệ thông tin", "Kế toán", "Điều dưỡng"],
    "politics": ["Triết học", "Xây dựng Đảng và chính quyền nhà nước", "Kinh tế chính trị", "Luật",
                 "Chính trị học", "Lịch sử Đảng Cộng sản Việt Nam"],
    "commune": ["Luật", "Hành chính học", "Quản lý nhà nước", "Kinh tế nông nghiệp", "Kế toán", "Quản lý đất đai",
                "Xây dựng Đảng và chính quyền nhà nước", "Công nghệ thông tin"],
}
UNIVERSITIES = {
    "default": ["Trường Đại học Tân Trào", "Trường Đại học Kinh tế Quốc dân", "Học viện Hành chính Quốc gia",
                "Trường Đại học Luật Hà Nội", "Đại học Thái Nguyên", "Trường Đại học Nội vụ Hà Nội",
                "Trường Đại học Kinh tế và Quản trị kinh doanh - Đại học Thái Nguyên"],
    "education": ["Trường Đại học Sư phạm Hà Nội", "Trường Đại học Sư phạm - Đại học Thái Nguyên",
                  "Trường Đại học Tân Trào", "Trường Đại học Sư phạm Hà Nội 2"],
    "health": ["Trường Đại học Y Hà Nội", "Trường Đại học Y Dược - Đại học Thái Nguyên", "Trường Đại học Dược Hà Nội",
               "Trường Cao đẳng Y tế Phú Thọ"],
    "agri": ["Trường Đại học Nông Lâm - Đại học Thái Nguyên", "Học viện Nông nghiệp Việt Nam",
             "Trường Đại học Lâm nghiệp", "Trường Đại học Tài nguyên và Môi trường Hà Nội"],
    "building": ["Trường Đại học Xây dựng Hà Nội", "Trường Đại học Giao thông vận tải", "Trường Đại học Kiến trúc Hà Nội"],
    "politics": ["Học viện Chính trị quốc gia Hồ Chí Minh", "Học viện Báo chí và Tuyên truyền",
                 "Trường Đại học Khoa học Xã hội và Nhân văn - ĐHQG Hà Nội"],
}
JOBS = {
    "admin": ["Chuyên viên tổng hợp", "Chuyên viên về hành chính - văn phòng", "Văn thư", "Chuyên viên về kiểm soát thủ tục hành chính"],
    "home": ["Chuyên viên về tổ chức bộ máy", "Chuyên viên về quản lý công chức, viên chức", "Chuyên viên về chính quyền địa phương",
             "Chuyên viên về lao động - việc làm", "Lưu trữ viên"],
    "finance": ["Chuyên viên về quản lý ngân sách", "Chuyên viên về quản lý giá", "Chuyên viên về quản lý đầu tư", "Kế toán viên"],
    "justice": ["Chuyên viên về xây dựng và thi hành pháp luật", "Chuyên viên về hành chính tư pháp", "Công chứng viên"],
    "economy": ["Chuyên viên về quản lý thương mại", "Chuyên viên về quản lý công nghiệp", "Kiểm soát viên thị trường"],
    "building": ["Chuyên viên về quy hoạch - kiến trúc", "Chuyên viên về quản lý hạ tầng", "Chuyên viên về quản lý vận tải"],
    "agri": ["Chuyên viên về quản lý đất đai", "Kiểm lâm viên", "Chuyên viên về trồng trọt", "Chuyên viên về thủy lợi"],
    "education": ["Chuyên viên về giáo dục phổ thông", "Chuyên viên về khảo thí"],
    "health": ["Chuyên viên về nghiệp vụ y", "Chuyên viên về dược", "Chuyên viên về dân số"],
    "science": ["Chuyên viên về chuyển đổi số", "Chuyên viên về quản lý khoa học", "Chuyên viên về bưu chính - viễn thông"],
    "culture": ["Chuyên viên về quản lý văn hóa", "Chuyên viên về du lịch", "Chuyên viên về thể dục thể thao"],
    "ethnic": ["Chuyên viên về công tác dân tộc", "Chuyên viên về tôn giáo"],
    "foreign": ["Chuyên viên về hợp tác quốc tế", "Chuyên viên về lãnh sự - biên giới"],
    "inspection": ["Thanh tra viên", "Chuyên viên về tiếp công dân"],
    "commune": ["Chuyên viên về văn phòng - thống kê", "Chuyên viên về tư pháp - hộ tịch", "Chuyên viên về địa chính - xây dựng",
                "Chuyên viên về văn hóa - xã hội", "Chuyên viên về tài chính - kế toán", "Chuyên viên về kinh tế"],
    "teacher": ["Giáo viên trung học phổ thông"],
    "lecturer": ["Giảng viên"],
    "doctor": ["Bác sĩ"],
    "nurse": ["Điều dưỡng"],
    "engineer": ["Kỹ sư"],
    "heritage": ["Di sản viên"],
    "accounting": ["Kế toán viên"],
    "HD": ["Nhân viên hỗ trợ, phục vụ", "Lái xe", "Bảo vệ", "Nhân viên phục vụ", "Kỹ thuật viên"],
}
# Teachers' titles of the demo and the grade of the fostering certificate each needs (docs/domain.md §7.5; the rows
# of standards/seed.py TEACHER_TITLES); the shares of teachers holding it, or only the grade below.
TITLE_GRADE = {"V.07.05.13": "HANG_I", "V.07.05.14": "HANG_II", "V.07.05.15": "HANG_III"}
TITLE_GRADE_BELOW = {"HANG_I": "HANG_II", "HANG_II": "HANG_III"}
TITLE_GRADE_LABEL = {"HANG_I": "hạng I", "HANG_II": "hạng II", "HANG_III": "hạng III"}
TITLE_FAMILY_NAME = {"V.07.05": "giáo viên trung học phổ thông"}
TITLE_HELD, TITLE_LOWER = 0.78, 0.07
TITLE_ISSUERS = ["Trường Đại học Sư phạm Hà Nội", "Trường Đại học Sư phạm - Đại học Thái Nguyên",
                 "Trường Đại học Tân Trào", "Học viện Quản lý giáo dục"]
FOREIGN = [("Tiếng Anh", 92), ("Tiếng Trung Quốc", 5), ("Tiếng Pháp", 3)]
CID_PROVINCES = [("008", 55), ("002", 30), ("001", 4), ("019", 3), ("025", 3), ("020", 2), ("010", 2), ("006", 1)]
PHONE_PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "086", "088", "032", "033", "034", "035", "036",
                  "037", "038", "039", "081", "082", "083", "084", "085", "070", "076", "077", "078", "079"]


@dataclass
class Unit:
    id: int
    code: str
    name: str
    kind: str
    level: str
    parent: int | None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    pool: str = ""  # root, board, office, dvsn, commune, historic
    sector: str = ""
    weight: float = 1.0
    dept: int | None = None  # the department (sở node) it belongs to
    size: int = 0
    former: "Unit | None" = None  # a commune's predecessor (under a district until 30 June 2025)
    fixed: bool = False  # a department's own service (not named after a place): Hà Giang had one of the same name
    twin: "Unit | None" = None  # Hà Giang's unit of the same name, merged into this one on 1 July 2025
    pred: "Unit | None" = None  # Hà Giang's unit this one succeeds (this one valid from 1 July 2025)
    posts: list = field(default_factory=list)  # (title, level, holder) — holder None: a member of this unit


@dataclass
class Province:
    seed: int
    staff: int
    units: list = field(default_factory=list)
    people: list = field(default_factory=list)
    unit_assignments: list = field(default_factory=list)  # (person, unit, valid_from, valid_to, source, decision_no)
    category_assignments: list = field(default_factory=list)  # (person, category, ...)
    rank_assignments: list = field(default_factory=list)  # (person, rank code, ...)
    post_assignments: list = field(default_factory=list)  # (person, title, level, unit, ...)
    job_assignments: list = field(default_factory=list)  # (person, job name, ...)
    planned_posts: list = field(default_factory=list)  # (person, level, title, ...)
    qualifications: list = field(default_factory=list)
    # (person, type, level, major, language, issuer, issued_on, valid_until, certificate_no, source)
    special: dict = field(default_factory=dict)
    reorganisations: list = field(default_factory=list)  # [Reorganisation], in the order they are applied

    def checksum(self):
        digest = hashlib.sha256()
        for rows in (
            [(u.id, u.code, u.name, u.kind, u.level, u.parent, u.valid_from, u.valid_to) for u in self.units],
            self.people, self.unit_assignments, self.category_assignments, self.rank_assignments,
            self.post_assignments, self.job_assignments, self.planned_posts, self.qualifications,
            [(r.kind, r.note, r.abolish_level, r.rows, sorted(r.people.items())) for r in self.reorganisations],
        ):
            for row in rows:
                digest.update(repr(row).encode())
        return digest.hexdigest()


@dataclass
class Reorganisation:
    """One operation of 1 July 2025 (reorganisation.Operation): rows (old unit code, new unit code), the people sent
    elsewhere than their unit's successor {person local id: new unit code}."""

    kind: str  # reorganisation.Operation.Kind: FILE (a mapping, here with the level abolished), MERGE
    note: str
    rows: list
    people: dict = field(default_factory=dict)
    abolish_level: str = ""


def after_reorganisation(province):
    """The placements (unit_assignments rows) once the province's reorganisations are applied, by the rule of
    people.reorganise (docs/domain.md §15): a placement valid on 30/06/2025 that goes on after it, in a unit of an
    operation (a listed unit or one below it, by the nearest listed unit above it), ends on 30/06/2025 and the person
    is placed from 01/07/2025 in the new unit (their own target first), until the old placement's end; a placement
    starting on that day or later in such a unit is re-pointed."""
    units = {u.id: u for u in province.units}
    by_code = {u.code: u.id for u in province.units}
    day, before = U.MERGER_DAY, U.HUYEN_LAST_DAY
    rows = list(province.unit_assignments)
    for op in province.reorganisations:
        listed = {by_code[old]: by_code[new] for old, new in op.rows}
        target = {}
        for unit in province.units:
            above = unit
            while above is not None and above.id not in listed:
                above = units.get(above.parent)
            if above is not None:
                target[unit.id] = listed[above.id]
        people = {pid: by_code[code] for pid, code in op.people.items()}
        out = []
        for r in rows:
            pid, unit, start, end = r[:4]
            if unit not in target:
                out.append(r)
            elif (start is None or start <= before) and (end is None or end >= day):
                out.append((pid, unit, start, before) + r[4:])
                out.append((pid, people.get(pid, target[unit]), day, end, DECISION, op.note[:60]))
            elif start is not None and start >= day:
                out.append((pid, people.get(pid, target[unit])) + r[2:])
            else:
                out.append(r)
        rows = out
    return rows


def generate(seed: int = 1, staff: int = 3000) -> Province:
    if staff < MIN_STAFF:
        raise ValueError(f"staff must be at least {MIN_STAFF}")
    return _Generator(seed, staff).run()


def _weighted(pairs):
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _distribute(total, weights):
    """Split `total` into integers proportional to `weights` (largest remainder)."""
    wsum = sum(weights) or 1
    raw = [total * w / wsum for w in weights]
    counts = [int(x) for x in raw]
    rest = total - sum(counts)
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[:rest]:
        counts[i] += 1
    return counts


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


FIXED_PEOPLE = 7  # the province's five leaders, Nguyễn Văn An and the learner: their records are the demo's own


class _Generator:
    def __init__(self, seed, staff):
        self.seed, self.staff = seed, staff
        self.rng = random.Random(f"dtbd-demo-{seed}")
        self.p = Province(seed=seed, staff=staff)
        self.units = self.p.units
        self.person_seq = 0
        self.citizen_ids = set()
        self.emails = {}
        self.choices_cache = {}
        self.dept_pgd = {}  # dept unit id -> its deputy directors' person ids (kiêm nhiệm of chi cục heads)
        self.chi_cuc_seen = {}

    # ------------------------------------------------------------------ helpers

    def pick(self, pairs):
        key = id(pairs)
        if key not in self.choices_cache:
            values, weights = _weighted(pairs)
            cum, total = [], 0
            for w in weights:
                total += w
                cum.append(total)
            self.choices_cache[key] = (values, cum, total)
        values, cum, total = self.choices_cache[key]
        return self.rng.choices(values, cum_weights=cum)[0]

    def chance(self, p):
        return self.rng.random() < p

    def date_between(self, start, end):
        if end <= start:
            return start
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def decision_no(self, issuer="UBND"):
        return f"{self.rng.randint(12, 2890)}/QĐ-{issuer}"

    def add_unit(self, code, name, kind, level, parent, **extra):
        unit = Unit(len(self.units) + 1, code, name, kind, level, parent, **extra)
        self.units.append(unit)
        return unit

    # ------------------------------------------------------------------ tree

    def build_tree(self):
        staff, rng = self.staff, self.rng
        pc = U.PROVINCE_CODE
        root = self.add_unit(pc, U.ROOT_NAME, "UBND_TINH", "TINH", None, pool="root", sector="admin")
        self.root = root
        n_schools = max(3, min(110, staff // 300))
        n_health = max(2, min(30, staff // 1500))
        places = U.DISTRICTS + [c for c in U.COMMUNES if c not in U.DISTRICTS]
        deputies_per_board = 3 if staff >= 20000 else 2 if staff >= 2000 else 1
        for code, name, (head, deputy), sector, offices, services in U.DEPARTMENTS:
            dept = self.add_unit(f"{pc}.{code}", name, "SO_NGANH", "TINH", root.id, pool="board", sector=sector)
            dept.dept = dept.id
            dept.posts = [(head, "GD", None)] + [(deputy, "PGD", None)] * deputies_per_board
            dept.size = len(dept.posts)
            if code == "SNV":
                self.snv = dept
            for i, office in enumerate(offices, start=1):
                kind = "CHI_CUC" if office.startswith("Chi cục") else "PHONG"
                unit = self.add_unit(f"{pc}.{code}.P{i:02d}", office, kind, "TINH", dept.id, pool="office",
                                     sector=sector, weight=1.6 if kind == "CHI_CUC" else 1.0, dept=dept.id)
                if office == "Phòng Công chức, viên chức":
                    self.snv_office = unit
            dvsn = [(s, sector, 0.8) for s in services]
            fixed = set(services)
            if sector == "education":
                special = ["Trường THPT Chuyên Tuyên Quang", "Trường THPT Chuyên Hà Giang",
                           "Trường Phổ thông Dân tộc nội trú THPT tỉnh"]
                schools = special + [f"Trường THPT {place}" for place in places]
                dvsn += [(s, "teacher", 1.0) for s in schools[:n_schools]]
            if sector == "health":
                big = ["Bệnh viện Đa khoa tỉnh Tuyên Quang", "Bệnh viện Đa khoa Hà Giang", "Bệnh viện Sản - Nhi",
                       "Trung tâm Kiểm soát bệnh tật tỉnh", "Bệnh viện Y dược cổ truyền", "Bệnh viện Phục hồi chức năng",
                       "Bệnh viện Phổi", "Bệnh viện Mắt"]
                hospitals = [(h, 5.0 if i < 2 else 2.5) for i, h in enumerate(big)]
                hospitals += [(f"Trung tâm Y tế khu vực {d}", 1.5) for d in U.DISTRICTS]
                dvsn += [(h, "health", w) for h, w in hospitals[:n_health]]
            for i, (service, sub, weight) in enumerate(dvsn, start=1):
                self.add_unit(f"{pc}.{code}.DV{i:03d}", service, "DVSN", "TINH", dept.id, pool="dvsn", sector=sub,
                              weight=weight, dept=dept.id, fixed=service in fixed)
        for code, name, sector in U.DIRECT_DVSN:
            self.add_unit(f"{pc}.{code}", name, "DVSN", "TINH", root.id, pool="dvsn", sector=sector, weight=2.0)
        tct_code, tct_name = U.SCHOOL_OF_POLITICS
        tct = self.add_unit(f"{pc}.{tct_code}", tct_name, "TRUONG", "TINH", root.id, pool="board", sector="politics")
        tct.dept = tct.id
        tct.posts = [("Hiệu trưởng", "GD", None)] + [("Phó Hiệu trưởng", "PGD", None)] * min(2, deputies_per_board)
        tct.size = len(tct.posts)
        self.tct = tct
        for i, name in enumerate(U.SCHOOL_OF_POLITICS_UNITS, start=1):
            self.add_unit(f"{pc}.{tct_code}.K{i}", name, "PHONG", "TINH", tct.id, pool="dvsn", sector="politics",
                          weight=0.25, dept=tct.id)
        # Communes and wards (since 1 July 2025), wards spread through the list.
        n_xa = max(3, min(U.MAX_COMMUNES, round(staff / 60)))
        names = [("xã", c) for c in U.COMMUNES]
        for i, ward in enumerate(U.WARDS):
            names.insert(i * 18, ("phường", ward))
        self.communes = []
        for i, (prefix, name) in enumerate(names[:n_xa], start=1):
            weight = (1.3 if prefix == "phường" else 1.0) * rng.uniform(0.75, 1.25)
            self.communes.append(self.add_unit(f"{pc}.X{i:03d}", f"UBND {prefix} {name}", "UBND_XA", "XA", root.id,
                                               valid_from=U.MERGER_DAY, pool="commune", sector="commune",
                                               weight=weight))
        # Hà Giang's province (merged into Tuyên Quang on 1 July 2025: the reorganisation ends it).
        self.former_root = self.add_unit(U.FORMER_CODE, U.FORMER_ROOT_NAME, "UBND_TINH", "TINH", None,
                                         pool="historic", sector="admin")
        # The districts of both provinces, with two offices each (the district level ends on 30 June 2025).
        n_huyen = max(2, min(8, n_xa // 8))
        self.district_units = []
        for i, name in enumerate(U.DISTRICTS[:n_huyen], start=1):
            former = name in U.FORMER_DISTRICTS
            parent = self.former_root.id if former else root.id
            huyen = self.add_unit(f"{U.FORMER_CODE if former else pc}.H{i:02d}", f"UBND huyện {name}", "UBND_HUYEN",
                                  "HUYEN", parent, pool="historic", sector="commune")
            offices = [self.add_unit(f"{huyen.code}.P{j}", f"{office} huyện {name}", "PHONG", "HUYEN", huyen.id,
                                     pool="historic", sector="commune")
                       for j, office in enumerate(U.DISTRICT_OFFICES, start=1)]
            self.district_units.append((huyen, offices))
        # Each commune's predecessor, under a district (the end of the district level ends it).
        for i, commune in enumerate(self.communes):
            h = i % n_huyen
            commune.former = self.add_unit(
                f"{self.district_units[h][0].code}.X{i + 1:03d}", f"{commune.name} (cũ)", "UBND_XA", "XA",
                self.district_units[h][0].id, pool="historic", sector="commune")
        self.build_former_province()

    def build_former_province(self):
        """Hà Giang's departments, offices and services of the same names as Tuyên Quang's (`twin`), and the
        predecessors (`pred`) of the public-service units named after one of its places, whose Tuyên Quang unit is a
        successor valid from 1 July 2025. Codes: Tuyên Quang's with HG for TQ."""
        def former_code(code):
            return U.FORMER_CODE + code[len(U.PROVINCE_CODE):]

        def hg_place(name):
            return U.FORMER_NAME in name or any(place in name for place in U.FORMER_DISTRICTS)

        units = list(self.units)
        by_id = {u.id: u for u in units}
        for unit in units:
            parent = by_id.get(unit.parent)
            if unit.kind == "SO_NGANH":
                unit.twin = self.add_unit(former_code(unit.code), unit.name, unit.kind, "TINH", self.former_root.id,
                                          pool="historic", sector=unit.sector)
            elif unit.pool == "office" and parent is not None and parent.twin is not None:
                unit.twin = self.add_unit(former_code(unit.code), unit.name, unit.kind, "TINH", parent.twin.id,
                                          pool="historic", sector=unit.sector)
            elif unit.pool == "dvsn" and parent is not None and parent.twin is not None:
                if hg_place(unit.name):
                    unit.pred = self.add_unit(former_code(unit.code), unit.name, unit.kind, "TINH", parent.twin.id,
                                              pool="historic", sector=unit.sector)
                    unit.valid_from = U.MERGER_DAY
                elif unit.fixed:
                    unit.twin = self.add_unit(former_code(unit.code), unit.name, unit.kind, "TINH", parent.twin.id,
                                              pool="historic", sector=unit.sector)
            elif unit.parent == self.root.id and unit.code[len(U.PROVINCE_CODE) + 1:] in U.FORMER_DIRECT:
                name = U.FORMER_DIRECT[unit.code[len(U.PROVINCE_CODE) + 1:]]
                unit.twin = self.add_unit(former_code(unit.code), name, unit.kind, "TINH", self.former_root.id,
                                          pool="historic", sector=unit.sector)

    def size_units(self):
        """Headcount of each unit: communes 25 %, offices 22 % (boards included), public-service units the rest."""
        fixed = 5 + 2  # the province's leaders, Nguyễn Văn An and the learner
        rest = self.staff - fixed
        boards = [u for u in self.units if u.pool == "board"]
        board_total = sum(u.size for u in boards)
        commune_total = round(rest * 0.25)
        office_total = max(0, round(rest * 0.22) - board_total)
        dvsn_total = rest - commune_total - office_total - board_total
        for pool, total in (("commune", commune_total), ("office", office_total), ("dvsn", dvsn_total)):
            members = [u for u in self.units if u.pool == pool]
            for unit, size in zip(members, _distribute(total, [u.weight for u in members])):
                unit.size = size

    def plan_posts(self):
        """Leadership posts: heads first, then deputies round-robin until about 8 % of staff hold a post."""
        budget = round(self.staff * 0.08) - 5 - sum(len(u.posts) for u in self.units if u.pool == "board")
        optional = {}
        for unit in self.units:
            if unit.pool == "office":
                if unit.kind == "CHI_CUC":
                    head, deputy = "Chi cục trưởng", "Phó Chi cục trưởng"
                elif unit.name.startswith("Văn phòng"):
                    head, deputy = "Chánh Văn phòng", "Phó Chánh Văn phòng"
                else:
                    head, deputy = "Trưởng phòng", "Phó Trưởng phòng"
                if unit.kind == "CHI_CUC":  # the sở's first deputy director heads it (kiêm nhiệm)
                    unit.posts = [(head, "TP", "dept_pgd")]
                elif unit.size >= 2:
                    unit.posts = [(head, "TP", None)]
                optional[unit.id] = [(deputy, "PTP", None)] * min(3, unit.size // 4)
            elif unit.pool == "dvsn":
                direct = unit.parent == self.root.id
                head, deputy = self.dvsn_titles(unit)
                if unit.size >= 2:
                    unit.posts = [(head, "GD" if direct else "TP", None)]
                extra = [(deputy, "PGD" if direct else "PTP", None)] * min(3, unit.size // 8)
                if unit.sector != "teacher":  # internal offices / clinical departments of larger units
                    inner = ("Trưởng khoa", "Phó Trưởng khoa") if unit.sector == "health" else ("Trưởng phòng",
                                                                                               "Phó Trưởng phòng")
                    for _i in range(unit.size // (30 if unit.sector == "health" else 45)):
                        extra += [(inner[0], "TP", None), (inner[1], "PTP", None)]
                optional[unit.id] = extra
            elif unit.pool == "commune":
                if unit.size >= 1:
                    unit.posts = [U.COMMUNE_POSTS[0] + (None,)]
                extra = [U.COMMUNE_POSTS[1] + (None,)] * (2 if unit.size >= 20 else 1)
                extra += [post + (None,) for post in U.COMMUNE_POSTS[2:5]]
                if unit.size < 20:  # a deputy chair also heads the economic office (kiêm nhiệm)
                    extra[2] = U.COMMUNE_POSTS[3] + ("unit_pgd",)
                if unit.size >= 25:
                    extra += [post + (None,) for post in U.COMMUNE_POSTS[5:]] * (unit.size // 25)
                optional[unit.id] = extra[: max(0, unit.size // 3)]
        budget -= sum(1 for u in self.units if u.pool in ("office", "dvsn", "commune") for p in u.posts if p[2] is None)
        round_no = 0
        priority = {"commune": 0, "office": 1, "dvsn": 2}
        ordered = sorted((u for u in self.units if u.id in optional), key=lambda u: (priority[u.pool], u.id))
        while budget > 0:
            took = False
            for unit in ordered:
                extra = optional.get(unit.id, [])
                if round_no < len(extra) and budget > 0:
                    unit.posts.append(extra[round_no])
                    if extra[round_no][2] is None:
                        budget -= 1
                    took = True
            if not took:
                break
            round_no += 1
        for unit in self.units:  # never more members with posts than members
            members = [p for p in unit.posts if p[2] is None]
            if len(members) > unit.size:
                keep = members[: unit.size]
                unit.posts = keep + [p for p in unit.posts if p[2] is not None]

    @staticmethod
    def dvsn_titles(unit):
        name = unit.name
        if name.startswith("Trường"):
            return "Hiệu trưởng", "Phó Hiệu trưởng"
        if name.startswith("Khoa"):
            return "Trưởng khoa", "Phó Trưởng khoa"
        if name.startswith("Phòng"):
            return "Trưởng phòng", "Phó Trưởng phòng"
        if name.startswith("Ban"):
            return "Trưởng ban", "Phó Trưởng ban"
        if name.startswith("Báo"):
            return "Tổng Biên tập", "Phó Tổng Biên tập"
        return "Giám đốc", "Phó Giám đốc"

    # ------------------------------------------------------------------ people

    def run(self):
        self.build_tree()
        self.size_units()
        self.plan_posts()
        self.make_fixed_people()
        self.office_units = [u for u in self.units if u.pool == "office"]
        self.dvsn_units = [u for u in self.units if u.pool == "dvsn"]
        for unit in self.units:
            if unit.pool in ("board", "office", "dvsn", "commune"):
                self.make_unit_staff(unit)
        self.make_leavers()
        self.before_reorganisation()
        return self.p

    # ------------------------------------------------------------------ 30 June 2025

    def before_reorganisation(self):
        """Turn the records into what the two provinces held until 30 June 2025, and describe the operations of
        1 July 2025 that carry them over (`Province.reorganisations`, applied by the loader through the services).

        - A commune's staff: their placement in a district unit or in the commune's predecessor, open (the end of the
          district level carries it over; those of a district are sent to their commune one by one, as a province's
          decision lists them);
        - staff without a post of an office or service Hà Giang also had, recruited before the merger: some were Hà
          Giang's (FORMER_SHARE): placed in its unit of the same name (the merger carries them over);
        - a placement or post in a public-service unit of a Hà Giang place, starting before the merger: in its
          predecessor (the post ends on 30/06/2025 and the post in the successor starts on 01/07/2025, by decision:
          the operations move placements, not posts).
        Drawn with a random generator of its own: the rest of the province is the same whatever happens here."""
        p, units = self.p, {u.id: u for u in self.units}
        rng = random.Random(f"dtbd-demo-before-{self.seed}")
        day, last = U.MERGER_DAY, U.HUYEN_LAST_DAY
        recruited = {r[0]: r[9] for r in p.people}
        with_posts = {r[0] for r in p.post_assignments}
        by_person = {}
        for r in p.unit_assignments:
            by_person.setdefault(r[0], []).append(r)
        placements, sent = [], {}
        for pid, rows in by_person.items():
            if units[rows[-1][1]].pool == "commune":
                (_pid, former, start, _last, source, decision), (_pid, commune, _day, end, _s, _d) = rows
                placements.append((pid, former, start, end, source, decision))
                if units[former] is not units[commune].former:
                    sent[pid] = units[commune].code
                continue
            unit = units[rows[0][1]]
            hg = (len(rows) == 1 and unit.twin is not None and pid > FIXED_PEOPLE and pid not in with_posts
                  and recruited[pid] < day and rng.random() < U.FORMER_SHARE)
            for r in rows:
                unit = units[r[1]]
                if hg:
                    placements.append((pid, unit.twin.id) + r[2:])
                elif unit.pred is not None and (r[2] is None or r[2] < day):
                    placements.append((pid, unit.pred.id) + r[2:])
                else:
                    placements.append(r)
        p.unit_assignments[:] = placements
        posts = []
        for r in p.post_assignments:
            pid, title, level, unit_id, start, end, source, decision = r
            unit = units[unit_id]
            if unit.pred is None or (start is not None and start >= day):
                posts.append(r)
                continue
            going_on = end is None or end >= day
            posts.append((pid, title, level, unit.pred.id, start, last if going_on else end, source, decision))
            if going_on:
                posts.append((pid, title, level, unit_id, day, end, DECISION, f"{rng.randint(12, 2890)}/QĐ-UBND"))
        p.post_assignments[:] = posts

        abolition = []
        for h, (huyen, _offices) in enumerate(self.district_units):
            abolition.append((huyen.code, self.communes[h].code))  # the district's seat: its first commune
            abolition += [(c.former.code, c.code) for c in self.communes[h::len(self.district_units)]]
        merger = [(self.former_root.code, self.root.code)]
        merger += [(u.twin.code, u.code) for u in self.units if u.twin is not None]
        merger += [(u.pred.code, u.code) for u in self.units if u.pred is not None]
        p.reorganisations = [
            Reorganisation("FILE", U.ABOLITION_BASIS, abolition, sent, abolish_level="HUYEN"),
            Reorganisation("MERGE", U.MERGER_BASIS, merger),
        ]

    def make_fixed_people(self):
        root = self.root
        leaders = [("Chủ tịch UBND tỉnh", 56)] + [("Phó Chủ tịch UBND tỉnh", age) for age in (54, 52, 49, 45)]
        for title, age in leaders:
            minority = title != "Chủ tịch UBND tỉnh" and age == 49
            self.make_person(root, "CB", (title, "TINH", None), age=age, minority=minority)
        an = self.make_person(self.snv_office, "CC", None, name=("Nguyễn Văn An", "NAM", "Kinh"),
                              birth=datetime.date(1988, 3, 14), rank="01.003", fixed_quals=[
                                  ("EDU", "DH", "Luật", "", "Trường Đại học Luật Hà Nội", datetime.date(2010, 6, 30)),
                                  ("LLCT", "TC", "", "", "Trường Chính trị tỉnh Tuyên Quang", datetime.date(2019, 12, 20)),
                                  ("QLNN", "CV", "", "", "Học viện Hành chính Quốc gia", datetime.date(2016, 10, 15)),
                                  ("LANG", "B1", "", "Tiếng Anh", "Trường Đại học Tân Trào", datetime.date(2017, 5, 20)),
                                  ("IT", "CO_BAN", "", "", "Trường Đại học Tân Trào", datetime.date(2017, 8, 12)),
                              ], planned=("PTP", "Phó Trưởng phòng Công chức, viên chức"))
        learner = self.make_person(self.snv_office, "CC", None, name=("Phạm Thị Hồng Nhung", "NU", "Kinh"),
                                   birth=datetime.date(1994, 9, 2), rank="01.003", fixed_quals=[
                                       ("EDU", "DH", "Quản lý nhân lực", "", "Trường Đại học Nội vụ Hà Nội",
                                        datetime.date(2016, 6, 25)),
                                       ("QLNN", "CV", "", "", "Trường Chính trị tỉnh Tuyên Quang", datetime.date(2021, 11, 5)),
                                       ("LANG", "B1", "", "Tiếng Anh", "Trường Đại học Tân Trào", datetime.date(2018, 4, 8)),
                                       ("IT", "CO_BAN", "", "", "Trường Đại học Tân Trào", datetime.date(2018, 9, 1)),
                                   ])
        self.p.special = {
            "root": root.code, "donvi": self.snv.code, "truong": self.tct.code,
            "an": an, "hocvien": learner,
        }

    def make_unit_staff(self, unit):
        members = [p for p in unit.posts if p[2] is None]
        shared = [p for p in unit.posts if p[2] is not None]
        first_pgd, pgds = None, []
        for i in range(unit.size):
            post = members[i] if i < len(members) else None
            category = self.category_for(unit, post)
            pid = self.make_person(unit, category, post)
            if post and post[1] == "PGD":
                pgds.append(pid)
                first_pgd = first_pgd or pid
        if unit.pool == "board":
            self.dept_pgd[unit.id] = pgds
        for title, level, holder in shared:
            if holder == "dept_pgd":
                deputies = self.dept_pgd.get(unit.dept) or [None]
                self.chi_cuc_seen[unit.dept] = self.chi_cuc_seen.get(unit.dept, -1) + 1
                person = deputies[self.chi_cuc_seen[unit.dept] % len(deputies)]
            else:
                person = first_pgd
            if person is not None:
                start = U.MERGER_DAY if unit.pool == "commune" else self.date_between(
                    datetime.date(2021, 1, 1), REFERENCE_DATE - datetime.timedelta(days=60))
                self.p.post_assignments.append((person, title, level, unit.id, start, None, DECISION,
                                                self.decision_no()))

    def category_for(self, unit, post):
        r = self.rng.random()
        if unit.pool == "commune":
            if post and post[1] in ("GD", "PGD"):
                return "CB"
            if post:
                return "CC"
            return "CB" if r < 0.3 else "CC" if r < 0.91 else "HD"
        if unit.pool in ("board", "office") and unit.sector != "politics":
            return "CC" if post or r < 0.89 else "HD"
        return "VC" if post or r < 0.93 else "HD"

    def kind_of_work(self, unit, category, post):
        """Which rank ladder and job positions apply: by sector and category."""
        if category == "HD":
            return "HD"
        sector = unit.sector
        if category == "VC":
            if sector == "teacher":
                return "teacher"
            if sector == "politics":
                return "lecturer"
            if sector == "health":
                return "doctor" if self.chance(0.35) else "nurse" if self.chance(0.8) else "accounting"
            if sector in ("building", "agri", "science", "college", "economy"):
                return "engineer" if self.chance(0.7) else "accounting"
            if sector == "culture":
                return "heritage" if self.chance(0.6) else "accounting"
            return "engineer" if self.chance(0.4) else "accounting"
        if sector == "inspection" and self.chance(0.7):
            return "inspection"
        if sector == "finance" and self.chance(0.35):
            return "accounting"
        return "cc"

    def rank_for(self, work, category, post, age):
        if work == "HD":
            return None
        if category == "CB" and self.chance(0.4):
            return None
        if work == "cc":
            ladder = CC_LADDER
            if post and post[1] in ("TINH", "GD"):
                return "01.001" if self.chance(0.45) else "01.002"
            if post and post[1] in ("PGD", "TP"):
                return "01.002" if self.chance(0.7) else "01.003"
            weights = [2, 6, 70, 20 if age >= 35 else 4, 2 if age >= 45 else 0]
            return self.rng.choices(ladder, weights)[0]
        ladder = LADDERS[work]
        if len(ladder) == 1:
            return ladder[0]
        if post:
            return ladder[-1] if self.chance(0.3) else ladder[-2]
        if age < 35:
            return ladder[0]
        weights = [5, 4, 1] if len(ladder) == 3 else [2, 5, 3, 1]
        return self.rng.choices(ladder, weights)[0]

    def make_name(self, gender, ethnicity):
        style = N.STYLES[N.NAME_STYLE.get(ethnicity, "kinh")]
        family_pairs, middle, given = style
        while True:
            family = self.pick(family_pairs)
            mid = self.pick(middle[gender])
            if gender == "NU" and mid == "Thị" and style is N.STYLES["kinh"] and self.chance(0.08):
                mid = f"Thị {self.rng.choice(N.SECOND_MIDDLE_NU)}"
            name = f"{family} {mid} {self.rng.choice(given[gender])}"
            if name != "Nguyễn Văn An":  # one person only carries the name used by the demo and its tests
                return name

    def citizen_id(self, birth, gender):
        century = 0 if birth.year < 2000 else 2
        head = f"{self.pick(CID_PROVINCES)}{century + (1 if gender == 'NU' else 0)}{birth.year % 100:02d}"
        while True:
            cid = f"{head}{self.rng.randint(0, 999999):06d}"
            if cid not in self.citizen_ids:
                self.citizen_ids.add(cid)
                return cid

    def email(self, full_name, domain):
        parts = fold(full_name).split()
        local = parts[-1] + "".join(p[0] for p in parts[:-1])
        count = self.emails.get((local, domain), 0) + 1
        self.emails[(local, domain)] = count
        return f"{local}{count if count > 1 else ''}@{domain}"

    def make_person(self, unit, category, post, *, age=None, minority=None, name=None, birth=None, rank=None,
                    fixed_quals=None, planned=None, left=None, leave_reason=""):
        rng, p = self.rng, self.p
        self.person_seq += 1
        pid = self.person_seq
        level = post[1] if post else None
        commune = unit.pool == "commune"
        if name:
            full_name, gender, ethnicity = name
        else:
            if level in ("TINH", "GD"):
                female = 0.18
            elif level:
                female = 0.3
            elif unit.sector in ("teacher", "health"):
                female = 0.68
            elif commune:
                female = 0.38
            else:
                female = 0.5
            gender = "NU" if self.chance(female) else "NAM"
            if minority is None:
                minority = self.chance(0.45 if commune else 0.13)
            ethnicity = self.pick(N.MINORITIES) if minority else "Kinh"
            full_name = self.make_name(gender, ethnicity)
        if birth is None:
            if age is None:
                if level in ("TINH", "GD"):
                    age = int(rng.triangular(37, 60.99, 53))
                elif level:
                    age = int(rng.triangular(31, 60.99, 46))
                else:
                    age = int(rng.triangular(22, 60.99, 38))
                if gender == "NU":
                    age = min(age, 59)
            on = left or REFERENCE_DATE
            birth = _add_years(on, -age - 1) + datetime.timedelta(days=rng.randint(1, 364))
        age = (REFERENCE_DATE - birth).days // 365
        recruited = _add_years(birth, rng.randint(22, 27)) + datetime.timedelta(days=rng.randint(0, 300))
        recruited = min(recruited, REFERENCE_DATE - datetime.timedelta(days=rng.randint(30, 200)))
        party_p = 0.97 if level else {"CB": 0.92, "CC": 0.55, "VC": 0.33, "HD": 0.08}[category]
        party = self.chance(party_p)
        joined = None
        if party:
            joined = min(_add_years(recruited, rng.randint(1, 8)), REFERENCE_DATE - datetime.timedelta(days=90))
            joined = max(joined, _add_years(birth, 19))
        domain = U.EDU_MAIL_DOMAIN if unit.sector in ("teacher", "education", "politics", "college") else U.MAIL_DOMAIN
        email = "" if self.chance(0.08) else self.email(full_name, domain)
        phone = f"{rng.choice(PHONE_PREFIXES)}{rng.randint(0, 9999999):07d}"
        code = f"{U.PROVINCE_CODE}{pid:06d}"
        p.people.append((pid, code, full_name, birth, gender, ethnicity, self.citizen_id(birth, gender), email, phone,
                         recruited, party, joined, left, leave_reason))

        # Unit history.
        end = left
        if commune:
            if category != "HD" and self.chance(0.4):  # worked in the district of the commune's predecessor
                huyen, offices = next(d for d in self.district_units if d[0].id == unit.former.parent)
                former = rng.choice([huyen] + offices)
                p.unit_assignments.append((pid, former.id, None, U.HUYEN_LAST_DAY, IMPORTED, ""))
                if level in ("GD", "PGD") and former is not huyen and self.chance(0.6):
                    office = former.name.split(" huyện ")[0]
                    p.post_assignments.append((pid, f"Trưởng {office[0].lower()}{office[1:]}", "TP", former.id,
                                               self.date_between(datetime.date(2019, 1, 1), datetime.date(2024, 6, 1)),
                                               U.HUYEN_LAST_DAY, DECISION, self.decision_no()))
            else:  # worked in the commune's predecessor
                p.unit_assignments.append((pid, unit.former.id, None, U.HUYEN_LAST_DAY, IMPORTED, ""))
                if level == "GD" and self.chance(0.5):
                    p.post_assignments.append((pid, "Chủ tịch UBND xã", "GD", unit.former.id,
                                               self.date_between(datetime.date(2019, 1, 1), datetime.date(2024, 6, 1)),
                                               U.HUYEN_LAST_DAY, DECISION, self.decision_no()))
            p.unit_assignments.append((pid, unit.id, U.MERGER_DAY, end, DECISION, self.decision_no()))
            moved = None
        else:
            moved = None
            if not post and not left and pid > 7 and self.chance(0.03):
                pool = self.office_units if unit.pool == "office" else self.dvsn_units
                other = rng.choice(pool)
                if other is not unit:
                    moved = self.date_between(datetime.date(2024, 1, 1), REFERENCE_DATE - datetime.timedelta(days=20))
                    p.unit_assignments.append((pid, other.id, None, moved - datetime.timedelta(days=1), IMPORTED, ""))
            if moved:
                p.unit_assignments.append((pid, unit.id, moved, end, DECISION, self.decision_no("SNV")))
            elif self.chance(0.25):  # dated from recruitment
                p.unit_assignments.append((pid, unit.id, recruited, end, ENTERED, self.decision_no()))
            else:
                p.unit_assignments.append((pid, unit.id, None, end, IMPORTED, ""))
        p.category_assignments.append((pid, category, None, end, IMPORTED, ""))

        # Rank, with a promotion in 2024–2026 for some.
        work = self.kind_of_work(unit, category, post)
        rank = rank or self.rank_for(work, category, post, age)
        if rank:
            ladder = CC_LADDER if work == "cc" else LADDERS.get(work, [rank])
            step = ladder.index(rank) if rank in ladder else 0
            if step > 0 and not left and not moved and pid > 7 and self.chance(0.05):
                promoted = self.date_between(datetime.date(2024, 1, 1), REFERENCE_DATE - datetime.timedelta(days=20))
                p.rank_assignments.append((pid, ladder[step - 1], None, promoted - datetime.timedelta(days=1),
                                           IMPORTED, ""))
                p.rank_assignments.append((pid, rank, promoted, end, DECISION, self.decision_no("SNV")))
            else:
                p.rank_assignments.append((pid, rank, None, end, IMPORTED, ""))

        # Posts, job position, planned posts.
        if post:
            title, level, _holder = post
            start = U.MERGER_DAY if commune else self.date_between(
                max(_add_years(birth, 30), datetime.date(2016, 1, 1)), REFERENCE_DATE - datetime.timedelta(days=45))
            p.post_assignments.append((pid, title, level, unit.id, start, end, DECISION, self.decision_no()))
        job = post[0] if post else rng.choice(JOBS["HD" if work == "HD" else unit.sector if work == "cc" else work])
        p.job_assignments.append((pid, job, None, end, IMPORTED, ""))
        if planned:
            p.planned_posts.append((pid, planned[0], planned[1], datetime.date(2025, 10, 15), None, DECISION,
                                    "215/QĐ-UBND"))
        elif not left and category != "HD":
            self.maybe_plan(pid, level, age)

        # Qualifications.
        if fixed_quals:
            for qtype, qlevel, major, language, issuer, issued in fixed_quals:
                p.qualifications.append((pid, qtype, qlevel, major, language, issuer, issued, None,
                                         self.certificate_no(qtype, issued), ENTERED))
        else:
            self.make_qualifications(pid, unit, category, level, work, rank, birth, recruited, left)
        return pid

    def maybe_plan(self, pid, level, age):
        nxt = {None: "PTP", "PTP": "TP", "TP": "PGD", "PGD": "GD", "GD": "TINH"}
        titles = {"PTP": "Phó Trưởng phòng", "TP": "Trưởng phòng", "PGD": "Phó Giám đốc Sở", "GD": "Giám đốc Sở",
                  "TINH": "Phó Chủ tịch UBND tỉnh"}
        p = 0.22 if level and level != "TINH" else 0.04 if 27 <= age <= 50 else 0
        if p and self.chance(p):
            target = nxt[level]
            start = datetime.date(2025, self.rng.randint(8, 12), self.rng.randint(1, 28))
            self.p.planned_posts.append((pid, target, titles[target], start, None, DECISION, self.decision_no("TU")))

    def certificate_no(self, qtype, issued):
        year = issued.year if issued else 2015
        n = self.rng.randint(1, 99999)
        if qtype == "EDU":
            return f"{self.rng.choice('ABCDEGHK')}{self.rng.randint(0, 9999999):07d}"
        return f"{n:05d}/{year}/{qtype}"

    def make_qualifications(self, pid, unit, category, level, work, rank, birth, recruited, left):
        rng, add = self.rng, self.p.qualifications.append
        limit = (left or REFERENCE_DATE) - datetime.timedelta(days=10)

        def when(lo_age, hi_age, not_before=None):
            lo = max(_add_years(birth, lo_age), not_before or datetime.date(1980, 1, 1))
            hi = min(_add_years(birth, hi_age), limit)
            return self.date_between(lo, hi) if lo < hi else min(lo, limit)

        def source():
            return IMPORTED if rng.random() < 0.75 else ENTERED

        def record(qtype, qlevel, issued, issuer, major="", language=""):
            add((pid, qtype, qlevel, major, language, issuer, issued, None, self.certificate_no(qtype, issued), source()))

        # Education: the highest level, with the degrees below it.
        commune = unit.pool == "commune"
        if category == "HD":
            edu = rng.choices(["DH", "CD", "TC", "SC", "CQDT"], [20, 15, 30, 15, 20])[0]
        elif commune:
            edu = rng.choices(["THS", "DH", "CD", "TC"], [1.5, 79, 4.5, 15] if not level else [8, 90, 0, 2])[0]
        elif work == "nurse":
            edu = rng.choices(["DH", "CD", "TC"], [55, 33, 12])[0]
        elif level:
            edu = rng.choices(["TS", "THS", "DH"], [3, 45, 52])[0]
        elif category == "CC":
            edu = rng.choices(["TS", "THS", "DH", "CD", "TC"], [0.6, 23, 73, 2, 1.4])[0]
        elif work == "lecturer":
            edu = rng.choices(["TS", "THS", "DH"], [5, 50, 45])[0]
        else:
            edu = rng.choices(["TS", "THS", "DH", "CD", "TC"], [0.3, 14, 78, 5, 2.7])[0]
        if edu in ("TS", "THS") and _add_years(birth, 27) > limit:
            edu = "DH"
        sector = unit.sector if unit.sector in MAJORS else {"teacher": "education"}.get(unit.sector, "commune")
        if work == "doctor" or work == "nurse":
            sector = "health"
        majors = MAJORS.get(sector, MAJORS["commune"])
        unis = UNIVERSITIES.get(sector, UNIVERSITIES["default"])
        major = rng.choice(majors)
        if work == "doctor":
            major = "Y đa khoa"
        elif work == "nurse":
            major = "Điều dưỡng"
        if edu in ("TS", "THS", "DH"):
            graduated = when(21, 24)
            record("EDU", "DH", graduated, rng.choice(unis), major)
            if edu in ("TS", "THS"):
                master = when(26, 40, graduated + datetime.timedelta(days=700))
                record("EDU", "THS", master, rng.choice(unis + UNIVERSITIES["politics"][:1]), major)
                if edu == "TS":
                    record("EDU", "TS", when(32, 48, master + datetime.timedelta(days=1100)), rng.choice(unis), major)
        elif edu in ("CD", "TC", "SC"):
            issuer = "Trường Cao đẳng Tuyên Quang" if edu != "SC" else "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên"
            record("EDU", edu, when(19, 23), issuer, major if category != "HD" else "")
        else:
            add((pid, "EDU", "CQDT", "", "", "", None, None, "", IMPORTED))

        # Political theory (lý luận chính trị).
        if level == "TINH":
            llct = rng.choices(["CN", "CC"], [20, 80])[0]
        elif level == "GD":
            llct = rng.choices(["CN", "CC", "TC"], [8, 84, 8])[0]
        elif level == "PGD":
            llct = rng.choices(["CC", "TC", ""], [65, 33, 2])[0]
        elif level == "TP":
            llct = rng.choices(["CC", "TC", "SC", ""], [25, 65, 5, 5])[0]
        elif level == "PTP":
            llct = rng.choices(["CC", "TC", "SC", ""], [8, 72, 12, 8])[0]
        elif category == "CB":
            llct = rng.choices(["CC", "TC", "SC", ""], [8, 70, 17, 5])[0]
        elif work == "lecturer":
            llct = rng.choices(["CN", "CC", "TC"], [10, 40, 50])[0]
        elif category == "CC":
            llct = rng.choices(["CC", "TC", "SC", ""], [2, 18, 30, 50])[0]
        elif category == "VC":
            llct = rng.choices(["TC", "SC", ""], [6, 20, 74])[0]
        else:
            llct = "SC" if self.chance(0.05) else ""
        if llct in ("CN", "CC"):
            issuer = rng.choice(["Học viện Chính trị quốc gia Hồ Chí Minh", "Học viện Chính trị khu vực I"])
            record("LLCT", llct, when(33, 52), issuer)
        elif llct == "TC":
            record("LLCT", "TC", when(27, 42), rng.choice(["Trường Chính trị tỉnh Tuyên Quang", "Trường Chính trị tỉnh Hà Giang"]))
        elif llct == "SC":
            record("LLCT", "SC", when(23, 32), f"Trung tâm Chính trị huyện {rng.choice(U.DISTRICTS)}")

        # State management (QLNN) by the tier of the rank; some hold a lower one or none (the review finds them).
        tier = RANK_TIER.get(rank)
        if tier in ("CVCC", "CVC", "CV", "CS"):
            if category == "VC":
                p_hold = {"CVCC": 0.4, "CVC": 0.35, "CV": 0.15, "CS": 0.05}[tier]
            else:
                p_hold = {"CVCC": 0.9, "CVC": 0.85, "CV": 0.72, "CS": 0.5}[tier]
            if level:
                p_hold = min(0.97, p_hold + 0.15)
            if self.chance(p_hold):
                record("QLNN", tier, when(26, 55), rng.choice(["Học viện Hành chính Quốc gia", "Học viện Hành chính và Quản trị công"]) if tier in ("CVCC", "CVC") else "Trường Chính trị tỉnh Tuyên Quang")
            elif tier in ("CVCC", "CVC") and self.chance(0.6):
                record("QLNN", "CVC" if tier == "CVCC" else "CV", when(26, 45), "Trường Chính trị tỉnh Tuyên Quang")

        # Leadership fostering certificate: many leaders lack it.
        if level in ("TINH", "GD", "PGD"):
            ldql = rng.choices(["CAP_SO", "CAP_PHONG", ""], [62, 13, 25])[0]
        elif level in ("TP", "PTP"):
            ldql = "CAP_PHONG" if self.chance(0.55) else ""
        else:
            ldql = ""
        if ldql:
            issuer = "Học viện Hành chính và Quản trị công" if ldql == "CAP_SO" else "Trường Chính trị tỉnh Tuyên Quang"
            record("LDQL", ldql, when(32, 58, datetime.date(2018, 1, 1)), issuer)

        # Foreign language, IT, defence and security.
        if self.chance(0.15 if category == "HD" else 0.8 if level else 0.65):
            language = self.pick(FOREIGN)
            lang_level = rng.choices(["A1", "A2", "B1", "B2", "C1"], [2, 25, 50, 18, 5])[0]
            record("LANG", lang_level, when(22, 45, datetime.date(2012, 1, 1)),
                   rng.choice(["Trường Đại học Ngoại ngữ - ĐHQG Hà Nội", "Trường Đại học Tân Trào",
                               "Trường Đại học Sư phạm - Đại học Thái Nguyên"]), language=language)
        if self.chance(0.3 if category == "HD" else 0.72):
            record("IT", "NANG_CAO" if self.chance(0.15) else "CO_BAN", when(21, 45, datetime.date(2014, 1, 1)),
                   rng.choice(["Trường Đại học Tân Trào", "Trường Đại học Công nghệ Thông tin và Truyền thông"]))
        qp = {"TINH": ("DT1", 0.9), "GD": ("DT2", 0.8), "PGD": ("DT2", 0.8), "TP": ("DT3", 0.65), "PTP": ("DT3", 0.65)}
        if level in qp:
            qlevel, prob = qp[level]
        elif category == "CB":
            qlevel, prob = "DT3", 0.4
        else:
            qlevel, prob = "DT4", 0.12
        if self.chance(prob):
            issuer = "Học viện Quốc phòng" if qlevel == "DT1" else "Trường Quân sự tỉnh Tuyên Quang"
            record("QPAN", qlevel, when(28, 56, datetime.date(2015, 1, 1)), issuer)
        self.make_title_certificate(pid, rank, recruited, left)

    def make_title_certificate(self, pid, title, recruited, left):
        """The teachers' fostering certificate of their professional title (type CDNN, docs/domain.md §7.5): most
        hold the one of their grade, issued before 2025; some hold only the grade below (a promotion's certificate not
        yet taken) and some none — the review of TITLE_CDNN finds them. Drawn from a generator of its own, seeded by
        the person, so these records change no other figure of the demo."""
        grade = TITLE_GRADE.get(title)
        if grade is None:
            return
        rng = random.Random(f"dtbd-demo-{self.seed}-title-{pid}")
        draw = rng.random()
        if draw >= TITLE_HELD + TITLE_LOWER:
            return
        if draw >= TITLE_HELD:
            grade = TITLE_GRADE_BELOW.get(grade)
            if grade is None:
                return
        start = max(datetime.date(2017, 1, 1), recruited + datetime.timedelta(days=365))
        end = min(datetime.date(2024, 12, 31), (left or REFERENCE_DATE) - datetime.timedelta(days=10))
        if end < start:
            return
        issued = self.date_between_with(rng, start, end)
        family = TITLE_FAMILY_NAME[title.rsplit(".", 1)[0]]
        major = f"Bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp {family} {TITLE_GRADE_LABEL[grade]}"
        number = f"{rng.randint(1, 99999):05d}/{issued.year}/CDNN"
        source = IMPORTED if rng.random() < 0.75 else ENTERED
        self.p.qualifications.append((pid, "CDNN", grade, major, "", rng.choice(TITLE_ISSUERS), issued, None, number,
                                      source))

    @staticmethod
    def date_between_with(rng, start, end):
        return start + datetime.timedelta(days=rng.randint(0, (end - start).days))

    def make_leavers(self):
        """A few people who left in 2024–2026 (mostly retired): their records end on the day they left."""
        count = max(2, self.staff // 250)
        pools = self.office_units + self.dvsn_units
        for i in range(count):
            unit = pools[(i * 7919) % len(pools)]
            category = "CC" if unit.pool == "office" else "VC"
            left = self.date_between(datetime.date(2024, 3, 1), REFERENCE_DATE - datetime.timedelta(days=30))
            reason = self.rng.choices(["RETIRED", "TRANSFERRED", "RESIGNED"], [80, 12, 8])[0]
            age = 60 if reason == "RETIRED" else self.rng.randint(28, 50)
            self.make_person(unit, category, None, age=age, left=left, leave_reason=reason)
