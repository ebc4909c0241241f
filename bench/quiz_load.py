"""Benchmark: 200 learners taking a 20-question online quiz at once — one request per answer, then the submission —
against the running server (gunicorn) on PostgreSQL, over loopback only (docs/domain.md §17.2).

    .venv/bin/python bench/quiz_load.py [--db dtbd_quiz_load] [--learners 200] [--questions 20] [--runs 3]
        [--in-flight 200] [--workers 4] [--threads 8]

What it does:

1. drops and re-creates its own PostgreSQL database (--db on 127.0.0.1:5432, trust auth; never a shared one) and
   migrates it; creates an online class running with --learners enrolled learners (sessions written directly with
   Django's SessionStore), its course and a quiz of --questions single-choice questions;
2. counts the SQL queries of one answer request in process (django.test.Client), listing them;
3. starts `gunicorn dtbd.wsgi` on 127.0.0.1 (--workers × --threads, gthread) with an access log of each request's
   server time;
4. for each of --runs runs: opens one attempt per learner (as the quiz page's "Bắt đầu" does), then every learner at
   once answers its questions one request at a time (POST /hoc-truc-tuyen/luot/<id>/tra-loi/, a random pause of
   0 to --pause-ms between answers: 2.000 ms by default, one answer a second on average — faster than anyone reads a
   question; --pause-ms 200 is the saturation test, 200 learners answering as fast as the server lets them) and
   submits; at most --in-flight requests are in flight; each request is bounded by a timeout;
5. checks in the database: every answer stored with the value sent (none lost, none mixed up between learners),
   every attempt submitted and graded with the score the answers give, no response >= 500 or transport error.
   Prints requests/s, p50/p95/p99 of the client latency and of the server time, per run and as the median of runs.

Exit status 1 if any check failed. The figures of record go to docs/benchmarks.md ("Online quiz load"). The machine's
2 cores are shared by the client, gunicorn and PostgreSQL."""
import argparse
import asyncio
import datetime
import http.cookiejar
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, recreate_postgres_database, setup

OUT = ROOT / "bench" / "out" / "quiz-load"
PG = "postgres://postgres@127.0.0.1:5432/"
ACCESS_LOG = OUT / "access.log"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="dtbd_quiz_load", help="scratch PostgreSQL database (dropped and re-created)")
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--in-flight", type=int, default=200, help="requests in flight at most")
    parser.add_argument("--pause-ms", type=int, default=2000, help="longest random pause between two answers")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--no-warm-up", action="store_true", help="skip the uncounted first run")
    return parser.parse_args()


ARGS = parse_args()
if not ARGS.db.replace("_", "").isalnum():
    sys.exit("--db: letters, digits and _ only")
DATABASE_URL = PG + ARGS.db
OUT.mkdir(parents=True, exist_ok=True)
os.environ.update(
    DATABASE_URL=DATABASE_URL, DTBD_VAR_DIR=str(OUT), DJANGO_SETTINGS_MODULE="dtbd.settings", DTBD_PRODUCTION="0",
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
)
os.environ.pop("REDIS_URL", None)

recreate_postgres_database(DATABASE_URL)
setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from dtbd.accounts.models import Role  # noqa: E402
from dtbd.accounts.twofactor import NO_DEVICE  # noqa: E402
from dtbd.core.testing import stop_process_group  # noqa: E402
from dtbd.elearning.models import Answer, Attempt, Choice, Lesson, Module, Question, Quiz  # noqa: E402
from dtbd.elearning.services import content, quizzes  # noqa: E402
from dtbd.org.testing import make_unit  # noqa: E402
from dtbd.people.testing import make_person  # noqa: E402
from dtbd.training.models import Enrollment, Program, Provider, TrainingClass  # noqa: E402

CSRF = secrets.token_hex(16)


