"""Crash safety of the staff import: `dtbd import-staff` killed with SIGKILL in the middle of its writes leaves the
database exactly as before (all or nothing), on a scratch SQLite file and on PostgreSQL when the suite runs on it.

The importer's test hook (DTBD_IMPORT_PAUSE_AFTER_ROWS, see dtbd.core.importing.insert_rows) makes it stop inside its
transaction once that many rows are written, and tell us so through a file; then the process is killed."""
import datetime
import os
import signal
import time

import pytest

from dtbd.core.spreadsheet import write_sheet
from dtbd.core.tests.scratch import ENGINES  # the fixtures: a plugin of the root conftest.py
from dtbd.people.importing import HEADERS

NEW_PEOPLE = 3000
CHANGED_PEOPLE = 100

pytestmark = pytest.mark.parametrize("scratch_db", ENGINES, indirect=True)


def staff_file(path, unit_codes, existing_codes):
    base = {
        "Họ và tên": "Nguyễn Văn Thử", "Ngày sinh": datetime.date(1985, 5, 17), "Giới tính": "NAM", "Dân tộc": "Kinh",
        "Số CCCD": "", "Loại": "CC", "Mã ngạch": "01.003", "Chức vụ": "Chuyên viên", "Cấp chức vụ": "",
        "Vị trí việc làm": "Chuyên viên kiểm thử", "Trình độ chuyên môn": "DH", "Chuyên ngành": "Luật",
        "Lý luận chính trị": "TC", "Quản lý nhà nước": "CV", "Bồi dưỡng lãnh đạo quản lý": "",
        "Ngoại ngữ": "Tiếng Anh B1", "Tin học": "CO_BAN", "Ngày tuyển dụng": "01/09/2008", "Đảng viên": "CO",
        "Ngày vào Đảng": "03/02/2012", "Quy hoạch": "TP", "Email": "", "Điện thoại": "0912345678",
    }
    codes = [f"KILL{i:05d}" for i in range(NEW_PEOPLE)] + list(existing_codes)
    rows = []
    for i, code in enumerate(codes):
        values = {**base, "Mã cán bộ": code, "Họ và tên": f"Nguyễn Văn Thử {i}", "Mã đơn vị": unit_codes[i % len(unit_codes)]}
        rows.append([values[h] for h in HEADERS])
    return write_sheet(path, list(HEADERS), rows)


def index_definitions(db):
    if db.engine == "sqlite":
        return db.query("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
    return db.query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname")


def wait_for(marker, process, limit=240):
    """The pause marker, polling; fails with the importer's output if it ended without pausing."""
    for _ in range(limit * 10):
        if marker.exists() and marker.read_text():
            return int(marker.read_text())
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the import ended without pausing (exit {process.returncode}): {out} {err}")
        time.sleep(0.1)
    process.kill()
    pytest.fail("the import never reached its pause point")


def test_import_killed_mid_write_leaves_the_database_untouched(scratch_db):
    db = scratch_db
    result = db.run("demo", "--staff", "200")
    assert result.returncode == 0, result.stderr
    units = [code for (code,) in db.query("SELECT code FROM org_unit WHERE valid_to IS NULL ORDER BY code")]
    existing = [code for (code,) in db.query(
        f"SELECT code FROM people_person WHERE left_on IS NULL ORDER BY code LIMIT {CHANGED_PEOPLE}")]
    path = staff_file(db.workdir / "can-bo.xlsx", units, existing)
    before = db.table_stats()
    indexes = index_definitions(db)

    marker = db.workdir / "paused"
    # On SQLite the indexes of the tables this import at least doubles are dropped first, inside its transaction
    # (core.importing.indexes_rebuilt_after): the kill comes after that.
    process = db.popen("import-staff", path, env={"DTBD_IMPORT_PAUSE_AFTER_ROWS": "1000",
                                                  "DTBD_IMPORT_PAUSE_FILE": str(marker),
                                                  "DTBD_IMPORT_REBUILD_INDEXES_FROM": "1000"})
    written = wait_for(marker, process)
    assert written >= 1000  # the importer has written rows inside its transaction
    assert index_definitions(db) == indexes  # another connection still sees every index meanwhile
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL

    # Nothing of the import is visible: every table (people, their histories, qualifications, job positions,
    # audit entries…) has the same rows as before.
    assert db.table_stats() == before
    assert index_definitions(db) == indexes
    if db.engine == "sqlite":
        assert db.query("PRAGMA integrity_check") == [("ok",)]

    # The database is usable and not locked: the same import, run to the end, saves everything at once.
    result = db.run("import-staff", path)
    assert result.returncode == 0, result.stderr
    assert f"{NEW_PEOPLE + CHANGED_PEOPLE} dòng: {NEW_PEOPLE} thêm mới, {CHANGED_PEOPLE} thay đổi" in result.stdout
    after = db.table_stats()
    assert after["people_person"][0] == before["people_person"][0] + NEW_PEOPLE
    assert after["people_unitassignment"][0] >= before["people_unitassignment"][0] + NEW_PEOPLE
    assert db.query("SELECT count(*) FROM people_person WHERE code LIKE 'KILL%%'" if db.engine == "postgresql"
                    else "SELECT count(*) FROM people_person WHERE code LIKE 'KILL%'") == [(NEW_PEOPLE,)]
