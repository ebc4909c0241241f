"""Factories for tests of classes, enrolment, results and certificates (import in tests only)."""
import datetime

from django.utils import timezone

from dtbd.org.testing import make_unit

from . import services
from .models import ClassSession, Enrollment, Program, Provider, TrainingClass


def make_provider(code="P_TEST", name="Trường thử", unit=None, kind="KHAC"):
    provider, _ = Provider.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "unit": unit})
    return provider


def school_provider(tree):
    """A provider linked to a TRUONG unit under tree.so_b — the `users.institution` user (scoped to so_b) runs it."""
    school = make_unit("SO_B.TRUONG", "Trường Chính trị thử", parent=tree.so_b, kind="TRUONG")
    return make_provider(code="TCT_THU", name="Trường Chính trị thử", unit=school, kind="TRUONG_CHINH_TRI")


def make_program(code="QLNN_CVC", **fields):
    program = Program.objects.filter(code=code).first()
    if program is None:
        defaults = dict(name="Bồi dưỡng QLNN ngạch chuyên viên chính", category="QLNN", kind="FOSTERING",
                        duration_tiet=320, grants_type="QLNN", grants_level="CVC")
        defaults.update(fields)
        program = Program.objects.create(code=code, **defaults)
    return program


def make_class(code="L01", capacity=2, status=TrainingClass.Status.OPEN, starts_on=None, ends_on=None,
               provider=None, program=None, sessions=0, **extra):
    """A class; `sessions=N` adds N sessions of 4 tiết on consecutive days from the start."""
    provider = provider or make_provider()
    program = program or make_program()
    starts_on = starts_on or timezone.localdate() + datetime.timedelta(days=30)
    cls = TrainingClass.objects.create(
        program=program, provider=provider, code=code, name=f"Lớp {code}", capacity=capacity, status=status,
        starts_on=starts_on, ends_on=ends_on or starts_on + datetime.timedelta(days=max(20, sessions)), **extra,
    )
    ClassSession.objects.bulk_create(
        ClassSession(training_class=cls, date=starts_on + datetime.timedelta(days=i), tiet=4, topic=f"Chuyên đề {i + 1}")
        for i in range(sessions)
    )
    return cls


def enroll(training_class, person, source=Enrollment.Source.NOMINATED, user=None):
    """Request and approve: the person is ENROLLED (or WAITLISTED when the class is full)."""
    request = services.request_enrollment(training_class, person, source, user, confirm_warnings=True)
    return services.approve(request, user, confirm_warnings=True)
