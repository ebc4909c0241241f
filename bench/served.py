"""Set-up shared by the benchmarks of the served application (gunicorn on PostgreSQL over loopback only): the
registration rush, the online quiz load and the survey load.

- `add_server_options` and `prepare`: the command-line options of the scratch database and of gunicorn; the scratch
  PostgreSQL database dropped and re-created, the environment the server inherits, Django set up;
- `session_cookie`: a learner's session written directly with Django's SessionStore (no password, no login request),
  with the known CSRF cookie; `CSRF` goes in the X-CSRFToken header of every POST;
- `start_gunicorn` / `stop_gunicorn` on a `free_port`, with an access log of each request's server time read back by
  `server_times`; `gunicorn_cpu`, the CPU used by its workers;
- `Poster`: an asyncio + httpx client that POSTs with at most N requests in flight, one connection per request;
- `pct`, `latency_figures`, `count_statuses`, `server_errors`, `medians`, `verdict`, `print_queries`,
  `print_load_average`: the figures the scripts print.

Import it after `common` (which puts the repository on sys.path); the Django parts are imported inside the functions,
as `prepare` runs `django.setup()`."""
import asyncio
import http.cookiejar
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import OUT, ROOT, recreate_postgres_database, setup

PG = "postgres://postgres@127.0.0.1:5432/"
# A 32-character secret: Django accepts it unmasked in the csrftoken cookie and in the X-CSRFToken header.
CSRF = secrets.token_hex(16)


# ---------------------------------------------------------------- database and environment


def add_server_options(parser, db, workers, threads):
    """--db (the scratch PostgreSQL database, default `db`), --workers and --threads of gunicorn, --timeout (of each
    request, seconds)."""
    parser.add_argument("--db", default=db, help="scratch PostgreSQL database (dropped and re-created)")
    parser.add_argument("--workers", type=int, default=workers, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=threads, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--timeout", type=float, default=60.0, help="per-request timeout, seconds")
    return parser


def prepare(db, name, **environment):
    """Drop and create again the PostgreSQL database `db` on 127.0.0.1:5432 (trust auth), set the environment that
    Django and gunicorn read (that database, the var folder bench/out/<name>/, not production, mails kept in memory,
    no Redis, plus `environment`), then `django.setup()`. Returns the folder (where the access log goes)."""
    if not db.replace("_", "").isalnum():
        sys.exit("--db: letters, digits and _ only")
    folder = OUT / name
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        DATABASE_URL=PG + db, DTBD_VAR_DIR=str(folder), DJANGO_SETTINGS_MODULE="dtbd.settings",
        DTBD_PRODUCTION="0",  # plain HTTP on this machine: not production (README "Security")
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        **environment,
    )
    os.environ.pop("REDIS_URL", None)
    recreate_postgres_database(PG + db)
    setup()
    return folder


