"""Import of the staff template (can-bo.xlsx, see shared spec staff-import.md).

The whole file is validated against in-memory maps (units, ranks, ethnic groups, the people already registered and
their open records, loaded once), then saved set-based in one transaction:

- people are upserted by staff code; identity fields are updated in place when they differ;
- the file states the current situation: for each history (unit, category, rank, post, job position, planned posts)
  the open records that the file no longer states end the day before the import day, the stated ones that are not
  open start on the import day (the rules of people.history, shared with the record pages and the API; a record that
  started on the import day itself is corrected in place); for a new person, or a history the person never had,
  they start on an unknown date (valid_from NULL);
- columns 13–19 add an imported qualification (issued_on NULL) when the person holds no record of that level;
  nothing is ever deleted from the qualifications;
- one django-auditlog LogEntry per created or changed person, written in bulk (bulk writes send no signals).

Blank optional identity cells (citizen ID, email, phone, recruitment and party dates) leave the stored value alone.

A large file uses a second core twice: the stored tables are read while calamine parses the sheet (read_stored), and
when most of its rows are likely registered already, its two halves are validated and planned in two processes
(StaffImport._run_in_two); the outcome is the one of a single pass (docs/benchmarks.md "Staff import").
"""
import contextlib
import copy
import datetime
import functools
import gc
import itertools
import json
import logging
import os
import pickle
import re
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from dataclasses import fields as dataclass_fields
from json.encoder import encode_basestring_ascii
from operator import attrgetter
from unicodedata import normalize

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dtbd.accounts.scope import Scope, scope_of
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
    clean_text,
    count_data_rows,
    data_rows,
    db_now,
    indexes_rebuilt_after,
    insert_rows,
    parse_date,
    read_first_sheet_meanwhile,
)
from dtbd.core.models import Source
from dtbd.core.text import fold, vn_sort_key
from dtbd.org.models import Unit

from . import validators as v
from .catalog import LEVELS, Category, Gender, PostLevel, QualificationType, level_order
from .history import KINDS, Amend, Close, Drop, OpenRecord, plan_set, plan_single, unchanged
from .models import Ethnicity, JobPosition, Person, Qualification, Rank

logger = logging.getLogger(__name__)

HEADERS = (
    "Mã cán bộ",  # 0
    "Họ và tên",  # 1
    "Ngày sinh",  # 2
    "Giới tính",  # 3
    "Dân tộc",  # 4
    "Số CCCD",  # 5
    "Mã đơn vị",  # 6
    "Loại",  # 7
    "Mã ngạch",  # 8
    "Chức vụ",  # 9
    "Cấp chức vụ",  # 10
    "Vị trí việc làm",  # 11
    "Trình độ chuyên môn",  # 12
    "Chuyên ngành",  # 13
    "Lý luận chính trị",  # 14
    "Quản lý nhà nước",  # 15
    "Bồi dưỡng lãnh đạo quản lý",  # 16
    "Ngoại ngữ",  # 17
    "Tin học",  # 18
    "Ngày tuyển dụng",  # 19
    "Đảng viên",  # 20
    "Ngày vào Đảng",  # 21
    "Quy hoạch",  # 22
    "Email",  # 23
    "Điện thoại",  # 24
)
PREVIEW_ROWS = 20
BULK = 2000
LOAD_ALL_ABOVE = 3000  # more keys than this: read the whole (open) table once instead of chunked IN lists
# More data rows than this, on a machine with more than one core: validation and planning in two processes (fork),
# when everything the rows are compared with was read beforehand (read_stored). Setting DTBD_IMPORT_FORK = False
# keeps every import in one process.
TWO_PROCESSES_ABOVE = 20_000
TWO_PROCESSES_REGISTERED_SHARE = 0.5  # ...and the register holds at least this many people per row of the file
# The order in which validate() checks a row's cells (the foreign language after the IT column): a row's errors are
# listed in that order.
CHECK_ORDER = {HEADERS[c]: k for k, c in enumerate((*range(17), 18, 17, *range(19, 25)))}
# What the second process of a large import sends back (StaffImport._run_in_two): its errors, what it saw, its plan.
SENT_BACK = ("row_errors", "holder_errors", "scope_errors", "dups", "seen_codes", "seen_ids", "id_texts", "valid_rows",
             "created", "changed", "unchanged", "changes", "person_updates", "new_quals", "audit")

# Identity fields compared and updated in place, in Person field order.
PERSON_FIELDS = (
    "full_name", "birth_date", "gender", "ethnicity_id", "citizen_id", "email", "phone",
    "recruited_on", "party_member", "party_joined_on",
)
KEEP_WHEN_BLANK = {"citizen_id", "email", "phone", "recruited_on", "party_joined_on"}

TEXT_COLUMNS = (1, 9, 11, 13)  # free text stored as written (NFC)
QUAL_COLUMNS = (
    (12, QualificationType.EDUCATION),
    (14, QualificationType.POLITICAL),
    (15, QualificationType.STATE_MGMT),
    (16, QualificationType.LEADERSHIP),
    (18, QualificationType.IT),
)
LANGUAGE_RE = re.compile(r"^(?P<lang>.+?)\s+(?:(?:bậc|bac)\s*)?(?P<level>[1-6]|[ABCabc][12])$", re.IGNORECASE)
LANGUAGE_NAME_MAX = 60  # Qualification.language
EMAIL_MAX = 254  # Person.email
LANGUAGE_STEPS = {"1": "A1", "2": "A2", "3": "B1", "4": "B2", "5": "C1", "6": "C2"}
LANGUAGE_MESSAGE = gettext_lazy(
    "Ngoại ngữ ghi dạng '<ngôn ngữ> <bậc>', bậc 1–6 hoặc A1–C2 (ví dụ 'Tiếng Anh B1', 'Anh 3')."
)


def parse_language(text):
    """'Tiếng Anh B1' / 'Anh 3' / 'tiếng pháp bậc 4' -> ('Tiếng Anh', 'B1'). Raises CellError."""
    match = LANGUAGE_RE.match(text.strip())
    if not match:
        raise CellError(str(LANGUAGE_MESSAGE))
    name, level = match.group("lang").strip(), match.group("level").upper()
    level = LANGUAGE_STEPS.get(level, level)
    if fold(name).startswith("tieng "):
        name = name.split(None, 1)[1]
    name = " ".join(word[:1].upper() + word[1:] for word in name.split())
    return f"Tiếng {name}", level


