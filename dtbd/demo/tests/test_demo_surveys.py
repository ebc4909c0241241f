"""The demo's class surveys (dtbd/demo/evaluation.py): the finished classes have real figures, anonymously."""
import pytest
from django.urls import reverse

from dtbd.accounts.models import User
from dtbd.evaluation.models import ClassSurvey, Respondent, Response
from dtbd.training.models import Lecturer, TrainingClass

pytestmark = pytest.mark.django_db


def test_finished_classes_have_surveys_with_figures(demo, client):
    finished = TrainingClass.objects.filter(status__in=("FINISHED", "CLOSED"))
    assert ClassSurvey.objects.count() == finished.count() > 0
    assert Response.objects.filter(valid=True).exists() and Response.objects.filter(valid=False).exists()
    assert not Response.objects.filter(person__isnull=False).exists()  # anonymous
    assert Respondent.objects.count() == Response.objects.count()
    learner = User.objects.get(username="hocvien").person_id
    assert not Respondent.objects.filter(person_id=learner).exists()
    assert Lecturer.objects.exists() and not Lecturer.objects.filter(sessions__isnull=True).exists()
    client.force_login(User.objects.get(username="truong"))
    page = client.get(reverse("evaluation:survey_list"))
    assert page.status_code == 200 and "band-" in page.content.decode()
