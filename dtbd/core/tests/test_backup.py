"""`dtbd backup` / `dtbd restore` round trip on a scratch database (SQLite file, and PostgreSQL when the suite runs on
it): after changing and deleting data, restore gives back every table with the same row count and the same rows
(hashes computed here, independently of dtbd.core.backup), and the uploaded files; refusals leave the data alone."""
import io
import json
import tarfile

import pytest

from dtbd.core.tests.scratch import ENGINES  # the fixtures: a plugin of the root conftest.py

pytestmark = pytest.mark.parametrize("scratch_db", ENGINES, indirect=True)

CHANGES = (
    "UPDATE people_person SET full_name = 'Đã sửa' WHERE id % 2 = 0",
    "DELETE FROM training_attendance WHERE id % 3 = 0",
    "DELETE FROM people_plannedpost",
    "INSERT INTO people_jobposition (name, name_folded) VALUES ('Vị trí thêm sau sao lưu', 'vi tri them sau sao luu')",
    "UPDATE org_unit SET name = name || ' (sửa)'",
    "DELETE FROM django_session",
)


def archive_members(path):
    with tarfile.open(path) as archive:
        return {m.name: m for m in archive.getmembers()}, json.load(archive.extractfile("manifest.json"))


def test_round_trip_restores_every_table_and_the_media_files(scratch_db):
    db = scratch_db
    result = db.run("demo", "--staff", "200")
    assert result.returncode == 0, result.stderr
    (db.media / "certificates").mkdir(parents=True)
    pdf = db.media / "certificates" / "cc-1.pdf"
    pdf.write_bytes(b"%PDF-1.7 original")
    original = db.table_stats()
    media_files = sorted(p.relative_to(db.media).as_posix() for p in db.media.rglob("*") if p.is_file())
    assert "certificates/cc-1.pdf" in media_files
    assert original["people_person"][0] >= 200 and original["training_attendance"][0] > 0

    archive = db.workdir / "out" / "sao-luu.tar.gz"
    result = db.run("backup", "--output", archive)
    assert result.returncode == 0, result.stderr
    assert "Đã sao lưu vào" in result.stdout
    members, manifest = archive_members(archive)
    assert manifest["engine"] == db.engine and manifest["app_version"]
    assert {"manifest.json", manifest["database_file"], "media/certificates/cc-1.pdf"} <= set(members)
    # The manifest covers every table with the row counts seen here.
    assert {table: stats["rows"] for table, stats in manifest["tables"].items()} == {
        table: count for table, (count, _hash) in original.items()
    }

    db.execute(*CHANGES)
    pdf.write_bytes(b"changed")
    later = db.media / "jobs" / "2026" / "bao-cao-sau-sao-luu.xlsx"  # a file written after the backup
    later.parent.mkdir(parents=True, exist_ok=True)  # the demo may have written a job file there already
    later.write_bytes(b"later")
    changed = db.table_stats()
    for table in ("people_person", "training_attendance", "people_plannedpost", "people_jobposition", "org_unit"):
        assert changed[table] != original[table]

    # A database with data is not replaced without --yes: nothing touched.
    result = db.run("restore", archive)
    assert result.returncode == 1
    assert "--yes" in result.stderr and "Cơ sở dữ liệu hiện có dữ liệu" in result.stderr
    assert db.table_stats() == changed

    result = db.run("restore", archive, "--yes")
    assert result.returncode == 0, result.stderr
    assert f"số dòng và tổng kiểm tra của cả {len(original)} bảng khớp với bản sao lưu" in result.stdout
    assert db.table_stats() == original  # nothing lost, nothing changed
    assert pdf.read_bytes() == b"%PDF-1.7 original"
    # the file the backup does not hold is moved aside, not deleted, and said so
    assert not later.exists()
    aside = [p for p in db.media.parent.iterdir() if p.name.startswith(f"{db.media.name}-truoc-khoi-phuc-")]
    assert len(aside) == 1 and (aside[0] / "jobs" / "2026" / "bao-cao-sau-sao-luu.xlsx").read_bytes() == b"later"
    assert f"1 tệp đính kèm không có trong bản sao lưu (tạo sau khi sao lưu) đã được chuyển sang {aside[0]}" in result.stdout
    assert sorted(p.relative_to(db.media).as_posix() for p in db.media.rglob("*") if p.is_file()) == media_files
    if db.engine == "sqlite":
        assert db.query("PRAGMA integrity_check") == [("ok",)]
    # The restored database works: new rows get fresh ids (sequences restored too on PostgreSQL).
    result = db.run("shell", "-c", "from dtbd.org.models import Unit; from dtbd.org.testing import make_unit; "
                    "u = make_unit('MOI_SAU_KHOI_PHUC'); print(u.pk > max(Unit.objects.exclude(pk=u.pk)"
                    ".values_list('pk', flat=True)))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_restore_into_an_empty_database_needs_no_confirmation(scratch_db):
    db = scratch_db
    assert db.run("demo", "--staff", "200").returncode == 0
    archive = db.workdir / "b.tar.gz"
    assert db.run("backup", "-o", archive).returncode == 0
    original = db.table_stats()
    db.execute(*_emptying_statements(db))
    assert db.table_stats()["people_person"][0] == 0
    result = db.run("restore", archive)  # no users, units or people: no --yes needed
    assert result.returncode == 0, result.stderr
    assert db.table_stats() == original


def _emptying_statements(db):
    tables = [table for table, (count, _h) in db.table_stats().items() if count]
    if db.engine == "postgresql":
        return ["TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"]
    return [f'DELETE FROM "{t}"' for t in tables]


def test_wrong_or_broken_archives_are_refused_in_vietnamese_and_change_nothing(scratch_db, tmp_path):
    db = scratch_db  # migrated, with its seeded catalogues
    good = tmp_path / "good.tar.gz"
    assert db.run("backup", "-o", good).returncode == 0
    before = db.table_stats()
    _members, manifest = archive_members(good)
    data = good.read_bytes()

    def tar_with(files):
        path = tmp_path / f"crafted-{len(list(tmp_path.iterdir()))}.tar.gz"
        with tarfile.open(path, "w:gz") as archive:
            for name, content in files.items():
                info = tarfile.TarInfo(name)
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
        return path

    def dump_bytes():
        with tarfile.open(good) as archive:
            return archive.extractfile(manifest["database_file"]).read()

    other = "sqlite" if db.engine == "postgresql" else "postgresql"
    random_file = tmp_path / "random.tar.gz"
    random_file.write_bytes(bytes(range(256)) * 10)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(data[: len(data) // 2])
    corrupted_dump = bytearray(dump_bytes())
    corrupted_dump[len(corrupted_dump) // 2] ^= 0xFF
    cases = {
        tmp_path / "khong-co.tar.gz": "Không tìm thấy tệp sao lưu",
        random_file: "không phải bản sao lưu hợp lệ hoặc đã bị hỏng",
        truncated: "bị hỏng",
        tar_with({"readme.txt": b"hello"}): "không phải bản sao lưu của dtbd (thiếu manifest.json)",
        tar_with({"manifest.json": b"{not json"}): "không phải bản sao lưu hợp lệ hoặc đã bị hỏng",
        tar_with({"manifest.json": json.dumps({**manifest, "engine": other}).encode(),
                  manifest["database_file"]: dump_bytes()}): "không khôi phục được sang loại cơ sở dữ liệu khác",
        tar_with({"manifest.json": json.dumps(manifest).encode()}): f"thiếu tệp cơ sở dữ liệu {manifest['database_file']}",
        tar_with({"manifest.json": json.dumps(manifest).encode(),
                  manifest["database_file"]: bytes(corrupted_dump)}): "không khớp mã kiểm tra",
    }
    for path, message in cases.items():
        result = db.run("restore", path, "--yes")
        assert result.returncode == 1, (path.name, result.stdout, result.stderr)
        assert message in result.stderr, (path.name, result.stderr)
        assert "Traceback" not in result.stderr
    assert db.table_stats() == before
