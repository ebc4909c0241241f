"""The fostering-history export: one identifier per person, four groups (LLCT, QPAN, QLNN, CMNV), each record with
type, level, programme, issuer, dates, tiết, certificate number and source; no record counted twice."""
import datetime

from dtbd.core.models import ExportLog
from dtbd.people.models import Qualification

from .conftest import token_client


def _export(user, person):
    response = token_client(user).get(f"/api/v1/staff/{person.pk}/fostering-history/")
    assert response.status_code == 200
    return response.json()


def test_shape_and_records(world, users):
    Qualification.objects.create(person=world.a, type="QPAN", level="DT3", issuer="Trường Quân sự tỉnh",
                                 issued_on=datetime.date(2020, 3, 1), certificate_no="QP-123", hours=48)
    data = _export(users.officer, world.a)
    assert data["format"] == "cbccvc-fostering/1"
    assert data["person"] == {"citizen_id": "001085000111", "code": "A001", "full_name": "Lê Văn An",
                              "birth_date": "1985-05-17", "gender": "NAM"}
    groups = {g["group"]: g for g in data["groups"]}
    assert list(groups) == ["LLCT", "QPAN", "QLNN", "CMNV"]

    [llct] = groups["LLCT"]["records"]
    assert (llct["type"], llct["qualification_type"], llct["level"], llct["to_date"], llct["source"]) == (
        "QUALIFICATION", "LLCT", "TC", "2015-06-01", "IMPORTED")

    [qpan] = groups["QPAN"]["records"]
    assert (qpan["level"], qpan["issuer"], qpan["tiet"], qpan["certificate_no"]) == ("DT3", "Trường Quân sự tỉnh", 48, "QP-123")
    assert groups["QPAN"]["total_tiet"] == 48

    # The completed class: one record (its certificate's qualification is not listed a second time).
    [course] = groups["QLNN"]["records"]
    cls = world.cls
    assert course == {
        "type": "FOSTERING", "qualification_type": "QLNN", "level": "CVC", "level_label": "Chuyên viên chính",
        "programme_code": "QLNN_CVC", "programme": cls.program.name, "class_code": "API01",
        "issuer": "Trường Chính trị thử", "form": "IN_PERSON", "abroad": False, "country": None,
        "from_date": cls.starts_on.isoformat(), "to_date": course["to_date"], "tiet": 8, "result": course["result"],
        "certificate_no": world.cert_a.number, "certificate_date": world.cert_a.issued_on.isoformat(),
        "funding_source": None, "source": "CLASS",
    }
    assert course["to_date"] in (cls.ends_on.isoformat(), world.enr_a.completed_on and world.enr_a.completed_on.isoformat())
    assert Qualification.objects.filter(person=world.a, type="QLNN").count() == 1
    assert groups["CMNV"]["records"] == []
    # Degree education is not fostering.
    assert all(r["qualification_type"] != "EDU" for g in data["groups"] for r in g["records"])


def test_identifier_masked_for_read_only_roles(world, users):
    assert _export(users.leader, world.a)["person"]["citizen_id"] == "********0111"
    assert _export(users.province, world.b)["person"]["citizen_id"] == "001085000222"


def test_documented_in_the_schema(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/staff/{id}/fostering-history/"]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(component["properties"]) == {"format", "generated_on", "person", "groups"}
    record = schema["components"]["schemas"]["FosteringRecord"]["properties"]
    assert {"type", "level", "programme", "issuer", "from_date", "to_date", "tiet", "certificate_no", "source"} <= set(record)


def test_export_is_logged(world, users):
    _export(users.officer, world.a)
    log = ExportLog.objects.get(description__contains="fostering-history")
    assert (log.user, log.kind, log.rows, log.filters) == (users.officer, "API", 1, {"person": "A001"})
    assert "fostering-history" in log.description and "A001" in log.description
    token_client(users.officer).get(f"/api/v1/staff/{world.b.pk}/fostering-history/")  # 404: nothing exported
    assert ExportLog.objects.filter(description__contains="fostering-history").count() == 1


def test_staff_reads_logged(world, users):
    client = token_client(users.leader)
    client.get("/api/v1/staff/", {"q": "A001"})
    client.get(f"/api/v1/staff/{world.a.pk}/")
    client.get(f"/api/v1/staff/{world.b.pk}/")  # out of scope: 404, nothing logged
    logs = list(ExportLog.objects.order_by("at", "id").values_list("user", "kind", "rows", "filters"))
    assert logs == [(users.leader.pk, "API", 1, {"q": "A001"}), (users.leader.pk, "API", 1, {})]
