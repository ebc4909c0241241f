"""Summary tables of the dashboard (reports.summaries): the SUM over a subtree's units equals the live figures for a
unit and its parent; a change marks the units dirty and the page says so; a refresh (incremental, the command, the
task) clears it; the page runs a fixed number of queries; class figures are scoped to the viewer's unit."""
import datetime
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from dtbd.core.importing import db_now, insert_rows
from dtbd.people.models import Qualification
from dtbd.people.testing import make_person
from dtbd.reports import dashboard, summaries, targets
from dtbd.reports.dashboard import Period
from dtbd.reports.models import Indicator, SummaryClass, SummaryDirty, SummaryFigure, SummaryPeriod
from dtbd.reports.tasks import REFRESH_QUEUED, refresh_summaries
from dtbd.training.models import Enrollment, Provider, TrainingClass
from dtbd.training.testing import make_class, make_program

from .test_dashboard import PERIOD, YEAR, completed, figures, province  # noqa: F401 — the fixture


@pytest.fixture(autouse=True)
def _summaries(settings):
    settings.DTBD_DASHBOARD_CACHE_SECONDS = 0
    settings.DTBD_DASHBOARD_SUMMARIES = True


def _comparable(board):
    return summaries.figures_of(board)


def _summary(unit, period, classes=None):
    classes = TrainingClass.objects.all() if classes is None else classes
    return summaries.board(unit, period, classes, summaries.period_row(period))


@pytest.mark.parametrize("period", [
    PERIOD,
    Period(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 6, 30), datetime.date(YEAR, 6, 30)),
    # as-of date today (the app's today: the local date of TIME_ZONE, taken when the test runs), annual hours on
    # 31/12 of a later year: the separately stored h:… figures
    "today",
])
def test_summary_sums_equal_the_live_figures_for_a_unit_and_its_parent(tree, province, period):
    if period == "today":
        today = timezone.localdate()
        period = Period(today.replace(month=1, day=1), datetime.date(today.year + 1, 12, 31), today)
    make_person(tree.so_a, post_level="PGD", birth_date=datetime.date(1990, 1, 1),
                qualifications=[("BD", "GCN", datetime.date(YEAR, 5, 1)), ("LANG", "B2")])
    make_person(tree.phong_a, post_level="TP", qualifications=[("LLCT", "CC")])
    assert summaries.summarised(period)
    for unit in (tree.phong_a, tree.so_a, tree.root, tree.xa, tree.so_b):
        live = dashboard.build(unit, period, TrainingClass.objects.all())
        summed = _summary(unit, period)
        assert _comparable(summed) == _comparable(live), unit.code
    root = _comparable(_summary(tree.root, PERIOD))
    assert root["person_times"]["all"][""] == 6 and root["person_times"]["group"]["commune"] == 2
    assert any(n for _code, _l, n in [c for s in _summary(tree.root, PERIOD).structures for c in s.rows[-1][2]])
    assert any(p[2] for _code, points in root["targets"] for p in points)  # a denominator that is not 0


def test_one_pass_for_every_unit_stored_per_unit(tree, province):
    row = summaries.period_row(PERIOD)
    units = set(SummaryFigure.objects.filter(period=row).values_list("unit_id", flat=True))
    assert units == {tree.so_a.pk, tree.phong_a.pk, tree.xa.pk}  # the units people work in, not their parents
    assert row.refreshed_at is not None
    # a period asked again is read, not recomputed
    assert summaries.period_row(PERIOD).refreshed_at == row.refreshed_at


def _page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("dashboard:index"), {"unit": params.pop("unit"), "year": YEAR, **params})