def setup_data():
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    unit = make_unit("QUIZ", "Sở thử tải bài kiểm tra")
    provider, _ = Provider.objects.get_or_create(code="P_QUIZ", defaults={"name": "Trường thử tải", "kind": "KHAC"})
    program, _ = Program.objects.get_or_create(
        code="QUIZ", defaults=dict(name="Bồi dưỡng trực tuyến thử tải", category="SO_AI", kind="BRIEFING",
                                   duration_tiet=16))
    start = timezone.localdate() - datetime.timedelta(days=3)
    cls = TrainingClass.objects.create(program=program, provider=provider, code="QUIZ01", name="Lớp thử tải",
                                       capacity=ARGS.learners, status=TrainingClass.Status.RUNNING,
                                       form=TrainingClass.Form.ONLINE, starts_on=start,
                                       ends_on=start + datetime.timedelta(days=30))
    course = content.create_course(cls)
    module = Module.objects.create(course=course, title="Chuyên đề", order=1)
    lesson = content.save_lesson(Lesson(module=module, title="Kiểm tra", kind=Lesson.Kind.QUIZ, order=1))
    quiz = Quiz.objects.get(lesson=lesson)
    quiz.time_limit_minutes = 60
    quiz.save()
    for n in range(ARGS.questions):
        question = Question.objects.create(quiz=quiz, kind=Question.Kind.SINGLE, text=f"Câu {n + 1}", order=n + 1)
        Choice.objects.bulk_create(Choice(question=question, text=f"Phương án {k}", correct=k == 0, order=k)
                                   for k in range(4))
    User = get_user_model()
    people = [make_person(unit, full_name=f"Học viên {i:04d}", education=None) for i in range(ARGS.learners)]
    Enrollment.objects.bulk_create(Enrollment(training_class=cls, person=p, source="ASSIGNED", state="ENROLLED")
                                   for p in people)
    User.objects.bulk_create(User(username=f"hv{i:04d}", role=Role.LEARNER, person=p, password="!")
                             for i, p in enumerate(people))
    cookies = {}
    for user in User.objects.filter(role=Role.LEARNER):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[NO_DEVICE] = user.pk
        session.create()
        cookies[user.person_id] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={CSRF}"
    choices = {}
    for question_id, choice_id in Choice.objects.filter(question__quiz=quiz).values_list("question_id", "pk"):
        choices.setdefault(question_id, []).append(choice_id)
    correct = set(Choice.objects.filter(question__quiz=quiz, correct=True).values_list("pk", flat=True))
    print(f"data: {ARGS.learners} learners, a quiz of {ARGS.questions} questions, PostgreSQL {ARGS.db} "
          f"({time.perf_counter() - t0:.1f} s)")
    return quiz, cookies, choices, correct


def open_attempts(quiz):
    """One fresh attempt per learner (the previous run's are removed)."""
    Attempt.objects.filter(quiz=quiz).delete()
    attempts = []
    for enrolment in Enrollment.objects.filter(training_class__course__modules__lessons__quiz=quiz):
        attempts.append(quizzes.start(quiz, enrolment))
    return attempts


def count_queries(attempt, cookie, choices):
    from django.test import Client

    client = Client(HTTP_COOKIE=cookie, HTTP_X_CSRFTOKEN=CSRF, enforce_csrf_checks=True)
    question = attempt.questions[0]
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse("elearning:attempt_answer", args=[attempt.pk]),
                               {"question": question, "choice": choices[question][0]})
    assert response.status_code == 200, response.status_code
    Answer.objects.filter(attempt=attempt).delete()
    print(f"\none answer request: {len(ctx.captured_queries)} SQL queries")
    for q in ctx.captured_queries:
        print("   ", q["sql"][:150])
    return len(ctx.captured_queries)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port):
    env = dict(os.environ, LOG_LEVEL="WARNING", DEBUG="0", PYTHONPATH=str(ROOT))
    cmd = [
        str(Path(sys.executable).parent / "gunicorn"), "dtbd.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(ARGS.workers), "--threads", str(ARGS.threads), "--worker-class", "gthread",
        "--backlog", "2048", "--timeout", "120", "--log-level", "warning",
        "--access-logfile", str(ACCESS_LOG), "--access-logformat", "%(D)s %(s)s",
    ]
    ACCESS_LOG.write_text("")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("gunicorn exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        stop_process_group(proc, timeout=30)
        sys.exit("gunicorn did not start")
    return proc


class NoCookies(http.cookiejar.DefaultCookiePolicy):
    def set_ok(self, cookie, request):
        return False


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))]


