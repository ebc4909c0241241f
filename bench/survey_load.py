"""Benchmark: 500 learners submitting the same class's survey within a minute, against the running server (gunicorn)
on PostgreSQL over loopback only; then the server time of the public disclosure /cong-khai/, cold and warm.

    .venv/bin/python bench/survey_load.py [--db dtbd_survey_load] [--demo-staff 3000] [--learners 500]
        [--in-flight 50] [--runs 3] [--workers 2] [--threads 8]

What it does (the survey-load acceptance check, docs/domain.md §16.3 and §16.6):

1. drops and re-creates its own PostgreSQL database (--db on 127.0.0.1:5432, trust auth; never a shared one),
   migrates it and loads the demo province (--demo-staff people; 0 for none), whose last year is published at
   /cong-khai/ with its answered surveys, level-3 forms and annual ratings;
2. adds one unit with --learners people, each with a learner account (no password: their sessions are written
   directly with Django's SessionStore);
3. starts `gunicorn dtbd.wsgi` on 127.0.0.1 (--workers × --threads, gthread) with an access log of each request's
   server time (`%(D)s`), the public page's rate limit lifted for the run (DTBD_PUBLIC_RATE);
4. for each of --runs runs, finishes a new class of the --learners people (its survey opened, anonymous, with two
   lecturers) and fires one survey POST per learner (/danh-gia-chat-luong/lop/<id>/tra-loi/, every scored item
   answered), at most --in-flight requests at a time (asyncio + httpx, a timeout on each);
5. checks in the database after each run: one form (Response) and one Respondent per learner, every form valid, the
   answers of every scored slot, all requests answered 302 within 60 s, no response >= 500 or transport error;
   prints p50/p95/p99 of the client latency and of the server time, throughput and wall time;
6. /cong-khai/ of the demo's published year: the server time of the first request after a publication (cold: the
   page is computed and kept) and of the next ones (warm: from the cache), from the access log, sequentially; and in
   process (django.test.Client) as the median of runs after clearing the cache (cold) and without (warm);
7. stops the server. Exit status 1 if any check failed.

The figures of record go to docs/benchmarks.md ("Survey load"). The machine has 2 cores shared by the client,
gunicorn and PostgreSQL.
"""
import argparse
import asyncio
import datetime
import random
import statistics
import sys
import time

import served


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    served.add_server_options(parser, db="dtbd_survey_load", workers=2, threads=8)
    parser.add_argument("--demo-staff", type=int, default=3000, help="demo province size (0: no demo)")
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--in-flight", type=int, default=50, help="requests in flight at most")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--public-runs", type=int, default=20, help="requests of /cong-khai/ per measure")
    return parser.parse_args()


ARGS = parse_args()
# one client address sends every request: lift the public pages' rate limit
ACCESS_LOG = served.prepare(ARGS.db, "survey-load", DTBD_PUBLIC_RATE="1000000") / "access.log"

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from dtbd.accounts.models import Role  # noqa: E402
from dtbd.evaluation import disclosure  # noqa: E402
from dtbd.evaluation import services as surveys  # noqa: E402
from dtbd.evaluation.models import Answer, Item, Publication, Respondent, Response  # noqa: E402
from dtbd.org.testing import make_unit  # noqa: E402
from dtbd.people.testing import make_person  # noqa: E402
from dtbd.training.models import ClassSession, Enrollment, Lecturer, Program, Provider, TrainingClass  # noqa: E402


def setup_data():
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    if ARGS.demo_staff:
        call_command("demo", staff=ARGS.demo_staff, verbosity=0)
        print(f"demo province: {ARGS.demo_staff} staff ({time.perf_counter() - t0:.1f} s)")
    unit = make_unit("SURVEY_LOAD", "Sở thử tải khảo sát")
    User = get_user_model()
    people = [make_person(unit, code=f"KS{i:04d}", full_name=f"Học viên khảo sát {i:04d}", education=None)
              for i in range(ARGS.learners)]
    User.objects.bulk_create(
        User(username=f"ks{i:04d}", email=f"ks{i:04d}@example.org", role=Role.LEARNER, person=p, password="!")
        for i, p in enumerate(people))
    learners = User.objects.filter(username__startswith="ks").order_by("username")
    cookies = [served.session_cookie(user) for user in learners]
    print(f"data: {ARGS.learners} learners with sessions, PostgreSQL {ARGS.db} ({time.perf_counter() - t0:.1f} s)")
    return people, cookies


_seq = iter(range(1, 1000))


