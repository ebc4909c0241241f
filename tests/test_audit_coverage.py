"""Every model of dtbd is recorded by the audit log (django-auditlog) or named below with the reason it is not:
a new model is audited unless someone decides otherwise and says why."""
import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.api.tokens import create_token, revoke
from dtbd.org.testing import make_unit
from dtbd.reports.models import Indicator

NOT_AUDITED = {
    "core.ImportBatch": "the record of an upload itself (who, when, which file, the outcome); what it writes is audited",
    "core.ExportLog": "itself a log: who exported what and when",
    "core.Job": "the record of a background job (who started it, progress, outcome); what it writes is audited",
    "reports.SummaryPeriod": "derived data, rebuilt from the audited tables",
    "reports.SummaryFigure": "derived data, rebuilt from the audited tables",
    "reports.SummaryDirty": "derived data: marks of summaries to rebuild",
    "reports.SummaryClass": "derived data, rebuilt from the audited tables",
    "plans.PlanEvent": "itself a log: the transitions and comments of a plan",
    "notices.Notice": "messages sent to a user; the change that caused each is audited",
    # An answer to an anonymous class survey keeps no link to its person (docs/domain.md §16.3): an audit entry would
    # carry the actor and the time of the answer, and its order would match that of the "has answered" records.
    "evaluation.Response": "a survey form: anonymous forms must carry no actor nor time (docs/domain.md §16.3)",
    "evaluation.Answer": "the answers of a survey form, as anonymous as the form (docs/domain.md §16.3)",
    "evaluation.Respondent": "that a person answered a survey: its log's time and order would point at the form",
    "elearning.Answer": "a learner's answers while taking a quiz, one upsert each (hundreds a minute); the graded "
                        "attempt is audited",
    "elearning.LessonProgress": "a learner's own reading and video heartbeat (time spent, position); the completion it "
                                "leads to is audited in training's results and certificates",
    "notices.SentReminder": "itself a log: which reminder went to whom for which day (makes the daily run idempotent)",
}


def dtbd_models():
    return {m._meta.label: m for m in apps.get_models() if m.__module__.startswith("dtbd.")}


def test_every_model_is_audited_or_exempt_with_a_reason():
    missing = sorted(label for label, model in dtbd_models().items()
                     if not auditlog.contains(model) and label not in NOT_AUDITED)
    assert not missing, "Models neither audited nor listed in NOT_AUDITED: " + ", ".join(missing)


def test_the_exemptions_are_real_and_explained():
    models = dtbd_models()
    assert all(label in models for label in NOT_AUDITED), "NOT_AUDITED names a model that does not exist"
    assert not [label for label in NOT_AUDITED if auditlog.contains(models[label])], "an exempt model is audited"
    assert all(len(reason) > 20 for reason in NOT_AUDITED.values())


# -- what the newly audited models record


def entries(obj):
    return LogEntry.objects.get_for_object(obj).order_by("pk")


@pytest.mark.django_db
def test_a_users_role_scope_and_password_changes_are_recorded_without_the_hash():
    user = make_user("ghi_vet", Role.LEARNER)
    unit = make_unit("GV1", "Sở Ghi vết")
    user.role, user.scope_unit = Role.UNIT_OFFICER, unit
    user.save()
    change = entries(user).last().changes_dict
    assert change["role"] == [Role.LEARNER, Role.UNIT_OFFICER]
    assert change["scope_unit"][1] == str(unit.pk)
    user.set_password("mat-khau-moi-123")
    user.save()
    masked = entries(user).last().changes_dict["password"]
    assert masked[0] != masked[1] and user.password not in str(masked)


@pytest.mark.django_db
def test_logging_in_is_not_a_change_of_the_account(client):
    user = make_user("dang_nhap", Role.LEARNER)
    before = entries(user).count()
    assert client.login(username="dang_nhap", password="demo12345")
    assert entries(user).count() == before


@pytest.mark.django_db
def test_a_target_and_an_api_key_revocation_are_recorded():
    indicator = Indicator.objects.create(code="ghi-vet", name="Chỉ tiêu", denominator={}, numerator={})
    indicator.name = "Chỉ tiêu đã sửa"
    indicator.save()
    assert entries(indicator).last().changes_dict["name"] == ["Chỉ tiêu", "Chỉ tiêu đã sửa"]
    owner = make_user("khoa_api", Role.PROVINCE)
    token, _key = create_token(owner, "Hệ thống thử")
    revoke(token, owner)
    last = entries(token).last()
    assert "revoked_at" in last.changes_dict and "key_hash" not in str(entries(token).first().changes_dict)