async def take_all(base, plans):
    """Every learner at once: its answers one request at a time, then the submission. Returns [(kind, status, s)]."""
    import httpx

    # one connection per request, as the registration rush: a kept-alive connection that gunicorn closes while idle
    # would be a transport error of the client's making
    limits = httpx.Limits(max_connections=ARGS.in_flight, max_keepalive_connections=0)
    gate = asyncio.Semaphore(ARGS.in_flight)
    results = []
    rng = random.Random(7)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=ARGS.timeout,
                                 cookies=http.cookiejar.CookieJar(policy=NoCookies())) as client:
        async def request(kind, path, cookie, data):
            async with gate:
                t0 = time.perf_counter()
                try:
                    r = await client.post(path, headers={"Cookie": cookie, "X-CSRFToken": CSRF}, data=data)
                    status = r.status_code
                except Exception as exc:  # noqa: BLE001 — a transport error counts as a failure
                    status = f"error {type(exc).__name__}"
                results.append((kind, status, time.perf_counter() - t0))

        async def learner(attempt_id, cookie, answers):
            await asyncio.sleep(rng.random() * ARGS.pause_ms / 1000)
            for question_id, choice_id in answers:
                await request("answer", f"/hoc-truc-tuyen/luot/{attempt_id}/tra-loi/", cookie,
                              {"question": question_id, "choice": choice_id})
                await asyncio.sleep(rng.random() * ARGS.pause_ms / 1000)
            await request("submit", f"/hoc-truc-tuyen/luot/{attempt_id}/nop/", cookie, {})

        t0 = time.perf_counter()
        await asyncio.gather(*(learner(*plan) for plan in plans))
        wall = time.perf_counter() - t0
    return results, wall


def server_times(offset, expected):
    deadline = time.monotonic() + 10
    while True:
        with ACCESS_LOG.open("rb") as log:
            log.seek(offset)
            lines = log.read().decode().splitlines()
        if len(lines) >= expected or time.monotonic() > deadline:
            return [int(line.split()[0]) / 1000 for line in lines if line.strip()]
        time.sleep(0.1)