def test_a_change_marks_dirty_the_page_says_so_and_refresh_clears_it(client, tree, province, users):
    first = _page(client, users.province, unit=tree.root.pk)
    assert first.context["board"].from_summary and first.context["board"].stale_since is None
    assert "dữ liệu đã thay đổi sau đó" not in first.content.decode()
    row = SummaryPeriod.objects.get()

    completed(province.c2, province.a2, datetime.date(YEAR, 9, 30))  # one more completed enrolment, in so_a
    assert set(SummaryDirty.objects.values_list("unit_id", flat=True)) == {tree.so_a.pk}
    second = _page(client, users.province, unit=tree.root.pk)
    html = second.content.decode()
    assert "dữ liệu đã thay đổi sau đó" in html and "đang cập nhật" in html and "Tính lại ngay" in html
    assert figures(second.context["board"].person_times)["all"][""] == 6  # the stored figures, said to be old
    # so_b's subtree did not change: its figures are not said to be old
    assert summaries.stale_since(row, tree.so_b) is None and summaries.stale_since(row, tree.so_a) is not None

    fresh = _page(client, users.province, unit=tree.root.pk, refresh="1")
    assert figures(fresh.context["board"].person_times)["all"][""] == 7
    assert "dữ liệu đã thay đổi sau đó" not in fresh.content.decode()
    assert not SummaryDirty.objects.exists()
    assert SummaryPeriod.objects.get().refreshed_at > row.refreshed_at


def test_incremental_refresh_recomputes_only_the_dirty_units(tree, province):
    row = summaries.period_row(PERIOD)
    xa_before = dict(SummaryFigure.objects.filter(period=row, unit=tree.xa).values_list("key", "value"))
    make_person(tree.phong_a, education="TS")
    assert summaries.refresh_row(SummaryPeriod.objects.get()) == 1  # phong_a only
    assert dict(SummaryFigure.objects.filter(period=row, unit=tree.xa).values_list("key", "value")) == xa_before
    summed = _comparable(_summary(tree.so_a, PERIOD))
    assert summed == _comparable(dashboard.build(tree.so_a, PERIOD, TrainingClass.objects.all()))
    assert not SummaryDirty.objects.exists()


def test_command_and_task_refresh_every_dirty_period(tree, province):
    call_command("refresh-summaries", "--year", str(YEAR))
    row = SummaryPeriod.objects.get()
    completed(province.c1, province.a3, datetime.date(YEAR, 4, 1))
    assert SummaryDirty.objects.filter(period=row).exists()
    call_command("refresh-summaries")
    assert not SummaryDirty.objects.exists()
    assert figures(_summary(tree.root, PERIOD).person_times)["all"][""] == 7
    # a change of the catalogue (an indicator) marks every unit; the task recomputes the whole period

    Indicator.objects.filter(active=True).first().save()
    assert list(SummaryDirty.objects.values_list("unit_id", flat=True)) == [summaries.ALL_UNITS]
    assert refresh_summaries.call() == 1
    assert not SummaryDirty.objects.exists()


def test_the_summary_page_runs_a_fixed_number_of_queries(client, tree, users, django_assert_max_num_queries):
    program = make_program()
    cls = make_class("Q1", capacity=100, status=TrainingClass.Status.CLOSED, program=program,
                     starts_on=datetime.date(YEAR, 3, 1), ends_on=datetime.date(YEAR, 3, 9))

    def add(n):
        for _i in range(n):
            completed(cls, make_person(tree.so_a, post_level="TP", qualifications=[("LLCT", "TC")]), datetime.date(YEAR, 3, 9))

    add(3)
    _page(client, users.province, unit=tree.root.pk)  # computes and stores the period

    with CaptureQueriesContext(connection) as small:
        _page(client, users.province, unit=tree.root.pk)
    add(27)
    call_command("refresh-summaries")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = _page(client, users.province, unit=tree.root.pk)
    assert figures(response.context["board"].person_times)["all"][""] == 30
    assert response.context["board"].from_summary


