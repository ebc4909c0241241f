"""Training needs (nhu cầu đào tạo, bồi dưỡng): the missing items of a review grouped by what would satisfy them.

A *need* is one thing a person could obtain to clear missing requirements:
- a qualification of a type at a level (e.g. LLCT "CC"): every QUALIFICATION row asking for that type and level;
- a programme (PROGRAMME rows, by programme code and "within N years");
- fostering hours in the year (ANNUAL_HOURS rows, by the number of tiết).

Within one qualification type a person is counted once, at the HIGHEST level they miss: someone missing LLCT TC (as a
head of office) and LLCT CC (planned for director) needs one course, cao cấp, which satisfies both. `missing` also
gives everyone lacking each level, for information.

The training catalogue maps each need to the programmes that award it: a programme declares the
qualification (type, level) its certificate grants, or its programme code; join on `Need.qualification_type` +
`Need.min_level` (or `Need.programme_code`) to list the programmes an annual plan should open and the number of
places (`Need.people`). Nothing here needs to change for that: the grouping key is what the programmes match on."""
import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from dtbd.people.catalog import QualificationType, level_label

from .engine import NOTHING, Catalogue, people_in
from .models import Requirement


@dataclass(frozen=True)
class Need:
    kind: str  # Requirement.Kind
    qualification_type: str = ""
    min_level: str = ""
    min_level_order: int | None = None
    programme_code: str = ""
    within_years: int | None = None
    hours: int | None = None
    codes: tuple = ()  # the requirement codes this need clears
    people: int = 0  # people for whom this is the highest missing level of its type (places to plan)
    missing: int = 0  # people lacking this level (or programme, hours), whatever else they miss

    @property
    def label(self):
        if self.kind == Requirement.Kind.QUALIFICATION:
            qtype = QualificationType(self.qualification_type).label
            return _("%(type)s: %(level)s") % {"type": qtype, "level": level_label(self.qualification_type, self.min_level)}
        if self.kind == Requirement.Kind.PROGRAMME:
            text = _("Chương trình %(code)s") % {"code": self.programme_code}
            return text + (" " + _("(trong %(n)s năm)") % {"n": self.within_years} if self.within_years else "")
        return _("%(hours)s tiết bồi dưỡng trong năm") % {"hours": self.hours or 0}


def _key(r):
    if r.kind in (Requirement.Kind.QUALIFICATION, Requirement.Kind.TITLE_CERT):  # a title certificate: type CDNN
        return (Requirement.Kind.QUALIFICATION, r.qualification_type, r.min_level_order or 0, "", None, None)
    if r.kind == Requirement.Kind.PROGRAMME:
        return (r.kind, "", 0, r.programme_code, r.within_years, None)
    return (r.kind, "", 0, "", None, r.hours or 0)


def needs_by_requirement(unit, date: datetime.date, people_q=None) -> list[Need]:
    """The needs of `unit`'s subtree on `date` (people of category CB/CC/VC placed there, optionally narrowed by
    `people_q`), with their counts; needs nobody has are left out. Ordered by kind, type, level (highest first).

    Three catalogue queries plus one aggregate query over the people for every need at once."""
    cat = Catalogue.on(date)
    groups = {}  # key -> {"rows": [...], "missing": Q}
    for rows in cat.rows_by_code.values():
        for r in rows:
            g = groups.setdefault(_key(r), {"rows": [], "missing": NOTHING})
            g["rows"].append(r)
            g["missing"] |= cat.subject_q(r) & ~cat.met_q(r)
    if not groups:
        return []
    keys = sorted(groups, key=lambda k: (k[0], k[1], -k[2], k[3], k[4] or 0, -(k[5] or 0)))
    aggregates = {}
    for i, key in enumerate(keys):
        missing = groups[key]["missing"]
        higher = NOTHING
        for other in keys:
            same_family = other[:2] == key[:2] and key[0] != Requirement.Kind.PROGRAMME
            if same_family and (other[2] > key[2] or (other[5] or 0) > (key[5] or 0)):
                higher |= groups[other]["missing"]
        aggregates[f"p{i}"] = Count("pk", filter=missing & ~higher if higher is not NOTHING else missing)
        aggregates[f"m{i}"] = Count("pk", filter=missing)
    totals = people_in(unit, date, people_q).aggregate(**aggregates)
    result = []
    for i, key in enumerate(keys):
        if not totals[f"m{i}"]:
            continue
        first = groups[key]["rows"][0]
        result.append(
            Need(
                kind=key[0],
                qualification_type=key[1],
                min_level=first.min_level if key[0] == Requirement.Kind.QUALIFICATION else "",
                min_level_order=key[2] or None,
                programme_code=key[3],
                within_years=key[4],
                hours=key[5],
                codes=tuple(sorted({r.code for r in groups[key]["rows"]})),
                people=totals[f"p{i}"],
                missing=totals[f"m{i}"],
            )
        )
    return result


def need_people_q(date: datetime.date, need: Need) -> Q:
    """People lacking `need` on `date` (a Q on Person), for a drill-down list of a need."""
    cat = Catalogue.on(date, list(need.codes))
    q = NOTHING
    for rows in cat.rows_by_code.values():
        for r in rows:
            if _key(r)[:2] == (need.kind, need.qualification_type) and _key(r)[2:] == (
                need.min_level_order or 0, need.programme_code, need.within_years, need.hours
            ):
                q |= cat.subject_q(r) & ~cat.met_q(r)
    return q
