import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dtbd.org.testing import make_unit
from dtbd.training.forms.catalogue import ProgramForm
from dtbd.training.models import Program, Provider
from dtbd.training.queries import programmes_for_need

pytestmark = pytest.mark.django_db


def make_program(code, **kw):
    defaults = {"name": f"Chương trình {code}", "category": "CMNV", "kind": "FOSTERING", "duration_tiet": 40}
    defaults.update(kw)
    return Program.objects.create(code=code, **defaults)


def test_seed_providers_and_programmes():
    assert Provider.objects.filter(name="Học viện Chính trị quốc gia Hồ Chí Minh", kind="HV_CTQG").exists()
    assert Provider.objects.get(code="TCT_TINH").unit is None
    phong = Program.objects.get(code="LDQL_PHONG")
    assert (phong.grants_type, phong.grants_level, phong.duration_tiet) == ("LDQL", "CAP_PHONG", 160)
    assert Program.objects.get(code="LLCT_CC").grants_level_order == 4
    assert Program.objects.filter(category="SO_AI").exists()
    assert {p.grants_level for p in Program.objects.filter(grants_type="QLNN")} == {"CV", "CVC", "CVCC"}
    assert {p.grants_level for p in Program.objects.filter(grants_type="QPAN")} == {"DT3", "DT4"}


def test_grant_validation():
    p = Program(code="X", name="X", category="LLCT", kind="DEGREE", duration_tiet=8, grants_type="LLCT", grants_level="CVC")
    with pytest.raises(ValidationError) as err:
        p.full_clean()
    assert "grants_level" in err.value.message_dict
    p = Program(code="Y", name="Y", category="LLCT", kind="DEGREE", duration_tiet=8, grants_type="LLCT")
    with pytest.raises(ValidationError):
        p.full_clean()


def test_provider_unit_must_be_institution(tree):
    provider = Provider(code="P", name="P", kind="KHAC", unit=tree.so_a)
    with pytest.raises(ValidationError):
        provider.full_clean()
    school = make_unit("TRUONG1", "Trường Chính trị tỉnh Thử", parent=tree.root, kind="TRUONG")
    Provider(code="P2", name="P2", kind="TRUONG_CHINH_TRI", unit=school).full_clean()


def test_programmes_for_need_levels():
    codes = set(programmes_for_need("LLCT", "TC").values_list("code", flat=True))
    assert {"LLCT_TC", "LLCT_CC"} <= codes
    assert set(programmes_for_need("LLCT", "CC").values_list("code", flat=True)) == {"LLCT_CC"}
    assert "QLNN_CV" not in set(programmes_for_need("QLNN", "CVC").values_list("code", flat=True))
    Program.objects.filter(code="LLCT_CC").update(active=False)
    assert not programmes_for_need("LLCT", "CC").exists()


def _list_queries(client, n):
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(reverse("training:program_list"))
    assert resp.status_code == 200
    return len(ctx)


def test_list_fixed_query_count(client, users):
    client.force_login(users.province)
    prov = Provider.objects.first()
    Program.objects.all().delete()
    for i in range(5):
        make_program(f"A{i}").providers.add(prov)
    small = _list_queries(client, 5)
    for i in range(5, 50):
        make_program(f"A{i}").providers.add(prov)
    assert _list_queries(client, 50) == small


def test_list_filters_and_accent_insensitive_search(client, users):
    client.force_login(users.leader)
    resp = client.get(reverse("training:program_list"), {"q": "ly luan chinh tri"})
    codes = {p.code for p in resp.context["programs"]}
    assert codes == {"LLCT_TC", "LLCT_CC"}
    resp = client.get(reverse("training:program_list"), {"q": "LÃNH ĐẠO cap phong"})
    assert {p.code for p in resp.context["programs"]} == {"LDQL_PHONG"}
    resp = client.get(reverse("training:program_list"), {"category": "QPAN"})
    assert {p.code for p in resp.context["programs"]} == {"QPAN_DT3", "QPAN_DT4"}
    resp = client.get(reverse("training:program_list"), {"kind": "BRIEFING"})
    assert {p.code for p in resp.context["programs"]} == {"SO_AI_CB"}
    assert "Kỹ năng số" in resp.content.decode()


