"""Class pages: list (filters, htmx partial, fixed query count), calendar, detail hub, create/edit validation,
sessions and assessments, status changes — and the refusals per role."""
import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from dtbd.accounts.testing import make_user
from dtbd.notices.models import Notice
from dtbd.people.testing import make_person
from dtbd.training import services
from dtbd.training.models import (
    Assessment,
    Attendance,
    ClassSession,
    Enrollment,
    Lecturer,
    Result,
    Score,
    TrainingClass,
)
from dtbd.training.testing import enroll, make_class, make_program, make_provider, school_provider

pytestmark = pytest.mark.django_db

Status = TrainingClass.Status
State = Enrollment.State
TODAY = timezone.localdate()
LIST = reverse("training:class_list")
CAL = reverse("training:class_calendar")


def d(day):
    return day.strftime("%d/%m/%Y")


def codes(response):
    return [c.code for c in response.context["classes"]]


def msgs(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def many(tree):
    """Classes of two providers and programmes, in different statuses, forms and dates."""
    other = make_provider("P_KHAC", "Học viện khu vực thử")
    llct = make_program("LLCT_TC_T", name="Trung cấp lý luận chính trị", category="LLCT", grants_type="LLCT",
                        grants_level="TC")
    return {
        "open": make_class("QL01", capacity=3, status=Status.OPEN, registration_opens=TODAY - datetime.timedelta(days=3),
                           registration_closes=TODAY + datetime.timedelta(days=10)),
        "planned": make_class("QL02", status=Status.PLANNED, form=TrainingClass.Form.ONLINE),
        "abroad": make_class("NN01", status=Status.OPEN, provider=other, abroad=True, country="SG",
                             registration_closes=TODAY - datetime.timedelta(days=1)),
        "llct": TrainingClass.objects.create(
            program=llct, provider=other, code="LL01", name="Lớp bồi dưỡng lý luận chính trị khoá 1",
            capacity=5, status=Status.RUNNING, starts_on=datetime.date(TODAY.year - 1, 3, 1),
            ends_on=datetime.date(TODAY.year - 1, 3, 30),
        ),
    }


# --- list ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "province", "officer", "institution", "leader", "learner"])
def test_every_role_with_a_scope_sees_the_class_offer(client, users, many, role):
    client.force_login(getattr(users, role))
    response = client.get(LIST)
    assert response.status_code == 200
    assert set(codes(response)) == {"QL01", "QL02", "NN01", "LL01"}


def test_user_without_scope_is_refused(client, users, many):
    nobody = make_user("khach", "LEADER")  # a leader without a scope unit has no scope
    client.force_login(nobody)
    assert client.get(LIST).status_code == 403
    assert client.get(CAL).status_code == 403
    assert client.get(reverse("training:class_detail", args=[many["open"].pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, many):
    response = client.get(LIST)
    assert response.status_code == 302 and response.url.startswith(reverse("login").split("?")[0])


def test_list_filters(client, users, many):
    client.force_login(users.province)
    assert codes(client.get(LIST, {"q": "boi duong ly luan"})) == ["LL01"]
    assert set(codes(client.get(LIST, {"q": "ql0"}))) == {"QL01", "QL02"}
    assert codes(client.get(LIST, {"status": "PLANNED"})) == ["QL02"]
    assert codes(client.get(LIST, {"category": "LLCT"})) == ["LL01"]
    assert codes(client.get(LIST, {"program": many["llct"].program_id})) == ["LL01"]
    assert set(codes(client.get(LIST, {"provider": many["abroad"].provider_id}))) == {"NN01", "LL01"}
    assert codes(client.get(LIST, {"form": "ONLINE"})) == ["QL02"]
    assert codes(client.get(LIST, {"abroad": "yes"})) == ["NN01"]
    assert "NN01" not in codes(client.get(LIST, {"abroad": "no"}))
    assert codes(client.get(LIST, {"year": TODAY.year - 1})) == ["LL01"]
    # open for registration now: OPEN and inside the window (NN01's window closed yesterday)
    assert codes(client.get(LIST, {"open_now": "on"})) == ["QL01"]


def test_institution_filter_on_its_own_classes(client, users, tree, many):
    school = school_provider(tree)
    make_class("TR01", provider=school)
    client.force_login(users.institution)
    response = client.get(LIST, {"mine": "on"})
    assert codes(response) == ["TR01"]
    assert "mine" in response.context["form"].fields
    client.force_login(users.officer)
    assert "mine" not in client.get(LIST).context["form"].fields


def test_list_shows_counters_from_the_same_query(client, users, tree, many):
    cls = many["open"]
    cls.capacity = 1
    cls.save()
    people = [make_person(tree.phong_a) for _ in range(4)]
    enroll(cls, people[0])  # ENROLLED
    enroll(cls, people[1])  # WAITLISTED (full)

    services.request_enrollment(cls, people[2], Enrollment.Source.NOMINATED)  # REQUESTED
    services.request_enrollment(cls, people[3], Enrollment.Source.NOMINATED)  # REQUESTED
    client.force_login(users.province)
    response = client.get(LIST, {"q": "QL01"})
    row = response.context["classes"][0]
    assert (row.seats_taken, row.waitlisted_count, row.requested_count) == (1, 1, 2)
    html = response.content.decode()
    assert "1 chờ chỗ" in html and "2 chờ duyệt" in html


def test_htmx_request_returns_only_the_results(client, users, many):
    client.force_login(users.province)
    response = client.get(LIST, {"q": "QL02"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="class-results")
    html = response.content.decode()
    assert "<html" not in html and "QL02" in html and "QL01" not in html


def _classes(n, start=0):
    for i in range(start, start + n):
        cls = make_class(f"C{i:03d}", sessions=2, starts_on=TODAY + datetime.timedelta(days=i % 20))
        Assessment.objects.create(training_class=cls, name="Bài 1")


def test_list_runs_a_fixed_number_of_queries(client, users, tree, django_assert_max_num_queries):
    client.force_login(users.institution)
    _classes(3)
    client.get(LIST)  # warm caches (content types, session)
    with django_assert_max_num_queries(12) as small:
        client.get(LIST, {"q": "lop", "open_now": ""})
    _classes(27, start=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(LIST, {"q": "lop", "open_now": ""})
    assert len(response.context["classes"]) == 30


# --- calendar ------------------------------------------------------------------------------------------------------

def test_calendar_month_grid(client, users):
    start = datetime.date(2026, 3, 2)  # a Monday
    cls = make_class("CAL1", sessions=2, starts_on=start, ends_on=start + datetime.timedelta(days=10))
    ClassSession.objects.filter(training_class=cls, date=start).update(
        topic="Khai giảng", start_time=datetime.time(7, 30), end_time=datetime.time(11, 0)
    )
    make_class("CAL2", starts_on=datetime.date(2026, 3, 20), ends_on=datetime.date(2026, 4, 5))
    make_class("CAL3", status=Status.CANCELLED, starts_on=datetime.date(2026, 3, 20), ends_on=datetime.date(2026, 3, 21))
    client.force_login(users.learner)
    response = client.get(CAL, {"thang": "2026-03"})
    assert response.status_code == 200
    weeks = response.context["weeks"]
    assert weeks[0][0].date.weekday() == 0  # Monday first
    days = {day.date: [e.training_class.code for e in day.entries] for week in weeks for day in week}
    # sessions exist for CAL1: it shows on its session days only
    assert days[start] == ["CAL1"] and days[start + datetime.timedelta(days=1)] == ["CAL1"]
    assert "CAL1" not in days[start + datetime.timedelta(days=5)]
    # no sessions for CAL2: every day of its range; cancelled classes are left out
    assert days[datetime.date(2026, 3, 25)] == ["CAL2"]
    assert days[datetime.date(2026, 3, 20)] == ["CAL2"]
    html = response.content.decode()
    assert "T2" in html and "CN" in html and "07:30–11:00 Khai giảng" in html
    assert response.context["prev_month"] == "2026-02" and response.context["next_month"] == "2026-04"
    # filters apply to the calendar too
    response = client.get(CAL, {"thang": "2026-03", "q": "CAL2"})
    assert days_of(response)[datetime.date(2026, 3, 3)] == []


def days_of(response):
    return {day.date: [e.training_class.code for e in day.entries] for week in response.context["weeks"] for day in week}


def test_calendar_highlights_today_and_handles_bad_month(client, users):
    client.force_login(users.officer)
    response = client.get(CAL, {"thang": "2026-13"})
    today = timezone.localdate()  # when the request ran, not when the module was imported (a run past midnight)
    assert response.context["year"] == today.year and response.context["month"] == today.month
    assert [day for week in response.context["weeks"] for day in week if day.is_today][0].date == today
    assert 'aria-current="date"' in response.content.decode()
    assert client.get(CAL, {"thang": "2026-12"}).context["next_month"] == "2027-01"


def test_calendar_runs_a_fixed_number_of_queries(client, users, django_assert_max_num_queries):
    client.force_login(users.province)
    month = TODAY.strftime("%Y-%m")
    _classes(3)
    client.get(CAL, {"thang": month})
    with django_assert_max_num_queries(12) as small:
        client.get(CAL, {"thang": month})
    _classes(27, start=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(CAL, {"thang": month})


# --- detail --------------------------------------------------------------------------------------------------------

def test_detail_shows_the_hub(client, users, tree):
    cls = make_class("HUB1", sessions=3, capacity=1, min_attendance_pct=80)
    Assessment.objects.create(training_class=cls, name="Bài thu hoạch", kind="ESSAY")
    enroll(cls, make_person(tree.phong_a))
    enroll(cls, make_person(tree.phong_a))  # waitlisted
    client.force_login(users.province)
    response = client.get(reverse("training:class_detail", args=[cls.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["total_tiet"] == 12
    counts = response.context["counts"]
    assert counts["total"] == 2 and counts["map"][State.ENROLLED] == 1 and counts["map"][State.WAITLISTED] == 1
    assert "Chuyên đề 3" in html and "Bài thu hoạch" in html and "80%" in html
    # status buttons: only the transitions allowed from OPEN
    assert [s.value for s in response.context["transitions"]] == ["PLANNED", "RUNNING", "CANCELLED"]
    assert reverse("training:class_status", args=[cls.pk]) in html
    assert response.context["entries"] is not None  # audit history for those who run the class


def test_detail_for_a_learner(client, users):
    cls = make_class("HUB2", status=Status.OPEN)
    client.force_login(users.learner)
    response = client.get(reverse("training:class_detail", args=[cls.pk]))
    assert response.status_code == 200
    assert response.context["can_self_register"] is True
    assert response.context["transitions"] == [] and response.context["entries"] is None
    assert reverse("training:class_status", args=[cls.pk]) not in response.content.decode()
    assert f'action="{reverse("training:self_register", args=[cls.pk])}"' in response.content.decode()
    assert "Đăng ký chờ đơn vị duyệt" in response.content.decode()
    TrainingClass.objects.filter(pk=cls.pk).update(first_come_first_served=True)
    html = client.get(reverse("training:class_detail", args=[cls.pk])).content.decode()
    assert "được xếp lớp ngay khi còn chỗ" in html and "Đăng ký chờ đơn vị duyệt" not in html
    # a class outside its registration window offers no registration
    TrainingClass.objects.filter(pk=cls.pk).update(registration_closes=TODAY - datetime.timedelta(days=1))
    response = client.get(reverse("training:class_detail", args=[cls.pk]))
    assert response.context["can_self_register"] is False and "không nhận tự đăng ký" in response.content.decode()
    TrainingClass.objects.filter(pk=cls.pk).update(registration_closes=None)
    enroll(cls, users.learner.person)
    response = client.get(reverse("training:class_detail", args=[cls.pk]))
    assert response.context["can_self_register"] is False and response.context["own"].state == State.ENROLLED
    assert response.context["can_self_withdraw"] is True


def test_detail_query_count_does_not_grow_with_sessions(client, users, django_assert_max_num_queries):
    small = make_class("Q1", sessions=2)
    big = make_class("Q2", sessions=25)
    client.force_login(users.province)
    client.get(reverse("training:class_detail", args=[small.pk]))
    with django_assert_max_num_queries(20) as ctx:
        client.get(reverse("training:class_detail", args=[small.pk]))
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(reverse("training:class_detail", args=[big.pk]))


# --- create / edit -------------------------------------------------------------------------------------------------

def _form_data(program, provider, **over):
    start = TODAY + datetime.timedelta(days=40)
    data = {
        "code": "MOI01", "name": "Lớp mới", "program": program.pk, "provider": provider.pk, "form": "IN_PERSON",
        "country": "VN", "place": "Hội trường A", "starts_on": d(start), "ends_on": d(start + datetime.timedelta(days=9)),
        "registration_opens": d(TODAY), "registration_closes": d(start - datetime.timedelta(days=5)),
        "capacity": "30", "min_size": "", "cost_estimate": "", "funding_source": "", "min_attendance_pct": "80",
        "pass_score": "5",
    }
    data.update(over)
    return data


def test_create_class_with_vietnamese_dates(client, users):
    program, provider = make_program(), make_provider()
    client.force_login(users.province)
    response = client.post(reverse("training:class_create"), _form_data(program, provider, code="moi01"))
    cls = TrainingClass.objects.get(code="MOI01")
    assert response.status_code == 302 and response.url == reverse("training:class_detail", args=[cls.pk])
    assert cls.status == Status.PLANNED and cls.min_attendance_pct == 80 and cls.capacity == 30
    assert cls.starts_on == TODAY + datetime.timedelta(days=40)
    assert cls.first_come_first_served is False  # an unticked checkbox: requests wait for the unit's approval


def test_create_class_first_come_first_served(client, users):
    program, provider = make_program(), make_provider()
    client.force_login(users.province)
    assert 'name="first_come_first_served"' in client.get(reverse("training:class_create")).content.decode()
    client.post(reverse("training:class_create"), _form_data(program, provider, code="FCFS1", first_come_first_served="on"))
    assert TrainingClass.objects.get(code="FCFS1").first_come_first_served is True


@pytest.mark.parametrize("over, field, message", [
    ({"ends_on": d(TODAY)}, "ends_on", "Ngày kết thúc phải sau hoặc trùng ngày khai giảng"),
    ({"capacity": "0"}, "capacity", "Số chỗ phải lớn hơn 0"),
    ({"min_size": "40"}, "min_size", "Số học viên tối thiểu không được lớn hơn số chỗ"),
    ({"abroad": "on", "country": "VN"}, "country", "cần ghi quốc gia"),
    ({"starts_on": "31/02/2027"}, "starts_on", "dd/mm/yyyy"),
    ({"min_attendance_pct": "120"}, "min_attendance_pct", "không được quá 100%"),
    ({"registration_opens": d(TODAY + datetime.timedelta(days=10)), "registration_closes": d(TODAY)},
     "registration_closes", "Hạn đăng ký phải sau ngày mở đăng ký"),
])
def test_create_class_validation_messages(client, users, over, field, message):
    program, provider = make_program(), make_provider()
    client.force_login(users.province)
    response = client.post(reverse("training:class_create"), _form_data(program, provider, **over))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field]), errors
    assert not TrainingClass.objects.filter(code="MOI01").exists()


def test_duplicate_code_is_refused_clearly(client, users):
    make_class("TRUNG01")
    client.force_login(users.province)
    response = client.post(reverse("training:class_create"),
                           _form_data(make_program(), make_provider(), code="trung01"))
    assert "Mã lớp “TRUNG01” đã được dùng" in response.context["form"].errors["code"][0]


def test_institution_creates_only_for_its_providers(client, users, tree):
    school = school_provider(tree)
    other = make_provider("P_KHAC", "Cơ sở khác")
    client.force_login(users.institution)
    response = client.get(reverse("training:class_create"))
    assert list(response.context["form"].fields["provider"].queryset) == [school]
    response = client.post(reverse("training:class_create"), _form_data(make_program(), other))
    assert "provider" in response.context["form"].errors
    response = client.post(reverse("training:class_create"), _form_data(make_program(), school))
    assert response.status_code == 302 and TrainingClass.objects.get(code="MOI01").provider == school


def test_inactive_programmes_are_not_offered(client, users):
    old = make_program("CU01", name="Chương trình cũ", active=False)
    client.force_login(users.province)
    response = client.get(reverse("training:class_create"))
    assert old not in response.context["form"].fields["program"].queryset


def test_edit_class_keeps_seats_and_sessions_consistent(client, users, tree):
    cls = make_class("SUA01", capacity=3, sessions=2)
    enroll(cls, make_person(tree.phong_a))
    enroll(cls, make_person(tree.phong_a))
    client.force_login(users.province)
    url = reverse("training:class_edit", args=[cls.pk])
    data = _form_data(cls.program, cls.provider, code="SUA01", capacity="1",
                      starts_on=d(cls.starts_on + datetime.timedelta(days=1)), ends_on=d(cls.ends_on))
    response = client.post(url, data)
    errors = response.context["form"].errors
    assert "2 học viên" in errors["capacity"][0]
    assert "nằm ngoài thời gian mới" in errors["starts_on"][0]
    data.update(capacity="5", starts_on=d(cls.starts_on), name="Tên mới")
    assert client.post(url, data).status_code == 302
    cls.refresh_from_db()
    assert (cls.capacity, cls.name, cls.seats_taken) == (5, "Tên mới", 2)


@pytest.mark.parametrize("role", ["officer", "leader", "learner"])
def test_write_pages_refused_for_other_roles(client, users, role):
    cls = make_class("CAM01", status=Status.PLANNED)
    client.force_login(getattr(users, role))
    assert client.get(reverse("training:class_create")).status_code == 403
    assert client.get(reverse("training:class_edit", args=[cls.pk])).status_code == 403
    assert client.get(reverse("training:class_sessions", args=[cls.pk])).status_code == 403
    response = client.post(reverse("training:class_status", args=[cls.pk]), {"status": "OPEN"})
    assert response.status_code == 403
    cls.refresh_from_db()
    assert cls.status == Status.PLANNED


def test_institution_refused_on_a_class_of_another_provider(client, users, tree):
    own = make_class("OWN01", provider=school_provider(tree), status=Status.PLANNED)
    foreign = make_class("FOR01", provider=make_provider("P_KHAC", "Cơ sở khác"), status=Status.PLANNED)
    client.force_login(users.institution)
    assert client.get(reverse("training:class_edit", args=[foreign.pk])).status_code == 403
    assert client.get(reverse("training:class_sessions", args=[foreign.pk])).status_code == 403
    assert client.post(reverse("training:class_status", args=[foreign.pk]), {"status": "OPEN"}).status_code == 403
    assert client.get(reverse("training:class_detail", args=[foreign.pk])).context["transitions"] == []
    assert client.get(reverse("training:class_edit", args=[own.pk])).status_code == 200
    assert client.post(reverse("training:class_status", args=[own.pk]), {"status": "OPEN"}).status_code == 302
    own.refresh_from_db()
    assert own.status == Status.OPEN


def test_unknown_class_is_404(client, users):
    client.force_login(users.province)
    assert client.get(reverse("training:class_detail", args=[999999])).status_code == 404


# --- sessions and assessments --------------------------------------------------------------------------------------

def _formset_data(cls, sessions=(), assessments=()):
    data = {
        "buoi-TOTAL_FORMS": str(len(sessions)), "buoi-INITIAL_FORMS": str(sum(1 for s in sessions if s.get("id"))),
        "buoi-MIN_NUM_FORMS": "0", "buoi-MAX_NUM_FORMS": "1000",
        "bai-TOTAL_FORMS": str(len(assessments)), "bai-INITIAL_FORMS": str(sum(1 for a in assessments if a.get("id"))),
        "bai-MIN_NUM_FORMS": "0", "bai-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(sessions):
        for key, value in row.items():
            data[f"buoi-{i}-{key}"] = value
    for i, row in enumerate(assessments):
        for key, value in row.items():
            data[f"bai-{i}-{key}"] = value
    return data


def test_sessions_and_assessments_are_saved(client, users):
    cls = make_class("BH01", status=Status.PLANNED)
    lecturer = Lecturer.objects.create(name="Nguyễn A", academic_title="TS")
    client.force_login(users.province)
    url = reverse("training:class_sessions", args=[cls.pk])
    assert client.get(url).status_code == 200
    data = _formset_data(cls, sessions=[
        {"date": d(cls.starts_on), "start_time": "07:30", "end_time": "11:00", "tiet": "4", "topic": "Khai giảng",
         "lecturer": str(lecturer.pk)},
        {"date": d(cls.starts_on + datetime.timedelta(days=1)), "tiet": "8", "topic": "Chuyên đề 2"},
    ], assessments=[{"name": "Bài kiểm tra 1", "kind": "TEST", "order": "1"},
                    {"name": "Thu hoạch", "kind": "ESSAY", "order": "2"}])
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(cls.sessions.values_list("topic", "tiet")) == [("Khai giảng", 4), ("Chuyên đề 2", 8)]
    assert cls.sessions.first().start_time == datetime.time(7, 30)
    assert cls.sessions.first().lecturer == lecturer
    assert list(cls.assessments.values_list("name", flat=True)) == ["Bài kiểm tra 1", "Thu hoạch"]
    # remove a row
    first, second = cls.sessions.all()
    data = _formset_data(cls, sessions=[
        {"id": first.pk, "date": d(first.date), "tiet": "4", "topic": "Khai giảng"},
        {"id": second.pk, "date": d(second.date), "tiet": "8", "topic": "Chuyên đề 2", "DELETE": "on"},
    ])
    assert client.post(url, data).status_code == 302
    assert list(cls.sessions.values_list("pk", flat=True)) == [first.pk]


def test_session_outside_class_dates_is_refused_naming_the_row(client, users):
    cls = make_class("BH02", status=Status.PLANNED)
    client.force_login(users.province)
    url = reverse("training:class_sessions", args=[cls.pk])
    data = _formset_data(cls, sessions=[
        {"date": d(cls.starts_on), "tiet": "4"},
        {"date": d(cls.ends_on + datetime.timedelta(days=1)), "tiet": "4"},
    ])
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dòng 2: ngày" in html and "nằm ngoài thời gian của lớp" in html
    assert not cls.sessions.exists()  # nothing half-written


def test_duplicate_assessment_names_and_bad_times(client, users):
    cls = make_class("BH03", status=Status.PLANNED)
    client.force_login(users.province)
    url = reverse("training:class_sessions", args=[cls.pk])
    data = _formset_data(cls, sessions=[{"date": d(cls.starts_on), "start_time": "11:00", "end_time": "07:00", "tiet": "4"}],
                         assessments=[{"name": "Bài 1", "kind": "TEST", "order": "1"},
                                      {"name": "bài 1", "kind": "TEST", "order": "2"}])
    html = client.post(url, data).content.decode()
    assert "Giờ kết thúc phải sau giờ bắt đầu" in html
    assert "Dòng 2: tên bài “bài 1” trùng với dòng 1" in html
    assert not cls.sessions.exists() and not cls.assessments.exists()


def test_session_with_attendance_cannot_be_deleted(client, users, tree):
    cls = make_class("BH04", status=Status.RUNNING, sessions=1)
    enr = Enrollment.objects.create(training_class=cls, person=make_person(tree.phong_a), source="NOMINATED",
                                    state=State.ENROLLED)
    session = cls.sessions.get()
    Attendance.objects.create(session=session, enrollment=enr, status="PRESENT")
    client.force_login(users.province)
    data = _formset_data(cls, sessions=[{"id": session.pk, "date": d(session.date), "tiet": "4", "DELETE": "on"}])
    html = client.post(reverse("training:class_sessions", args=[cls.pk]), data).content.decode()
    assert "đã có điểm danh, không xoá được" in html
    assert cls.sessions.exists()


def test_assessment_with_scores_cannot_be_deleted(client, users, tree):
    cls = make_class("BH06", status=Status.RUNNING)
    test = Assessment.objects.create(training_class=cls, name="Bài 1")
    enr = Enrollment.objects.create(training_class=cls, person=make_person(tree.phong_a), source="NOMINATED",
                                    state=State.ENROLLED)
    result = Result.objects.create(enrollment=enr)
    Score.objects.create(result=result, assessment=test, value=7)
    client.force_login(users.province)
    data = _formset_data(cls, assessments=[{"id": test.pk, "name": "Bài 1", "kind": "TEST", "order": "1", "DELETE": "on"}])
    html = client.post(reverse("training:class_sessions", args=[cls.pk]), data).content.decode()
    assert "Dòng 1: bài “Bài 1” đã có điểm, không xoá được" in html
    assert cls.assessments.exists()


def test_sessions_locked_once_results_are_submitted(client, users):
    cls = make_class("BH05", status=Status.FINISHED, sessions=1)
    TrainingClass.objects.filter(pk=cls.pk).update(results_submitted_at=timezone.now())
    client.force_login(users.province)
    url = reverse("training:class_sessions", args=[cls.pk])
    assert "đã chốt kết quả" in client.get(url).content.decode()
    data = _formset_data(cls, sessions=[{"date": d(cls.starts_on), "tiet": "4", "topic": "Mới"}])
    response = client.post(url, data)
    assert response.status_code == 302
    assert any("đã chốt kết quả" in m for m in msgs(response))
    assert cls.sessions.count() == 1


# --- status --------------------------------------------------------------------------------------------------------

def test_status_change_and_refusal_as_message(client, users):
    cls = make_class("TT01", status=Status.PLANNED)
    client.force_login(users.province)
    url = reverse("training:class_status", args=[cls.pk])
    response = client.post(url, {"status": "OPEN"})
    assert response.status_code == 302
    cls.refresh_from_db()
    assert cls.status == Status.OPEN
    response = client.post(url, {"status": "CLOSED"})  # OPEN → CLOSED is not allowed
    assert response.status_code == 302
    assert any("không thể chuyển sang" in m for m in msgs(response))
    cls.refresh_from_db()
    assert cls.status == Status.OPEN
    response = client.post(url, {"status": "NONSENSE"})
    assert response.status_code == 302 and any("không hợp lệ" in m for m in msgs(response))
    assert client.get(url).status_code == 405


def test_start_notifies_enrolled_learners(client, users, tree):
    cls = make_class("TT02", status=Status.OPEN, capacity=1)
    enroll(cls, users.learner.person)  # enrolled
    waiting = make_person(tree.phong_a)
    waiting_user = make_user("cho", "LEARNER", person=waiting)
    enroll(cls, waiting)  # waitlisted: not told
    client.force_login(users.province)
    response = client.post(reverse("training:class_status", args=[cls.pk]), {"status": "RUNNING"})
    assert any("Đã gửi thông báo cho 1 người" in m for m in msgs(response))
    notice = Notice.objects.get(kind=Notice.Kind.CLASS_START)
    assert notice.user == users.learner and "TT02" in notice.title
    assert not Notice.objects.filter(user=waiting_user, kind=Notice.Kind.CLASS_START).exists()


def test_cancel_withdraws_and_notifies(client, users, tree):
    cls = make_class("TT03", status=Status.OPEN, capacity=1)
    enroll(cls, users.learner.person)
    other = make_person(tree.phong_a)
    other_user = make_user("khac", "LEARNER", person=other)
    enroll(cls, other)  # waitlisted
    client.force_login(users.province)
    client.post(reverse("training:class_status", args=[cls.pk]), {"status": "CANCELLED"})
    cls.refresh_from_db()
    assert cls.status == Status.CANCELLED and cls.seats_taken == 0
    assert set(cls.enrollments.values_list("state", "reason")) == {(State.WITHDRAWN, "Lớp bị huỷ")}
    told = set(Notice.objects.filter(kind=Notice.Kind.CLASS_CANCELLED).values_list("user_id", flat=True))
    assert told == {users.learner.pk, other_user.pk}


def test_cancelled_class_is_not_edited(client, users):
    cls = make_class("HUY01", status=Status.CANCELLED)
    client.force_login(users.province)
    response = client.get(reverse("training:class_edit", args=[cls.pk]))
    assert response.status_code == 302 and any("không sửa được" in m for m in msgs(response))
    assert reverse("training:class_edit", args=[cls.pk]) not in client.get(
        reverse("training:class_detail", args=[cls.pk])).content.decode()


def test_calendar_htmx_request_returns_only_the_grid(client, users):
    make_class("HX01", starts_on=datetime.date(2026, 5, 4), ends_on=datetime.date(2026, 5, 8))
    client.force_login(users.leader)
    response = client.get(CAL, {"thang": "2026-05"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="class-calendar")
    html = response.content.decode()
    assert "<html" not in html
    assert "HX01" in html
    assert "Tháng 5/2026" in html, html[:400]
