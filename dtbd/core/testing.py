"""Small factories for tests: build units, people and users without going through the UI."""
import datetime
import itertools

from django.contrib.auth import get_user_model

from dtbd.core.models import Source

_seq = itertools.count(1)


def make_unit(code=None, name=None, parent=None, kind="SO_NGANH", admin_level="TINH", **extra):
    from dtbd.org.models import Unit

    n = next(_seq)
    return Unit.objects.create(
        code=code or f"U{n:04d}", name=name or f"Đơn vị {n}", parent=parent, kind=kind, admin_level=admin_level, **extra
    )


def make_person(
    unit,
    code=None,
    full_name=None,
    birth_date=datetime.date(1985, 5, 17),
    gender="NAM",
    ethnicity="Kinh",
    category="CC",
    rank=None,
    post_level=None,
    post_title="",
    education="DH",
    qualifications=(),
    valid_from=None,
    **extra,
):
    """A person in `unit` with open (unknown-start unless valid_from) records.
    qualifications: iterable of (type, level) or (type, level, issued_on)."""
    from dtbd.people import models as m

    n = next(_seq)
    person = m.Person.objects.create(
        code=code or f"CB{n:05d}",
        full_name=full_name or f"Nguyễn Văn Thử {n}",
        birth_date=birth_date,
        gender=gender,
        ethnicity=m.Ethnicity.objects.get(name=ethnicity),
        **extra,
    )
    m.UnitAssignment.objects.create(person=person, unit=unit, valid_from=valid_from, source=Source.IMPORTED)
    m.CategoryAssignment.objects.create(person=person, category=category, valid_from=valid_from, source=Source.IMPORTED)
    if rank:
        m.RankAssignment.objects.create(
            person=person, rank=m.Rank.objects.get(code=rank), valid_from=valid_from, source=Source.IMPORTED
        )
    if post_level or post_title:
        m.PostAssignment.objects.create(
            person=person, level=post_level or "", title=post_title, unit=unit, valid_from=valid_from, source=Source.IMPORTED
        )
    quals = list(qualifications)
    if education:
        quals.append(("EDU", education))
    for item in quals:
        qtype, level, issued_on = (tuple(item) + (None,))[:3]
        m.Qualification.objects.create(person=person, type=qtype, level=level, issued_on=issued_on, source=Source.IMPORTED)
    return person


def make_user(username, role, scope_unit=None, person=None, password="demo12345", **extra):
    User = get_user_model()
    user = User.objects.create_user(
        username=username, password=password, role=role, scope_unit=scope_unit, person=person, **extra
    )
    return user


def stop_process_group(process, timeout=30):
    """Stop a subprocess started in its own process group (start_new_session=True) and its children: SIGTERM to the
    group, SIGKILL when it has not ended after `timeout` seconds."""
    import os
    import signal
    import subprocess

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
