"""Read replica as a TEST MIRROR of the default database (what DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
gives when DATABASE_REPLICA_URL is set): the report pages, their downloads and the dashboard read on the replica
alias, while the session, the user and every write stay on the primary; other pages never touch the replica.

The alias is added for this module only (a module-scoped fixture, so it exists before the test case checks its
databases) and the tests are transactional: the mirror's own connection must see the committed test data."""
import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.org.testing import make_unit
from dtbd.people.testing import make_person

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    settings_dict = connections["default"].settings_dict
    connections.settings["replica"] = {**settings_dict, "TEST": {**settings_dict["TEST"], "MIRROR": "default"}}
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            connections["replica"].close()
        del connections["replica"]
        del connections.settings["replica"]


@pytest.fixture
def replica_mirror(replica_alias, transactional_db):  # transactional_db: the root conftest re-seeds the catalogues
    return connections["replica"]


def _report_tables(queries):
    return [q["sql"] for q in queries if "people_" in q["sql"] or "training_" in q["sql"] or "org_unit" in q["sql"]]


def test_report_page_reads_from_the_replica(client, replica_mirror):
    root = make_unit("T_REP", "UBND tỉnh Thử", kind="UBND_TINH")
    make_person(root, education="THS")
    make_person(root, education="DH")
    client.force_login(make_user("tinh_rep", Role.PROVINCE))
    url = reverse("reports:report", args=["qualification-structure"])
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(replica_mirror) as replica:
        response = client.get(url, {"unit": root.pk, "date": "01/07/2026"})
    assert response.status_code == 200
    # the figures are right (the mirror is the same database) and were read on the replica connection
    assert response.context["result"].rows[-1][0] == "ALL" and response.context["result"].rows[-1][-1] == 2
    assert any("people_qualification" in sql for sql in _report_tables(replica.captured_queries))
    # the primary only served the session and the user (read by the middleware before the view)
    assert _report_tables(primary.captured_queries) == []
    assert any("django_session" in q["sql"] for q in primary.captured_queries)
    assert not any(q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
                   for q in replica.captured_queries)


def test_report_download_writes_its_export_log_on_the_primary(client, replica_mirror):
    root = make_unit("T_DL", "UBND tỉnh Thử", kind="UBND_TINH")
    make_person(root, education="THS")
    client.force_login(make_user("tinh_dl", Role.PROVINCE))
    url = reverse("reports:download", args=["qualification-structure", "csv"])
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(replica_mirror) as replica:
        response = client.get(url, {"unit": root.pk, "date": "01/07/2026"})
    assert response.status_code == 200
    assert _report_tables(replica.captured_queries)
    writes = [q["sql"] for q in primary.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert writes  # the export log entry
    assert not any(q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
                   for q in replica.captured_queries)


def test_dashboard_reads_from_the_replica(client, replica_mirror):
    """The dashboard's figures come from the replica. The first view of a period computes and stores its summary
    (writes on the primary): from that write on, the same request reads the primary (read-your-writes); the next
    views read the stored figures from the replica."""
    root = make_unit("T_DASH", "UBND tỉnh Thử", kind="UBND_TINH")
    make_person(root, education="THS")
    client.force_login(make_user("tinh_dash", Role.PROVINCE))
    url, params = reverse("dashboard:index"), {"unit": root.pk, "year": "2025"}
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(replica_mirror) as replica:
        first = client.get(url, params)
    assert first.status_code == 200
    writes = [q["sql"] for q in primary.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes and not any(_writes(replica.captured_queries))
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(replica_mirror) as replica:
        again = client.get(url, params)
    assert again.status_code == 200
    assert again.context["board"] is not None
    assert len(_report_tables(replica.captured_queries)) >= 3
    assert _report_tables(primary.captured_queries) == [] and not any(_writes(replica.captured_queries))


def _writes(queries):
    return [q for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_outside_report_pages_nothing_reads_from_the_replica(client, replica_mirror):
    root = make_unit("T_STAFF", "UBND tỉnh Thử", kind="UBND_TINH")
    make_person(root)
    client.force_login(make_user("tinh_staff", Role.PROVINCE))
    with CaptureQueriesContext(replica_mirror) as replica:
        assert client.get(reverse("home:home")).status_code == 200
    assert replica.captured_queries == []
