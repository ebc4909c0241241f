"""Class status and attendance written through the API: only who runs the class (permissions.can_run_class), through
class_services.change_status and results.record_attendance."""
from django.utils import timezone

from dtbd.people.testing import make_person
from dtbd.training.models import Assessment, Attendance, Certificate, Enrollment, TrainingClass
from dtbd.training.testing import make_class, school_provider

from .conftest import token_client


def test_status_change_by_who_runs_the_class(world, users):
    url = f"/api/v1/classes/{world.cls.pk}/status/"
    for user in (users.officer, users.leader, users.learner):
        assert token_client(user).post(url, {"status": "FINISHED"}, format="json").status_code == 403
    response = token_client(users.institution).post(url, {"status": "FINISHED"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "FINISHED"
    refused = token_client(users.institution).post(url, {"status": "OPEN"}, format="json")
    assert refused.status_code == 400 and "không thể chuyển" in str(refused.json())
    assert token_client(users.institution).post(url, {"status": "NOPE"}, format="json").status_code == 400


def test_class_of_another_provider_not_run_by_the_institution(users):
    cls = make_class("OTHER1", capacity=2, status=TrainingClass.Status.PLANNED)  # provider without unit
    assert token_client(users.institution).post(f"/api/v1/classes/{cls.pk}/status/", {"status": "OPEN"},
                                                format="json").status_code == 403
    assert token_client(users.province).post(f"/api/v1/classes/{cls.pk}/status/", {"status": "OPEN"},
                                             format="json").json()["status"] == "OPEN"


def test_attendance_recorded_through_the_service(world, users):
    url = f"/api/v1/classes/{world.cls.pk}/attendance/"
    session = world.cls.sessions.order_by("date").first()
    # The fixture's learners are COMPLETED: enrol a fresh learner to mark.

    enr = Enrollment.objects.create(training_class=world.cls, person=make_person(world.a.unit_assignments.first().unit),
                                    source=Enrollment.Source.NOMINATED, state=Enrollment.State.ENROLLED)
    body = {"marks": [{"session": session.pk, "enrollment": enr.pk, "status": "EXCUSED"}]}
    assert token_client(users.officer).post(url, body, format="json").status_code == 403
    response = token_client(users.institution).post(url, body, format="json")
    assert response.status_code == 200 and response.json() == {"written": 1, "removed": 0}
    assert Attendance.objects.get(session=session, enrollment=enr).status == "EXCUSED"
    bad = {"marks": [{"session": session.pk, "enrollment": world.enr_b.pk + 1000, "status": "PRESENT"}]}
    response = token_client(users.institution).post(url, bad, format="json")
    assert response.status_code == 400 and "không có trong danh sách lớp" in str(response.json())
    cleared = token_client(users.institution).post(
        url, {"marks": [{"session": session.pk, "enrollment": enr.pk, "status": ""}]}, format="json")
    assert cleared.json() == {"written": 0, "removed": 1}


def test_scores_then_submit_issue_certificates(tree, users):
    import datetime



    start = timezone.localdate() - datetime.timedelta(days=3)
    cls = make_class("RES1", capacity=5, provider=school_provider(tree), sessions=1, starts_on=start,
                     ends_on=start + datetime.timedelta(days=1), status=TrainingClass.Status.RUNNING)
    test = Assessment.objects.create(training_class=cls, name="Bài 1")
    good, bad = (Enrollment.objects.create(training_class=cls, person=make_person(tree.phong_a, code=c),
                                           source=Enrollment.Source.NOMINATED, state=Enrollment.State.ENROLLED)
                 for c in ("R1", "R2"))
    session = cls.sessions.get()
    run = token_client(users.institution)
    marks = {"marks": [{"session": session.pk, "enrollment": e.pk, "status": "PRESENT"} for e in (good, bad)]}
    assert run.post(f"/api/v1/classes/{cls.pk}/attendance/", marks, format="json").status_code == 200
    url = f"/api/v1/classes/{cls.pk}/scores/"
    wrong = run.post(url, {"scores": [{"enrollment": good.pk, "assessment": test.pk, "value": "11"}]}, format="json")
    assert wrong.status_code == 400
    scores = {"scores": [{"enrollment": good.pk, "assessment": test.pk, "value": "8,5"},
                         {"enrollment": bad.pk, "assessment": test.pk, "value": "3"}]}
    assert token_client(users.officer).post(url, scores, format="json").status_code == 403
    assert run.post(url, scores, format="json").json() == {"changed": 2}
    assert token_client(users.officer).post(f"/api/v1/classes/{cls.pk}/submit-results/").status_code == 403
    submitted = run.post(f"/api/v1/classes/{cls.pk}/submit-results/")
    assert submitted.status_code == 200 and submitted.json() == {"completed": 1, "failed": 1}
    assert not Certificate.objects.exists()  # issued by decision
    issue = f"/api/v1/classes/{cls.pk}/issue-certificates/"
    decision = {"number": "12", "decided_on": timezone.localdate().isoformat(), "signer_name": "Phạm Văn Ký",
                "signer_position": "Hiệu trưởng"}
    assert token_client(users.officer).post(issue, decision, format="json").status_code == 403
    late = run.post(issue, {**decision, "decided_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()},
                    format="json")
    assert late.status_code == 400 and "không được sau hôm nay" in str(late.json())
    issued = run.post(issue, decision, format="json")
    assert issued.status_code == 200, issued.json()
    number = Certificate.objects.get(enrollment=good).number
    assert issued.json()["issued"] == [number] and not Certificate.objects.filter(enrollment=bad).exists()
    assert run.post(issue, decision, format="json").status_code == 400  # no draft left
    results = {r["enrollment"]: r for r in run.get(f"/api/v1/classes/{cls.pk}/results/").json()["results"]}
    assert results[good.pk]["completed"] and results[good.pk]["scores"] == [{"assessment": test.pk, "name": "Bài 1", "value": "8.50"}]
    again = run.post(f"/api/v1/classes/{cls.pk}/submit-results/")
    assert again.status_code == 400 and "đã được chốt" in str(again.json())
    assert run.post(url, scores, format="json").status_code == 400  # locked


def test_writes_with_a_token_are_audited_with_its_user(tree, users):
    """django-auditlog's middleware runs before DRF authenticates the token: the views name the actor (audit_as)."""
    from auditlog.models import LogEntry


    cls = make_class("AUD1", capacity=3)
    person = make_person(tree.phong_a, code="A900")
    body = {"training_class": cls.pk, "person": person.pk}
    assert token_client(users.officer).post("/api/v1/enrolments/", body, format="json").status_code == 201
    enrollment = Enrollment.objects.get(training_class=cls, person=person)
    actors = {e.actor for e in LogEntry.objects.get_for_object(enrollment)}
    assert actors == {users.officer}
