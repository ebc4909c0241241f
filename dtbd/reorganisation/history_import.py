"""Import of dated history (lich-su.xlsx, docs/domain.md §15.6): the past facts of people already registered, with
their dates, so that a province moving from spreadsheets keeps its last years and the figures of past years
(annual hours, compliance, staff by unit on a date) read right.

One sheet, one fact a row, its kind in the column "Loại":
- DON_VI  placement in a unit from "Từ ngày" (until "Đến ngày", or until the next placement, or now);
- NGACH   rank (ngạch / chức danh nghề nghiệp) held from a day;
- CHUC_VU main post (chức vụ, cấp chức vụ, at a unit) held from a day;
- VAN_BANG a diploma or certificate issued on "Từ ngày" (valid until "Đến ngày");
- BOI_DUONG a past course completed: programme, provider, the course's first and last day, tiết, certificate.

The rules of the other templates hold (dtbd.core.importing): headers exactly, the whole file checked first and every
error listed as (row, column, value, message), nothing written if any error, everything written in one transaction.
Placements, ranks and posts are fitted into each person's history by people.services.record_dated_history (the
rules of people.history.plan_past); past courses are recorded by training.services.history.record_past_training.
A unit must be valid on every day of a placement (docs/domain.md §15.4). A unit officer imports only for the people
of their subtree and only into units of it; a person outside gets the same message as a code that does not exist.
Importing the same file twice changes nothing."""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.accounts.scope import CHANGE, Scope, scope_of
from dtbd.core.importing import (
    REQUIRED,
    CellError,
    Codes,
    ImportFailed,
    ImportReport,
    RowError,
    cell_text,
    check_headers,
    chunks,
    count_data_rows,
    data_rows,
    parse_date,
    read_first_sheet,
)
from dtbd.core.models import Source
from dtbd.org.models import Unit
from dtbd.people.catalog import LEVELS, PostLevel, QualificationType
from dtbd.people.history import Fact
from dtbd.people.importing import parse_language
from dtbd.people.models import Person, Qualification, Rank
from dtbd.people.services import dated_history_plan, qualification_errors, record_dated_history, save_qualification
from dtbd.training.models import Enrollment, Program, Provider
from dtbd.training.services import history as training_history

HEADERS = (
    "Mã cán bộ",  # 0
    "Loại",  # 1
    "Từ ngày",  # 2
    "Đến ngày",  # 3
    "Mã đơn vị",  # 4
    "Mã ngạch",  # 5
    "Chức vụ",  # 6
    "Cấp chức vụ",  # 7
    "Loại văn bằng",  # 8
    "Trình độ",  # 9
    "Chuyên ngành",  # 10
    "Mã chương trình",  # 11
    "Mã cơ sở đào tạo",  # 12
    "Mã lớp",  # 13
    "Tên lớp",  # 14
    "Số tiết",  # 15
    "Số chứng chỉ",  # 16
    "Ngày cấp chứng chỉ",  # 17
    "Nơi cấp",  # 18
)
(CODE, KIND, FROM, TO, UNIT, RANK, POST, POST_LEVEL, QTYPE, LEVEL, MAJOR, PROGRAM, PROVIDER, CLASS_CODE, CLASS_NAME,
 TIET, CERT_NO, CERT_ON, ISSUER) = range(len(HEADERS))


class FactKind:
    UNIT = "DON_VI"
    RANK = "NGACH"
    POST = "CHUC_VU"
    QUALIFICATION = "VAN_BANG"
    TRAINING = "BOI_DUONG"
    CHOICES = [
        (UNIT, "Đơn vị công tác"),
        (RANK, "Ngạch, chức danh nghề nghiệp"),
        (POST, "Chức vụ"),
        (QUALIFICATION, "Văn bằng, chứng chỉ"),
        (TRAINING, "Bồi dưỡng đã hoàn thành"),
    ]


HISTORY_OF = {FactKind.UNIT: "unit", FactKind.RANK: "rank", FactKind.POST: "post"}
VALUE_COLUMN = {"unit": UNIT, "rank": RANK, "post": POST}
PREVIEW_ROWS = 20
TIET_MAX = 2000  # a course longer than a year of full days is a typing error
# Free text columns and the length of the field they go to.
MAX_LENGTH = {POST: 200, MAJOR: 200, ISSUER: 200, CLASS_NAME: 255, CERT_NO: 60}