def test_readers_and_refusals(client, users):
    program = Program.objects.get(code="LLCT_CC")
    provider = Provider.objects.get(code="HVCTQG")
    for user in (users.admin, users.province, users.officer, users.leader, users.institution):
        client.force_login(user)
        for url in (reverse("training:program_list"), reverse("training:program_detail", args=[program.pk]),
                    reverse("training:provider_list"), reverse("training:provider_detail", args=[provider.pk])):
            assert client.get(url).status_code == 200, (user.username, url)
    client.force_login(users.learner)
    assert client.get(reverse("training:program_list")).status_code == 403
    client.logout()
    assert client.get(reverse("training:program_list")).status_code == 302


def test_provider_detail_lists_its_programmes(client, users):
    client.force_login(users.leader)
    resp = client.get(reverse("training:provider_detail", args=[Provider.objects.get(code="HVHC").pk]))
    text = resp.content.decode()
    assert "Bồi dưỡng quản lý nhà nước ngạch chuyên viên cao cấp" in text
    assert "Trung cấp lý luận chính trị" not in text


def _payload(**kw):
    data = {"code": "NEW1", "name": "Bồi dưỡng nghiệp vụ văn thư", "category": "CMNV", "kind": "FOSTERING",
            "duration_tiet": "24", "grants_type": "", "grants_level": "", "target_audience": "", "validity_years": "",
            "active": "on"}
    data.update(kw)
    return data


def test_create_and_edit_by_managers(client, users):
    client.force_login(users.province)
    resp = client.post(reverse("training:program_create"), _payload())
    program = Program.objects.get(code="NEW1")
    assert resp.status_code == 302
    assert program.search == "new1 boi duong nghiep vu van thu"
    client.force_login(users.admin)
    resp = client.post(reverse("training:program_edit", args=[program.pk]),
                       _payload(grants_type="QLNN", grants_level="CV", duration_tiet="240"))
    assert resp.status_code == 302
    program.refresh_from_db()
    assert (program.grants_level, program.grants_level_order, program.duration_tiet) == ("CV", 2, 240)


def test_create_rejects_level_of_other_type(client, users):
    client.force_login(users.province)
    resp = client.post(reverse("training:program_create"), _payload(grants_type="LLCT", grants_level="CV"))
    assert resp.status_code == 200
    assert "không thuộc loại" in resp.content.decode()
    assert not Program.objects.filter(code="NEW1").exists()


def test_create_and_edit_refused_for_others(client, users):
    program = Program.objects.get(code="LLCT_TC")
    for user in (users.officer, users.leader, users.institution, users.learner):
        client.force_login(user)
        assert client.get(reverse("training:program_create")).status_code == 403
        assert client.post(reverse("training:program_create"), _payload()).status_code == 403
        assert client.post(reverse("training:program_edit", args=[program.pk]), _payload(code="LLCT_TC")).status_code == 403
    assert not Program.objects.filter(code="NEW1").exists()
    program.refresh_from_db()
    assert program.name == "Trung cấp lý luận chính trị"


def test_menu_item(client, users):
    client.force_login(users.institution)
    assert "Chương trình, cơ sở ĐTBD" in client.get(reverse("training:program_list")).content.decode()


def test_changes_are_audited_and_shown_to_managers(client, users):
    from auditlog.models import LogEntry

    client.force_login(users.province)
    client.post(reverse("training:program_create"), _payload())
    program = Program.objects.get(code="NEW1")
    assert LogEntry.objects.get_for_object(program).filter(actor=users.province).exists()
    resp = client.get(reverse("training:program_detail", args=[program.pk]))
    assert "Lịch sử thay đổi" in resp.content.decode()
    client.force_login(users.leader)
    resp = client.get(reverse("training:program_detail", args=[program.pk]))
    assert "Lịch sử thay đổi" not in resp.content.decode()


def test_admin_pages(client, users):
    client.force_login(users.admin)
    assert client.get("/admin/training/program/").status_code == 200
    assert client.get("/admin/training/provider/").status_code == 200


@pytest.mark.django_db
def test_programme_form_checks_audience_codes(client, users):
    program = Program.objects.get(code="QLNN_CVC")
    assert (program.audience_categories, program.audience_post_levels) == ("CC", "")  # seeded by migration 0005
    data = {
        "code": "X1", "name": "Lớp thử", "category": "QLNN", "kind": "FOSTERING", "duration_tiet": 40,
        "audience_categories": "cc; vc, CC", "audience_post_levels": "TP,XYZ", "active": "on",
    }
    form = ProgramForm(data)
    assert not form.is_valid()
    assert "XYZ" in str(form.errors["audience_post_levels"])
    data["audience_post_levels"] = "tp, ptp"
    form = ProgramForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["audience_categories"] == "CC,VC"
    assert form.cleaned_data["audience_post_levels"] == "TP,PTP"