# -- classes of the viewer's unit ---------------------------------------------------------------------------------
@pytest.fixture
def classes(tree, province):
    """C1 has learners of so_a, phong_a and the commune; a class of so_b's people only; a class run by a provider
    linked to a unit of so_a with no learner yet."""
    b1 = make_person(tree.so_b, code="B1")
    only_b = make_class("CB", capacity=5, status=TrainingClass.Status.CLOSED, starts_on=datetime.date(YEAR, 5, 1),
                        ends_on=datetime.date(YEAR, 5, 9), cost_estimate=9_000_000)
    completed(only_b, b1, datetime.date(YEAR, 5, 9))
    school = tree.phong_a  # a provider linked to a unit of so_a's subtree
    own = Provider.objects.create(code="TRUONG_SO", name="Trường của Sở", kind="KHAC")
    Provider.objects.filter(pk=own.pk).update(unit=school)
    make_class("CA", capacity=5, status=TrainingClass.Status.PLANNED, provider=Provider.objects.get(pk=own.pk),
               starts_on=datetime.date(YEAR, 11, 1), ends_on=datetime.date(YEAR, 11, 9), cost_estimate=3_000_000)
    return type("C", (), dict(only_b=only_b))


def test_class_figures_are_scoped_to_the_viewers_unit(client, tree, users, classes):
    response = _page(client, users.officer, unit=tree.so_a.pk)
    board = response.context["board"]
    by_status = {s: (n, cost) for s, _l, n, cost in board.classes}
    # C1 (so_a learners, CLOSED) and C2 (A1, FINISHED) and CA (run by so_a's school); not CB (so_b only), not C3
    # (cancelled, no learner), not C_OLD (2024)
    assert by_status["CLOSED"] == (1, 100_000_000) and by_status["FINISHED"] == (1, 40_500_000)
    assert by_status["PLANNED"] == (1, 3_000_000) and by_status["CANCELLED"] == (0, 0)
    assert board.classes_total == (3, 143_500_000)
    html = response.content.decode()
    assert "Dự toán là dự toán của cả lớp" in html
    match = re.search(r'href="(/tong-quan/lop/\?[^"]+status=CLOSED)"', html)
    assert match, "a unit's class figure links to its own list"
    drill = client.get(match.group(1).replace("&amp;", "&")).content.decode()
    assert "C1" in drill and ">CB<" not in drill
    everything = client.get(reverse("dashboard:classes"), {"unit": tree.so_a.pk, "year": YEAR}).content.decode()
    assert sorted(re.findall(r">(C1|C2|C3|CA|CB|C_OLD)</a>", everything)) == ["C1", "C2", "CA"]
    # the province sees every class of the year at the root
    root = _page(client, users.province, unit=tree.root.pk).context["board"]
    assert root.classes_total == (4, 152_500_000)


def test_class_list_refuses_units_out_of_scope(client, tree, users, classes):
    client.force_login(users.officer)
    url = reverse("dashboard:classes")
    assert client.get(url, {"unit": tree.so_b.pk, "year": YEAR}).status_code == 404
    assert client.get(url, {"unit": tree.root.pk, "year": YEAR}).status_code == 404
    assert client.get(url, {"unit": tree.so_a.pk, "year": YEAR, "status": "ZZ"}).status_code == 404
    client.force_login(users.learner)
    assert client.get(url, {"unit": tree.so_a.pk, "year": YEAR}).status_code == 403
    client.force_login(users.province)
    so_b = client.get(url, {"unit": tree.so_b.pk, "year": YEAR}).content.decode()
    assert re.findall(r">(C1|C2|CA|CB)</a>", so_b) == ["CB"]