@dataclass
class Row:
    row: int
    kind: str
    person: Person
    valid_from: datetime.date
    valid_to: datetime.date | None
    values: dict = field(default_factory=dict)
    texts: list = field(default_factory=list)
    change: bool = True  # False: recorded already (importing the file again)


def import_history(source, user=None, dry_run=False, scope: Scope | None = None, today=None) -> ImportReport:
    """Validate `source` (path or binary file) and, unless dry_run, save it. Raises ImportFailed with every error.
    `user` None = no particular user (command line): full scope."""
    scope = scope or (scope_of(user) if user is not None else Scope(everything=True, can_write=True))
    today = today or timezone.localdate()
    if not scope.can_write:
        raise ImportFailed([RowError(0, "", "", _("Bạn không có quyền nhập dữ liệu lịch sử."))])
    rows = read_first_sheet(source)
    if not rows:
        raise ImportFailed([RowError(1, "", "", _("Tệp không có dữ liệu (trang tính đầu tiên trống)."))])
    errors = check_headers(rows[0], HEADERS)
    if errors:
        raise ImportFailed(errors, rows=count_data_rows(rows))
    importer = HistoryImport(scope, today, user)
    importer.validate(rows)
    if importer.errors:
        raise ImportFailed(sorted(importer.errors, key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else -1)),
                           rows=len(importer.raw))
    report = importer.report()
    if not dry_run:
        try:
            importer.save()
        except ValidationError as exc:  # the records changed since the check (another writer): nothing written
            raise ImportFailed([RowError(0, "", "", message) for message in exc.messages], rows=len(importer.raw)) from exc
    report.saved = not dry_run
    return report


