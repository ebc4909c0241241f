"""Backup and restore of the whole installation: one archive (.tar.gz) holding the database dump, the MEDIA_ROOT files
and a manifest.json (date, application version, database engine, per-table row count and checksum).

- SQLite: a consistent online copy through sqlite3's backup API (readers and writers may keep working);
- PostgreSQL: pg_dump in custom format, restored with pg_restore --clean --if-exists in one transaction.

The checksum of a table is the SHA-256 of its rows in primary-key order; restore recomputes every table's count and
checksum and compares them with the manifest. The checksums are taken from the very snapshot that is dumped: the SQLite
copy itself, or (PostgreSQL) a repeatable-read transaction whose snapshot pg_dump shares (--snapshot).
"""
import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "dtbd-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A refusal or failure, with a message in Vietnamese saying what and where."""


@dataclass
class RestoreResult:
    manifest: dict
    tables: int
    rows: int
    mismatches: list  # [(table, expected {"rows", "checksum"}, actual {"rows", "checksum"} or None)]
    media_files: int
    media_set_aside: int = 0  # files of MEDIA_ROOT not in the backup, moved to `media_aside`
    media_aside: Path | None = None


def app_version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dtbd")
    except PackageNotFoundError:
        return "0+unknown"


def engine():
    vendor = connection.vendor
    if vendor not in ENGINE_NAMES:
        raise BackupError(_("Cơ sở dữ liệu %(engine)s không được hỗ trợ: chỉ sao lưu được SQLite và PostgreSQL.")
                          % {"engine": vendor})
    return vendor


def default_output():
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"dtbd-{stamp}.tar.gz"


# ---------------------------------------------------------------- checksums


def _hash_rows(rows):
    digest, count = hashlib.sha256(), 0
    for row in rows:
        digest.update(row.encode("utf-8", "surrogatepass") + b"\n")
        count += 1
    return {"rows": count, "checksum": digest.hexdigest()}


