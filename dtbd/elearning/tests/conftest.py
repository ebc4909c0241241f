import pytest

from dtbd.elearning.testing import enrol_running, make_course, make_online_class


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DTBD_MEDIA_ACCEL_PREFIX = ""
    return tmp_path


@pytest.fixture
def online(tree, users):
    """An online class of the so_b school (run by users.institution) with a course; users.learner enrolled in it,
    the class running."""
    cls = make_online_class(tree)
    course = make_course(cls)
    enrolment = enrol_running(cls, users.learner.person)
    course.training_class.refresh_from_db()
    return course, enrolment
