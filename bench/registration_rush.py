"""Benchmark: a registration rush — 1,000 learners registering at once for a class of 100 seats, against the
running server (gunicorn) on PostgreSQL, over loopback only.

    .venv/bin/python bench/registration_rush.py [--db dtbd_h3_rush] [--learners 1000] [--seats 100] [--runs 3]
        [--bounded 50,20] [--workers 4] [--threads 8]

What it does (the registration-rush acceptance check):

1. drops and re-creates its own PostgreSQL database (--db on 127.0.0.1:5432, trust auth; never a shared one) and
   migrates it; creates one unit with --learners people, each with a learner account (no password: their sessions
   are written directly with Django's SessionStore) and a unit officer;
2. counts the SQL queries of one registration request in process (django.test.Client), listing them;
3. starts `gunicorn dtbd.wsgi` bound to 127.0.0.1 on a free port (--workers processes × --threads threads, gthread)
   with an access log of each request's server time (`%(D)s`: from the request parsed to the response written, in
   the worker — what an operator's monitoring shows; it leaves out the wait in the listen backlog and for a thread);
4. for each of --runs runs, opens a new first-come-first-served class of --seats seats (status OPEN) and fires one
   registration POST per learner (/dao-tao/lop/<id>/dang-ky/, session cookie + a known csrftoken cookie and its
   X-CSRFToken header) all at once (asyncio + httpx, one connection per request), then the same with at most
   N requests in flight for each N of --bounded; every request is bounded by a timeout;
5. checks in the database after each run: exactly --seats enrolled, seats_taken = --seats, the rest waitlisted,
   one enrolment per learner, every enrolled request dated before every waitlisted one, and no response >= 500 (or
   transport error); then removes the run's enrolments, so that every run's learners register afresh. Prints, per run and as the median over the runs, p50/p95/p99 of the client-observed latency
   (send → end of response: under a burst mostly queueing) and of the server time, the in-flight bound, throughput
   and the gunicorn workers' CPU per request;
6. stops the server. Exit status 1 if any check failed.

The figures of record go to docs/benchmarks.md ("Registration rush"). The machine has 2 cores shared by the client,
gunicorn and PostgreSQL: the client's own work is part of every latency.
"""
import argparse
import asyncio
import datetime
import sys
import time

import served


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    served.add_server_options(parser, db="dtbd_h3_rush", workers=4, threads=8)
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bounded", default="50,20",
                        help="requests in flight of the bounded variants, comma-separated (empty or 0: none)")
    return parser.parse_args()


ARGS = parse_args()
ARGS.bounded = [int(n) for n in str(ARGS.bounded).split(",") if n.strip() and int(n) > 0]
# one line per request in the access log: server time in microseconds, status, path
ACCESS_LOG = served.prepare(ARGS.db, "registration-rush") / "access.log"

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from dtbd.accounts.models import Role  # noqa: E402
from dtbd.org.testing import make_unit  # noqa: E402
from dtbd.people.testing import make_person  # noqa: E402
from dtbd.training.models import Enrollment, Program, Provider, TrainingClass  # noqa: E402

State = Enrollment.State


def setup_data():
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    unit = make_unit("RUSH", "Sở thử tải đăng ký")
    User = get_user_model()
    people = [make_person(unit, full_name=f"Học viên {i:04d}", education=None) for i in range(ARGS.learners)]
    User.objects.bulk_create(
        User(username=f"hv{i:04d}", email=f"hv{i:04d}@example.org", role=Role.LEARNER, person=p, password="!")
        for i, p in enumerate(people)
    )
    officer = User(username="canbo_rush", email="canbo@example.org", role=Role.UNIT_OFFICER, scope_unit=unit)
    officer.set_unusable_password()
    officer.save()
    cookies = [served.session_cookie(user) for user in User.objects.filter(role=Role.LEARNER).order_by("username")]
    # the dashboard's summary of the current year is stored, as on a system in use: every registration then appends
    # its dirty marks (reports.summaries.mark_dirty) inside its transaction
    from dtbd.reports import dashboard, summaries

    summaries.period_row(dashboard.Period.for_year(timezone.localdate().year, timezone.localdate()))
    print(f"data: {ARGS.learners} learners with sessions, one stored summary period, PostgreSQL {ARGS.db} "
          f"({time.perf_counter() - t0:.1f} s)")
    return cookies


