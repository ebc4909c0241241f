"""Sending a stored file (lesson PDF or video, attachment, a SCORM package's file) to a browser that may read it —
the view checks the scope first; this module only sends.

Three ways, by settings (docs/deploy.md):
- DTBD_MEDIA_ACCEL_PREFIX set (production behind nginx, files on the local disk): an empty answer with
  X-Accel-Redirect: <prefix><storage name>; nginx sends the file from its `internal` location, Range requests
  included;
- a storage without local paths (S3 through django-storages): a redirect to a short-lived signed URL of the storage;
- otherwise (the embedded mode): streamed by Django, honouring a single HTTP Range (RFC 9110 §14): 206 with
  Content-Range for a satisfiable range, 416 with `Content-Range: bytes */size` for an unsatisfiable or malformed
  one, the whole file (200) for none or for several ranges at once (which a server may ignore)."""
import re
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect, StreamingHttpResponse

CHUNK = 64 * 1024
_RANGE = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


class Unsatisfiable(Exception):
    """A Range header that cannot be served (416)."""


def parse_range(header, size):
    """(start, end) inclusive of the single byte range in `header`, or None to send the whole file.
    Raises Unsatisfiable for a malformed bytes range or one outside the file."""
    if not header:
        return None
    unit, _sep, spec = header.partition("=")
    if unit.strip().lower() != "bytes":
        return None  # an unknown unit is ignored (RFC 9110 §14.2)
    if "," in spec:
        return None  # several ranges: the whole file (multipart/byteranges is not sent)
    match = _RANGE.match(spec)
    if not match or not (match.group(1) or match.group(2)):
        raise Unsatisfiable
    first, last = match.group(1), match.group(2)
    if len(first) > 18 or len(last) > 18:
        raise Unsatisfiable
    if first:
        start = int(first)
        end = int(last) if last else size - 1
        if end < start or start >= size:
            raise Unsatisfiable
        return start, min(end, size - 1)
    suffix = int(last)  # bytes=-N: the last N bytes
    if suffix == 0 or size == 0:
        raise Unsatisfiable
    return max(size - suffix, 0), size - 1


def _chunks(handle, start, length):
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            data = handle.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


def _disposition(filename, inline):
    kind = "inline" if inline else "attachment"
    ascii_name = filename.encode("ascii", "ignore").decode() or "tep"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _is_local(storage):
    try:
        storage.path("x")
    except NotImplementedError:
        return False
    return True


def send(request, name, content_type="application/octet-stream", filename="", inline=True, storage=None):
    """The answer sending the stored file `name` (see the module docstring)."""
    storage = storage or default_storage
    filename = filename or name.rsplit("/", 1)[-1]
    local = _is_local(storage)
    prefix = getattr(settings, "DTBD_MEDIA_ACCEL_PREFIX", "")
    if local and prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
        response["Content-Disposition"] = _disposition(filename, inline)
        return response
    if not local:
        return HttpResponseRedirect(storage.url(name))
    if not storage.exists(name):
        return HttpResponse(status=404)
    size = storage.size(name)
    try:
        byte_range = parse_range(request.headers.get("Range", ""), size)
    except Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    handle = storage.open(name, "rb")
    if byte_range is None:
        response = FileResponse(handle, content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        start, end = byte_range
        length = end - start + 1
        response = StreamingHttpResponse(_chunks(handle, start, length), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = _disposition(filename, inline)
    response["Cache-Control"] = "private, max-age=0"
    return response