def sqlite_table_stats(path):
    """{table: {"rows", "checksum"}} of a SQLite file, read with the plain sqlite3 module (no type converters)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        stats = {}
        for table in tables:
            quoted = '"' + table.replace('"', '""') + '"'
            info = list(db.execute(f"PRAGMA table_info({quoted})"))
            pk = [row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5])]
            order = ", ".join('"' + c.replace('"', '""') + '"' for c in pk) if pk else ", ".join(
                str(i + 1) for i in range(len(info)))
            cursor = db.execute(f"SELECT * FROM {quoted} ORDER BY {order}")
            stats[table] = _hash_rows(repr(row) for row in cursor)
        return stats
    finally:
        db.close()


def pg_table_stats(conn):
    """{table: {"rows", "checksum"}} of the public schema through a psycopg connection: each row in PostgreSQL's own
    text form (t::text), primary-key order, read with a server-side cursor."""
    with conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [name for (name,) in cursor.fetchall()]
        stats = {}
        for table in tables:
            cursor.execute(
                """SELECT a.attname FROM pg_index i
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                   WHERE i.indrelid = %s::regclass AND i.indisprimary
                   ORDER BY array_position(i.indkey, a.attnum)""",
                [f'public."{table}"'],
            )
            pk = [name for (name,) in cursor.fetchall()]
            quoted = '"' + table.replace('"', '""') + '"'
            order = ", ".join('t."' + c.replace('"', '""') + '"' for c in pk) if pk else "t::text"
            with conn.cursor(name=f"dtbd_checksum_{len(stats)}") as rows:
                rows.itersize = 5000
                rows.execute(f"SELECT t::text FROM public.{quoted} t ORDER BY {order}")
                stats[table] = _hash_rows(text for (text,) in rows)
        return stats


# ---------------------------------------------------------------- backup


def _pg_env():
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                      ("NAME", "PGDATABASE")):
        if db.get(key):
            env[name] = str(db[key])
    return env


def _run(command, what):
    try:
        result = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(_("Không tìm thấy chương trình %(program)s (cần cài PostgreSQL client cùng phiên bản máy "
                            "chủ).") % {"program": command[0]}) from None
    if result.returncode != 0:
        raise BackupError(_("%(program)s thất bại (mã %(code)s): %(error)s")
                          % {"program": what, "code": result.returncode, "error": result.stderr.strip()})
    return result


def _dump_sqlite(workdir):
    target = Path(workdir) / SQLITE_MEMBER
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)  # online, consistent: the backup API restarts if a writer changes pages
    finally:
        copy.close()
    return target, sqlite_table_stats(target)


def _snapshot_connection():
    """A separate psycopg connection whose (first) transaction is repeatable read, read only: one snapshot."""
    import psycopg

    params = connection.get_connection_params()
    for key in ("cursor_factory", "context", "server_side_binding", "isolation_level", "assume_role"):
        params.pop(key, None)
    conn = psycopg.connect(**params)
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.read_only = True
    return conn


def _dump_postgresql(workdir):
    """pg_dump sharing the snapshot of the transaction that computes the checksums: both see the same data."""
    target = Path(workdir) / PG_MEMBER
    with _snapshot_connection() as conn:
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--no-owner", "--no-privileges",
              f"--file={target}"], "pg_dump")
        stats = pg_table_stats(conn)
        conn.rollback()
    return target, stats


def _media_files():
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def create_backup(output=None):
    """Write the archive; returns (path, manifest)."""
    vendor = engine()
    output = Path(output) if output else default_output()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dtbd-backup-") as workdir:
        dump, tables = _dump_sqlite(workdir) if vendor == "sqlite" else _dump_postgresql(workdir)
        media = _media_files()
        root = Path(settings.MEDIA_ROOT)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "app_version": app_version(),
            "engine": vendor,
            "database_file": dump.name,
            "database_sha256": _sha256(dump),
            "tables": tables,
            "media": {p.relative_to(root).as_posix(): _sha256(p) for p in media},
        }
        partial = output.with_name(output.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(datetime.datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=dump.name)
            for path in media:
                archive.add(path, arcname=MEDIA_PREFIX + path.relative_to(root).as_posix())
        os.replace(partial, output)  # never leave a half-written archive under the final name
    return output, manifest


# ---------------------------------------------------------------- restore


def read_manifest(path):
    """The manifest of an archive, checked; raises BackupError (Vietnamese) for a wrong or broken file."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("Không tìm thấy tệp sao lưu %(path)s.") % {"path": path})
    try:
        with tarfile.open(path, "r:*") as archive:
            try:
                member = archive.getmember(MANIFEST)
            except KeyError:
                raise BackupError(_("Tệp %(file)s không phải bản sao lưu của dtbd (thiếu %(manifest)s).")
                                  % {"file": path.name, "manifest": MANIFEST}) from None
            manifest = json.loads(archive.extractfile(member).read().decode("utf-8"))
    except BackupError:
        raise
    except (tarfile.TarError, OSError, EOFError, UnicodeDecodeError, ValueError, AttributeError) as exc:
        raise BackupError(_("Tệp %(file)s không phải bản sao lưu hợp lệ hoặc đã bị hỏng (%(error)s).")
                          % {"file": path.name, "error": exc}) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("Tệp %(file)s không phải bản sao lưu của dtbd (%(manifest)s sai định dạng).")
                          % {"file": path.name, "manifest": MANIFEST})
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(_("Bản sao lưu định dạng phiên bản %(found)s, chương trình này chỉ khôi phục được phiên "
                            "bản %(supported)s.") % {"found": manifest.get("format_version"), "supported": FORMAT_VERSION})
    if not isinstance(manifest.get("tables"), dict) or manifest.get("engine") not in ENGINE_NAMES:
        raise BackupError(_("Tệp %(file)s: %(manifest)s thiếu danh sách bảng hoặc loại cơ sở dữ liệu.")
                          % {"file": path.name, "manifest": MANIFEST})
    return manifest


# The models whose rows mean the database is in use (one only migrated, with its seeded catalogues, is empty), named by
# label: the backup machinery imports no domain app.
DATA_MODELS = ("accounts.User", "org.Unit", "people.Person")


def database_has_data():
    """Users, units or people already stored."""
    existing = set(connection.introspection.table_names())
    models = [apps.get_model(label) for label in DATA_MODELS]
    return any(model._meta.db_table in existing and model.objects.exists() for model in models)