class HistoryImport:
    def __init__(self, scope, today, user):
        self.scope, self.today, self.user = scope, today, user
        self.errors, self.parsed, self.raw = [], [], []

    def _err(self, row, column, texts, message):
        self.errors.append(RowError(row, HEADERS[column], texts[column], str(message)))

    # ------------------------------------------------------------ validation

    def validate(self, rows):
        self.raw = [(row_no, cells[: len(HEADERS)]) for row_no, cells in data_rows(rows, len(HEADERS))]
        texts_of = {row_no: [cell_text(v) for v in cells] for row_no, cells in self.raw}
        codes = {t[CODE] for t in texts_of.values()} - {""}
        people = {}
        for part in chunks(codes):
            people.update({p.code: p for p in self.scope.filter_people(Person.objects.filter(code__in=part), CHANGE)})
        units = {u.code: u for u in Unit.objects.filter(code__in={t[UNIT] for t in texts_of.values()} - {""})}
        ranks = dict(Rank.objects.values_list("code", "pk"))
        programs = {p.code: p for p in Program.objects.filter(code__in={t[PROGRAM] for t in texts_of.values()} - {""})}
        providers = {p.code: p for p in Provider.objects.filter(code__in={t[PROVIDER] for t in texts_of.values()} - {""})}
        kinds = Codes(FactKind.CHOICES, aliases={"Đơn vị": FactKind.UNIT, "Ngạch": FactKind.RANK,
                                                 "Bồi dưỡng": FactKind.TRAINING, "Văn bằng": FactKind.QUALIFICATION})
        post_levels = Codes(PostLevel.choices)
        qtypes = Codes(QualificationType.choices)
        level_codes = {qtype: Codes([(c, label) for c, (label, _o) in LEVELS[qtype].items()]) for qtype in LEVELS}
        certificates_seen = {}
        broken = set()  # (person id, history) with a row in error

        for row_no, cells in self.raw:
            t = texts_of[row_no]
            before = len(self.errors)

            def err(column, message, _row=row_no, _t=t):
                self._err(_row, column, _t, message)

            def dated(column, required=False, _cells=cells, _t=t):
                if not _t[column]:
                    if required:
                        err(column, REQUIRED)
                    return None
                try:
                    day = parse_date(_cells[column])
                except CellError as exc:
                    err(column, str(exc))
                    return None
                if day > self.today:
                    err(column, _("Ngày ở tương lai: mẫu này chỉ ghi quá trình đã qua."))
                    return None
                return day

            person = None
            if not t[CODE]:
                err(CODE, REQUIRED)
            else:
                person = people.get(t[CODE])
                if person is None:
                    err(CODE, _("Không có cán bộ mã %(code)s trong phạm vi quản lý của bạn.") % {"code": t[CODE]})
            kind = None
            if not t[KIND]:
                err(KIND, REQUIRED)
            else:
                try:
                    kind = kinds.parse(t[KIND])
                except CellError as exc:
                    err(KIND, str(exc))
            for column, limit in MAX_LENGTH.items():
                if len(t[column]) > limit:
                    err(column, _("Tối đa %(max)s ký tự.") % {"max": limit})
            start, end = dated(FROM, required=True), dated(TO)
            if start and end and end < start:
                err(TO, _("Đến ngày phải sau hoặc trùng Từ ngày."))
            if person is not None and start and start < person.birth_date:
                err(FROM, _("Ngày trước ngày sinh của cán bộ."))
            values = {}
            if kind in (FactKind.UNIT, FactKind.POST):
                values["unit"] = self._unit(row_no, t, units, required=kind == FactKind.UNIT)
            if kind == FactKind.RANK:
                if not t[RANK]:
                    err(RANK, REQUIRED)
                elif t[RANK] not in ranks:
                    err(RANK, _("Không có mã ngạch %(code)s.") % {"code": t[RANK]})
                else:
                    values["rank"] = ranks[t[RANK]]
            elif kind == FactKind.POST:
                title = " ".join(t[POST].split())
                level = ""
                try:
                    level = post_levels.parse(t[POST_LEVEL])
                except CellError as exc:
                    err(POST_LEVEL, str(exc))
                if not title and not level:
                    err(POST, _("Ghi tên chức vụ hoặc cấp chức vụ."))
                values.update(title=title, level=level)
            elif kind == FactKind.QUALIFICATION:
                values.update(self._qualification(row_no, t, qtypes, level_codes, person, start, end))
            elif kind == FactKind.TRAINING:
                values.update(self._training(row_no, t, cells, programs, providers, person, start, end, dated,
                                             certificates_seen))
            if kind and person is not None and len(self.errors) == before:
                self.parsed.append(Row(row_no, kind, person, start, end, values, t))
            elif kind in HISTORY_OF and person is not None:
                broken.add((person.pk, HISTORY_OF[kind]))
        self._check_unit_periods(broken)
        # A history with a row in error is not fitted (the missing row would make the others look wrong).
        self._check_histories(broken)

    def _check_unit_periods(self, broken):
        """The unit of a placement or post is valid on every day of it: from its start to its end (Đến ngày, else
        the day before the person's next row of the kind, else today)."""
        groups = defaultdict(list)
        for row in self.parsed:
            if row.kind in (FactKind.UNIT, FactKind.POST) and row.values.get("unit") is not None:
                groups[row.person.pk, row.kind].append(row)
        for (person_id, kind), rows in groups.items():
            rows.sort(key=lambda r: r.valid_from)
            for index, row in enumerate(rows):
                end = row.valid_to
                if end is None:
                    following = rows[index + 1] if index + 1 < len(rows) else None
                    end = max(row.valid_from, following.valid_from - datetime.timedelta(days=1)) if following else self.today
                if not self._unit_valid(row.row, row.texts, row.values["unit"], row.valid_from, end):
                    broken.add((person_id, HISTORY_OF[kind]))

    def _unit(self, row_no, t, units, required):
        if not t[UNIT]:
            if required:
                self._err(row_no, UNIT, t, REQUIRED)
            return None
        unit = units.get(t[UNIT])
        if unit is None or not self._in_scope(unit):
            self._err(row_no, UNIT, t, _("Không có đơn vị mã %(code)s trong phạm vi quản lý của bạn.") % {"code": t[UNIT]})
            return None
        return unit

    def _in_scope(self, unit):
        return self.scope.everything or bool(self.scope.unit_path and unit.path.startswith(self.scope.unit_path))

    def _unit_valid(self, row_no, t, unit, start, end):
        """A unit must be valid on every day of the placement (docs/domain.md §15.4); False (and the error) when not."""
        if unit.valid_from is not None and unit.valid_from > start:
            self._err(row_no, FROM, t, _("Đơn vị %(code)s có hiệu lực từ ngày %(date)s: không xếp cán bộ vào đơn vị "
                                         "này trước ngày đó.") % {"code": unit.code, "date": f"{unit.valid_from:%d/%m/%Y}"})
        elif unit.valid_to is not None and unit.valid_to < end:
            column = TO if t[TO] else FROM
            self._err(row_no, column, t, _("Đơn vị %(code)s hết hiệu lực từ ngày %(date)s: ghi Đến ngày không sau "
                                           "ngày %(last)s (sau đó là đơn vị kế thừa).") % {
                "code": unit.code, "date": f"{unit.valid_to + datetime.timedelta(days=1):%d/%m/%Y}",
                "last": f"{unit.valid_to:%d/%m/%Y}"})
        else:
            return True
        return False

    def _qualification(self, row_no, t, qtypes, level_codes, person, start, end):
        qtype = level = language = None
        try:
            qtype = qtypes.parse(t[QTYPE])
        except CellError as exc:
            self._err(row_no, QTYPE, t, str(exc))
        if not t[QTYPE]:
            self._err(row_no, QTYPE, t, REQUIRED)
        if not qtype:
            return {}
        if not t[LEVEL]:
            self._err(row_no, LEVEL, t, REQUIRED)
            return {}
        try:
            if qtype == QualificationType.LANGUAGE:
                language, level = parse_language(t[LEVEL])
            else:
                level = level_codes[qtype].parse(t[LEVEL])
        except CellError as exc:
            self._err(row_no, LEVEL, t, str(exc))
            return {}
        if person is not None and start:
            for name, message in qualification_errors(person, qtype=qtype, language=language or "", issued_on=start,
                                                      valid_until=end, today=self.today).items():
                self._err(row_no, TO if name == "valid_until" else FROM, t, message)
        return {"type": qtype, "level": level, "language": language or "", "major": t[MAJOR], "issuer": t[ISSUER],
                "certificate_no": t[CERT_NO]}

    def _training(self, row_no, t, cells, programs, providers, person, start, end, dated, seen):
        values = {}
        program = provider = None
        for column, catalogue, message in (
                (PROGRAM, programs, _("Không có chương trình mã %(code)s.")),
                (PROVIDER, providers, _("Không có cơ sở đào tạo mã %(code)s."))):
            if not t[column]:
                self._err(row_no, column, t, REQUIRED)
            elif t[column] not in catalogue:
                self._err(row_no, column, t, message % {"code": t[column]})
        program, provider = programs.get(t[PROGRAM]), providers.get(t[PROVIDER])
        if not t[TO]:
            self._err(row_no, TO, t, _("Ghi ngày kết thúc của khoá học."))
        tiet = None
        if t[TIET]:
            try:
                tiet = int(float(t[TIET].replace(",", ".")))
                if tiet <= 0 or tiet > TIET_MAX or float(t[TIET].replace(",", ".")) != tiet:
                    raise ValueError
            except (ValueError, OverflowError):
                self._err(row_no, TIET, t, _("Số tiết là số nguyên dương, tối đa %(max)s.") % {"max": TIET_MAX})
        certificate_on = dated(CERT_ON)
        if certificate_on and end and certificate_on < end:
            self._err(row_no, CERT_ON, t, _("Ngày cấp chứng chỉ phải sau hoặc trùng ngày kết thúc khoá học."))
        code = t[CLASS_CODE]
        if len(code) > training_history.CODE_MAX:
            self._err(row_no, CLASS_CODE, t, _("Mã lớp tối đa %(max)s ký tự.") % {"max": training_history.CODE_MAX})
        if program is not None and provider is not None and start and end and end >= start:
            code = code or training_history.history_class_code(program, provider, start, end, t[CLASS_NAME])
            problem = training_history.class_code_problem(code, program, provider, start, end)
            if problem:
                self._err(row_no, CLASS_CODE, t, problem)
        number = t[CERT_NO]
        if number and person is not None:
            if number in seen:
                self._err(row_no, CERT_NO, t, _("Số chứng chỉ trùng với dòng %(row)s.") % {"row": seen[number]})
            else:
                seen[number] = row_no
                problem = training_history.certificate_problem(number, person, code)
                if problem:
                    self._err(row_no, CERT_NO, t, problem)
        values.update(program=program, provider=provider, code=code, name=t[CLASS_NAME], tiet=tiet,
                      certificate_no=number, certificate_on=certificate_on)
        return values

    def _check_histories(self, broken):
        """Placements, ranks and posts: every person's facts of a kind fitted into their history (plan_past)."""
        groups = defaultdict(list)
        for row in self.parsed:
            history = HISTORY_OF.get(row.kind)
            if history and (row.person.pk, history) not in broken:
                groups[row.person.pk, history].append(row)
        self.groups = []
        for (_pk, history), rows in groups.items():
            facts = [Fact(row, row.valid_from, row.valid_to, self._key(history, row)) for row in rows]
            person = rows[0].person
            problems, changes = dated_history_plan(person, history, facts)
            for fact, which, message in problems:
                column = {"from": FROM, "to": TO}.get(which, VALUE_COLUMN[history])
                self._err(fact.ref.row, column, fact.ref.texts, message)
            starts = {change.valid_from for change in changes}
            for fact in facts:
                fact.ref.change = fact.valid_from in starts
            self.groups.append((person, history, facts))
        for row in self.parsed:
            if row.kind == FactKind.QUALIFICATION:
                row.change = not self._held_qualification(row)[1]
            elif row.kind == FactKind.TRAINING:
                row.change = not Enrollment.objects.filter(
                    person=row.person, training_class__code=row.values["code"]).exists()

    @staticmethod
    def _key(history, row):
        v = row.values
        if history == "unit":
            return (v["unit"].pk,)
        if history == "rank":
            return (v["rank"],)
        return (v["title"], v["level"], v["unit"].pk if v.get("unit") else None)

    @staticmethod
    def _held_qualification(row):
        """(the record of the same type, level and language with an unknown issue day, or None; whether the same
        qualification issued on that day is recorded already)."""
        v = row.values
        same = Qualification.objects.filter(person=row.person, type=v["type"], level=v["level"],
                                            language=v["language"])
        return same.filter(issued_on__isnull=True).first(), same.filter(issued_on=row.valid_from).exists()

    # ------------------------------------------------------------ report and saving

    def report(self):
        changed = sum(1 for row in self.parsed if row.change)
        report = ImportReport(kind="history", rows=len(self.raw), created=changed,
                              unchanged=len(self.parsed) - changed)
        labels = dict(FactKind.CHOICES)
        report.preview = [
            {"row": row.row, "code": row.person.code, "name": row.person.full_name, "action": "create",
             "changes": [" ".join(filter(None, (
                 labels[row.kind], f"{row.valid_from:%d/%m/%Y}" + (f" – {row.valid_to:%d/%m/%Y}" if row.valid_to else ""),
                 row.texts[UNIT] or row.texts[RANK] or row.texts[POST] or row.texts[LEVEL] or row.texts[PROGRAM])))]}
            for row in self.parsed[:PREVIEW_ROWS]
        ]
        return report

    @transaction.atomic
    def save(self):
        for person, history, facts in self.groups:
            record_dated_history(person, history, facts, source=Source.IMPORTED)
        for row in self.parsed:
            if row.kind == FactKind.QUALIFICATION and row.change:
                self._save_qualification(row)
            elif row.kind == FactKind.TRAINING and row.change:
                v = row.values
                training_history.record_past_training(
                    row.person, program=v["program"], provider=v["provider"], starts_on=row.valid_from,
                    ends_on=row.valid_to, tiet=v["tiet"], code=v["code"], name=v["name"],
                    certificate_no=v["certificate_no"], certificate_on=v["certificate_on"], user=self.user)

    def _save_qualification(self, row):
        """A qualification of the same type and level recorded without its day (the staff template records them so)
        takes the row's day; otherwise a new one."""
        v = row.values
        undated, _held = self._held_qualification(row)
        qualification = undated or Qualification(person=row.person, type=v["type"], level=v["level"],
                                                 language=v["language"], source=Source.IMPORTED)
        qualification.issued_on, qualification.valid_until = row.valid_from, row.valid_to
        qualification.major = v["major"] or qualification.major
        qualification.issuer = v["issuer"] or qualification.issuer
        qualification.certificate_no = v["certificate_no"] or qualification.certificate_no
        save_qualification(qualification)
