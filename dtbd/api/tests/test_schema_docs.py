"""The OpenAPI schema validates without warnings; the docs pages are served from our own static files."""
import io

import yaml
from django.core.management import call_command

from .conftest import token_client


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"),
                 stdout=io.StringIO(), stderr=io.StringIO())
    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    paths = set(schema["paths"])
    for resource in ("units", "staff", "qualifications", "requirements", "programmes", "classes", "enrolments",
                     "certificates", "reports"):
        assert f"/api/v1/{resource}/" in paths
    assert "/api/v1/staff/{id}/fostering-history/" in paths
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "http", "scheme": "bearer", "description": schema["components"]["securitySchemes"]["tokenAuth"]["description"],
    }


def test_schema_and_docs_served(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn.jsdelivr" not in html and "unpkg" not in html
    redoc = client.get("/api/redoc/")
    assert redoc.status_code == 200 and "cdn.jsdelivr" not in redoc.content.decode()


def test_anonymous_api_request_refused(client):
    response = client.get("/api/v1/staff/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_schema_and_docs_need_a_login_in_production(client, users, settings):
    """Production (README "Security"): the schema and the docs pages are for logged-in users (session or API key)."""
    settings.PRODUCTION = True
    assert client.get("/api/schema/").status_code == 401
    for url in ("/api/docs/", "/api/redoc/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url
    assert token_client(users.learner).get("/api/schema/").status_code == 200
    client.force_login(users.learner)
    for url in ("/api/schema/", "/api/docs/", "/api/redoc/"):
        assert client.get(url).status_code == 200, url