def finished_class(people):
    """A class of `people`, all completed, ended yesterday, taught by two lecturers; its survey open."""
    provider, _ = Provider.objects.get_or_create(code="P_KS", defaults={"name": "Trường thử tải khảo sát",
                                                                         "kind": "KHAC"})
    program, _ = Program.objects.get_or_create(
        code="KS_LOAD", defaults=dict(name="Bồi dưỡng thử tải khảo sát", category="QLNN", kind="FOSTERING",
                                      duration_tiet=40))
    end = timezone.localdate() - datetime.timedelta(days=1)
    n = next(_seq)
    cls = TrainingClass.objects.create(
        program=program, provider=provider, code=f"KS_LOAD{n:02d}", name=f"Lớp thử tải khảo sát {n}",
        capacity=len(people), status=TrainingClass.Status.FINISHED, starts_on=end - datetime.timedelta(days=4),
        ends_on=end)
    lecturers = [Lecturer.objects.create(name=f"Giảng viên thử tải {n}.{i}", academic_title="TS") for i in (1, 2)]
    ClassSession.objects.bulk_create(ClassSession(training_class=cls, date=cls.starts_on + datetime.timedelta(days=i),
                                                  tiet=4, lecturer=lecturers[i % 2]) for i in range(4))
    Enrollment.objects.bulk_create(Enrollment(training_class=cls, person=p, source="NOMINATED", state="COMPLETED",
                                              completed_on=end) for p in people)
    survey = surveys.open_survey(cls)
    blocks = surveys.form_blocks(survey.template, cls)
    return cls, survey, blocks


def form_data(blocks, rng):
    data = {}
    for block in blocks:
        for item in block.items:
            key = block.key(item)
            data[key] = "Ý kiến thử tải." if item.kind == Item.Kind.TEXT else str(rng.randint(5, 10))
    return data


async def fire(base, path, cookies, datas, in_flight):
    results = []
    async with served.Poster(base, in_flight, ARGS.timeout) as poster:
        async def one(cookie, data):
            results.append(await poster.post(path, cookie, data))

        t0 = time.perf_counter()
        await asyncio.gather(*(one(c, d) for c, d in zip(cookies, datas)))
        wall = time.perf_counter() - t0
    return results, wall


def survey_run(base, proc, people, cookies, label, rng):
    cls, survey, blocks = finished_class(people)
    slots = len(surveys.scored_slots(blocks))
    path = reverse("evaluation:answer", args=[cls.pk])
    datas = [form_data(blocks, rng) for _ in cookies]
    connections.close_all()
    offset = ACCESS_LOG.stat().st_size
    cpu0 = served.gunicorn_cpu(proc)
    results, wall = asyncio.run(fire(base, path, cookies, datas, ARGS.in_flight))
    cpu_ms = (served.gunicorn_cpu(proc) - cpu0) * 1000 / len(cookies)
    times = [t * 1000 for _, t in results]
    srv = served.server_times(ACCESS_LOG, offset, len(cookies)) or [float("nan")]
    statuses = served.count_statuses(status for status, _ in results)
    errors = served.server_errors(statuses)
    forms = Response.objects.filter(survey=survey)
    n_forms, n_valid = forms.count(), forms.filter(valid=True).count()
    n_respondents = Respondent.objects.filter(training_class=cls).count()
    n_scores = Answer.objects.filter(response__survey=survey, score__isnull=False).count()
    problems = []
    if statuses.get(302, 0) != len(cookies):
        problems.append(f"statuses {statuses} (expected {len(cookies)} × 302)")
    if errors:
        problems.append(f"{errors} responses >= 500 or transport errors")
    if (n_forms, n_valid, n_respondents) != (len(cookies),) * 3:
        problems.append(f"forms {n_forms}, valid {n_valid}, respondents {n_respondents} (expected {len(cookies)})")
    if n_scores != len(cookies) * slots:
        problems.append(f"{n_scores} scores stored (expected {len(cookies) * slots}): answers lost")
    if wall > 60:
        problems.append(f"wall {wall:.1f} s > 60 s")
    figures = dict(served.latency_figures(times, srv), throughput=len(results) / wall, wall=wall, problems=problems,
                   errors=errors, cpu=cpu_ms)
    print(f"  {label:<10} {ARGS.in_flight:>5} {figures['p50']:7.0f} {figures['p95']:7.0f} {figures['p99']:7.0f}"
          f" {figures['max']:7.0f} {figures['s50']:7.0f} {figures['s95']:7.0f} {figures['s99']:7.0f}"
          f" {figures['throughput']:7.1f} {wall:6.1f} {cpu_ms:6.1f}  {n_forms}/{n_valid}/{n_respondents} {slots:>3} slots"
          + served.verdict(problems))
    return figures


