"""The files under deploy/ (docs/deploy.md) stay true to the code: gunicorn accepts its config with the app, every
variable of the example env file is read by the settings (or gunicorn's config), and the systemd units call
commands that exist."""
import os
import re
import subprocess
import sys
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"


def test_gunicorn_config_loads_with_the_app(tmp_path):
    env = {**os.environ, "DTBD_VAR_DIR": str(tmp_path), "WEB_CONCURRENCY": "3", "GUNICORN_THREADS": "2"}
    env.pop("DATABASE_URL", None)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run(
        [str(gunicorn), "--check-config", "--print-config", "-c", str(DEPLOY / "gunicorn.conf.py"),
         "dtbd.wsgi:application"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    printed = {k.strip(): v.strip() for k, v in (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)}
    assert (printed["workers"], printed["threads"], printed["worker_class"]) == ("3", "2", "gthread")
    assert printed["bind"] == "['127.0.0.1:8001']"


def test_every_variable_of_the_example_env_file_is_read():
    names = re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (DEPLOY / "dtbd.env.example").read_text(), flags=re.M)
    assert "SECRET_KEY" in names and "DATABASE_REPLICA_URL" in names and "REDIS_URL" in names
    sources = "".join(p.read_text() for p in (ROOT / "dtbd" / "settings.py", DEPLOY / "gunicorn.conf.py"))
    unread = [n for n in names if f'"{n}"' not in sources]
    assert unread == []


def test_systemd_units_call_existing_commands():
    commands = get_commands()
    called = []
    for unit in (DEPLOY / "systemd").glob("*.service"):
        called += re.findall(r"/\.venv/bin/dtbd ([a-z_]+)", unit.read_text())
    assert {"worker", "backup", "migrate", "collectstatic"} <= set(called)
    assert [c for c in called if c not in commands] == []
    web = (DEPLOY / "systemd" / "dtbd-web.service").read_text()
    assert "-c /opt/dtbd/deploy/gunicorn.conf.py dtbd.wsgi:application" in web
