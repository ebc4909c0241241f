"""The one eligibility-and-conflict check of a person for a class (docs/domain.md §10.1), used by every door that puts
someone in a class: self-registration, the approval of a request (one or many), nomination and assignment (by name or
from a standards review) and the API. The same (person, class) pair gives the same warnings — codes and Vietnamese
texts — whichever door asks.

A warning does not forbid by itself: an officer confirms the warnings explicitly (`confirm_warnings`), otherwise the
action is refused with the warnings listed (`WarningsNotConfirmed`). A learner registering themself confirms them the
same way, except the hard conflicts (`HARD_FOR_SELF`: already holding what the class grants), which refuse a
self-registration outright (`SelfRegistrationRefused`) — their unit can still nominate them, with confirmation.

`check_pairs` answers for many (person, class) pairs at once with a fixed number of queries (at most eight), whatever
the number of pairs; `check_many` and `check` are its one-class and one-pair forms."""
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.core.models import valid_on_q
from dtbd.people.catalog import LEVELS, Category, Gender, PostLevel, QualificationType, level_label
from dtbd.people.models import GOOD_RATINGS, AnnualAssessment, CategoryAssignment, Person, PlannedPost, PostAssignment
from dtbd.people.models import Qualification, Rating

from ..models import EntryCondition, Enrollment, TrainingClass
from ..states import ACTIVE_STATES, State, state_label

# The codes, in the order a person's warnings are listed.
HOLDS_GRANT = "HOLDS_GRANT"
SAME_PROGRAMME = "SAME_PROGRAMME"
OVERLAP = "OVERLAP"
AUDIENCE_CATEGORY = "AUDIENCE_CATEGORY"
AUDIENCE_POST = "AUDIENCE_POST"
ENTRY_PARTY = "ENTRY_PARTY"
ENTRY_EDUCATION = "ENTRY_EDUCATION"
ENTRY_ASSESSMENT = "ENTRY_ASSESSMENT"
ENTRY_AGE = "ENTRY_AGE"
CODES = (HOLDS_GRANT, SAME_PROGRAMME, OVERLAP, AUDIENCE_CATEGORY, AUDIENCE_POST, ENTRY_PARTY, ENTRY_EDUCATION,
         ENTRY_ASSESSMENT, ENTRY_AGE)

# What a learner cannot confirm away on their own registration (docs/domain.md §10.1).
HARD_FOR_SELF = frozenset({HOLDS_GRANT})


@dataclass(frozen=True)
class EligibilityWarning:
    code: str
    text: str

    def __str__(self):
        return self.text

    def as_dict(self):
        return {"code": self.code, "text": self.text}


class WarningsNotConfirmed(ValidationError):
    """The action needs the warnings confirmed: `found` is {person_id: [EligibilityWarning]} of the flagged people."""

    header = None

    def __init__(self, found):
        self.found = {pid: list(ws) for pid, ws in found.items() if ws}
        super().__init__([self.heading()] + [w.text for ws in self.found.values() for w in ws])

    def heading(self):
        return _("Cần xác nhận các lưu ý sau trước khi thực hiện:")

    @property
    def warnings(self):
        return [w for ws in self.found.values() for w in ws]


class SelfRegistrationRefused(WarningsNotConfirmed):
    """A learner's own registration with a hard conflict (HARD_FOR_SELF): refused whatever they confirm."""

    def heading(self):
        return _("Không thể tự đăng ký lớp này; đơn vị của bạn có thể xem xét cử đi học:")


def is_full_time(training_class):
    """A class studied full-time (tập trung): its form is “Tập trung”; online and blended classes are part-time
    (không tập trung)."""
    return training_class.form == TrainingClass.Form.IN_PERSON


def _codes(text):
    return [c.strip() for c in (text or "").split(",") if c.strip()]


def _label(choices, code):
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def _date(d):
    return d.strftime("%d/%m/%Y")


