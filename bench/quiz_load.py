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
import random
import sys
import time

import served


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    served.add_server_options(parser, db="dtbd_quiz_load", workers=4, threads=8)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--in-flight", type=int, default=200, help="requests in flight at most")
    parser.add_argument("--pause-ms", type=int, default=2000, help="longest random pause between two answers")
    parser.add_argument("--no-warm-up", action="store_true", help="skip the uncounted first run")
    return parser.parse_args()


ARGS = parse_args()
ACCESS_LOG = served.prepare(ARGS.db, "quiz-load") / "access.log"

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from dtbd.accounts.models import Role  # noqa: E402
from dtbd.elearning.models import Answer, Attempt, Choice, Lesson, Module, Question, Quiz  # noqa: E402
from dtbd.elearning.services import content, quizzes  # noqa: E402
from dtbd.org.testing import make_unit  # noqa: E402
from dtbd.people.testing import make_person  # noqa: E402
from dtbd.training.models import Enrollment, Program, Provider, TrainingClass  # noqa: E402


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
    cookies = {user.person_id: served.session_cookie(user) for user in User.objects.filter(role=Role.LEARNER)}
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
    client = served.learner_client(cookie)
    question = attempt.questions[0]
    response, queries = served.print_queries("answer", lambda: client.post(
        reverse("elearning:attempt_answer", args=[attempt.pk]), {"question": question, "choice": choices[question][0]}))
    assert response.status_code == 200, response.status_code
    Answer.objects.filter(attempt=attempt).delete()
    return queries


async def take_all(base, plans):
    """Every learner at once: its answers one request at a time, then the submission. Returns [(kind, status, s)]."""
    results = []
    rng = random.Random(7)

    async with served.Poster(base, ARGS.in_flight, ARGS.timeout) as poster:
        async def request(kind, path, cookie, data):
            status, seconds = await poster.post(path, cookie, data)
            results.append((kind, status, seconds))

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
    srv = served.server_times(ACCESS_LOG, offset, expected) or [float("nan")]
    answer_times = [t * 1000 for kind, _, t in results if kind == "answer"]
    statuses = served.count_statuses((kind, status) for kind, status, _ in results)
    problems = []
    errors = served.server_errors(statuses)
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
    figures = dict(served.latency_figures(answer_times, srv),
                   rps=len(results) / wall, wall=wall, problems=problems, lost=lost)
    print(f"  {label:<8} {figures['p50']:7.0f} {figures['p95']:7.0f} {figures['p99']:7.0f} {figures['max']:7.0f}"
          f" {figures['s50']:7.1f} {figures['s95']:7.1f} {figures['s99']:7.1f} {figures['rps']:7.1f} {wall:7.1f}"
          f" {lost:>5}" + served.verdict(problems))
    return figures


def main():
    quiz, cookies, choices, correct = setup_data()
    attempts = open_attempts(quiz)
    queries = count_queries(attempts[0], cookies[attempts[0].enrollment.person_id], choices)
    port = served.free_port()
    print(f"\ngunicorn on 127.0.0.1:{port}, {ARGS.workers} workers × {ARGS.threads} threads; {ARGS.learners} learners ×"
          f" ({ARGS.questions} answers + 1 submission), at most {ARGS.in_flight} requests in flight")
    print("  answer requests: client latency (cli, ms), server time (srv, ms; access log, every request)")
    print(f"  {'run':<8} {'cli p50':>7} {'cli p95':>7} {'cli p99':>7} {'cli max':>7} {'srv p50':>7} {'srv p95':>7}"
          f" {'srv p99':>7} {'req/s':>7} {'wall s':>7} {'lost':>5}")
    proc = served.start_gunicorn(port, ARGS.workers, ARGS.threads, ACCESS_LOG)
    runs = []
    try:
        base = f"http://127.0.0.1:{port}"
        if not ARGS.no_warm_up:
            run_once(base, quiz, cookies, choices, correct, "warm-up")
        runs = [run_once(base, quiz, cookies, choices, correct, f"#{i + 1}") for i in range(ARGS.runs)]
    finally:
        served.stop_gunicorn(proc)
    med = served.medians(runs, ("p50", "p95", "p99", "max", "s50", "s95", "s99", "rps"))
    failed = any(r["problems"] for r in runs)
    print(f"\nmedian of {ARGS.runs} runs ({queries} SQL queries per answer request):\n"
          f"  answer latency p50 {med['p50']:.0f} ms, p95 {med['p95']:.0f} ms, p99 {med['p99']:.0f} ms; server time p50"
          f" {med['s50']:.1f} ms, p95 {med['s95']:.1f} ms; {med['rps']:.0f} requests/s; answers lost "
          f"{sum(r['lost'] for r in runs)}")
    served.print_load_average()
    print("RESULT:", "FAILED" if failed else f"ok (no answer lost; p95 {'<' if med['p95'] < 300 else '>='} 300 ms)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