def test_date_range_period_drills_down_to_its_classes(client, tree, users, classes):
    response = _page(client, users.province, unit=tree.so_a.pk, year="", date_from="01/03/2025", date_to="30/06/2025")
    html = response.content.decode()
    match = re.search(r'href="(/tong-quan/lop/\?[^"]+date_from=[^"]+status=CLOSED)"', html)
    assert match, "a date-range period links its class figures"
    drill = client.get(match.group(1).replace("&amp;", "&")).content.decode()
    assert re.findall(r">(C1|C2|CA|CB)</a>", drill) == ["C1"]  # C2 (September) and CA (November) outside
    total = client.get(reverse("dashboard:classes"), {"unit": tree.root.pk, "date_from": "01/03/2025",
                                                      "date_to": "30/06/2025"}).content.decode()
    assert sorted(re.findall(r">(C1|C2|CA|CB)</a>", total)) == ["C1", "CB"]


def test_bulk_writes_of_the_imports_mark_every_unit(tree, province):
    """Imports write with core.importing.insert_rows (no model signals): every unit is marked, the next refresh
    recomputes the whole period."""
    row = summaries.period_row(PERIOD)
    insert_rows(Qualification, ("person", "type", "level", "level_order", "issued_on", "source", "created_at"),
                [(province.a3.pk, "LLCT", "CC", 4, datetime.date(YEAR, 2, 1), "IMPORTED", db_now())])
    assert list(SummaryDirty.objects.values_list("unit_id", flat=True)) == [summaries.ALL_UNITS]
    assert summaries.stale_since(row, tree.so_b) is not None  # every subtree is said to be changed
    assert summaries.refresh_row(SummaryPeriod.objects.get()) is None  # whole period
    assert _comparable(_summary(tree.so_a, PERIOD)) == _comparable(dashboard.build(tree.so_a, PERIOD, TrainingClass.objects.all()))


def test_a_period_being_computed_is_shown_live_and_the_refresh_completes_it(client, tree, province, users):
    """A period row without figures yet (another request computing it, or a failed computation): the page computes
    live; the refresh computes the period whole."""
    SummaryPeriod.objects.create(date_from=PERIOD.date_from, date_to=PERIOD.date_to, as_of=PERIOD.as_of)
    board = _page(client, users.province, unit=tree.root.pk).context["board"]
    assert not board.from_summary and figures(board.person_times)["all"][""] == 6
    summaries.refresh()
    assert SummaryPeriod.objects.get().refreshed_at is not None
    board = _page(client, users.province, unit=tree.root.pk).context["board"]
    assert board.from_summary and figures(board.person_times)["all"][""] == 6


def test_many_commits_enqueue_one_waiting_refresh(tree, province, settings, django_capture_on_commit_callbacks):
    """A burst of changes (a registration rush) leaves one refresh waiting in the queue, not one per commit; once
    that refresh starts, the next change enqueues another."""
    call_command("refresh-summaries", "--year", str(YEAR))
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # records, never runs
    cache.delete(REFRESH_QUEUED)
    default_task_backend.clear()

    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():  # a change rolled back: its on-commit callback never runs
            make_person(tree.so_a, code="HUY")
            raise RuntimeError
    assert len(default_task_backend.results) == 0
    for n in (1, 2, 3):
        with django_capture_on_commit_callbacks(execute=True):
            make_person(tree.so_a, code=f"MOI{n}")
    assert len(default_task_backend.results) == 1
    refresh_summaries.call()  # the worker starts it: the flag is cleared
    with django_capture_on_commit_callbacks(execute=True):
        make_person(tree.so_a, code="MOI4")
    assert len(default_task_backend.results) == 2
    cache.delete(REFRESH_QUEUED)


# -- stored class sets of large units -----------------------------------------------------------------------------
def _ids(qs):
    return set(qs.values_list("pk", flat=True))


def _held(qs, period=PERIOD):
    return dashboard.classes_in_period(qs, period)