def run_once(base, quiz, cookies, choices, correct, label):
    attempts = open_attempts(quiz)
    rng = random.Random(label)
    plans, sent = [], {}
    for attempt in attempts:
        answers = [(q, rng.choice(choices[q])) for q in attempt.questions]
        sent[attempt.pk] = dict(answers)
        plans.append((attempt.pk, cookies[attempt.enrollment.person_id], answers))
    connections.close_all()
    offset = ACCESS_LOG.stat().st_size
    results, wall = asyncio.run(take_all(base, plans))
    expected = len(plans) * (ARGS.questions + 1)
    srv = server_times(offset, expected) or [float("nan")]
    answer_times = [t * 1000 for kind, _, t in results if kind == "answer"]
    statuses = {}
    for kind, status, _ in results:
        statuses[(kind, status)] = statuses.get((kind, status), 0) + 1
    problems = []
    errors = sum(n for (_k, s), n in statuses.items() if not isinstance(s, int) or s >= 500)
    if errors:
        problems.append(f"{errors} responses >= 500 or transport errors: {statuses}")
    if statuses.get(("answer", 200), 0) != len(plans) * ARGS.questions:
        problems.append(f"answer statuses {statuses}")
    if statuses.get(("submit", 302), 0) != len(plans):
        problems.append(f"submit statuses {statuses}")
    stored = {}
    for attempt_id, question_id, value in Answer.objects.filter(attempt__quiz=quiz).values_list(
            "attempt_id", "question_id", "value"):
        stored.setdefault(attempt_id, {})[question_id] = value[0] if value else None
    lost = sum(1 for a, answers in sent.items() for q, c in answers.items() if stored.get(a, {}).get(q) != c)
    if lost:
        problems.append(f"{lost} answers lost or different from what was sent")
    wrong_score = 0
    for attempt in Attempt.objects.filter(quiz=quiz):
        right = sum(1 for c in sent[attempt.pk].values() if c in correct)
        expected_score = round(right * 10 / ARGS.questions, 2)
        if attempt.submitted_at is None or float(attempt.score) != expected_score:
            wrong_score += 1
    if wrong_score:
        problems.append(f"{wrong_score} attempts not submitted or graded wrong")
    figures = {"p50": pct(answer_times, 50), "p95": pct(answer_times, 95), "p99": pct(answer_times, 99),
               "max": max(answer_times), "s50": pct(srv, 50), "s95": pct(srv, 95), "s99": pct(srv, 99),
               "rps": len(results) / wall, "wall": wall, "problems": problems, "lost": lost}
    print(f"  {label:<8} {figures['p50']:7.0f} {figures['p95']:7.0f} {figures['p99']:7.0f} {figures['max']:7.0f}"
          f" {figures['s50']:7.1f} {figures['s95']:7.1f} {figures['s99']:7.1f} {figures['rps']:7.1f} {wall:7.1f}"
          f" {lost:>5}" + ("  FAILED: " + "; ".join(problems) if problems else "  ok"))
    return figures


def main():
    quiz, cookies, choices, correct = setup_data()
    attempts = open_attempts(quiz)
    queries = count_queries(attempts[0], cookies[attempts[0].enrollment.person_id], choices)
    port = free_port()
    print(f"\ngunicorn on 127.0.0.1:{port}, {ARGS.workers} workers × {ARGS.threads} threads; {ARGS.learners} learners ×"
          f" ({ARGS.questions} answers + 1 submission), at most {ARGS.in_flight} requests in flight")
    print("  answer requests: client latency (cli, ms), server time (srv, ms; access log, every request)")
    print(f"  {'run':<8} {'cli p50':>7} {'cli p95':>7} {'cli p99':>7} {'cli max':>7} {'srv p50':>7} {'srv p95':>7}"
          f" {'srv p99':>7} {'req/s':>7} {'wall s':>7} {'lost':>5}")
    proc = start_server(port)
    runs = []
    try:
        base = f"http://127.0.0.1:{port}"
        if not ARGS.no_warm_up:
            run_once(base, quiz, cookies, choices, correct, "warm-up")
        runs = [run_once(base, quiz, cookies, choices, correct, f"#{i + 1}") for i in range(ARGS.runs)]
    finally:
        stop_process_group(proc, timeout=30)
    med = {k: statistics.median(r[k] for r in runs) for k in ("p50", "p95", "p99", "max", "s50", "s95", "s99", "rps")}
    failed = any(r["problems"] for r in runs)
    print(f"\nmedian of {ARGS.runs} runs ({queries} SQL queries per answer request):\n"
          f"  answer latency p50 {med['p50']:.0f} ms, p95 {med['p95']:.0f} ms, p99 {med['p99']:.0f} ms; server time p50"
          f" {med['s50']:.1f} ms, p95 {med['s95']:.1f} ms; {med['rps']:.0f} requests/s; answers lost "
          f"{sum(r['lost'] for r in runs)}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (other work on the machine inflates every figure)")
    print("RESULT:", "FAILED" if failed else f"ok (no answer lost; p95 {'<' if med['p95'] < 300 else '>='} 300 ms)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
