"""The register of lecturers (giảng viên, báo cáo viên; docs/domain.md §15.1): who they are, the sessions they teach,
their teaching hours per year. Every figure is an aggregate in the database: the list runs the same queries whatever
the number of lecturers."""
import re

from django.db.models import Count, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear

from dtbd.core.text import fold

from ..models import ClassSession, Lecturer, TrainingClass

CANCELLED = TrainingClass.Status.CANCELLED

# Academic titles written in front of a name on the old free-text sessions and in the demo ("PGS.TS. Phạm Văn Tuấn").
TITLE_PREFIXES = [("PGS.TS.", "PGS"), ("PGS. TS.", "PGS"), ("GS.TS.", "GS"), ("GS. TS.", "GS"), ("PGS.", "PGS"),
                  ("GS.", "GS"), ("TS.", "TS"), ("ThS.", "THS"), ("CN.", "CN")]


def split_title(text):
    """'PGS.TS. Phạm Văn Tuấn' -> ('PGS', 'Phạm Văn Tuấn'); spaces collapsed; ('', text) without a known title."""
    text = re.sub(r"\s+", " ", text or "").strip()
    for prefix, code in TITLE_PREFIXES:
        if text.lower().startswith(prefix.lower()):
            rest = text[len(prefix):].strip()
            if rest:
                return code, rest
    return "", text


def taught_q(prefix="sessions__"):
    """The sessions that count as taught: those of classes not cancelled."""
    return ~Q(**{f"{prefix}training_class__status": CANCELLED})


def lecturer_rows(qs, year):
    """The list's rows: the person joined, the tiết taught in `year` and the number of classes (ever) annotated in the
    same query."""
    return qs.select_related("person").annotate(
        year_tiet=Coalesce(Sum("sessions__tiet", filter=taught_q() & Q(sessions__date__year=year)),
                           Value(0), output_field=IntegerField()),
        class_count=Count("sessions__training_class", filter=taught_q(), distinct=True),
    ).order_by("search", "pk")


def search_lecturers(qs, text):
    """Accent-insensitive search on the folded name and institution."""
    for word in fold(text or "").split():
        qs = qs.filter(search__contains=word)
    return qs


def hours_by_year(lecturer):
    """[(year, tiết, sessions)] taught by the lecturer, newest year first (one aggregate query)."""
    rows = (
        ClassSession.objects.filter(lecturer=lecturer).exclude(training_class__status=CANCELLED)
        .annotate(year=ExtractYear("date")).values("year")
        .annotate(tiet=Sum("tiet"), sessions=Count("id")).order_by("-year")
    )
    return [(r["year"], r["tiet"], r["sessions"]) for r in rows]


def hours_in_year(year):
    """{lecturer id: tiết taught in `year`} for every lecturer (one aggregate query)."""
    rows = (
        ClassSession.objects.filter(lecturer__isnull=False, date__year=year).exclude(training_class__status=CANCELLED)
        .values("lecturer").annotate(tiet=Sum("tiet"))
    )
    return {r["lecturer"]: r["tiet"] for r in rows}


def lecturer_classes(lecturer):
    """The classes the lecturer teaches in, newest first, each with the lecturer's tiết and sessions there (the
    filter constrains the aggregates to the lecturer's sessions)."""
    return (
        TrainingClass.objects.filter(sessions__lecturer=lecturer).select_related("program", "provider")
        .annotate(lecturer_tiet=Sum("sessions__tiet"), lecturer_sessions=Count("sessions"))
        .order_by("-starts_on", "code")
    )


def class_lecturers(training_class):
    """The lecturers of a class's sessions, each once, in the order they first teach."""
    firsts = {}
    for lecturer_id, date in (ClassSession.objects.filter(training_class=training_class, lecturer__isnull=False)
                              .order_by("date", "start_time", "pk").values_list("lecturer_id", "date")):
        firsts.setdefault(lecturer_id, date)
    lecturers = {lec.pk: lec for lec in Lecturer.objects.filter(pk__in=list(firsts)).select_related("person")}
    return [lecturers[pk] for pk in firsts if pk in lecturers]


def class_lecturers_many(class_ids):
    """{class id: [lecturer, …]} for several classes, in two queries."""
    pairs = list(ClassSession.objects.filter(training_class__in=class_ids, lecturer__isnull=False)
                 .order_by("training_class", "date", "start_time", "pk").values_list("training_class_id", "lecturer_id"))
    lecturers = {lec.pk: lec for lec in Lecturer.objects.filter(pk__in={p[1] for p in pairs}).select_related("person")}
    result = {}
    for class_id, lecturer_id in pairs:
        row = result.setdefault(class_id, [])
        if lecturers[lecturer_id] not in row:
            row.append(lecturers[lecturer_id])
    return result


def external_lecturer(text):
    """The external lecturer named by `text` ('TS. Nguyễn Văn A'), created when no lecturer of that name exists
    (spaces collapsed, case ignored) — the way free text becomes a register entry (imports, the demo)."""
    title, name = split_title(text)
    if not name:
        return None
    found = Lecturer.objects.filter(person__isnull=True, name__iexact=name).order_by("pk").first()
    if found:
        return found
    return Lecturer.objects.create(name=name, academic_title=title)