@dataclass
class Catalogues:
    units: dict  # code -> (id, path)
    ranks: dict  # code -> id
    ethnicities: dict  # folded name -> id
    job_positions: dict  # folded name -> id
    periods: dict = dataclass_field(default_factory=dict)  # code -> (valid_from, valid_to) of the units with a bound set


def load_catalogues():
    return Catalogues(
        units={code: (pk, path) for pk, code, path in Unit.objects.values_list("id", "code", "path")},
        ranks=dict(Rank.objects.values_list("code", "id")),
        ethnicities=dict(Ethnicity.objects.values_list("name_folded", "id")),
        job_positions=dict(JobPosition.objects.values_list("name_folded", "id")),
        periods={code: (start, end) for code, start, end in Unit.objects.filter(
            Q(valid_from__isnull=False) | Q(valid_to__isnull=False)).values_list("code", "valid_from", "valid_to")},
    )


def _unit_period_error(code, period, day):
    """Why nobody may be placed in unit `code` on `day` (the template states the situation of today): the unit
    ended (a reorganisation: docs/domain.md §15) or has not begun yet. None when it is valid."""
    if period is None:
        return None
    start, end = period
    if end is not None and end < day:
        return _("Đơn vị %(code)s đã hết hiệu lực từ ngày %(date)s: không xếp cán bộ vào đơn vị này (xem đơn vị "
                 "kế thừa trên trang đơn vị).") % {"code": code, "date": (end + datetime.timedelta(days=1)).strftime("%d/%m/%Y")}
    if start is not None and start > day:
        return _("Đơn vị %(code)s có hiệu lực từ ngày %(date)s: chưa xếp cán bộ vào đơn vị này.") % {
            "code": code, "date": start.strftime("%d/%m/%Y")}
    return None


def _fetch(queryset, field, keys, columns):
    """values_list(*columns) of the rows whose `field` is in `keys`: chunked IN lists for a few keys, one pass over
    the queryset for many (the caller filters). Never one query per row. A caller that needs no order passes an
    unordered queryset (`.order_by()`): a model's default ordering would make the database sort the whole table."""
    if len(keys) > LOAD_ALL_ABOVE:
        index = columns.index(field) if field in columns else None
        rows = _raw_rows(queryset.values_list(*columns))
        if index is None:
            return rows
        return [row for row in rows if row[index] in keys]
    result = []
    for part in chunks(keys):
        result.extend(_raw_rows(queryset.filter(**{f"{field}__in": part}).values_list(*columns)))
    return result


def _raw_rows(queryset):
    """The rows of a values_list() queryset, read on the cursor without the ORM's per-row converters: the driver
    already gives dates and booleans (SQLite through the converters Django registers for declared column types,
    PostgreSQL natively), and the columns read here are ids, text, dates and booleans."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def import_staff(source, user=None, dry_run=False, scope: Scope | None = None, today=None) -> ImportReport:
    """Validate `source` (path or binary file) and, unless dry_run, save it. Raises ImportFailed with every error.
    `user` None = no particular user (command line): full scope."""
    scope = scope or (scope_of(user) if user is not None else Scope(everything=True, can_write=True))
    today = today or timezone.localdate()
    importer = StaffImport(scope, today, user)
    rows = None
    with _without_cyclic_gc():
        try:
            rows = read_first_sheet_meanwhile(source, importer.read_stored)[0]
            if not rows:
                raise ImportFailed([RowError(1, "", "", _("Tệp không có dữ liệu (trang tính đầu tiên trống)."))])
            errors = check_headers(rows[0], HEADERS)
            if errors:
                raise ImportFailed(errors, rows=count_data_rows(rows))
            importer.run(list(data_rows(rows, len(HEADERS))))
            if importer.errors:
                raise ImportFailed(importer.errors, rows=count_data_rows(rows))
            report = importer.report()
            if not dry_run and (importer.created or importer.changed):
                importer.save()
        finally:
            # Let go of the sheet and the stored tables while the cyclic collector is still off: its first pass
            # once it is back would otherwise walk their millions of objects before they go.
            del rows
            importer.release()
    report.saved = not dry_run
    return report


@contextlib.contextmanager
def _without_cyclic_gc():
    """Hundreds of thousands of small containers make the cyclic collector rescan the heap over and over; the
    import creates no reference cycles that need it, so pause it (reference counting still frees memory)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(slots=True, eq=False)
class StaffRow:
    """One valid data row of the file, as the importer plans and saves it."""

    row: int  # Excel row number
    code: str
    unit_code: str
    full_name: str
    birth_date: datetime.date
    gender: str
    ethnicity_id: int
    citizen_id: str | None
    email: str
    phone: str
    recruited_on: datetime.date | None
    party_member: bool
    party_joined_on: datetime.date | None
    unit_id: int
    category: str
    rank_id: int | None
    post_title: str
    post_level: str
    job: object  # the job position's id, or its folded name until the position exists; "" = none
    job_name: str
    planned: tuple  # planned post levels, sorted
    quals: list  # (type, level, major, language)
    person_id: int | None = None

    def __reduce__(self):
        # Pickled as the tuple of its fields (the second process of a large import sends its rows back): several
        # times faster than the default for a slotted dataclass.
        return StaffRow, _staff_row_fields(self)

    def identity(self):
        """The identity fields, in PERSON_FIELDS order."""
        return (self.full_name, self.birth_date, self.gender, self.ethnicity_id, self.citizen_id, self.email,
                self.phone, self.recruited_on, self.party_member, self.party_joined_on)

    def wanted_all(self):
        """wanted() of every history, in people.history.KINDS order."""
        unit_id, post = self.unit_id, (self.post_title or self.post_level)
        return (
            ((unit_id,),),
            ((self.category,),),
            ((self.rank_id,),) if self.rank_id else (),
            ((self.post_title, self.post_level, unit_id),) if post else (),
            ((self.job,),) if self.job != "" else (),
            tuple((level,) for level in self.planned),
        )

    def wanted(self, name):
        """The keys the row states for the history `name` (people.history.KINDS): a tuple of keys."""
        if name == "unit":
            return ((self.unit_id,),)
        if name == "category":
            return ((self.category,),)
        if name == "rank":
            return ((self.rank_id,),) if self.rank_id else ()
        if name == "post":
            return ((self.post_title, self.post_level, self.unit_id),) if (self.post_title or self.post_level) else ()
        if name == "job":
            return ((self.job,),) if self.job != "" else ()
        return tuple((level,) for level in self.planned)


