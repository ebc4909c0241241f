"""Saves and deletes of the data behind the dashboard's summary tables mark the units concerned dirty
(reports.summaries.mark_dirty); bulk writes of the imports (core.importing.insert_rows sends `rows_inserted`) mark
every unit; a queryset UPDATE announced with core.signals.rows_updated marks its people's units. Connected in ReportsConfig.ready."""
from django.db.models.signals import post_delete, post_save, pre_save

from dtbd.core import importing
from dtbd.core import signals as core_signals
from dtbd.org.models import Unit
from dtbd.people import models as people
from dtbd.people.models import UnitAssignment
from dtbd.standards.models import Equivalence, Requirement, RuleSet
from dtbd.training.models import Enrollment, Program, TrainingClass

from . import summaries
from .models import Indicator

_OLD_UNIT = "_dtbd_summary_old_unit_id"


def _person_units(instance, person_id):
    periods = summaries.periods_stored()
    if not periods:
        return
    units = summaries.person_units([person_id]) if person_id else set()
    units.add(getattr(instance, "unit_id", None))
    units.add(getattr(instance, _OLD_UNIT, None))
    summaries.mark_dirty(units, periods=periods)


def person_changed(sender, instance, **kwargs):
    _person_units(instance, instance.pk)


def record_changed(sender, instance, **kwargs):
    """A dated record of a person (placement, category, rank, post, job, planned post), a qualification or an
    enrolment: the units the person was ever placed in."""
    _person_units(instance, instance.person_id)


def remember_old_unit(sender, instance, **kwargs):
    """A placement moved to another unit: the old unit is dirty too."""
    if instance.pk and summaries.periods_stored():
        old = sender.objects.filter(pk=instance.pk).values_list("unit_id", flat=True).first()
        setattr(instance, _OLD_UNIT, old)


def class_changed(sender, instance, **kwargs):
    """A class (its form, home/abroad, programme): the units of its learners."""
    periods = summaries.periods_stored()
    if not periods:
        return
    learners = Enrollment.objects.filter(training_class_id=instance.pk).values("person_id")
    summaries.mark_dirty(set(UnitAssignment.objects.filter(person_id__in=learners).values_list("unit_id", flat=True)),
                         periods=periods)


DATA_APPS = {"org", "people", "training", "standards"}  # bulk writes to these apps' tables change the figures


def everything_changed(sender, **kwargs):
    """The tree, the requirement catalogue, the indicators, programmes, ethnicities, or a bulk import."""
    if kwargs.get("bulk") and sender._meta.app_label not in DATA_APPS:
        return  # e.g. an export log or audit entries written with insert_rows
    periods = summaries.periods_stored()
    if periods:
        summaries.mark_dirty({summaries.ALL_UNITS}, periods=periods)


def connect():

    uid = "dtbd.reports.summaries"
    for signal in (post_save, post_delete):
        signal.connect(person_changed, sender=people.Person, dispatch_uid=f"{uid}.person")
        for model in (people.UnitAssignment, people.CategoryAssignment, people.RankAssignment, people.PostAssignment,
                      people.JobAssignment, people.PlannedPost, people.Qualification, Enrollment):
            signal.connect(record_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}")
        signal.connect(class_changed, sender=TrainingClass, dispatch_uid=f"{uid}.class")
        for model in (Unit, Requirement, RuleSet, Equivalence, Indicator, Program, people.Ethnicity):
            signal.connect(everything_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}")
    pre_save.connect(remember_old_unit, sender=people.UnitAssignment, dispatch_uid=f"{uid}.old_unit")
    importing.rows_inserted.connect(bulk_written, dispatch_uid=f"{uid}.import")
    core_signals.rows_updated.connect(rows_updated, dispatch_uid=f"{uid}.update")


def bulk_written(sender, **kwargs):
    everything_changed(sender, bulk=True)


def rows_updated(sender, rows=(), **kwargs):
    """A queryset UPDATE of dated records or enrolments (core.signals.rows_updated): the units their people were ever
    placed in; of anything else of the data apps: every unit."""
    person_ids = {getattr(row, "person_id", None) for row in rows} - {None}
    if not person_ids:
        everything_changed(sender, bulk=True)
        return
    periods = summaries.periods_stored()
    if periods:
        summaries.mark_dirty(summaries.person_units(person_ids), periods=periods)