def test_class_sets_of_large_units_are_stored_and_equal_the_live_sets(tree, users, classes, settings):
    # people: so_a 5 (A1-A3, and P1 and the users' learner in phong_a), phong_a 2, so_b 1, xa 1 (X2 is not CB/CC/VC)
    settings.DTBD_SUMMARY_CLASS_MIN_STAFF = 2
    row = summaries.period_row(PERIOD)
    stored = set(SummaryClass.objects.filter(period=row, training_class__isnull=True).values_list("unit_id", flat=True))
    assert stored == {tree.so_a.pk, tree.phong_a.pk}  # never the root (every class), not the small subtrees
    everything = TrainingClass.objects.all()
    for unit in (tree.so_a, tree.phong_a, tree.so_b, tree.xa, tree.root):
        assert _ids(_held(summaries.unit_classes(everything, unit, PERIOD))) == _ids(
            _held(dashboard.unit_classes(everything, unit, PERIOD.as_of))), unit.code
    so_a = {c.code for c in _held(summaries.unit_classes(everything, tree.so_a, PERIOD))}
    assert so_a == {"C1", "C2", "CA"}  # C2 through A3's failed enrolment too; CA through the provider (live part)
    # the stored set is what the page reads: a class added to it shows in the figures and the drill-down
    c3 = TrainingClass.objects.get(code="C3")
    SummaryClass.objects.create(period=row, unit=tree.so_a, training_class=c3)
    assert "C3" in {c.code for c in summaries.unit_classes(everything, tree.so_a, PERIOD)}
    # other as-of dates than the stored one, and the summaries switched off: live
    other = Period(PERIOD.date_from, PERIOD.date_to, datetime.date(YEAR, 6, 30))
    assert "C3" not in {c.code for c in summaries.unit_classes(everything, tree.so_a, other)}
    settings.DTBD_DASHBOARD_SUMMARIES = False
    assert "C3" not in {c.code for c in summaries.unit_classes(everything, tree.so_a, PERIOD)}


def test_incremental_refresh_recomputes_the_class_sets_holding_a_dirty_unit(tree, users, classes, settings):
    settings.DTBD_SUMMARY_CLASS_MIN_STAFF = 1
    row = summaries.period_row(PERIOD)
    xa_before = set(SummaryClass.objects.filter(period=row, unit=tree.xa).values_list("pk", flat=True))
    only_b = classes.only_b
    newcomer = make_person(tree.phong_a, code="MOI")
    Enrollment.objects.create(training_class=only_b, person=newcomer, source="SELF", state=Enrollment.State.ENROLLED)
    assert summaries.refresh_row(SummaryPeriod.objects.get()) == 1  # phong_a
    everything = TrainingClass.objects.all()
    assert "CB" in {c.code for c in summaries.unit_classes(everything, tree.so_a, PERIOD)}
    assert _ids(_held(summaries.unit_classes(everything, tree.so_a, PERIOD))) == _ids(
        _held(dashboard.unit_classes(everything, tree.so_a, PERIOD.as_of)))
    # the commune's set (no dirty unit below it) was left as it was: same rows
    assert set(SummaryClass.objects.filter(period=row, unit=tree.xa).values_list("pk", flat=True)) == xa_before


def test_the_page_of_a_large_unit_reads_its_stored_class_set(client, tree, users, classes, settings):
    settings.DTBD_SUMMARY_CLASS_MIN_STAFF = 2
    live = _page(client, users.officer, unit=tree.so_a.pk).context["board"]  # first read: computes and stores

    assert SummaryClass.objects.filter(unit=tree.so_a, training_class__isnull=True).exists()
    board = _page(client, users.officer, unit=tree.so_a.pk).context["board"]
    assert board.classes_total == live.classes_total == (3, 143_500_000)
    everything = client.get(reverse("dashboard:classes"), {"unit": tree.so_a.pk, "year": YEAR}).content.decode()
    assert sorted(re.findall(r">(C1|C2|C3|CA|CB|C_OLD)</a>", everything)) == ["C1", "C2", "CA"]


