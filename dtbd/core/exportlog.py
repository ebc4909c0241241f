"""Every export of personal data is logged: log_export(user, kind, description, rows) in the view that
serves the file, after the file is built. Admins read the log in Django admin (Nhật ký xuất dữ liệu cá nhân)."""
from .http import client_ip
from .models import ExportLog

Kind = ExportLog.Kind
IGNORED_PARAMS = {"page", "csrfmiddlewaretoken"}


def request_filters(request):
    """The non-empty query parameters of a request (the filters of a list being exported), without paging."""
    return {
        key: values if len(values) > 1 else values[0]
        for key, values in request.GET.lists()
        if key not in IGNORED_PARAMS and any(v != "" for v in values)
    }


def log_export(user, kind, description, rows, filters=None, request=None, ip=""):
    """Record that `user` exported `rows` rows of `kind` (ExportLog.Kind or its value). `filters` (a dict) defaults
    to the request's query parameters when the request is given; the client address comes from the request (or `ip`:
    a background job records the address of the request that started it)."""
    ip = (ip or "")[:45]
    if request is not None:
        ip = client_ip(request)[:45]
        if filters is None:
            filters = request_filters(request)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return ExportLog.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        role=getattr(user, "role", "") if authenticated else "",
        kind=kind,
        description=str(description)[:500],
        rows=max(int(rows or 0), 0),
        filters=filters or {},
        ip=ip,
    )
