"""Set-up shared by the benchmark scripts (run as `python bench/<script>.py`, which puts bench/ on sys.path).

Importing this module puts the repository first on sys.path and selects dtbd's settings; `database_folder` keeps a
script's SQLite database under bench/out/<name>/ (unless DATABASE_URL names another database); `setup` starts Django;
`demo_database` migrates and loads the demo province when the database holds nobody; `timed` and `median_ms` time a
call as the median of several runs after a warm-up."""
import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dtbd.settings")
os.environ.setdefault("DTBD_PRODUCTION", "0")  # a benchmark run, plain HTTP: not production (README "Security")


def demo_parser(doc, name, runs):
    """The command line of a benchmark on the demo province: --staff, --seed, --runs (default `runs`), --name (folder
    under bench/out/, default `name`) and --fresh; the description is the first paragraph of `doc`."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--staff", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--name", default=name, help="folder under bench/out/ holding the database")
    parser.add_argument("--fresh", action="store_true", help="rebuild the database even if it exists")
    return parser


def database_folder(name, fresh=False):
    """Without DATABASE_URL, the SQLite database (and the var folder) of bench/out/<name>/, emptied first when
    `fresh`; with it, the database it names (nothing to do here)."""
    if os.environ.get("DATABASE_URL"):
        return None
    folder = OUT / name
    if fresh:
        shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["DTBD_VAR_DIR"] = str(folder)
    return folder


def setup():
    import django

    django.setup()


def demo_database(staff, seed, analyze=True):
    """Migrate; load `dtbd demo --seed seed --staff staff` when the database holds no people, or say what is reused;
    on SQLite refresh the planner's statistics (ANALYZE) unless `analyze` is false (more rows to come)."""
    from django.core.management import call_command
    from django.db import connection

    from dtbd.people.models import Person

    call_command("migrate", verbosity=0)
    existing = Person.objects.count()
    if existing == 0:
        start = time.perf_counter()
        call_command("demo", seed=seed, staff=staff)
        print(f"demo --staff {staff} loaded in {time.perf_counter() - start:.1f} s")
    else:
        print(f"reusing {connection.settings_dict['NAME']}: {existing} people (--fresh rebuilds)")
    if analyze:
        analyze_sqlite()
    return existing


def analyze_sqlite():
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def root_unit(code=None):
    """The unit `code`, or the root of the province (the first top-level unit)."""
    from dtbd.org.models import Unit

    if code:
        return Unit.objects.get(code=code)
    return Unit.objects.filter(parent__isnull=True).order_by("pk").first()


def timed(fn, runs):
    """(result of the warm-up call, median s, min s, max s) of `runs` calls after one warm-up."""
    result = fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times), min(times), max(times)


def median_ms(fn, runs):
    """(median ms, min ms, max ms) of `runs` calls after one warm-up."""
    _result, med, lo, hi = timed(fn, runs)
    return med * 1000, lo * 1000, hi * 1000


def recreate_postgres_database(url):
    """Drop (closing its connections) and create again the PostgreSQL database of `url`."""
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name or '"' in name:
        raise SystemExit(f"no usable database name in {url}")
    import psycopg

    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