_staff_row_fields = attrgetter(*(f.name for f in dataclass_fields(StaffRow)))


class StaffImport:
    def __init__(self, scope, today, user=None):
        self.scope, self.today, self.user = scope, today, user
        self.yesterday = today - datetime.timedelta(days=1)
        self.cat = load_catalogues()
        self.fold = functools.lru_cache(maxsize=None)(fold)  # names and job titles repeat a lot
        self.stored = None  # what read_stored() read, when it did
        self._start()

    def release(self):
        """Drop the file's rows, what was read and the plans (the report is made): memory back before the end."""
        self.stored = None
        self._start()
        self.existing, self.open = {}, {}

    def _start(self):
        """The results of validation, checks and planning, empty."""
        self.errors = []  # every error, once run() is done
        self.row_errors = []  # the cells' errors (validate)
        self.holder_errors, self.scope_errors = [], []  # the checks against what is stored
        self.dups = []  # (error, "code" / "cid", value): "same as row n" errors (validate)
        self.seen_codes, self.seen_ids = {}, {}  # first row of each staff code / citizen ID
        self.id_texts = {}  # citizen ID -> the cell as written, where it differs (zeros Excel dropped)
        self.parsed = []  # StaffRow, one per valid data row
        self.valid_rows = 0
        self.created, self.changed, self.unchanged = [], [], 0
        self.changes = {name: [] for name in KINDS}  # history -> [(person id, change)]
        self.person_updates = []  # (person id, {field: (old, new)})
        self.new_quals = []  # (row, qtype, level, major, language)
        self.audit = {}  # code -> {label: [old, new]}

    # ------------------------------------------------------------ validate, check, plan: in one or two processes

    def run(self, items):
        """Validate the data rows `items` ((Excel row, cells), data_rows()), check them against what is stored and,
        when no row has an error, plan the changes. A large file whose comparison tables were all read beforehand
        (read_stored) is done in two processes (_run_in_two); the result is the same as in one."""
        if self._two_processes(len(items)):
            self._run_in_two(items)
        else:
            self._run_part(items)
            self._finish([self])

    def _run_part(self, items):
        self.validate(items)
        self._check_against_database()
        if not (self.row_errors or self.holder_errors or self.scope_errors):
            self.plan()

    def _two_processes(self, count):
        """Worth a second process: a large file, most of whose rows are likely to be registered already. (A new
        person's row is sent back whole, and pickling it costs about what validating it does: a first import gains
        nothing.)"""
        return (count > TWO_PROCESSES_ABOVE and getattr(settings, "DTBD_IMPORT_FORK", True) and hasattr(os, "fork")
                and (os.cpu_count() or 1) > 1 and self.stored is not None and "quals" in self.stored
                and len(self.stored["people"]) >= TWO_PROCESSES_REGISTERED_SHARE * count)

    def _run_in_two(self, items):
        """The later half of the rows in a child process (os.fork: it shares this one's memory, the sheet and the
        tables read_stored() read, and touches no database), the earlier half here; the child sends back what it
        found (pickle, through a pipe) and _finish() joins the halves as one process would have seen them. When the
        child fails, its half is done here."""
        half = len(items) // 2
        self._describe_names()  # loaded before the copy and the fork: the child reads no database
        later = copy.copy(self)
        later._start()
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError as exc:  # no process to be had (limits, memory): one process does it all
            os.close(read_end)
            os.close(write_end)
            logger.warning("Staff import: no second process (%s); done in one.", exc)
            self._run_part(items)
            self._finish([self])
            return
        if pid == 0:  # the child: no return from here, no database, no clean-up of the parent's objects
            status = 1
            try:
                os.close(read_end)
                with connection.execute_wrapper(_no_query_in_the_child):
                    later._run_part(items[half:])
                payload = pickle.dumps({name: getattr(later, name) for name in SENT_BACK}, pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(payload)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        try:
            self._run_part(items[:half])
        finally:
            with os.fdopen(read_end, "rb") as pipe:
                payload = pipe.read()
            _pid, status = os.waitpid(pid, 0)
        if status == 0 and payload:
            for name, value in pickle.loads(payload).items():
                setattr(later, name, value)
        else:
            logger.warning("Staff import: the second process failed (status %s); its half is done here.", status)
            later._start()
            later._run_part(items[half:])
        self._finish([self, later])

    def _finish(self, parts):
        """Join the parts (in row order) into this one: errors in the order one pass over the whole file gives them,
        a duplicate across parts named like any other; the plans, when no row has an error."""
        first = parts[0]
        row_errors = list(first.row_errors)
        holder_errors, scope_errors = list(first.holder_errors), list(first.scope_errors)
        for part in parts[1:]:
            # A staff code or citizen ID an earlier part holds: the later row is the duplicate (the earlier part's
            # first row is the one named), and the later part's "same as row n" errors for it name that row too.
            replaced, duplicates = {}, set()
            for kind, column, seen, theirs in (("code", HEADERS[0], first.seen_codes, part.seen_codes),
                                               ("cid", HEADERS[5], first.seen_ids, part.seen_ids)):
                for value, row in theirs.items():
                    if value in seen:
                        text = part.id_texts.get(value, value) if kind == "cid" else value
                        row_errors.append(RowError(row, column, text, _duplicate(kind, value, seen[value])))
                        duplicates.add(row)
                    else:
                        seen[value] = row
            for error, kind, value in part.dups:
                earlier = (first.seen_codes if kind == "code" else first.seen_ids).get(value)
                if earlier is not None and earlier < error.row:
                    replaced[id(error)] = RowError(error.row, error.column, error.value, _duplicate(kind, value, earlier))
            row_errors.extend(replaced.get(id(error), error) for error in part.row_errors)
            # A row that is a duplicate is not a valid row: what was checked against the database for it goes.
            holder_errors.extend(e for e in part.holder_errors if e.row not in duplicates)
            scope_errors.extend(e for e in part.scope_errors if e.row not in duplicates)
            first.valid_rows += part.valid_rows
        row_errors.sort(key=lambda e: (e.row, CHECK_ORDER.get(e.column, -1)))
        self.errors = row_errors + holder_errors + scope_errors
        self.errors.sort(key=lambda e: e.row)
        if self.errors or len(parts) == 1:
            return
        for part in parts[1:]:
            self.created += part.created
            self.changed += part.changed
            self.unchanged += part.unchanged
            for name, changes in part.changes.items():
                self.changes[name] += changes
            self.person_updates += part.person_updates
            self.new_quals += part.new_quals
            self.audit.update(part.audit)

    # ------------------------------------------------------------ what is stored (read while calamine parses)

    def read_stored(self, sheet_rows):
        """For a large file (more rows than LOAD_ALL_ABOVE), read the tables the import compares the file with while
        calamine parses the sheet (read_first_sheet_meanwhile): the whole register (code, id, identity fields), and,
        unless the register is much larger than the file (a few new people among many: the open records of the few
        already registered are then read by person), the open records of every history, the people with an ended
        record of each, and the qualifications held. The same reads the import would otherwise make after
        validation (_fetch reads a whole table above LOAD_ALL_ABOVE keys), earlier."""
        if sheet_rows is None or sheet_rows - 1 <= LOAD_ALL_ABOVE:
            return None
        cid = 2 + PERSON_FIELDS.index("citizen_id")  # in (code, id, *PERSON_FIELDS)
        people = _raw_rows(Person.objects.order_by().values_list("code", "id", *PERSON_FIELDS))
        stored = {  # indexed here, so that each row later costs a look-up
            "people": {r[0]: r[1:] for r in people},  # code -> (id, *PERSON_FIELDS)
            "holders": {r[cid]: r[0] for r in people if r[cid] is not None},  # citizen ID -> code
        }
        if len(people) <= 2 * sheet_rows:
            stored["open"] = {  # history -> person id -> [(person id, record id, valid_from, *key)], oldest first
                name: _by_person(_raw_rows(kind.model.objects.filter(valid_to__isnull=True).order_by("id")
                                           .values_list("person_id", "id", "valid_from", *kind.fields)))
                for name, kind in KINDS.items()
            }
            # person id -> the open records' keys in the shape of StaffRow.wanted_all() (none or one open record
            # per history; a person with more is left to the full comparison): plan() recognises an unchanged
            # person by one comparison.
            # Equal keys are one shared object (few units, ranks, categories): fewer objects to free at the end.
            stored["current"] = current = {}
            histories, shared = list(stored["open"].values()), {}
            for values in stored["people"].values():
                pk = values[0]
                keys = []
                for records in histories:
                    held = records.get(pk)
                    if held is None:
                        keys.append(())
                    elif len(held) == 1:
                        key = (held[0][3:],)
                        keys.append(shared.setdefault(key, key))
                    else:
                        break
                else:
                    current[pk] = tuple(keys)
            stored["ended"] = {  # history -> people with an ended record
                name: {pk for (pk,) in _raw_rows(
                    kind.model.objects.filter(valid_to__isnull=False).order_by().values_list("person_id"))}
                for name, kind in KINDS.items()
            }
            stored["quals"] = _held_qualifications(_raw_rows(Qualification.objects.order_by().values_list(
                "person_id", "type", "level", "language")), self.fold)
        self.stored = stored
        return stored

    # ------------------------------------------------------------ validation (no database access per row)

    def validate(self, items):
        errors, cat, today = self.row_errors, self.cat, self.today
        gender_codes = Codes(Gender.choices, aliases={"Nu": "NU", "F": "NU", "M": "NAM"})
        category_codes = Codes(Category.choices, aliases={"Hợp đồng": "HD", "Lao động hợp đồng": "HD"})
        post_codes = Codes(PostLevel.choices, aliases={"Giám đốc": "GD", "Phó giám đốc": "PGD", "Trưởng phòng": "TP",
                                                      "Phó trưởng phòng": "PTP", "Lãnh đạo tỉnh": "TINH"})
        party_codes = Codes([("CO", "Có"), ("KHONG", "Không")], aliases={"x": "CO", "Đảng viên": "CO"})
        qual_codes = {qtype: Codes([(c, label) for c, (label, _o) in LEVELS[qtype].items()]) for _i, qtype in QUAL_COLUMNS}
        qual_codes[QualificationType.EDUCATION] = Codes(
            [(c, label) for c, (label, _o) in LEVELS[QualificationType.EDUCATION].items()],
            aliases={"Cử nhân": "DH", "Kỹ sư": "DH", "Thạc sỹ": "THS", "Tiến sỹ": "TS"},
        )
        allowed_units = None
        if not self.scope.everything:
            path = self.scope.unit_path or "\x00"
            allowed_units = {code for code, (_pk, p) in cat.units.items() if p.startswith(path)}
        date_memo, lang_memo, eth_memo = {}, {}, {}
        known_gender, known_category, known_post, known_party = (
            gender_codes.known, category_codes.known, post_codes.known, party_codes.known)
        qual_columns = [(i, qtype, qual_codes[qtype], qual_codes[qtype].known) for i, qtype in QUAL_COLUMNS]
        fold_ = self.fold
        seen_codes, seen_ids, dups = self.seen_codes, self.seen_ids, self.dups

        def date_of(value):
            try:
                return date_memo[value]
            except KeyError:
                pass
            except TypeError:
                return parse_date(value)
            result = date_memo[value] = parse_date(value)
            return result

        date_texts = {}

        def text_of(value):  # a cell that is not text: dates repeat (birth dates), their strftime once each
            if value.__class__ is datetime.date or value.__class__ is datetime.datetime:
                text = date_texts.get(value)
                if text is None:
                    text = date_texts[value] = cell_text(value)
                return text
            return cell_text(value)

        for row_no, cells in items:
            t = [(c.strip() if c.isprintable() else clean_text(c)) if c.__class__ is str else text_of(c)
                 for c in cells[:25]]
            for i in TEXT_COLUMNS:
                if t[i] and not t[i].isascii():
                    t[i] = normalize("NFC", t[i])
            row_errors = []

            def err(i, message, _row=row_no, _t=t, _errors=row_errors):
                _errors.append(RowError(_row, HEADERS[i], _t[i], message))

            def coded(i, codes, required=False):
                if not t[i]:
                    if required:
                        err(i, REQUIRED)
                    return ""
                try:
                    return codes.parse(t[i])
                except CellError as exc:
                    err(i, str(exc))
                    return None

            def dated(i, required=False):
                if not t[i]:
                    if required:
                        err(i, REQUIRED)
                    return None
                try:
                    return date_of(cells[i])
                except CellError as exc:
                    err(i, str(exc))
                    return None

            code = t[0]
            if not code:
                err(0, REQUIRED)
            elif message := v.code_error(code):
                err(0, message)
            elif code in seen_codes:
                err(0, _duplicate("code", code, seen_codes[code]))
                dups.append((row_errors[-1], "code", code))
            else:
                seen_codes[code] = row_no
            full_name = t[1]
            if not full_name:
                err(1, REQUIRED)
            elif len(full_name) > 120:
                err(1, _("Họ và tên dài quá 120 ký tự."))
            elif len(fold_(full_name)) > 120:  # the folded copy (search) may be longer: 'ß' -> 'ss', 'ﬃ' -> 'ffi'
                err(1, _("Họ và tên quá dài: khi bỏ dấu để tìm kiếm thành %(length)s ký tự, tối đa 120.")
                    % {"length": len(fold_(full_name))})
            # The memos first (a hit is what dated() / coded() return; a miss, an empty cell or an error: the call).
            try:
                birth_date = date_memo[cells[2]]
            except (KeyError, TypeError):
                birth_date = dated(2, required=True)
            if birth_date and (message := v.birth_date_error(birth_date, today)):
                err(2, message)
            gender = known_gender.get(t[3]) or coded(3, gender_codes, required=True)
            ethnicity_id = None
            if not t[4]:
                err(4, REQUIRED)
            else:
                ethnicity_id = eth_memo.get(t[4])
                if ethnicity_id is None:
                    ethnicity_id = eth_memo[t[4]] = cat.ethnicities.get(fold(t[4]))
                if ethnicity_id is None:
                    err(4, _("Dân tộc '%(name)s' không có trong danh mục 54 dân tộc.") % {"name": t[4]})
            citizen_id = t[5]
            if citizen_id and isinstance(cells[5], float) and citizen_id.isdigit() and len(citizen_id) < 12:
                citizen_id = citizen_id.zfill(12)  # typed as a number: Excel dropped the leading zeros
            if citizen_id:
                if message := v.citizen_id_error(citizen_id, birth_date, gender or None):
                    err(5, message)
                elif citizen_id in seen_ids:
                    err(5, _duplicate("cid", citizen_id, seen_ids[citizen_id]))
                    dups.append((row_errors[-1], "cid", citizen_id))
                else:
                    seen_ids[citizen_id] = row_no
                    if citizen_id != t[5]:
                        self.id_texts[citizen_id] = t[5]
            unit_code, unit_id = t[6], None
            if not unit_code:
                err(6, REQUIRED)
            elif unit_code not in cat.units:
                err(6, _("Không có đơn vị mã %(code)s.") % {"code": unit_code})
            elif allowed_units is not None and unit_code not in allowed_units:
                err(6, _("Đơn vị %(code)s ngoài phạm vi quản lý của bạn.") % {"code": unit_code})
            elif message := _unit_period_error(unit_code, cat.periods.get(unit_code), today):
                err(6, message)
            else:
                unit_id = cat.units[unit_code][0]
            category = known_category.get(t[7]) or coded(7, category_codes, required=True)
            rank_id = None
            if t[8]:
                rank_id = cat.ranks.get(t[8])
                if rank_id is None:
                    err(8, _("Mã ngạch %(code)s không có trong danh mục ngạch, chức danh nghề nghiệp.")
                        % {"code": t[8]})
            post_title = t[9]
            if len(post_title) > 200:
                err(9, _("Chức vụ dài quá 200 ký tự."))
            post_level = known_post.get(t[10]) or coded(10, post_codes)
            job = t[11]
            if len(job) > 255:
                err(11, _("Vị trí việc làm dài quá 255 ký tự."))
            elif job and len(fold_(job)) > 255:
                err(11, _("Vị trí việc làm quá dài: khi bỏ dấu để tìm kiếm thành %(length)s ký tự, tối đa 255.")
                    % {"length": len(fold_(job))})
            quals = []
            for i, qtype, codes, known in qual_columns:
                level = known.get(t[i]) or coded(i, codes, required=(i == 12))
                if level:
                    quals.append((qtype, level, t[13][:200] if i == 12 else "", ""))
            if t[17]:
                parsed_lang = lang_memo.get(t[17])
                if parsed_lang is None:
                    try:
                        parsed_lang = lang_memo[t[17]] = parse_language(t[17])
                        if len(parsed_lang[0]) > LANGUAGE_NAME_MAX:
                            del lang_memo[t[17]]
                            raise CellError(_("Tên ngoại ngữ dài quá %(max)s ký tự.") % {"max": LANGUAGE_NAME_MAX})
                    except CellError as exc:
                        parsed_lang = None
                        err(17, str(exc))
                if parsed_lang:
                    quals.append((QualificationType.LANGUAGE, parsed_lang[1], "", parsed_lang[0]))
            try:
                recruited_on = date_memo[cells[19]]
            except (KeyError, TypeError):
                recruited_on = dated(19)
            if recruited_on and (message := v.recruited_on_error(recruited_on, birth_date, today)):
                err(19, message)
            party = known_party.get(t[20]) or coded(20, party_codes)
            try:
                party_joined_on = date_memo[cells[21]]
            except (KeyError, TypeError):
                party_joined_on = dated(21)
            if party_joined_on and party != "CO" and party is not None:
                err(21, _("Chỉ ghi ngày vào Đảng khi cột '%(column)s' là CO.") % {"column": HEADERS[20]})
            elif party_joined_on and birth_date and v.age_on(birth_date, party_joined_on) < 18:
                err(21, _("Ngày vào Đảng trước khi đủ 18 tuổi."))
            elif party_joined_on and party_joined_on > today:
                err(21, _("Ngày vào Đảng ở tương lai."))
            planned = set()
            if t[22]:
                for part in t[22].replace(",", ";").split(";"):
                    if part.strip():
                        try:
                            planned.add(post_codes.parse(part.strip()))
                        except CellError:
                            err(22, _("Cấp quy hoạch '%(value)s' không hợp lệ; chọn trong: %(codes)s, cách nhau "
                                      "bằng dấu ';'.") % {"value": part.strip(), "codes": ", ".join(post_codes.codes)})
            email = t[23]
            if email and len(email) > EMAIL_MAX:
                err(23, _("Email dài quá %(max)s ký tự.") % {"max": EMAIL_MAX})
            elif email and (message := v.email_error(email)):
                err(23, message)
            phone = t[24]
            if phone and isinstance(cells[24], float) and len(phone) == 9:
                phone = "0" + phone  # typed as a number: Excel dropped the leading zero
            if phone and not v.PHONE_RE.match(phone):
                if message := v.phone_error(phone):
                    err(24, message)
                phone = v.normalize_phone(phone)

            if row_errors:
                errors.extend(row_errors)
                continue
            self.parsed.append(StaffRow(
                row_no, code, unit_code, full_name, birth_date, gender, ethnicity_id, citizen_id or None, email,
                phone, recruited_on, party == "CO", party_joined_on, unit_id, category, rank_id, post_title,
                post_level, fold_(job) if job else "", job, tuple(sorted(planned)), quals,
            ))
        self.valid_rows = len(self.parsed)

    def _check_against_database(self):
        """Citizen IDs held by other people; people the user may not change."""
        codes = {row.code for row in self.parsed}
        stored = self.stored or {}
        if "people" in stored:  # a large file: the whole register, read while the sheet was parsed
            people = stored["people"]
            self.existing = {code: people[code] for code in codes if code in people}
            holders = stored["holders"]
        else:
            self.existing = {r[0]: r[1:] for r in _fetch(Person.objects.order_by(), "code", codes,
                                                         ("code", "id") + PERSON_FIELDS)}
            holders = dict(_fetch(Person.objects.filter(citizen_id__isnull=False).order_by(), "citizen_id",
                                  set(self.seen_ids), ("citizen_id", "code")))
        for row in self.parsed:
            cid = row.citizen_id
            if cid and holders.get(cid, row.code) != row.code:
                message = _("Số CCCD đã thuộc về cán bộ khác (mã %(code)s).") % {"code": holders[cid]}
                self.holder_errors.append(RowError(row.row, HEADERS[5], cid, message))
        person_ids = {values[0] for values in self.existing.values()}
        self.open = {}  # history -> person id -> [(person id, record id, valid_from, *key)], oldest record first
        for name, kind in KINDS.items():
            if "open" in stored:  # every person's, indexed: looked up by person
                self.open[name] = stored["open"][name]
            else:
                queryset = kind.model.objects.filter(valid_to__isnull=True).order_by("id")
                self.open[name] = _by_person(
                    _fetch(queryset, "person_id", person_ids, ("person_id", "id", "valid_from") + kind.fields))
        if not self.scope.everything:
            allowed = {pk for _code, (pk, path) in self.cat.units.items() if path.startswith(self.scope.unit_path or "\x00")}
            for row in self.parsed:
                old = self.existing.get(row.code)
                if old is None:
                    continue
                current_units = {r[3] for r in self.open["unit"].get(old[0], [])}
                if current_units - allowed:
                    self.scope_errors.append(RowError(row.row, HEADERS[0], row.code,
                                                _("Cán bộ %(code)s đang thuộc đơn vị ngoài phạm vi quản lý của bạn.")
                                                % {"code": row.code}))

    # ------------------------------------------------------------ planning (what changes: people.history)

    def plan(self):
        existing, cat, today = self.existing, self.cat, self.today
        person_ids = {values[0] for values in existing.values()}
        stored = self.stored or {}
        if "quals" in stored:  # everybody's: looked up by person
            held = stored["quals"]
        else:
            held = _held_qualifications(_fetch(Qualification.objects.order_by(), "person_id", person_ids,
                                               ("person_id", "type", "level", "language")), self.fold)
        job_ids = cat.job_positions
        updates = []
        for row in self.parsed:
            if row.job in job_ids:
                row.job = job_ids[row.job]
            old = existing.get(row.code)
            if old is None:
                self.created.append(row)
            else:
                row.person_id = old[0]
                updates.append((row, old))
        # A history the person never had (no record, open or ended) starts on an unknown date; otherwise today.
        never_had = {}
        rows_by_id = {row.person_id: row for row, _old in updates}
        for name, kind in KINDS.items():
            without = [pk for pk in rows_by_id.keys() - self.open[name].keys() if rows_by_id[pk].wanted(name)]
            if "ended" in stored:  # without an open record, any record is an ended one
                never_had[name] = set(without) - stored["ended"][name]
            else:
                never_had[name] = set(without) - self._had_any(kind.model, without)
        kinds = [(name, kind, self.open[name], never_had[name]) for name, kind in KINDS.items()]
        current, fold_ = stored.get("current", {}), self.fold
        for row, old in updates:
            person_id = row.person_id
            identity = row.identity()
            if (current.get(person_id) == row.wanted_all() and identity == old[1:]
                    and all((q[0], q[1], fold_(q[3])) in held.get(person_id, ()) for q in row.quals)):
                self.unchanged += 1  # what the comparisons below conclude, in one
                continue
            audit = {}
            if identity != old[1:]:
                diff = {}
                for index, field in enumerate(PERSON_FIELDS):
                    new_value, old_value = identity[index], old[index + 1]
                    if new_value != old_value and not (field in KEEP_WHEN_BLANK and new_value in (None, "")):
                        diff[field] = (old_value, new_value)
                        audit[field] = [str(old_value), str(new_value)]
                if diff:
                    self.person_updates.append((person_id, diff))
            for (name, kind, opened, never), wanted in zip(kinds, row.wanted_all()):
                open_rows = opened.get(person_id, ())
                if len(open_rows) == 1:
                    keys = (open_rows[0][3:],)
                    if keys == wanted:  # one open record holding the one stated key: unchanged(), without the call
                        continue
                elif not open_rows:
                    keys = ()
                    if not wanted:
                        continue
                else:
                    keys = tuple(r[3:] for r in open_rows)
                if unchanged(keys, wanted):
                    continue
                records = [OpenRecord(r[1], r[2], r[3:]) for r in open_rows]
                start = None if person_id in never else today
                if kind.single:
                    changes = plan_single(records, wanted[0] if wanted else None, today, start)
                else:
                    changes = plan_set(records, wanted, today, start)
                if not changes:
                    continue
                self.changes[name].extend((person_id, change) for change in changes)
                audit[kind.label] = [self._describe(name, set(keys)), self._describe(name, wanted)]
            for qtype, level, major, language in row.quals:
                if (qtype, level, fold_(language)) not in held.get(person_id, ()):
                    self.new_quals.append((row, qtype, level, major, language))
                    audit[str(QualificationType(qtype).label)] = ["", f"{language} {level}".strip()]
            if audit:
                self.changed.append(row)
                self.audit[row.code] = audit
            else:
                self.unchanged += 1

    def report(self):
        report = ImportReport(
            kind="staff", rows=self.valid_rows, created=len(self.created), changed=len(self.changed),
            unchanged=self.unchanged,
        )
        preview = []
        for row in self.created[:PREVIEW_ROWS]:
            preview.append({"row": row.row, "code": row.code, "name": row.full_name, "action": "create",
                            "changes": [f"Đơn vị: {row.unit_code}"]})
        for row in self.changed[:PREVIEW_ROWS]:
            changes = [f"{label}: {old or '∅'} → {new or '∅'}" for label, (old, new) in self.audit[row.code].items()]
            preview.append({"row": row.row, "code": row.code, "name": row.full_name, "action": "update",
                            "changes": changes})
        report.preview = sorted(preview, key=lambda item: item["row"])[:PREVIEW_ROWS]
        return report

    # ------------------------------------------------------------ saving (set-based, one transaction)

    @transaction.atomic
    def save(self):
        from auditlog.models import LogEntry

        # The rows each table is about to receive (a history: about one record per new person), for the choice
        # of rebuilding a table's indexes after the load rather than updating them row by row (SQLite).
        new = len(self.created)
        adding = {Person: new, LogEntry: new + len(self.changed), **{kind.model: new for kind in KINDS.values()},
                  Qualification: sum(len(row.quals) for row in self.created) + len(self.new_quals)}
        with indexes_rebuilt_after(adding):
            self._write()

    def _write(self):
        now = db_now()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:  # a larger page cache keeps the index updates in memory
                cursor.execute("PRAGMA cache_size = -131072")
        job_ids = self._create_job_positions()
        # New people.
        fold_ = self.fold
        sort_key = functools.lru_cache(maxsize=None)(vn_sort_key)  # full names repeat a lot
        person_rows = [
            (row.code, row.full_name, fold_(row.full_name), sort_key(row.full_name), row.birth_date, row.gender,
             row.ethnicity_id, row.citizen_id, row.email, row.phone, row.recruited_on, row.party_member, row.party_joined_on)
            for row in self.created
        ]
        insert_rows(Person, ("code", "full_name", "name_folded", "name_sort", "birth_date", "gender", "ethnicity_id",
                             "citizen_id", "email", "phone", "recruited_on", "party_member", "party_joined_on"), person_rows, BULK,
                    constants={"left_on": None, "leave_reason": "", "created_at": now, "updated_at": now})
        if self.created:
            new_codes = {row.code for row in self.created}
            ids = dict(_fetch(Person.objects.order_by(), "code", new_codes, ("code", "id")))
            for row in self.created:
                row.person_id = ids[row.code]
        # Changed identity fields.
        self._update_people(now)
        # Histories: the planner's changes for the people already registered (people.history); a new person has no
        # record, so every value the file states opens with an unknown start (what plan_single/plan_set answer).
        for name, kind in KINDS.items():
            model = kind.model
            closes, drops, records, new_records = defaultdict(list), [], [], []
            for person_id, change in self.changes[name]:
                if change.__class__ is Close:
                    closes[change.valid_to].append(change.record_id)
                elif change.__class__ is Drop:
                    drops.append(change.record_id)
                elif change.__class__ is Amend:
                    key = _job_key(change.key, job_ids) if name == "job" else change.key
                    model.objects.filter(pk=change.record_id).update(
                        source=Source.IMPORTED, decision_no="", **dict(zip(kind.fields, key))
                    )
                else:
                    key = _job_key(change.key, job_ids) if name == "job" else change.key
                    records.append((person_id,) + key + (change.valid_from,))
            for valid_to, pks in closes.items():
                for part in chunks(pks):
                    model.objects.filter(pk__in=part).update(valid_to=valid_to)
            for part in chunks(drops):
                model.objects.filter(pk__in=part).delete()
            constants = {"valid_to": None, "source": Source.IMPORTED, "decision_no": "", "created_at": now}
            insert_rows(model, ("person_id",) + kind.fields + ("valid_from",), records, BULK, constants=constants)
            for row in self.created:
                for key in row.wanted(name):
                    new_records.append((row.person_id,) + key)
            insert_rows(model, ("person_id",) + kind.fields, new_records, BULK,
                        constants={"valid_from": None, **constants})
        # Qualifications.

        orders = {}
        quals = []
        for row, qtype, level, major, language in itertools.chain(
            ((row, *q) for row in self.created for q in row.quals), self.new_quals
        ):
            order = orders.get((qtype, level))
            if order is None:
                order = orders[qtype, level] = level_order(qtype, level)
            quals.append((row.person_id, qtype, level, order, major, language))
        insert_rows(Qualification, ("person_id", "type", "level", "level_order", "major", "language"), quals, BULK,
                    constants={"issuer": "", "issued_on": None, "valid_until": None, "certificate_no": "",
                               "source": Source.IMPORTED, "created_at": now})
        self._write_audit()

    def _create_job_positions(self):
        """Create the job positions the file names that do not exist yet; returns folded name -> id of those."""
        names = {}
        for row in self.created + self.changed:
            if row.job.__class__ is str and row.job:
                names.setdefault(row.job, row.job_name)
        if not names:
            return {}
        JobPosition.objects.bulk_create(
            [JobPosition(name=name, name_folded=folded) for folded, name in names.items()], batch_size=BULK
        )
        ids = dict(JobPosition.objects.filter(name_folded__in=list(names)).values_list("name_folded", "id"))
        for row in self.created + self.changed:
            if row.job.__class__ is str and row.job:
                row.job = ids[row.job]
        return ids

    def _update_people(self, now):
        if not self.person_updates:
            return
        by_fields = defaultdict(list)
        for person_id, diff in self.person_updates:
            by_fields[tuple(sorted(diff))].append((person_id, diff))
        for fields, items in by_fields.items():
            objects = []
            for person_id, diff in items:
                person = Person(pk=person_id)
                for field, (_old, new) in diff.items():
                    setattr(person, field, new)
                if "full_name" in diff:
                    person.name_folded = fold(diff["full_name"][1])
                    person.name_sort = vn_sort_key(diff["full_name"][1])
                person.updated_at = timezone.now()
                objects.append(person)
            update = list(fields) + (["name_folded", "name_sort"] if "full_name" in fields else []) + ["updated_at"]
            Person.objects.bulk_update(objects, update, batch_size=500)

    def _had_any(self, model, person_ids):
        """People (among person_ids) with any record, open or closed, of this history."""
        ids = set(person_ids)
        if not ids:
            return set()
        return {pk for (pk,) in _fetch(model.objects.order_by(), "person_id", ids, ("person_id",))}

    def _describe(self, name, keys):
        """A history's keys as text, for the audit entry and the preview."""
        if not keys:
            return ""
        names = self._describe_names()
        if name in names:
            return ", ".join(sorted(str(names[name].get(k[0], k[0])) for k in keys))
        if name == "post":
            return ", ".join(sorted(" ".join(filter(None, (k[0], f"({k[1]})" if k[1] else ""))) for k in keys))
        return ", ".join(sorted(str(k[0]) for k in keys))

    def _describe_names(self):
        """id -> code / name of the units, ranks and job positions, loaded once."""
        if not hasattr(self, "_names"):
            self._names = {
                "unit": {pk: code for code, (pk, _p) in self.cat.units.items()},
                "rank": {pk: code for code, pk in self.cat.ranks.items()},
                "job": dict(JobPosition.objects.values_list("id", "name")),
            }
        return self._names

    def _write_audit(self):
        """One LogEntry per created or changed person (bulk writes send no signals to django-auditlog)."""
        from auditlog.models import LogEntry

        content_type_id = ContentType.objects.get_for_model(Person).id
        actor_id = self.user.pk if self.user is not None and self.user.is_authenticated else None
        now = db_now()
        # The JSON text of a new person's entry, as json.dumps writes {"code": ["None", code], "full_name": [...],
        # "birth_date": [...], "Đơn vị": ["", unit code]} (the column stores JSON text on SQLite, parses it on
        # PostgreSQL), built from the C string encoder without a dict per row.
        quote = encode_basestring_ascii
        template = '{"code": ["None", %s], "full_name": ["None", %s], "birth_date": ["None", "%s"], ' + quote("Đơn vị") + ': ["", %s]}'
        create, update = LogEntry.Action.CREATE, LogEntry.Action.UPDATE
        rows = [
            (str(row.person_id), row.person_id, f"{row.full_name} ({row.code})", create,
             template % (quote(row.code), quote(row.full_name), row.birth_date, quote(row.unit_code)))
            for row in self.created
        ]
        rows += [
            (str(row.person_id), row.person_id, f"{row.full_name} ({row.code})", update, json.dumps(self.audit[row.code]))
            for row in self.changed
        ]
        insert_rows(LogEntry, ("object_pk", "object_id", "object_repr", "action", "changes"), rows, BULK,
                    constants={"content_type": content_type_id, "changes_text": "", "actor": actor_id,
                               "timestamp": now})


def _no_query_in_the_child(execute, sql, params, many, context):
    """The second process of a large import shares the parent's database connection: a query from it would garble
    the parent's session. Refused; the child fails and its half is done in the parent."""
    raise RuntimeError("no database query in the second process of the staff import")


def _by_person(rows):
    """Rows whose first value is a person id, grouped: person id -> [rows] (in the order given)."""
    grouped = {}
    for r in rows:
        held = grouped.get(r[0])
        if held is None:
            grouped[r[0]] = [r]
        else:
            held.append(r)
    return grouped


def _held_qualifications(rows, fold_):
    """person id -> frozenset of (type, level, folded language) of the (person id, type, level, language) rows; equal
    sets are one shared object (many people hold the same ones): fewer objects to keep and to free."""
    by_person, triples, sets = defaultdict(list), {}, {}
    for person_id, qtype, level, language in rows:
        triple = (qtype, level, fold_(language))
        by_person[person_id].append(triples.setdefault(triple, triple))
    held = {}
    for person_id, person_triples in by_person.items():
        frozen = frozenset(person_triples)
        held[person_id] = sets.setdefault(frozen, frozen)
    return held


def _duplicate(kind, value, row):
    """The error of a staff code ("code") or citizen ID ("cid") an earlier row of the file holds."""
    if kind == "code":
        return _("Mã cán bộ %(code)s trùng với dòng %(row)s.") % {"code": value, "row": row}
    return _("Số CCCD trùng với dòng %(row)s.") % {"row": row}


def _job_key(key, job_ids):
    """A job key naming a position created by this import (by folded name) -> its id."""
    return (job_ids[key[0]],) if key[0].__class__ is str else key