def age_on(birth_date, day):
    """Age in completed years on `day`, counted by birthdays."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _entry_label(cond):
    """“trung cấp lý luận chính trị” for the row of (LLCT, TC)."""
    return f"{level_label(cond.qualification_type, cond.level)} {QualificationType(cond.qualification_type).label}".lower()


def _condition_for(rows, training_class):
    program = training_class.program
    day = training_class.starts_on
    for row in rows:  # newest valid_from first
        if (row.qualification_type == program.grants_type and row.level == program.grants_level
                and row.valid_from <= day and (row.valid_to is None or row.valid_to >= day)):
            return row
    return None


def check_pairs(pairs, on=None):
    """{(person_id, class_id): [EligibilityWarning]} for each (person, training_class) of `pairs` — a person given as a
    Person or an id, a class with its programme loaded (select_related) or not. Qualifications and party membership
    are read on `on` (default today); the entry conditions of the class's programme level (EntryCondition) are the row
    valid on the class's first day, and age and annual ratings are counted from that day. Warnings, in this order:

    - HOLDS_GRANT: the person holds on `on` what the programme grants, at the same or a higher level;
    - SAME_PROGRAMME: they are in another class of the same programme (active, or completed);
    - OVERLAP: they are in another class (active: requested, approved, enrolled, waitlisted) whose dates overlap this
      one's, both classes full-time (is_full_time); a cancelled class counts for nothing;
    - AUDIENCE_CATEGORY / AUDIENCE_POST: their category on `on` is not in the programme's audience_categories, or
      neither a post level they hold nor one they are planned for is in audience_post_levels (empty = anyone);
    - ENTRY_PARTY, ENTRY_EDUCATION, ENTRY_ASSESSMENT, ENTRY_AGE: each failed entry condition (Quy định 350-QĐ/TW for
      trung cấp LLCT): not a party member on `on`; no education of the minimum level; the `good_years` calendar years
      before the class's year not all rated HTTNV or HTXSNV (a year without a rating is named as such); a part-time
      class and an age on the first day below the minimum for their gender.
    At most eight queries whatever the number of pairs."""
    on = on or timezone.localdate()
    pairs = list(pairs)
    result = {}
    if not pairs:
        return result
    given = {}
    for person, _cls in pairs:
        if isinstance(person, Person):
            given[person.pk] = person
    ids = sorted({getattr(p, "pk", p) for p, _c in pairs})
    missing = [pk for pk in ids if pk not in given]
    if missing:
        for person in Person.objects.filter(pk__in=missing).only(
                "pk", "full_name", "birth_date", "gender", "party_member", "party_joined_on"):
            given[person.pk] = person
    classes = {}
    for _p, cls in pairs:
        classes.setdefault(cls.pk, cls)
    programs = {cls.pk: cls.program for cls in classes.values()}

    # entry conditions of the programme levels concerned (one query)
    conditions = {}
    levels = {(p.grants_type, p.grants_level) for p in programs.values() if p.grants_type}
    if levels:
        rows = list(EntryCondition.objects.filter(
            qualification_type__in={t for t, _l in levels}, level__in={lv for _t, lv in levels}).order_by("-valid_from"))
        for cls in classes.values():
            conditions[cls.pk] = _condition_for(rows, cls)

    # qualifications held on `on`: the types granted, and education when a condition asks for it (one query)
    types = {p.grants_type for p in programs.values() if p.grants_type}
    if any(c is not None and c.min_education for c in conditions.values()):
        types.add(QualificationType.EDUCATION)
    held = {}  # (person_id, type) -> [(level_order, level, language)] highest first
    if types:
        for pid, qtype, level, order, language in (
            Qualification.objects.held_on(on).filter(person_id__in=ids, type__in=types)
            .order_by("person_id", "type", "-level_order", "pk")
            .values_list("person_id", "type", "level", "level_order", "language")
        ):
            held.setdefault((pid, qtype), []).append((order, level, language))

    # the people's other enrolments (one query)
    others = {}
    for row in (
        Enrollment.objects.filter(person_id__in=ids, state__in=[*ACTIVE_STATES, State.COMPLETED])
        .exclude(training_class__status=TrainingClass.Status.CANCELLED)
        .order_by("training_class__starts_on", "training_class__code")
        .values("person_id", "state", "training_class_id", "training_class__code", "training_class__program_id",
                "training_class__starts_on", "training_class__ends_on", "training_class__form")
    ):
        others.setdefault(row["person_id"], []).append(row)

    # audience: categories and post levels on `on` (one query each, when a programme restricts them)
    category_of = {}
    if any(_codes(p.audience_categories) for p in programs.values()):
        for pid, cat in CategoryAssignment.objects.filter(valid_on_q(on), person_id__in=ids).order_by(
            "person_id", F("valid_from").desc(nulls_last=True)
        ).values_list("person_id", "category"):
            category_of.setdefault(pid, cat)
    post_levels = {}
    if any(_codes(p.audience_post_levels) for p in programs.values()):
        for model in (PostAssignment, PlannedPost):
            for pid, level in model.objects.filter(valid_on_q(on), person_id__in=ids).values_list("person_id", "level"):
                post_levels.setdefault(pid, set()).add(level)

    # annual ratings for the entry conditions (one query)
    ratings = {}
    years = set()
    for cls_pk, cond in conditions.items():
        if cond is not None and cond.good_years:
            start = classes[cls_pk].starts_on.year
            years.update(range(start - cond.good_years, start))
    if years:
        for pid, year, rating in AnnualAssessment.objects.filter(person_id__in=ids, year__in=years).values_list(
                "person_id", "year", "rating"):
            ratings[(pid, year)] = rating

    for person_ref, cls in pairs:
        pid = getattr(person_ref, "pk", person_ref)
        person = given.get(pid)
        if person is None:
            result[(pid, cls.pk)] = []
            continue
        result[(pid, cls.pk)] = _warnings(person, cls, programs[cls.pk], conditions.get(cls.pk), on, held,
                                          others.get(pid, []), category_of, post_levels, ratings)
    return result


def _warnings(person, cls, program, cond, on, held, others, category_of, post_levels, ratings):
    name = person.full_name
    found = []

    def add(code, text):
        found.append(EligibilityWarning(code, text))

    if program.grants_type and program.grants_level_order is not None:
        for order, level, language in held.get((person.pk, program.grants_type), []):
            if order >= program.grants_level_order:
                label = level_label(program.grants_type, level)
                if program.grants_type == QualificationType.LANGUAGE:
                    label = f"{language} {label}".strip()
                add(HOLDS_GRANT, _("%(name)s đã có %(held)s, không thấp hơn văn bằng, chứng chỉ lớp này cấp "
                                   "(%(grants)s).") % {"name": name, "held": f"{_label(QualificationType, program.grants_type)}: {label}",
                                                      "grants": program.grants_label})
            break

    for row in others:
        if row["training_class_id"] == cls.pk or row["training_class__program_id"] != program.pk:
            continue
        add(SAME_PROGRAMME, _("%(name)s đã có trong lớp %(code)s của cùng chương trình (%(state)s).") % {
            "name": name, "code": row["training_class__code"], "state": state_label(row["state"])})

    if is_full_time(cls):
        for row in others:
            if (row["training_class_id"] == cls.pk or row["state"] not in ACTIVE_STATES
                    or row["training_class__form"] != TrainingClass.Form.IN_PERSON
                    or row["training_class__starts_on"] > cls.ends_on or row["training_class__ends_on"] < cls.starts_on):
                continue
            add(OVERLAP, _("%(name)s đã có trong lớp tập trung %(code)s (%(start)s – %(end)s, %(state)s), trùng thời "
                           "gian với lớp này.") % {
                "name": name, "code": row["training_class__code"], "start": _date(row["training_class__starts_on"]),
                "end": _date(row["training_class__ends_on"]), "state": state_label(row["state"])})

    categories = _codes(program.audience_categories)
    if categories:
        wanted = ", ".join(_label(Category, c) for c in categories)
        cat = category_of.get(person.pk)
        if cat not in categories:
            if cat:
                add(AUDIENCE_CATEGORY, _("%(name)s là %(cat)s, không thuộc đối tượng của chương trình (%(wanted)s).")
                    % {"name": name, "cat": _label(Category, cat), "wanted": wanted})
            else:
                add(AUDIENCE_CATEGORY, _("%(name)s chưa có loại cán bộ hiện hành; chương trình dành cho %(wanted)s.")
                    % {"name": name, "wanted": wanted})
    levels = _codes(program.audience_post_levels)
    if levels and not (post_levels.get(person.pk, set()) & set(levels)):
        add(AUDIENCE_POST, _("%(name)s không giữ và không được quy hoạch chức vụ thuộc đối tượng của chương trình "
                             "(%(wanted)s).") % {"name": name, "wanted": ", ".join(_label(PostLevel, c) for c in levels)})

    if cond is not None:
        _entry_warnings(person, cls, cond, on, held, ratings, add)
    return found


def _entry_warnings(person, cls, cond, on, held, ratings, add):
    name, what = person.full_name, _entry_label(cond)
    if cond.party_member and not (person.party_member and (person.party_joined_on is None or person.party_joined_on <= on)):
        add(ENTRY_PARTY, _("%(name)s chưa là đảng viên — điều kiện dự học %(what)s.") % {"name": name, "what": what})
    if cond.min_education:
        edu = QualificationType.EDUCATION
        minimum = LEVELS[edu][cond.min_education][1]
        best = held.get((person.pk, edu), [])
        if not best:
            add(ENTRY_EDUCATION, _("%(name)s chưa có trình độ chuyên môn trong hồ sơ; cần %(min)s trở lên — điều kiện "
                                   "dự học %(what)s.") % {"name": name, "min": level_label(edu, cond.min_education).lower(),
                                                          "what": what})
        elif best[0][0] < minimum:
            add(ENTRY_EDUCATION, _("%(name)s có trình độ %(held)s, chưa đạt %(min)s trở lên — điều kiện dự học "
                                   "%(what)s.") % {"name": name, "held": level_label(edu, best[0][1]).lower(),
                                                   "min": level_label(edu, cond.min_education).lower(), "what": what})
    if cond.good_years:
        start = cls.starts_on.year
        detail = []
        for year in range(start - cond.good_years, start):
            rating = ratings.get((person.pk, year))
            if rating is None:
                detail.append(_("năm %(y)s chưa có xếp loại") % {"y": year})
            elif rating not in GOOD_RATINGS:
                detail.append(_("năm %(y)s: %(r)s") % {"y": year, "r": _label(Rating, rating).lower()})
        if detail:
            add(ENTRY_ASSESSMENT, _("%(name)s chưa đủ %(n)s năm liền kề hoàn thành tốt nhiệm vụ trở lên (%(detail)s) — "
                                    "điều kiện dự học %(what)s.") % {"name": name, "n": cond.good_years,
                                                                     "detail": "; ".join(detail), "what": what})
    if not is_full_time(cls):
        minimum = {Gender.NU: cond.part_time_min_age_women, Gender.NAM: cond.part_time_min_age_men}.get(person.gender)
        if minimum is not None:
            age = age_on(person.birth_date, cls.starts_on)
            if age < minimum:
                add(ENTRY_AGE, _("%(name)s %(age)s tuổi vào ngày khai giảng %(day)s; học không tập trung cần từ đủ "
                                 "%(min)s tuổi (%(gender)s) — điều kiện dự học %(what)s.") % {
                    "name": name, "age": age, "day": _date(cls.starts_on), "min": minimum,
                    "gender": _label(Gender, person.gender).lower(), "what": what})


def check_many(training_class, people, on=None):
    """{person_id: [EligibilityWarning]} for putting `people` (Person objects or ids) in `training_class`."""
    found = check_pairs([(p, training_class) for p in people], on)
    return {pid: ws for (pid, _c), ws in found.items()}


def check(training_class, person, on=None):
    """[EligibilityWarning] for putting `person` in `training_class`."""
    return check_many(training_class, [person], on).get(getattr(person, "pk", person), [])


def require_confirmed(found, confirmed, self_service=False):
    """Refuse an action whose warnings `found` ({person_id: [EligibilityWarning]}) are not confirmed: a learner's own
    registration with a hard conflict is refused whatever they confirm (SelfRegistrationRefused); otherwise the
    warnings need `confirmed` (WarningsNotConfirmed). Nothing when nobody is flagged."""
    flagged = {pid: ws for pid, ws in found.items() if ws}
    if not flagged:
        return
    if self_service and any(w.code in HARD_FOR_SELF for ws in flagged.values() for w in ws):
        raise SelfRegistrationRefused(flagged)
    if not confirmed:
        raise WarningsNotConfirmed(flagged)