def public_served(base):
    """Server times (ms, access log) of /cong-khai/<year>/ requested one after the other: the first request after a
    new publication of the demo's year (cold in the worker that serves it), then the warm ones."""
    import httpx

    year = Publication.objects.current().order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return None
    path = f"/cong-khai/{year}/"
    cold, warm = [], []
    with httpx.Client(base_url=base, timeout=ARGS.timeout) as client:
        for _ in range(3):  # a new publication each time: a new cache key, so each first request is cold
            old = Publication.objects.current().get(year=year)
            disclosure.publish(old.published_by, year, old.training_results, old.assessments, old.note)
            offset = ACCESS_LOG.stat().st_size
            statuses = [client.get(path).status_code for _ in range(ARGS.workers * 2 + ARGS.public_runs)]
            assert set(statuses) == {200}, statuses
            times = served.server_times(ACCESS_LOG, offset, len(statuses))
            # each worker computes the page once (its first request); the slowest of the first 2×workers is a cold one
            cold.append(max(times[:ARGS.workers * 2]))
            warm.extend(times[ARGS.workers * 2:])
    return year, cold, warm


def public_in_process(runs):
    year = Publication.objects.current().order_by("-year").values_list("year", flat=True).first()
    client = Client()
    path = f"/cong-khai/{year}/"
    cold, warm = [], []
    for _ in range(runs):
        cache.clear()
        t0 = time.perf_counter()
        assert client.get(path).status_code == 200
        cold.append((time.perf_counter() - t0) * 1000)
    for _ in range(runs):
        t0 = time.perf_counter()
        assert client.get(path).status_code == 200
        warm.append((time.perf_counter() - t0) * 1000)
    return statistics.median(cold), statistics.median(warm)


def main():
    people, cookies = setup_data()
    rng = random.Random(15)
    port = served.free_port()
    print(f"\ngunicorn on 127.0.0.1:{port}, {ARGS.workers} workers × {ARGS.threads} threads (gthread); "
          f"{len(cookies)} survey forms of one class per run, at most {ARGS.in_flight} in flight")
    print(f"  {'run':<10} {'inflt':>5} {'cli p50':>7} {'cli p95':>7} {'cli p99':>7} {'cli max':>7} {'srv p50':>7}"
          f" {'srv p95':>7} {'srv p99':>7} {'req/s':>7} {'wall s':>6} {'cpu':>6}  forms/valid/respondents"
          "   (cpu: gunicorn CPU ms per request)")
    proc = served.start_gunicorn(port, ARGS.workers, ARGS.threads, ACCESS_LOG)
    runs, public = [], None
    try:
        base = f"http://127.0.0.1:{port}"
        for i in range(ARGS.runs):
            runs.append(survey_run(base, proc, people, cookies, f"run #{i + 1}", rng))
        public = public_served(base)
    finally:
        served.stop_gunicorn(proc)
    failed = any(r["problems"] for r in runs)
    med = served.medians(runs, ("p50", "p95", "p99", "max", "s50", "s95", "s99", "throughput", "wall", "cpu"))
    print(f"\nmedian of {ARGS.runs} runs: client latency p50 {med['p50']:.0f} ms, p95 {med['p95']:.0f} ms, "
          f"p99 {med['p99']:.0f} ms, max {med['max']:.0f} ms; server time p50 {med['s50']:.0f} ms, "
          f"p95 {med['s95']:.0f} ms, p99 {med['s99']:.0f} ms; {med['throughput']:.0f} forms/s, "
          f"{ARGS.learners} forms in {med['wall']:.1f} s; gunicorn CPU {med['cpu']:.1f} ms/form; "
          f"errors {sum(r['errors'] for r in runs)}")
    if public:
        year, cold, warm = public
        print(f"/cong-khai/{year}/ served (access log): cold (first request after a publication) median "
              f"{statistics.median(cold):.1f} ms {[round(c, 1) for c in cold]}; warm p50 {served.pct(warm, 50):.1f} ms, "
              f"p95 {served.pct(warm, 95):.1f} ms, max {max(warm):.1f} ms ({len(warm)} requests)")
        c, w = public_in_process(7)
        print(f"/cong-khai/{year}/ in process (django.test.Client, median of 7): cold {c:.1f} ms, warm {w:.1f} ms")
    served.print_load_average()
    print("RESULT:", "FAILED" if failed else "ok (every form stored and valid, none lost, no server error)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
