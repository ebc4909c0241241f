"""Quiz attempts (docs/domain.md §17.2).

- `start`: resume the learner's open attempt, or draw a new one (random questions from the bank, the deadline set by
  the time limit) while the attempts limit allows;
- `save_answer`: one answer as it is given — one read of the open attempt and one upsert statement (no transaction
  round trips), nothing else, so that hundreds of learners answering at once cost the database little;
- `submit`: grade and close the attempt. The server's clock rules: after the deadline (plus
  DTBD_QUIZ_GRACE_SECONDS for the network) a submission and any answer are refused, and the attempt is closed and
  graded on the answers saved in time (`close_if_expired`)."""
import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Answer, Attempt, Choice, Question
from . import progress

TWO_PLACES = Decimal("0.01")
MAX_TEXT = 1000


class TooLate(ValidationError):
    """An answer or a submission after the deadline."""


def grace():
    return datetime.timedelta(seconds=int(getattr(settings, "DTBD_QUIZ_GRACE_SECONDS", 5)))


def attempts_used(quiz, enrollment):
    return Attempt.objects.filter(quiz=quiz, enrollment=enrollment).count()


def open_attempt(quiz, enrollment):
    return Attempt.objects.filter(quiz=quiz, enrollment=enrollment, submitted_at__isnull=True).first()


def start(quiz, enrollment, now=None):
    """The open attempt (resumed) or a new one. Raises ValidationError when no attempt is left or the bank is empty."""
    now = now or timezone.now()
    current = open_attempt(quiz, enrollment)
    if current is not None:
        if not close_if_expired(current, now):
            return current
    used = attempts_used(quiz, enrollment)
    if quiz.max_attempts and used >= quiz.max_attempts:
        raise ValidationError(
            _("Bạn đã dùng hết %(n)s lượt làm bài kiểm tra “%(name)s”.") % {"n": quiz.max_attempts, "name": quiz.lesson.title}
        )
    ids = list(Question.objects.filter(quiz=quiz).values_list("pk", flat=True))
    if not ids:
        raise ValidationError(_("Bài kiểm tra chưa có câu hỏi."))
    drawn = random.sample(ids, min(quiz.draw, len(ids))) if quiz.draw else random.sample(ids, len(ids))
    deadline = now + datetime.timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    try:
        with transaction.atomic():
            return Attempt.objects.create(quiz=quiz, enrollment=enrollment, number=used + 1, questions=drawn,
                                          started_at=now, deadline=deadline)
    except IntegrityError:  # a second tab started one at the same moment: that one is the attempt
        return Attempt.objects.get(quiz=quiz, enrollment=enrollment, submitted_at__isnull=True)


def _late(attempt, now):
    return attempt.deadline is not None and now > attempt.deadline + grace()


def parse_value(choices=None, text=None):
    """The stored form of an answer: the chosen choice ids (sorted list of int, at most 20) or the text typed."""
    if text is not None:
        return str(text).strip()[:MAX_TEXT]
    ids = set()
    for raw in (choices or [])[:20]:
        try:
            ids.add(int(raw))
        except (TypeError, ValueError):
            continue
    return sorted(ids)


def save_answer(attempt_id, person_id, question_id, choices=None, text=None, now=None):
    """Store one answer of an open attempt of `person_id`. Two queries: the attempt, then one upsert.
    Raises PermissionDenied (not theirs), ValidationError (submitted, or not a question of the attempt), TooLate."""
    now = now or timezone.now()
    row = (
        Attempt.objects.filter(pk=attempt_id, enrollment__person_id=person_id)
        .values("deadline", "submitted_at", "questions").first()
    )
    if row is None:
        raise PermissionDenied
    if row["submitted_at"] is not None:
        raise ValidationError(_("Bài đã nộp, không sửa được câu trả lời."))
    if row["deadline"] is not None and now > row["deadline"] + grace():
        raise TooLate(_("Đã hết thời gian làm bài: câu trả lời không được ghi nhận."))
    if question_id not in row["questions"]:
        raise ValidationError(_("Câu hỏi không thuộc lượt làm bài này."))
    value = parse_value(choices, text)
    _upsert_answer(attempt_id, question_id, value, now)
    return value


