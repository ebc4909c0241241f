"""Shared model bases: dated history records."""
import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    IMPORTED = "IMPORTED", _("Nhập từ tệp")
    ENTERED = "ENTERED", _("Nhập tay")
    CLASS = "CLASS", _("Hoàn thành lớp học")
    DECISION = "DECISION", _("Theo quyết định")


def valid_on_q(date: datetime.date, prefix: str = "") -> Q:
    """Records valid on `date`. An unknown start (NULL valid_from) counts as valid on every earlier date;
    valid_to is the last day of validity (inclusive), NULL = still open."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": date})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": date})
    )


def current_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_to__isnull": True})


class DatedQuerySet(models.QuerySet):
    def valid_on(self, date):
        return self.filter(valid_on_q(date))

    def current(self):
        return self.filter(current_q())


class DatedRecord(models.Model):
    """A fact with a validity period. valid_from NULL = unknown start ("không rõ ngày")."""

    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.ENTERED)
    decision_no = models.CharField(_("số quyết định"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_current(self):
        return self.valid_to is None

    def valid_on(self, date):
        return (self.valid_from is None or self.valid_from <= date) and (self.valid_to is None or self.valid_to >= date)