def session_cookie(user):
    """The Cookie header of a new session of `user` (written with SessionStore, as a login would, two-factor noted
    as without a device: accounts.twofactor) and of the known CSRF cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from dtbd.accounts.twofactor import NO_DEVICE

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[NO_DEVICE] = user.pk  # what a real login notes: no device query per request
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={CSRF}"


def print_queries(what, request):
    """Call `request` (an in-process request) counting its SQL queries; print their number and each query's start.
    Returns (the response, the number of queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = request()
    print(f"\none {what} request: {len(ctx.captured_queries)} SQL queries")
    for q in ctx.captured_queries:
        print("   ", q["sql"][:150])
    return response, len(ctx.captured_queries)


def learner_client(cookie):
    """A django.test.Client sending `cookie` and the CSRF header, with the CSRF checks of a real request."""
    from django.test import Client

    return Client(HTTP_COOKIE=cookie, HTTP_X_CSRFTOKEN=CSRF, enforce_csrf_checks=True)


# ---------------------------------------------------------------- gunicorn


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port, workers, threads, access_log):
    """`gunicorn dtbd.wsgi` on 127.0.0.1:`port` (`workers` processes × `threads` threads, gthread) in a process group
    of its own, once it accepts connections (exits the script if it does not start within 30 s). Its access log
    `access_log`, emptied first, has a line per request: server time in microseconds (`%(D)s`: from the request parsed
    to the response written, in the worker), status, path."""
    env = dict(os.environ, LOG_LEVEL="WARNING", DEBUG="0", PYTHONPATH=str(ROOT))
    cmd = [
        str(Path(sys.executable).parent / "gunicorn"), "dtbd.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
        "--backlog", "2048", "--timeout", "120", "--log-level", "warning",
        "--access-logfile", str(access_log), "--access-logformat", "%(D)s %(s)s %(U)s",
    ]
    access_log.write_text("")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("gunicorn exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    stop_gunicorn(proc)
    sys.exit("gunicorn did not start")


def stop_gunicorn(proc):
    from dtbd.core.testing import stop_process_group

    stop_process_group(proc, timeout=30)


def gunicorn_cpu(proc):
    """CPU seconds (user + system) used so far by gunicorn's worker processes (children of the master)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == proc.pid:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def server_times(access_log, offset, expected):
    """Server times (ms) of the access-log lines written after `offset`; waits up to 10 s for `expected` lines (a
    worker logs a request after its response is sent)."""
    deadline = time.monotonic() + 10
    while True:
        with access_log.open("rb") as log:
            log.seek(offset)
            lines = log.read().decode().splitlines()
        if len(lines) >= expected or time.monotonic() > deadline:
            return [int(line.split()[0]) / 1000 for line in lines if line.strip()]
        time.sleep(0.1)


# ---------------------------------------------------------------- the load generator


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Keep no cookie from the responses: every request carries its own learner's session."""

    def set_ok(self, cookie, request):
        return False


class Poster:
    """An httpx.AsyncClient on `base` that POSTs with at most `in_flight` requests in flight, each bounded by
    `timeout` seconds, on a connection of its own (a kept-alive connection that gunicorn closes while idle would be a
    transport error of the client's making), keeping no cookie. `connections`: the pool's size, `in_flight` unless
    given. Use as `async with Poster(...) as poster: status, seconds = await poster.post(path, cookie, data)`."""

    def __init__(self, base, in_flight, timeout, connections=None):
        import httpx

        limits = httpx.Limits(max_connections=connections or in_flight, max_keepalive_connections=0)
        self.gate = asyncio.Semaphore(in_flight)
        self.client = httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout,
                                        cookies=http.cookiejar.CookieJar(policy=_NoCookies()))

    async def __aenter__(self):
        await self.client.__aenter__()
        return self

    async def __aexit__(self, *exc):
        return await self.client.__aexit__(*exc)

    async def post(self, path, cookie, data):
        """(status, seconds) of a POST of `data` to `path` with the session `cookie` and the CSRF header, timed from
        when it may go (in flight) to the end of the response; the status of a transport error is "error <type>"."""
        async with self.gate:
            t0 = time.perf_counter()
            try:
                r = await self.client.post(path, headers={"Cookie": cookie, "X-CSRFToken": CSRF}, data=data)
                status = r.status_code
            except Exception as exc:  # noqa: BLE001 — a transport error counts as a failure
                status = f"error {type(exc).__name__}"
            return status, time.perf_counter() - t0


# ---------------------------------------------------------------- figures


def pct(values, p):
    """The `p`-th percentile of `values` (nearest rank)."""
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))]


def latency_figures(client_ms, server_ms):
    """p50/p95/p99/max of the client latencies and s50/s95/s99 of the server times (ms)."""
    return {"p50": pct(client_ms, 50), "p95": pct(client_ms, 95), "p99": pct(client_ms, 99), "max": max(client_ms),
            "s50": pct(server_ms, 50), "s95": pct(server_ms, 95), "s99": pct(server_ms, 99)}


def count_statuses(statuses):
    """{status: how many} of an iterable of statuses (or of (kind, status) pairs)."""
    counts = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return counts


def server_errors(counts):
    """How many of `count_statuses`' responses are >= 500 or transport errors."""
    def failed(status):
        status = status[1] if isinstance(status, tuple) else status
        return not isinstance(status, int) or status >= 500

    return sum(n for status, n in counts.items() if failed(status))


def medians(runs, keys):
    """{key: the median over `runs` (dicts of figures)} for each of `keys`."""
    return {k: statistics.median(r[k] for r in runs) for k in keys}


def verdict(problems):
    """The end of a run's line: "  ok", or "  FAILED: " and the problems."""
    return "  FAILED: " + "; ".join(problems) if problems else "  ok"


def print_load_average():
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (other work on the machine inflates every figure)")
