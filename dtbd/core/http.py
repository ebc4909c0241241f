"""Facts about a request that several apps need."""
import ipaddress
import re
import unicodedata
from urllib.parse import quote

from django.conf import settings

from .text import fold


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind our own reverse proxy (DTBD_BEHIND_PROXY) the last address that
    proxy appended to X-Forwarded-For (earlier entries are written by the client and cannot be trusted)."""
    address = request.META.get("REMOTE_ADDR") or ""
    if getattr(settings, "DTBD_BEHIND_PROXY", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            address = forwarded[-1]
    # A valid address only: django-axes stores it in an inet column, which PostgreSQL checks.
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return "0.0.0.0"


def file_slug(text, max_length=60) -> str:
    """'Cơ cấu trình độ chuyên môn' -> 'co-cau-trinh-do-chuyen-mon': the Vietnamese words of a file name without their
    marks (đ -> d), lower case, joined by '-', cut at a word boundary after `max_length` characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def content_disposition(name, as_attachment=True) -> str:
    """The Content-Disposition header of a download named `name` (RFC 6266): `filename` in ASCII for every client
    (Vietnamese letters without their marks, đ -> d; quotes, slashes and other unsafe characters as '-'), and when
    the name has other characters, `filename*` in UTF-8 (RFC 5987), which browsers prefer: the name as written."""
    disposition = "attachment" if as_attachment else "inline"
    folded = unicodedata.normalize("NFD", str(name)).replace("đ", "d").replace("Đ", "D")
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", folded)
    ascii_name = re.sub(r"-+(?=\.)", "", re.sub(r"-{2,}", "-", ascii_name)).strip("-") or "tep"
    name = re.sub(r'[\x00-\x1f/\\"]+', "-", str(name))  # no path, no control character, no quote in either form
    header = f'{disposition}; filename="{ascii_name}"'
    if ascii_name != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header
