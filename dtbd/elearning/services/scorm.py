"""SCORM 1.2 packages (docs/domain.md §17.4): a .zip with imsmanifest.xml at its root, imported as a lesson.

Checked before anything is stored, with a Vietnamese message for each refusal: a readable zip; no member whose name
is absolute, climbs out of the package ("..") or is a link; at most DTBD_SCORM_MAX_FILES members and
DTBD_SCORM_MAX_BYTES bytes once unpacked (the sizes the zip declares, then counted again while unpacking, against
zip bombs); a manifest of at most 1 MB that parses, declares SCORM 1.2 (or no version) and names a launchable
resource. The files are written to the storage under elearning/scorm/<random>/ and served by views.files to the
class's learners and staff only. The runtime data the package reports (cmi.core.lesson_status, cmi.core.score.raw,
cmi.suspend_data, cmi.core.lesson_location) is stored by `record`."""
import posixpath
import uuid
import zipfile
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Lesson, LessonProgress
from . import progress

MANIFEST = "imsmanifest.xml"
MAX_MANIFEST = 1 << 20
STATUSES = {"passed", "completed", "failed", "incomplete", "browsed", "not attempted"}


def limits():
    return (int(getattr(settings, "DTBD_SCORM_MAX_BYTES", 500 * 1024 * 1024)),
            int(getattr(settings, "DTBD_SCORM_MAX_FILES", 5000)))


def _refuse(message):
    raise ValidationError(message)


def _safe_name(name):
    if name.startswith("/") or "\\" in name or ":" in name.split("/")[0] or "\x00" in name:
        return None
    parts = name.split("/")
    if any(part == ".." for part in parts):
        return None
    normal = posixpath.normpath(name)
    if normal.startswith("../") or normal == "..":
        return None
    return normal


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def read_manifest(data):
    """(launch href, version) from the manifest bytes; ValidationError (Vietnamese) when unusable."""
    if len(data) > MAX_MANIFEST:
        _refuse(_("Tệp imsmanifest.xml quá lớn (tối đa 1 MB)."))
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        _refuse(_("Tệp imsmanifest.xml không hợp lệ: không chấp nhận khai báo DOCTYPE/ENTITY."))
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        _refuse(_("Tệp imsmanifest.xml không đọc được (lỗi XML ở dòng %(line)s, cột %(col)s).")
                % {"line": exc.position[0], "col": exc.position[1]})
    if _local(root.tag) != "manifest":
        _refuse(_("Tệp imsmanifest.xml không phải là manifest SCORM (thẻ gốc phải là <manifest>)."))
    version = ""
    for element in root.iter():
        if _local(element.tag) == "schemaversion" and element.text:
            version = element.text.strip()
            break
    if version and not version.startswith("1.2"):
        _refuse(_("Gói có phiên bản “%(v)s”; hệ thống chỉ nhận gói SCORM 1.2.") % {"v": version[:40]})
    resources = {}
    for element in root.iter():
        if _local(element.tag) == "resource" and element.get("identifier"):
            resources[element.get("identifier")] = element
    launch = ""
    for element in root.iter():
        if _local(element.tag) == "item" and element.get("identifierref") in resources:
            launch = resources[element.get("identifierref")].get("href", "")
            if launch:
                break
    if not launch:
        for resource in resources.values():
            if (resource.get("{http://www.adlnet.org/xsd/adlcp_rootv1p2}scormtype") or "").lower() == "sco" and resource.get("href"):
                launch = resource.get("href")
                break
    if not launch:
        _refuse(_("Tệp imsmanifest.xml không chỉ ra tệp khởi chạy (item/resource có href)."))
    return launch.strip(), version or "1.2"


