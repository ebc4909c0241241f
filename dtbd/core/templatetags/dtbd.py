"""Template helpers shared by every page: Vietnamese dates, validity periods, query strings.

    {% load dtbd %}
    {{ person.birth_date|vndate }}          -> 17/05/1985, or "không rõ ngày" when None
    {{ assignment|period }}                 -> 01/01/2020 – nay
    <a href="?{% qs_replace page=2 %}">     -> current query string with page=2
"""
import datetime

from django import template
from django.contrib.contenttypes.models import ContentType
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def vndate(value, empty=None):
    """A date (or datetime, shown in local time) as dd/mm/yyyy; None -> "không rõ ngày" (or `empty`)."""
    if value in (None, ""):
        return _("không rõ ngày") if empty is None else empty
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    if isinstance(value, datetime.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return str(value)


@register.filter
def vndatetime(value):
    """A datetime as HH:MM dd/mm/yyyy in local time."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.hour:02d}:{value.minute:02d} {vndate(value)}"


@register.filter
def period(record):
    """The validity of a dated record (valid_from / valid_to, valid_to inclusive): "dd/mm/yyyy – nay"."""
    if record is None:
        return ""
    start = vndate(getattr(record, "valid_from", None))
    end_value = getattr(record, "valid_to", None)
    end = _("nay") if end_value is None else vndate(end_value)
    return f"{start} – {end}"


@register.simple_tag(takes_context=True)
def qs_replace(context, **kwargs):
    """The current query string with some parameters replaced (None or "" removes them), without the leading '?'."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else None
    if params is None:
        params = QueryDict(mutable=True)
    for key, value in kwargs.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return params.urlencode()


@register.filter
def get_item(mapping, key):
    """dict lookup with a variable key: {{ counts|get_item:code }}."""
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag
def page_numbers(page_obj, on_each_side=2, on_ends=1):
    """Page numbers around the current page with Paginator.ELLIPSIS gaps: {% page_numbers page_obj as numbers %}."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=on_each_side, on_ends=on_ends))


@register.filter
def audit_changes(entry):
    """The field changes of an auditlog LogEntry as (label, old, new), in display form (verbose names, choice labels,
    dd/mm/yyyy), leaving out the primary key and reverse relations, which say nothing to a reader."""
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class() if entry.content_type_id else None
    hidden = set()
    if model is not None:
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete or getattr(field, "primary_key", False):
                hidden.update({field.name, str(getattr(field, "verbose_name", field.name))})
    hidden_folded = {name.casefold() for name in hidden}
    rows = []
    for label, values in (entry.changes_display_dict or {}).items():
        if str(label).casefold() in hidden_folded:
            continue
        old, new = (list(values) + [None, None])[:2]
        rows.append((label, _blank_none(old), _blank_none(new)))
    return rows


def _blank_none(value):
    return "" if value in (None, "None") else value


@register.filter
def display_name(user):
    """A user's name in Vietnamese order (họ + tên: last_name first_name), else the username."""
    if user is None:
        return ""
    name = f"{getattr(user, 'last_name', '')} {getattr(user, 'first_name', '')}".strip()
    return name or getattr(user, "username", "")


# The side menu entry of a page is its URL namespace, except for the training namespace, whose pages are split
# over several entries: classes (and everything done in a class), the approval queue (and the late reports after
# courses abroad), certificates, the learner portal (and its report upload), and the catalogue of programmes and
# providers.
_TRAINING_MENU = (
    ("program", "training"), ("provider", "training"), ("needs", "training"), ("lecturer", "training"),
    ("enrolment_", "enrolment_queue"), ("certificate", "certificates"), ("portal", "portal"),
    ("overseas_upload", "portal"), ("overseas_", "enrolment_queue"),
)


@register.simple_tag(takes_context=True)
def menu_entry(context):
    """The side menu entry the current page belongs to (base.html marks that one, and only that one, current)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "evaluation" and match.url_name == "answer":
        return "portal"  # the learner's survey form belongs to their learning
    if match.namespace == "elearning":
        # An online course is the class's content: a learner's pages sit under "Học tập của tôi", everyone else's
        # (the class's staff, officers following progress) under the classes.
        user = context.get("user")
        return "portal" if getattr(user, "role", "") == "LEARNER" else "classes"
    if match.namespace != "training":
        return match.namespace
    for prefix, entry in _TRAINING_MENU:
        if match.url_name.startswith(prefix):
            return entry
    return "classes"
