"""Scratch databases for tests that run `dtbd` commands in subprocesses (backup/restore, a killed import): a file
SQLite database always, and a PostgreSQL database when the suite itself runs on PostgreSQL (DATABASE_URL=postgres://…).
pytest-django's own test database is never involved.

Each engine is migrated once per session into a template (a SQLite file / a PostgreSQL template database) and every
test gets a fresh copy. Tables are read back with the plain sqlite3 module or psycopg, independently of the code
under test: `table_stats()` = {table: (row count, hash of all rows in primary-key order)}.
"""
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

SUITE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SUITE_URL.startswith(("postgres://", "postgresql://"))
# Which variants exist in this run: SQLite always, PostgreSQL only when the suite runs on it (no skipped tests).
ENGINES = ["sqlite"] + (["postgresql"] if ON_POSTGRES else [])


def _pg_url(dbname):
    parts = urlsplit(SUITE_URL)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, "", ""))


def _pg_base_name():
    return (urlsplit(SUITE_URL).path.lstrip("/") or "dtbd") + "_scratch"


def _pg_admin(sql):
    import psycopg

    with psycopg.connect(_pg_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


class ScratchDB:
    def __init__(self, engine, workdir, url, path=None, dbname=None):
        self.engine, self.workdir, self.url, self.path, self.dbname = engine, Path(workdir), url, path, dbname
        self.media = self.workdir / "media"
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "DTBD_VAR_DIR": str(self.workdir / "var"),
            "MEDIA_ROOT": str(self.media),
            "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "PYTHONUNBUFFERED": "1",
        }

    def command(self, *args):
        # --skip-checks: the subprocess tests exercise commands, not the URL/system checks of the whole project.
        skip = ["--skip-checks"] if args[0] in ("migrate", "demo", "import-staff", "import-units") else []
        return [sys.executable, "-m", "dtbd.manage", *map(str, args), *skip]

    def run(self, *args, env=None, timeout=300):
        return subprocess.run(self.command(*args), env={**self.env, **(env or {})}, capture_output=True, text=True,
                              timeout=timeout)

    def popen(self, *args, env=None):
        return subprocess.Popen(self.command(*args), env={**self.env, **(env or {})}, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    # ------------------------------------------------------------ independent reads

    def connect(self):
        if self.engine == "sqlite":
            return sqlite3.connect(self.path)
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def query(self, sql, params=()):
        conn = self.connect()
        try:
            cursor = conn.execute(sql, params)
            rows = cursor.fetchall() if cursor.description else []
            if self.engine == "sqlite":
                conn.commit()
            return rows
        finally:
            conn.close()

    def execute(self, *statements):
        conn = self.connect()
        try:
            for sql in statements:
                conn.execute(sql)
            if self.engine == "sqlite":
                conn.commit()
        finally:
            conn.close()

    def table_stats(self):
        return _sqlite_stats(self.path) if self.engine == "sqlite" else _pg_stats(self.url)

    def drop(self):
        if self.engine == "postgresql":
            _pg_admin(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')


def _sqlite_stats(path):
    """count(*) and a SHA-1 of every row as JSON (blobs as hex), ordered by the primary key columns."""
    conn = sqlite3.connect(path)
    try:
        stats = {}
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite%'")]
        for table in tables:
            pk = [name for (name,) in conn.execute(
                "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", (table,))]
            order = ", ".join(f'"{c}"' for c in pk) or "rowid"
            digest, count = hashlib.sha1(), 0
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}'):
                digest.update(json.dumps(row, default=bytes.hex, ensure_ascii=False).encode() + b"\x1e")
                count += 1
            stats[table] = (count, digest.hexdigest())
        return stats
    finally:
        conn.close()


def _pg_stats(url):
    """count(*) and md5 of the rows as JSON (row_to_json), aggregated in primary-key order, computed by PostgreSQL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [t for (t,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        stats = {}
        for table in tables:
            pk = [c for (c,) in conn.execute(
                """SELECT k.column_name FROM information_schema.table_constraints c
                   JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name
                    AND k.table_schema = c.table_schema AND k.table_name = c.table_name
                   WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = 'public' AND c.table_name = %s
                   ORDER BY k.ordinal_position""", (table,))]
            order = ", ".join(f't."{c}"' for c in pk) or "row_to_json(t)::text"
            count, digest = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(row_to_json(t)::text, chr(30) ORDER BY {order}), '')) "
                f'FROM public."{table}" t'
            ).fetchone()
            stats[table] = (count, digest)
        return stats


# ---------------------------------------------------------------- fixtures


def _migrate(db):
    result = db.run("migrate", "--noinput", "-v0")
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def scratch_templates(tmp_path_factory):
    """Per engine: a migrated database every scratch copy starts from."""
    templates = {}
    root = tmp_path_factory.mktemp("scratch-template")
    template = ScratchDB("sqlite", root / "sqlite", f"sqlite:///{root / 'template.sqlite3'}", path=root / "template.sqlite3")
    _migrate(template)
    templates["sqlite"] = template
    created = []
    if ON_POSTGRES:
        name = f"{_pg_base_name()}_tpl_{os.getpid()}"
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg_admin(f'CREATE DATABASE "{name}"')
        created.append(name)
        template = ScratchDB("postgresql", root / "pg", _pg_url(name), dbname=name)
        _migrate(template)
        templates["postgresql"] = template
    yield templates
    for name in created:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def scratch_db(request, scratch_templates, tmp_path):
    """A fresh migrated database of the engine given by indirect parametrization (ENGINES)."""
    db = fresh_copy(scratch_templates, request.param, tmp_path)
    yield db
    db.drop()


SUITE_ENGINE = "postgresql" if ON_POSTGRES else "sqlite"


def fresh_copy(templates, engine, tmp_path):
    """A new migrated database of `engine` (SQLite file under tmp_path, or PostgreSQL database), copied from its
    session template: far cheaper than migrating. The caller drops it (`db.drop()`)."""
    template = templates[engine]
    if engine == "sqlite":
        path = tmp_path / "db.sqlite3"
        source, target = sqlite3.connect(template.path), sqlite3.connect(path)
        source.backup(target)
        source.close()
        target.close()
        db = ScratchDB("sqlite", tmp_path, f"sqlite:///{path}", path=path)
    else:
        name = f"{_pg_base_name()}_{uuid.uuid4().hex[:8]}"
        _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template.dbname}"')
        db = ScratchDB("postgresql", tmp_path, _pg_url(name), dbname=name)
    return db
