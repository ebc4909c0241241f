"""The dashboard's evaluation block (docs/domain.md §16.7): level-3 forms of the unit's subtree, and for the province
the survey forms, the index and the coverage of the year."""
import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from dtbd.evaluation.models import EffectivenessForm
from dtbd.people.testing import make_person
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.testing import make_class

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_the_evaluation_figures(tree, users):
    year = timezone.localdate().year
    cls = make_class("DB01", capacity=10, status=TrainingClass.Status.FINISHED,
                     starts_on=datetime.date(year, 1, 2), ends_on=datetime.date(year, 1, 5))
    for i, unit in enumerate((tree.phong_a, tree.phong_a, tree.phong_b)):
        person = make_person(unit, code=f"DB_{i}")
        enrolment = Enrollment.objects.create(training_class=cls, person=person, source="NOMINATED",
                                              state="COMPLETED")
        EffectivenessForm.objects.create(enrollment=enrolment, person=person, due_on=datetime.date(year, 1, 6),
                                         manager_index=Decimal("7.00") if i == 0 else None,
                                         rated_at=timezone.now() if i == 0 else None)
    client = Client()
    client.force_login(users.province)
    body = client.get(f"/tong-quan/?unit={tree.root.pk}").content.decode()
    section = body[body.index('id="dash-evaluation"'):]
    assert "3</a> / 1 / 0" in section and "7,00" in section
    assert 'data-figure="classes-evaluated">1 / 0<' in section and 'data-figure="providers-below"' in section
    client.force_login(users.officer)
    body = client.get(f"/tong-quan/?unit={tree.so_a.pk}").content.decode()
    section = body[body.index('id="dash-evaluation"'):]
    assert "2</a> / 1 / 0" in section and 'data-figure="survey-forms"' not in section
