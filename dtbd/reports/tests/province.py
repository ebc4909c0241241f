"""A small province for the report tests (import in tests only): units with Vietnamese names, people with political
theory, classes of every form ended in 2025 and 2026 and their enrolments, people who moved between units."""
import datetime
from types import SimpleNamespace

from dtbd.core.models import Source
from dtbd.org.testing import make_unit
from dtbd.people.models import UnitAssignment
from dtbd.people.services import change_single
from dtbd.people.testing import make_person
from dtbd.training.models import ClassSession, Enrollment, Program, TrainingClass
from dtbd.training.testing import make_provider

D = datetime.date


def make_units():
    root = make_unit("TQ", "UBND tỉnh Tuyên Quang", kind="UBND_TINH")
    so = make_unit("TQ.SNV", "Sở Nội vụ", parent=root)
    xa = make_unit("TQ.X01", "UBND xã Kim Bình", parent=root, kind="UBND_XA", admin_level="XA")
    other = make_unit("HG", "UBND tỉnh Hà Giang", kind="UBND_TINH")
    return SimpleNamespace(root=root, so=so, xa=xa, other=other)


def add_political_theory(units):
    """Province level (Sở Nội vụ): CN; CC over TC; TC issued in 2027 (none before); nothing; a contract worker (HD)
    with CC who is never counted. Commune level: a cadre with SC, one with nothing."""
    make_person(units.so, code="LL_CN", qualifications=[("LLCT", "CN", D(2010, 1, 1))])
    make_person(units.so, code="LL_CC", qualifications=[("LLCT", "TC", D(2012, 1, 1)), ("LLCT", "CC", D(2018, 1, 1))])
    make_person(units.so, code="LL_LATE", qualifications=[("LLCT", "TC", D(2027, 1, 1))])
    make_person(units.so, code="LL_NONE")
    make_person(units.so, code="LL_HD", category="HD", qualifications=[("LLCT", "CC")])
    make_person(units.xa, code="LL_SC", category="CB", qualifications=[("LLCT", "SC")])
    make_person(units.xa, code="LL_XA_NONE", category="CB")


def _program(code, category, kind="FOSTERING", tiet=40):
    return Program.objects.create(code=code, name=f"Chương trình {code}", category=category, kind=kind,
                                  duration_tiet=tiet)


def _class(code, program, provider, ends_on, form="IN_PERSON", abroad=False, days=4, sessions=0):
    cls = TrainingClass.objects.create(
        program=program, provider=provider, code=code, name=f"Lớp {code}", capacity=50, status="FINISHED",
        starts_on=ends_on - datetime.timedelta(days=days), ends_on=ends_on, form=form, abroad=abroad,
        country="JP" if abroad else "VN",
    )
    ClassSession.objects.bulk_create(
        ClassSession(training_class=cls, date=cls.starts_on + datetime.timedelta(days=i), tiet=4) for i in range(sessions)
    )
    return cls


def _enrol(cls, person, state="COMPLETED"):
    return Enrollment.objects.create(
        training_class=cls, person=person, source="NOMINATED", state=state,
        completed_on=cls.ends_on if state == "COMPLETED" else None,
    )


def add_training(units):
    """Enrolments behind the 2026 training-volume figures of TQ (see test_new_reports):

    - an (Sở Nội vụ): LLCT in person, QLNN online, CMNV abroad in 2026; LLCT in 2025 (another year);
    - binh (commune): the same LLCT class; FAILED the QLNN online class; WITHDRAWN from an IT class;
    - chi: in Hà Giang until 31/07/2026, then Sở Nội vụ: a language class ended 01/06/2026 is Hà Giang's, an IT
      class ended 01/11/2026 is TQ's;
    - dung: Sở Nội vụ until 30/06/2026, then Hà Giang: digital skills online ended 01/03/2026 stays TQ's."""
    provider = make_provider(code="TCT_TQ", name="Trường Chính trị tỉnh Tuyên Quang")
    an = make_person(units.so, code="TV_AN", full_name="Nguyễn Văn An")
    binh = make_person(units.xa, code="TV_BINH", full_name="Lê Thị Bình", category="CB")
    chi = make_person(units.other, code="TV_CHI", full_name="Trần Văn Chí")
    change_single(chi, UnitAssignment, D(2026, 8, 1), Source.DECISION, unit=units.so)
    dung = make_person(units.so, code="TV_DUNG", full_name="Phạm Thị Dung")
    change_single(dung, UnitAssignment, D(2026, 7, 1), Source.DECISION, unit=units.other)

    llct = _class("TQ-LLCT-26", _program("P_LLCT", "LLCT", tiet=120), provider, D(2026, 5, 10), sessions=3)
    qlnn = _class("TQ-QLNN-26", _program("P_QLNN", "QLNN"), provider, D(2026, 9, 1), form="ONLINE")
    cmnv = _class("TQ-CMNV-26", _program("P_CMNV", "CMNV"), provider, D(2026, 10, 1), abroad=True)
    old = _class("TQ-LLCT-25", llct.program, provider, D(2025, 12, 20))
    lang = _class("TQ-NN-26", _program("P_NN", "NGOAI_NGU"), provider, D(2026, 6, 1), form="BLENDED")
    it = _class("TQ-TH-26", _program("P_TH", "TIN_HOC"), provider, D(2026, 11, 1), form="BLENDED")
    digital = _class("TQ-SO-26", _program("P_SO", "SO_AI"), provider, D(2026, 3, 1), form="ONLINE")
    for cls in (llct, qlnn, cmnv, old):
        _enrol(cls, an)
    _enrol(llct, binh)
    _enrol(qlnn, binh, "FAILED")
    _enrol(it, binh, "WITHDRAWN")
    _enrol(lang, chi)
    _enrol(it, chi)
    _enrol(digital, dung)
    return SimpleNamespace(provider=provider, an=an, binh=binh, chi=chi, dung=dung, llct=llct, qlnn=qlnn, cmnv=cmnv,
                           old=old, lang=lang, it=it, digital=digital)
