"""Bến Tre's published figures (docs/domain.md §12): province level 23 TS / 899 ThS / 3.923 ĐH; district 2 / 88 /
726; commune 35 ThS / 2.945 ĐH. Rebuilt with bulk_create and reported exactly, with people who must not change the
figures."""
import datetime
import io

import pytest
from django.core.management import call_command

from dtbd.org.testing import make_unit

from .builders import bulk_people

pytestmark = pytest.mark.django_db

D = datetime.date
SEED_000_CSV = (
    "level,TS,THS,DH,CD,TC,SC,CQDT,total\n"
    "TINH,23,899,3923,0,0,0,0,4845\n"
    "HUYEN,2,88,726,0,0,0,0,816\n"
    "XA,0,35,2945,0,0,0,0,2980\n"
    "ALL,25,1022,7594,0,0,0,0,8641\n"
)


def build_seed_000():
    root = make_unit("BTR", "UBND tỉnh Bến Tre", kind="UBND_TINH")
    so_nv = make_unit("BTR.SNV", "Sở Nội vụ", parent=root)
    so_yt = make_unit("BTR.SYT", "Sở Y tế", parent=root)
    benh_vien = make_unit("BTR.SYT.BV", "Bệnh viện tỉnh", parent=so_yt, kind="DVSN")
    huyen_a = make_unit("BTR.GT", "UBND huyện Giồng Trôm", parent=root, kind="UBND_HUYEN", admin_level="HUYEN",
                        valid_to=D(2025, 6, 30))
    huyen_b = make_unit("BTR.CT", "UBND huyện Châu Thành", parent=root, kind="UBND_HUYEN", admin_level="HUYEN",
                        valid_to=D(2025, 6, 30))
    xa = [
        make_unit(f"BTR.{h.code[-2:]}.X{i}", f"UBND xã {i} {h.name}", parent=h, kind="UBND_XA", admin_level="XA",
                  valid_to=D(2025, 6, 30))
        for h in (huyen_a, huyen_b)
        for i in (1, 2)
    ]
    # Province level: 23 TS, 899 ThS, 3.923 ĐH spread over departments and a hospital; the higher degrees also
    # hold the lower ones (the highest counts).
    bulk_people(so_nv, 10, education=("DH", "THS", "TS"))
    bulk_people(benh_vien, 13, category="VC", education=("DH", "TS"))
    bulk_people(so_nv, 400, education=("DH", "THS"))
    bulk_people(so_yt, 499, category="VC", education=("THS",))
    bulk_people(root, 3, category="CB", education=("DH",))
    bulk_people(so_nv, 1920, education=("DH",))
    bulk_people(benh_vien, 2000, category="VC", education=("CD", "DH"))
    # District level (historical): 2 TS, 88 ThS, 726 ĐH.
    bulk_people(huyen_a, 2, education=("DH", "THS", "TS"))
    bulk_people(huyen_a, 50, education=("THS",))
    bulk_people(huyen_b, 38, education=("THS",))
    bulk_people(huyen_a, 400, education=("DH",))
    bulk_people(huyen_b, 326, category="CB", education=("DH",))
    # Commune level: 35 ThS, 2.945 ĐH.
    for unit, ths, dh in zip(xa, (10, 10, 10, 5), (800, 800, 800, 545)):
        bulk_people(unit, ths, category="CB", education=("DH", "THS"))
        bulk_people(unit, dh, category="CC", education=("DH",))
    # Not counted: contract workers, people with no education record, a degree issued after the date.
    bulk_people(so_nv, 40, category="HD", education=("DH",))
    bulk_people(xa[0], 15, category="CB", education=())
    bulk_people(so_nv, 7, education=("TS",), issued_on=D(2025, 1, 1))
    return root


def test_seed_000_figures_are_reproduced_exactly():
    build_seed_000()
    out = io.StringIO()
    call_command("report", "qualification-structure", "--unit", "BTR", "--date", "2024-12-31", stdout=out)
    assert out.getvalue() == SEED_000_CSV