_class_seq = iter(range(1, 1000))


def open_class(capacity):
    provider, _ = Provider.objects.get_or_create(code="P_RUSH", defaults={"name": "Trường thử tải", "kind": "KHAC"})
    program, _ = Program.objects.get_or_create(
        code="RUSH", defaults=dict(name="Bồi dưỡng thử tải", category="QLNN", kind="FOSTERING", duration_tiet=40),
    )
    start = timezone.localdate() + datetime.timedelta(days=30)
    n = next(_class_seq)
    return TrainingClass.objects.create(
        program=program, provider=provider, code=f"RUSH{n:02d}", name=f"Lớp thử tải {n}", capacity=capacity,
        status=TrainingClass.Status.OPEN, first_come_first_served=True, starts_on=start,
        ends_on=start + datetime.timedelta(days=5),
    )


def count_queries(cookie):
    """SQL queries of one registration request, in process (the learner of `cookie`, a class of its own)."""
    cls = open_class(1)
    client = served.learner_client(cookie)
    response, queries = served.print_queries(
        "registration", lambda: client.post(reverse("training:self_register", args=[cls.pk])))
    assert response.status_code == 302, response.status_code
    Enrollment.objects.filter(training_class=cls).delete()
    cls.delete()
    return queries


async def fire(base, path, cookies, in_flight):
    results = []
    async with served.Poster(base, in_flight, ARGS.timeout, connections=len(cookies)) as poster:
        async def one(cookie):
            results.append(await poster.post(path, cookie, {"next": "/dao-tao/hoc-vien/"}))

        t0 = time.perf_counter()
        await asyncio.gather(*(one(c) for c in cookies))
        wall = time.perf_counter() - t0
    return results, wall


def run_once(base, proc, cookies, in_flight, label, check=True):
    cls = open_class(ARGS.seats)
    path = reverse("training:self_register", args=[cls.pk])
    connections.close_all()
    log_offset = ACCESS_LOG.stat().st_size
    cpu0, server0 = time.process_time(), served.gunicorn_cpu(proc)
    results, wall = asyncio.run(fire(base, path, cookies, in_flight))
    client_cpu = time.process_time() - cpu0  # the load generator's own share of the 2 cores
    server_ms = (served.gunicorn_cpu(proc) - server0) * 1000 / len(cookies)  # gunicorn workers' CPU per request
    times = [t * 1000 for _, t in results]
    srv = served.server_times(ACCESS_LOG, log_offset, len(cookies)) or [float("nan")]
    statuses = served.count_statuses(status for status, _ in results)
    server_errors = served.server_errors(statuses)
    cls.refresh_from_db()
    rows = Enrollment.objects.filter(training_class=cls)
    enrolled = rows.filter(state=State.ENROLLED).count()
    waitlisted = rows.filter(state=State.WAITLISTED).count()
    total = rows.count()
    last_enrolled = max(rows.filter(state=State.ENROLLED).values_list("requested_at", flat=True), default=None)
    first_waiting = min(rows.filter(state=State.WAITLISTED).values_list("requested_at", flat=True), default=None)
    ordered = last_enrolled is None or first_waiting is None or last_enrolled <= first_waiting
    problems = []
    if enrolled != ARGS.seats or cls.seats_taken != ARGS.seats:
        problems.append(f"enrolled {enrolled}, seats_taken {cls.seats_taken} (expected {ARGS.seats})")
    if waitlisted != len(cookies) - ARGS.seats or total != len(cookies):
        problems.append(f"waitlisted {waitlisted}, enrolments {total} (expected {len(cookies) - ARGS.seats}, {len(cookies)})")
    if server_errors:
        problems.append(f"{server_errors} responses >= 500 or transport errors: {statuses}")
    if statuses.get(302, 0) != len(cookies):
        problems.append(f"statuses {statuses} (expected {len(cookies)} × 302)")
    if not ordered:
        problems.append("an enrolled request is dated after a waitlisted one")
    if not check:  # the warm-up: only server errors count
        problems = [p for p in problems if ">= 500" in p]
    if len(srv) != len(cookies):
        problems.append(f"{len(srv)} access-log lines for {len(cookies)} requests")
    # the next run's learners register afresh: an enrolment left in this class would be the eligibility check's
    # "same programme" warning there (docs/domain.md §10.1), a confirmation page instead of the registration
    Enrollment.objects.filter(training_class=cls).delete()
    figures = dict(
        served.latency_figures(times, srv), label=label, in_flight=in_flight, throughput=len(results) / wall,
        wall=wall, enrolled=enrolled, waitlisted=waitlisted, errors=server_errors, problems=problems,
        client_cpu=client_cpu, server_ms=server_ms,
    )
    print(
        f"  {label:<22} {in_flight:>5} {figures['p50']:7.0f} {figures['p95']:7.0f} {figures['p99']:7.0f}"
        f" {figures['max']:7.0f} {figures['s50']:7.0f} {figures['s95']:7.0f} {figures['s99']:7.0f}"
        f" {figures['throughput']:7.1f} {wall:6.2f} {client_cpu:6.2f} {server_ms:6.1f}  {enrolled:>4}/{waitlisted:<4}"
        f" {server_errors:>3}"
        + served.verdict(problems)
    )
    return figures


