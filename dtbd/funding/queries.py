"""Eligibility for postgraduate dispatch (docs/domain.md §14.2), computed in the database for a whole subtree at once.

For a person and a date D, under the PostgradRule of the rule set chosen for their category on D
(standards.engine.rule_sets_on), the failed conditions, in this order:
- AGE: age in completed years on D (counted by birthdays) more than `max_age` — only at the first postgraduate
  dispatch: a person already sent to a master's or doctoral course before D is not held to it again;
- SERVICE: D before the `min_service_years`-th anniversary of the recruitment date (Person.recruited_on); no
  recruitment date fails it;
- ASSESSMENT: the `good_years` calendar years before D's year are not all rated HTTNV or HTXSNV (people.GOOD_RATINGS).
A date N years before D is the same day and month; 29/02 becomes 28/02 in a common year (so a birthday or an
anniversary on 29/02 falls on 01/03, as people count their age)."""
import datetime
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dtbd.core.models import valid_on_q
from dtbd.people.catalog import Category
from dtbd.people.models import GOOD_RATINGS, AnnualAssessment, CategoryAssignment, Person
from dtbd.people.queries import staff_placements, years_before
from dtbd.standards.engine import rule_sets_on

from .models import Dispatch, Level, PostgradRule

AGE, SERVICE, ASSESSMENT = "AGE", "SERVICE", "ASSESSMENT"
CODES = (AGE, SERVICE, ASSESSMENT)
POSTGRAD_LEVELS = (Level.THS, Level.TS)
REPORT_CATEGORIES = (Category.CC, Category.VC)


def rules_on(date: datetime.date) -> dict:
    """{category: PostgradRule} on `date` (categories whose rule set has no postgraduate conditions are absent)."""
    chosen = rule_sets_on(date)
    rules = {r.rule_set_id: r for r in PostgradRule.objects.filter(rule_set_id__in=set(chosen.values())).select_related("rule_set")}
    return {category: rules[pk] for category, pk in chosen.items() if pk in rules}


def _flag(q):
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def with_eligibility(people, date: datetime.date, rules=None):
    """`people` (a Person queryset) annotated, in one query, with `pg_category` (their category on `date`) and the
    booleans `fail_age`, `fail_service`, `fail_assessment` (False where their category has no rule)."""
    rules = rules_on(date) if rules is None else rules
    category = CategoryAssignment.objects.filter(valid_on_q(date), person=OuterRef("pk")).order_by("-valid_from", "-pk")
    people = people.annotate(pg_category=Subquery(category.values("category")[:1]))
    earlier = Dispatch.objects.filter(person=OuterRef("pk"), level__in=POSTGRAD_LEVELS, decision_date__lt=date)
    age_q, service_q, assessment_q = Q(pk__in=[]), Q(pk__in=[]), Q(pk__in=[])
    counted = set()
    for category_code, rule in rules.items():
        of_category = Q(pg_category=category_code)
        if rule.max_age is not None:
            age_q |= of_category & Q(birth_date__lte=years_before(date, rule.max_age + 1)) & ~Exists(earlier)
        if rule.min_service_years is not None:
            service_q |= of_category & (
                Q(recruited_on__isnull=True) | Q(recruited_on__gt=years_before(date, rule.min_service_years)))
        if rule.good_years:
            n = rule.good_years
            alias = f"pg_good_{n}"
            if n not in counted:
                good = (AnnualAssessment.objects.filter(person=OuterRef("pk"), year__gte=date.year - n,
                                                        year__lte=date.year - 1, rating__in=GOOD_RATINGS)
                        .order_by().values("person").annotate(c=Count("pk")).values("c"))
                people = people.annotate(**{alias: Coalesce(Subquery(good, output_field=IntegerField()), Value(0))})
                counted.add(n)
            assessment_q |= of_category & Q(**{f"{alias}__lt": n})
    return people.annotate(fail_age=_flag(age_q), fail_service=_flag(service_q), fail_assessment=_flag(assessment_q))


def codes_of(row) -> list[str]:
    """The failed codes of an annotated person (or a values() dict), in the order AGE, SERVICE, ASSESSMENT."""
    get = row.get if isinstance(row, dict) else lambda key: getattr(row, key)
    return [code for code, key in ((AGE, "fail_age"), (SERVICE, "fail_service"), (ASSESSMENT, "fail_assessment"))
            if get(key)]


@dataclass
class Eligibility:
    codes: list = field(default_factory=list)
    category: str | None = None
    rule: PostgradRule | None = None

    @property
    def eligible(self):
        return self.rule is not None and not self.codes

    def reasons(self):
        """The failed conditions in Vietnamese, one sentence each."""
        return [reason_text(code, self.rule) for code in self.codes]


def reason_text(code, rule):
    if code == AGE:
        return _("Quá %(age)s tuổi tại ngày cử đi (cử đi đào tạo sau đại học lần đầu).") % {"age": rule.max_age}
    if code == SERVICE:
        return _("Chưa đủ %(years)s năm công tác kể từ ngày tuyển dụng (hoặc chưa có ngày tuyển dụng).") % {
            "years": rule.min_service_years}
    return _("%(years)s năm liền kề trước năm cử đi chưa cùng được xếp loại hoàn thành tốt nhiệm vụ trở lên.") % {
        "years": rule.good_years}


def eligibility(person, date: datetime.date) -> Eligibility:
    """The conditions `person` fails on `date` (codes AGE, SERVICE, ASSESSMENT in that order). `rule` None: their
    category on the date has no postgraduate conditions (not cán bộ, công chức or viên chức)."""
    rules = rules_on(date)
    row = with_eligibility(Person.objects.filter(pk=person.pk), date, rules).values(
        "pg_category", "fail_age", "fail_service", "fail_assessment").first()
    if row is None:
        return Eligibility()
    return Eligibility(codes_of(row), row["pg_category"], rules.get(row["pg_category"]))


def eligibility_rows(unit, date: datetime.date):
    """(code, eligible 1/0, reasons joined by ';') of every person of category CC or VC in `unit`'s subtree on
    `date`, by code: one query for the whole subtree (the report postgrad-eligibility)."""
    in_subtree = staff_placements(unit, date).values("person_id")
    people = with_eligibility(Person.objects.filter(pk__in=in_subtree), date).filter(pg_category__in=REPORT_CATEGORIES)
    rows = []
    for row in people.order_by("code").values("code", "fail_age", "fail_service", "fail_assessment"):
        codes = codes_of(row)
        rows.append((row["code"], 0 if codes else 1, ";".join(codes)))
    return rows