def import_package(lesson, upload):
    """Check the uploaded .zip, store its files and make `lesson` a SCORM lesson. Returns the lesson."""
    max_bytes, max_files = limits()
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError):
        _refuse(_("Tệp tải lên không phải là tệp .zip hợp lệ."))
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > max_files:
            _refuse(_("Gói có %(n)s tệp, vượt giới hạn %(max)s tệp.") % {"n": len(members), "max": max_files})
        declared = sum(m.file_size for m in members)
        if declared > max_bytes:
            _refuse(_("Gói quá lớn khi giải nén: %(mb)s MB (tối đa %(max)s MB).")
                    % {"mb": declared // (1 << 20), "max": max_bytes // (1 << 20)})
        names = {}
        for member in members:
            name = _safe_name(member.filename)
            if name is None:
                _refuse(_("Gói chứa đường dẫn không an toàn: “%(name)s”.") % {"name": member.filename[:200]})
            if (member.external_attr >> 16) & 0o170000 == 0o120000:
                _refuse(_("Gói chứa liên kết tượng trưng (symlink): “%(name)s”.") % {"name": member.filename[:200]})
            names[name] = member
        if MANIFEST not in names:
            _refuse(_("Gói không có tệp imsmanifest.xml ở thư mục gốc: không phải gói SCORM."))
        try:
            manifest = archive.open(names[MANIFEST]).read(MAX_MANIFEST + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
            _refuse(_("Không đọc được tệp imsmanifest.xml trong gói."))
        launch, version = read_manifest(manifest)
        launch_path = _safe_name(launch.split("?", 1)[0].split("#", 1)[0])
        if launch_path is None or launch_path not in names:
            _refuse(_("Tệp khởi chạy “%(href)s” khai báo trong imsmanifest.xml không có trong gói.") % {"href": launch[:200]})
        root = f"elearning/scorm/{uuid.uuid4().hex}"
        written = 0
        try:
            for name, member in names.items():
                with archive.open(member) as source:
                    data = source.read(max_bytes - written + 1)
                written += len(data)
                if written > max_bytes:
                    _refuse(_("Gói quá lớn khi giải nén (tối đa %(max)s MB).") % {"max": max_bytes // (1 << 20)})
                default_storage.save(f"{root}/{name}", ContentFile(data))
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
            _refuse(_("Gói bị hỏng: không giải nén được."))
    lesson.kind = Lesson.Kind.SCORM
    lesson.scorm_root, lesson.scorm_launch, lesson.scorm_version = root, launch, version
    lesson.save()
    return lesson


def package_file(lesson, path):
    """The storage name of a file of the lesson's package, or None when `path` leaves the package."""
    name = _safe_name(path or "")
    if not lesson.scorm_root or name is None or name in ("", "."):
        return None
    return f"{lesson.scorm_root}/{name}"


def _get(data, dotted):
    node = data
    for key in dotted.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def record(enrollment, lesson, data):
    """Store what the runtime committed (scorm-again's JSON: {"cmi": {"core": {...}, "suspend_data": …}}); a status
    "completed" or "passed" makes the lesson seen. Returns the status stored."""
    if isinstance(data, dict) and isinstance(data.get("runtimeData"), dict):  # renderCommonCommitFields format
        data = data["runtimeData"]
    if not isinstance(data, dict):
        raise ValidationError(_("Dữ liệu SCORM không hợp lệ."))
    status = str(_get(data, "cmi.core.lesson_status") or "").strip().lower()
    if status and status not in STATUSES:
        raise ValidationError(_("Trạng thái bài học SCORM không hợp lệ."))
    raw = _get(data, "cmi.core.score.raw")
    score = None
    if raw not in (None, ""):
        try:
            score = Decimal(str(raw)).quantize(Decimal("0.01"))
            if not score.is_finite() or not (0 <= score <= 1000):
                score = None
        except (InvalidOperation, ValueError):
            score = None
    keep = {
        "suspend_data": str(_get(data, "cmi.suspend_data") or "")[:4096],
        "lesson_location": str(_get(data, "cmi.core.lesson_location") or "")[:255],
    }
    now = timezone.now()
    progress.touch(enrollment, lesson, now)
    changes = {"scorm_data": keep, "last_seen_at": now}
    if status:
        changes["scorm_status"] = status
    if score is not None:
        changes["scorm_score"] = score
    LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).update(**changes)
    if status in progress.SCORM_DONE:
        progress.mark_seen(enrollment, lesson, now)
    return status
