"""The question bank of a quiz to and from .xlsx (docs/domain.md §17.2). The import is all or nothing: every row is
checked first, errors name the row, the column and the value in Vietnamese; then every question is added in one
transaction. The export writes the same columns, so a bank can be exported, edited and imported into another quiz.

Columns: Loại câu hỏi | Câu hỏi | Phương án A … Phương án F | Đáp án
- Loại câu hỏi: "Một lựa chọn", "Nhiều lựa chọn", "Đúng/Sai", "Trả lời ngắn";
- Đáp án: the letter of the right option ("B"); several letters for "Nhiều lựa chọn" ("A, C"); "Đúng" or "Sai";
  the accepted answers separated by "|" for "Trả lời ngắn"."""
import io

import xlsxwriter
from django.db import transaction
from django.utils.translation import gettext as _

from dtbd.core.importing import (
    REQUIRED,
    ImportFailed,
    RowError,
    cell_text,
    check_headers,
    count_data_rows,
    data_rows,
    read_first_sheet,
)
from dtbd.core.spreadsheet import safe_text
from dtbd.core.text import fold

from ..models import Choice, Question

LETTERS = "ABCDEF"
HEADERS = ["Loại câu hỏi", "Câu hỏi", *[f"Phương án {x}" for x in LETTERS], "Đáp án"]
KIND_LABELS = {
    Question.Kind.SINGLE: "Một lựa chọn",
    Question.Kind.MULTIPLE: "Nhiều lựa chọn",
    Question.Kind.TRUE_FALSE: "Đúng/Sai",
    Question.Kind.SHORT: "Trả lời ngắn",
}
_KINDS = {fold(label): kind for kind, label in KIND_LABELS.items()} | {fold(k): k for k in KIND_LABELS}
TRUE, FALSE = "Đúng", "Sai"
MAX_ROWS = 5000


def _parse_row(row, cells, errors):
    kind_text, text, *options, answer = [cell_text(c) for c in cells[: len(HEADERS)]]
    kind = _KINDS.get(fold(kind_text))
    before = len(errors)
    if not kind_text:
        errors.append(RowError(row, HEADERS[0], "", REQUIRED))
    elif kind is None:
        errors.append(RowError(row, HEADERS[0], kind_text, _(
            "Loại câu hỏi phải là “Một lựa chọn”, “Nhiều lựa chọn”, “Đúng/Sai” hoặc “Trả lời ngắn”.")))
    if not text:
        errors.append(RowError(row, HEADERS[1], "", REQUIRED))
    if not answer:
        errors.append(RowError(row, HEADERS[-1], "", REQUIRED))
    if len(errors) > before:
        return None
    choices, accepted = [], ""
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        present = [(LETTERS[i], o) for i, o in enumerate(options) if o]
        if len(present) < 2:
            errors.append(RowError(row, HEADERS[2], options[0], _("Câu hỏi lựa chọn cần ít nhất hai phương án.")))
            return None
        letters = [p.strip().upper() for p in answer.replace(";", ",").split(",") if p.strip()]
        known = {letter for letter, _o in present}
        wrong = [x for x in letters if x not in known]
        if wrong or not letters:
            errors.append(RowError(row, HEADERS[-1], answer, _(
                "Đáp án phải là chữ cái của phương án có nội dung (%(known)s).") % {"known": ", ".join(sorted(known))}))
            return None
        if kind == Question.Kind.SINGLE and len(set(letters)) != 1:
            errors.append(RowError(row, HEADERS[-1], answer, _("Câu một lựa chọn chỉ có đúng một đáp án.")))
            return None
        choices = [(o, letter in letters) for letter, o in present]
    elif kind == Question.Kind.TRUE_FALSE:
        value = fold(answer)
        if value not in (fold(TRUE), fold(FALSE)):
            errors.append(RowError(row, HEADERS[-1], answer, _("Đáp án câu Đúng/Sai phải là “Đúng” hoặc “Sai”.")))
            return None
        choices = [(TRUE, value == fold(TRUE)), (FALSE, value == fold(FALSE))]
    else:
        accepted = "|".join(a.strip() for a in answer.split("|") if a.strip())[:500]
    for column, value in ((HEADERS[1], text),):
        if len(value) > 5000:
            errors.append(RowError(row, column, value[:50] + "…", _("Nội dung quá dài (tối đa 5.000 ký tự).")))
            return None
    for i, option in enumerate(options):
        if len(option) > 500:
            errors.append(RowError(row, HEADERS[2 + i], option[:50] + "…", _("Phương án quá dài (tối đa 500 ký tự).")))
            return None
    return kind, text, accepted, choices


def import_questions(quiz, source):
    """Add the questions of the .xlsx `source` to the quiz's bank. Raises ImportFailed with every error, nothing
    written; returns the number of questions added."""
    rows = read_first_sheet(source)
    if not rows:
        raise ImportFailed([RowError(0, "", "", _("Tệp không có dữ liệu."))])
    errors = check_headers(rows[0], HEADERS)
    if errors:
        raise ImportFailed(errors)
    total = count_data_rows(rows)
    if total == 0:
        raise ImportFailed([RowError(0, "", "", _("Tệp không có câu hỏi nào (chỉ có dòng tiêu đề)."))])
    if total > MAX_ROWS:
        raise ImportFailed([RowError(0, "", "", _("Tệp có %(n)s câu hỏi, tối đa %(max)s câu một lần.")
                                     % {"n": total, "max": MAX_ROWS})], rows=total)
    parsed = []
    for row, cells in data_rows(rows, len(HEADERS)):
        item = _parse_row(row, cells, errors)
        if item:
            parsed.append(item)
    if errors:
        raise ImportFailed(errors, rows=total)
    with transaction.atomic():
        start = (quiz.questions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        for offset, (kind, text, accepted, choices) in enumerate(parsed):
            question = Question.objects.create(quiz=quiz, kind=kind, text=text, accepted=accepted, order=start + offset)
            for order, (choice_text, correct) in enumerate(choices, start=1):
                Choice.objects.create(question=question, text=choice_text, correct=correct, order=order)
    return len(parsed)


def export_questions(quiz):
    """The bank as .xlsx bytes (the import's columns)."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet(_("Câu hỏi"))
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, HEADERS, bold)
    questions = quiz.questions.prefetch_related("choices").order_by("order", "id")
    for r, question in enumerate(questions, start=1):
        choices = list(question.choices.all())
        if question.kind == Question.Kind.SHORT:
            options, answer = [], question.accepted
        elif question.kind == Question.Kind.TRUE_FALSE:
            options = []
            answer = next((c.text for c in choices if c.correct), FALSE)
        else:
            options = [c.text for c in choices][: len(LETTERS)]
            answer = ", ".join(LETTERS[i] for i, c in enumerate(choices[: len(LETTERS)]) if c.correct)
        cells = [KIND_LABELS[question.kind], question.text, *(options + [""] * (len(LETTERS) - len(options))), answer]
        for c, value in enumerate(cells):
            sheet.write_string(r, c, safe_text(value))
    sheet.set_column(1, 1, 60)
    sheet.set_column(2, 7, 25)
    book.close()
    return output.getvalue()