def _upsert_answer(attempt_id, question_id, value, now):
    """One statement, committed on its own (no BEGIN/COMMIT round trips around it): INSERT … ON CONFLICT (attempt,
    question) DO UPDATE — PostgreSQL and SQLite alike. The values go through the model's fields (JSON, aware time)."""
    meta = Answer._meta
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} (attempt_id, question_id, value, saved_at) VALUES (%s, %s, %s, %s) "
        "ON CONFLICT (attempt_id, question_id) DO UPDATE SET value = excluded.value, saved_at = excluded.saved_at"
    )
    params = [attempt_id, question_id, meta.get_field("value").get_db_prep_save(value, connection),
              meta.get_field("saved_at").get_db_prep_save(now, connection)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def normalise(text):
    return " ".join(str(text).split()).casefold()


def is_correct(question, value, correct_ids):
    if question.kind == Question.Kind.SHORT:
        accepted = {normalise(a) for a in question.accepted.split("|") if a.strip()}
        given = normalise(value) if isinstance(value, str) else ""
        return bool(given) and given in accepted
    chosen = set(value) if isinstance(value, list) else set()
    return bool(chosen) and chosen == correct_ids


def grade(attempt):
    """(score 0–10, {question id: correct?}) of an attempt from its saved answers."""
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.questions)}
    correct = {}
    for question_id, choice_id in Choice.objects.filter(question_id__in=attempt.questions, correct=True).values_list(
        "question_id", "pk"
    ):
        correct.setdefault(question_id, set()).add(choice_id)
    answers = dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "value"))
    marks = {}
    for question_id in attempt.questions:
        question = questions.get(question_id)
        marks[question_id] = bool(question) and is_correct(question, answers.get(question_id), correct.get(question_id, set()))
    total = len(attempt.questions)
    score = (Decimal(sum(marks.values()) * 10) / total).quantize(TWO_PLACES, rounding=ROUND_HALF_UP) if total else Decimal(0)
    return score, marks


def _close(attempt, submitted_at):
    score, _marks = grade(attempt)
    attempt.score = score
    attempt.passed = score >= attempt.quiz.pass_mark
    attempt.submitted_at = submitted_at
    attempt.save(update_fields=["score", "passed", "submitted_at"])
    return attempt


def close_if_expired(attempt, now=None):
    """Close an open attempt whose deadline has passed (graded on the answers saved in time). True when closed."""
    now = now or timezone.now()
    if attempt.submitted_at is not None or not _late(attempt, now):
        return False
    with transaction.atomic():
        row = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
        if row.submitted_at is None:
            _close(row, row.deadline)
        attempt.submitted_at, attempt.score, attempt.passed = row.submitted_at, row.score, row.passed
    _after_close(attempt)
    return True


def submit(attempt, now=None):
    """Grade and close an open attempt. A submission after the deadline is refused (TooLate): the attempt is closed
    at its deadline with the answers saved until then."""
    now = now or timezone.now()
    if close_if_expired(attempt, now):
        raise TooLate(_("Đã hết thời gian làm bài: bài nộp muộn không được nhận; bài được chấm theo các câu trả lời "
                        "đã lưu trước khi hết giờ."))
    with transaction.atomic():
        row = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
        if row.submitted_at is not None:
            raise ValidationError(_("Bài đã được nộp trước đó."))
        _close(row, now)
    attempt.submitted_at, attempt.score, attempt.passed = row.submitted_at, row.score, row.passed
    _after_close(attempt)
    return attempt


def _after_close(attempt):
    progress.evaluate(attempt.enrollment)


def remaining_seconds(attempt, now=None):
    if attempt.deadline is None:
        return None
    return max(int((attempt.deadline - (now or timezone.now())).total_seconds()), 0)