# -- pruning ------------------------------------------------------------------------------------------------------
def test_periods_unread_for_long_are_pruned_but_not_the_recent_years(client, tree, province, users, settings):
    settings.DTBD_SUMMARY_KEEP_DAYS = 30
    today = datetime.date.today()
    _page(client, users.province, unit=tree.root.pk)  # the year YEAR, read today
    assert SummaryPeriod.objects.get().last_read_on == today
    summaries.period_row(Period(datetime.date(YEAR, 3, 1), datetime.date(YEAR, 3, 31), datetime.date(YEAR, 3, 31)))
    this_year = Period(datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31), today)
    summaries.period_row(this_year)
    long_ago = today - datetime.timedelta(days=31)
    SummaryPeriod.objects.update(last_read_on=long_ago)
    assert summaries.prune(today) == 1 if YEAR >= today.year - 1 else 2  # the year YEAR is kept only when recent
    kept = set(SummaryPeriod.objects.values_list("date_from", "date_to"))
    assert (this_year.date_from, this_year.date_to) in kept
    assert (datetime.date(YEAR, 3, 1), datetime.date(YEAR, 3, 31)) not in kept
    assert not SummaryFigure.objects.exclude(period__in=SummaryPeriod.objects.all()).exists()
    # read yesterday: kept; never read and computed long ago: pruned
    march = summaries.period_row(Period(datetime.date(YEAR, 3, 1), datetime.date(YEAR, 3, 31), datetime.date(YEAR, 3, 31)))
    SummaryPeriod.objects.filter(pk=march.pk).update(last_read_on=today - datetime.timedelta(days=1))
    assert summaries.prune(today) == 0
    SummaryPeriod.objects.filter(pk=march.pk).update(
        last_read_on=None, refreshed_at=datetime.datetime(long_ago.year, long_ago.month, long_ago.day, tzinfo=datetime.timezone.utc))
    assert summaries.prune(today) == 1


def test_target_counts_of_some_units_equal_those_of_everyone(tree, province):
    """targets.unit_counts(unit_ids=…) narrows the lists its conditions read to the people of those units (the cost of
    an incremental refresh): the same numerators and denominators for those units as the whole computation."""
    make_person(tree.so_a, post_level="PGD", birth_date=datetime.date(1990, 1, 1),
                qualifications=[("BD", "GCN", datetime.date(YEAR, 5, 1)), ("LANG", "B2")])
    make_person(tree.phong_a, post_level="TP", qualifications=[("LLCT", "CC"), ("LANG", "C1")])
    make_person(tree.xa, post_level="TP", birth_date=datetime.date(1992, 1, 1))
    indicators = targets.active_indicators()
    everyone = targets.unit_counts(indicators, PERIOD.as_of)
    assert any(n for (_i, _d, part), by_unit in everyone.items() if part == "n" for n in by_unit.values())
    for unit in (tree.so_a, tree.phong_a, tree.xa, tree.so_b):
        some = targets.unit_counts(indicators, PERIOD.as_of, unit_ids={unit.pk})
        for key, by_unit in everyone.items():
            assert some.get(key, {}).get(unit.pk, 0) == by_unit.get(unit.pk, 0), (unit.code, key)