def main():
    cookies = setup_data()
    queries = count_queries(cookies[0])
    port = served.free_port()
    workers = f"{ARGS.workers} workers × {ARGS.threads} threads (gthread)"
    print(f"\ngunicorn on 127.0.0.1:{port}, {workers}; {len(cookies)} registrations for {ARGS.seats} seats per run")
    print("  latency seen by the client (cli, ms) and server time of the request in the worker (srv, ms; access log);"
          " cpu = gunicorn CPU ms per request")
    print(f"  {'run':<22} {'inflt':>5} {'cli p50':>7} {'cli p95':>7} {'cli p99':>7} {'cli max':>7} {'srv p50':>7}"
          f" {'srv p95':>7} {'srv p99':>7} {'req/s':>7} {'wall s':>6} {'load s':>6} {'cpu':>6}  enr/wait 5xx")
    proc = served.start_gunicorn(port, ARGS.workers, ARGS.threads, ACCESS_LOG)
    all_figures, warm = {}, {"problems": []}
    try:
        base = f"http://127.0.0.1:{port}"
        warm = run_once(base, proc, cookies[:200], 50, "warm-up (not counted)", check=False)
        variants = [("all at once", len(cookies))] + [(f"{n} in flight", n) for n in ARGS.bounded]
        for name, in_flight in variants:
            all_figures[name] = [run_once(base, proc, cookies, in_flight, f"{name} #{i + 1}") for i in range(ARGS.runs)]
    finally:
        served.stop_gunicorn(proc)
    print(f"\nmedian of {ARGS.runs} runs ({queries} SQL queries per request, {workers}):")
    failed = bool(warm["problems"])
    for name, runs in all_figures.items():
        med = served.medians(runs, ("p50", "p95", "p99", "max", "s50", "s95", "s99", "throughput", "client_cpu",
                                    "server_ms"))
        failed |= any(r["problems"] for r in runs)
        print(f"  {name:<22} (at most {runs[0]['in_flight']} requests in flight)\n"
              f"      client latency p50 {med['p50']:.0f} ms, p95 {med['p95']:.0f} ms, p99 {med['p99']:.0f} ms, "
              f"max {med['max']:.0f} ms\n"
              f"      server time    p50 {med['s50']:.0f} ms, p95 {med['s95']:.0f} ms, p99 {med['s99']:.0f} ms\n"
              f"      {med['throughput']:.0f} req/s, load generator CPU {med['client_cpu']:.1f} s, "
              f"gunicorn CPU {med['server_ms']:.1f} ms/request; "
              f"errors {sum(r['errors'] for r in runs)}, enrolled {[r['enrolled'] for r in runs]}")
    served.print_load_average()
    print("RESULT:", "FAILED" if failed else "ok (exactly the seats enrolled, the rest waitlisted, no server error)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