def _extract(archive, manifest, workdir, path):
    name = manifest.get("database_file")
    try:
        member = archive.getmember(name)
    except (KeyError, TypeError):
        raise BackupError(_("Tệp %(file)s bị hỏng: thiếu tệp cơ sở dữ liệu %(member)s.")
                          % {"file": path.name, "member": name}) from None
    try:
        archive.extract(member, workdir, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(_("Tệp %(file)s bị hỏng, không giải nén được %(member)s (%(error)s).")
                          % {"file": path.name, "member": name, "error": exc}) from None
    dump = Path(workdir) / name
    if _sha256(dump) != manifest.get("database_sha256"):
        raise BackupError(_("Tệp %(file)s bị hỏng: tệp cơ sở dữ liệu %(member)s không khớp mã kiểm tra trong "
                            "%(manifest)s.") % {"file": path.name, "member": name, "manifest": MANIFEST})
    return dump


def restore_backup(path, allow_overwrite=False):
    """Replace the database (and MEDIA_ROOT files) with the archive's; returns a RestoreResult with the comparison of
    every table against the manifest. Raises BackupError before touching anything when the archive is wrong."""
    path = Path(path)
    manifest = read_manifest(path)
    vendor = engine()
    if manifest["engine"] != vendor:
        raise BackupError(
            _("Bản sao lưu là của cơ sở dữ liệu %(archived)s, hệ thống đang dùng %(current)s: không khôi phục được sang "
              "loại cơ sở dữ liệu khác.") % {"archived": ENGINE_NAMES[manifest["engine"]], "current": ENGINE_NAMES[vendor]}
        )
    if not allow_overwrite and database_has_data():
        raise BackupError(_("Cơ sở dữ liệu hiện có dữ liệu (người dùng, đơn vị hoặc cán bộ); khôi phục sẽ thay thế "
                            "toàn bộ. Chạy lại với --yes để xác nhận."))
    with tempfile.TemporaryDirectory(prefix="dtbd-restore-") as workdir:
        try:
            with tarfile.open(path, "r:*") as archive:
                dump = _extract(archive, manifest, workdir, path)
                media = [m for m in archive.getmembers() if m.name.startswith(MEDIA_PREFIX) and m.isfile()]
                for member in media:
                    member.name = member.name[len(MEDIA_PREFIX):]
                if vendor == "sqlite":
                    _check_sqlite_file(dump, path)
                    _restore_sqlite(dump)
                    actual = sqlite_table_stats(settings.DATABASES["default"]["NAME"])
                else:
                    _restore_postgresql(dump)
                    actual = _pg_stats_now()
                if media:
                    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
                    archive.extractall(settings.MEDIA_ROOT, members=media, filter="data")
        except (tarfile.TarError, EOFError) as exc:
            raise BackupError(_("Tệp %(file)s bị hỏng (%(error)s).") % {"file": path.name, "error": exc}) from None
    aside, moved = _set_aside_media(set(manifest.get("media", {})))
    mismatches = []
    for table, expected in sorted(manifest["tables"].items()):
        got = actual.get(table)
        if got != expected:
            mismatches.append((table, expected, got))
    return RestoreResult(
        manifest=manifest,
        tables=len(manifest["tables"]),
        rows=sum(t.get("rows", 0) for t in manifest["tables"].values()),
        mismatches=mismatches,
        media_files=len(media),
        media_set_aside=moved,
        media_aside=aside,
    )


def _set_aside_media(kept):
    """Move the files of MEDIA_ROOT that the backup does not hold (uploaded or produced after it: the restored
    database knows nothing of them) to a sibling folder `<media>-truoc-khoi-phuc-<time>`, not deleted: the admin
    decides. Returns (that folder or None, number of files moved)."""
    root = Path(settings.MEDIA_ROOT)
    extra = [p for p in _media_files() if p.relative_to(root).as_posix() not in kept]
    if not extra:
        return None, 0
    aside = root.with_name(f"{root.name}-truoc-khoi-phuc-{timezone.localtime():%Y%m%d-%H%M%S}")
    for source in extra:
        target = aside / source.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, target)
    return aside, len(extra)


def _check_sqlite_file(dump, path):
    try:
        db = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        try:
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(_("Tệp %(file)s: tệp cơ sở dữ liệu SQLite bên trong bị hỏng (%(error)s).")
                          % {"file": path.name, "error": exc}) from None
    if result != "ok":
        raise BackupError(_("Tệp %(file)s: tệp cơ sở dữ liệu SQLite bên trong bị hỏng (%(error)s).")
                          % {"file": path.name, "error": result})


def _restore_sqlite(dump):
    """Copy the archived database over the live one with the backup API (page by page, in one write transaction)."""
    target = settings.DATABASES["default"]["NAME"]
    connections.close_all()
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(dump)
    destination = sqlite3.connect(target, timeout=30)
    try:
        source.backup(destination)
    except sqlite3.Error as exc:
        raise BackupError(_("Không ghi được vào cơ sở dữ liệu %(target)s (%(error)s).")
                          % {"target": target, "error": exc}) from None
    finally:
        destination.close()
        source.close()


def _restore_postgresql(dump):
    connections.close_all()
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", f"--dbname={settings.DATABASES['default']['NAME']}", str(dump)], "pg_restore")


def _pg_stats_now():
    with _snapshot_connection() as conn:
        stats = pg_table_stats(conn)
        conn.rollback()
    return stats