def test_where_a_period_takes_long_a_new_one_is_computed_in_the_background(client, tree, province, users, settings,
                                                                              django_capture_on_commit_callbacks):
    """Once computing a stored period took longer than DTBD_SUMMARY_SYNC_SECONDS (a national database: minutes), a
    period asked for the first time is created empty and left to the worker: the page says the figures are being
    computed and reloads, without computing anything live; once the worker is done, the page reads the figures."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.DTBD_SUMMARY_SYNC_SECONDS = 10
    cache.delete(REFRESH_QUEUED)
    default_task_backend.clear()
    first = _page(client, users.province, unit=tree.root.pk).context["board"]  # nothing stored: computed in the request
    assert first.from_summary and not first.pending
    SummaryPeriod.objects.update(seconds=95.0)  # as long as a national period takes
    with django_capture_on_commit_callbacks(execute=True):
        response = _page(client, users.province, unit=tree.root.pk, year="", date_from="01/03/2025",
                         date_to="30/06/2025")
    board = response.context["board"]
    assert board.pending and not board.from_summary
    html = response.content.decode()
    assert "Đang tính số liệu của kỳ này" in html and 'http-equiv="refresh"' in html and 'id="dash-structure"' not in html
    march = SummaryPeriod.objects.get(date_from=datetime.date(YEAR, 3, 1))
    assert march.refreshed_at is None and not SummaryFigure.objects.filter(period=march).exists()
    assert len(default_task_backend.results) == 1  # the refresh is queued for the worker
    # asked again while the worker has not run: still pending, still nothing computed in the request
    again = _page(client, users.province, unit=tree.root.pk, year="", date_from="01/03/2025", date_to="30/06/2025")
    assert again.context["board"].pending
    summaries.refresh()  # the worker
    done = _page(client, users.province, unit=tree.root.pk, year="", date_from="01/03/2025", date_to="30/06/2025")
    assert done.context["board"].from_summary and 'http-equiv="refresh"' not in done.content.decode()
    assert done.context["board"].person_times["all"][0][2] == 4  # C1's completions on 01/04 (C2 is in September)
    cache.delete(REFRESH_QUEUED)


def test_a_mark_written_during_a_refresh_survives_it(tree, province):
    row = summaries.period_row(PERIOD)
    summaries.mark_dirty({tree.so_a.pk})
    summaries.mark_dirty({tree.so_a.pk})  # appended: two marks of one unit, one refresh
    seen = list(row.dirty.values_list("pk", flat=True))
    assert len(seen) == 2
    summaries.mark_dirty({tree.xa.pk})  # written after the refresh read its marks
    summaries.store(row, {tree.so_a.pk}, seen)
    assert list(SummaryDirty.objects.values_list("unit_id", flat=True)) == [tree.xa.pk]
    assert summaries.refresh_row(SummaryPeriod.objects.get()) == 1 and not SummaryDirty.objects.exists()


def test_dirty_marks_are_appended_not_upserted(tree, settings):
    """Every change marks its units dirty inside its own transaction: the marks are appended (plain INSERT, no
    UPSERT of one row per unit), so that two transactions changing people of the same unit do not lock each other
    (shown on PostgreSQL by the next test)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    summaries.period_row(PERIOD)
    with CaptureQueriesContext(connection) as queries:
        summaries.mark_dirty({tree.so_a.pk})
    inserts = [q["sql"] for q in queries.captured_queries if "reports_summarydirty" in q["sql"]]
    assert inserts and all(sql.startswith("INSERT") and "ON CONFLICT" not in sql.upper() for sql in inserts)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_of_one_unit_do_not_wait_on_each_others_marks(transactional_db, tree, settings):
    """Two transactions changing people of the same unit (a registration rush) never lock each other on the dirty
    marks — with an UPSERT of one row per unit, the second would wait for the first to commit (or deadlock with
    another order). SQLite has one writer at a time whatever the rows: nothing to show there."""
    import threading


    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    summaries.period_row(PERIOD)
    summaries.mark_dirty({tree.so_a.pk})
    outcome = []

    def other_transaction():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '3s'")
                summaries.mark_dirty({tree.so_a.pk})
            outcome.append("done")
        except Exception as exc:  # noqa: BLE001 — recorded, asserted below
            outcome.append(repr(exc))
        finally:
            connection.close()

    with transaction.atomic():
        summaries.mark_dirty({tree.so_a.pk})  # not committed while the other transaction runs
        thread = threading.Thread(target=other_transaction)
        thread.start()
        thread.join(timeout=20)
    assert outcome == ["done"]
    assert SummaryDirty.objects.filter(unit_id=tree.so_a.pk).count() == 3
