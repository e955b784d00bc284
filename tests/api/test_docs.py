"""OpenAPI schema and the docs page (which must work without internet access)."""

import json
import re

from django.test import Client

EXPECTED_PATHS = {
    "/api/v1/complaints",
    "/api/v1/complaints/{number}",
    "/api/v1/complaints/{number}/timeline",
    "/api/v1/complaints/{number}/transitions",
    "/api/v1/complaints/{number}/findings",
    "/api/v1/complaints/{number}/notes",
    "/api/v1/complaints/{number}/evidence",
    "/api/v1/complaints/{number}/tasks",
    "/api/v1/complaints/{number}/proposals",
    "/api/v1/complaints/{number}/follow-ups",
    "/api/v1/complaints/{number}/escalate",
    "/api/v1/complaints/{number}/assign",
    "/api/v1/complaints/{number}/reveal",
    "/api/v1/complaints/{number}/triage",
    "/api/v1/complaints/{number}/category-confirmation",
    "/api/v1/complaints/{number}/similar",
    "/api/v1/complaints/{number}/replies",
    "/api/v1/lint-reply",
    "/api/v1/tasks",
    "/api/v1/tasks/{task_id}/answer",
    "/api/v1/tasks/{task_id}/cancel",
    "/api/v1/proposals/{proposal_id}/decision",
    "/api/v1/approvals",
    "/api/v1/notifications",
    "/api/v1/notifications/read",
    "/api/v1/reference",
}


def test_openapi_json_is_valid_json_listing_the_paths(db):
    r = Client().get("/api/v1/openapi.json")

    assert r.status_code == 200
    schema = json.loads(r.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Kesu API"
    assert schema["info"]["version"] == "1.0"
    # The desk's paths exactly; each academy app documents its own under its prefix.
    academy = ("competency", "training", "exams", "plans", "effectiveness", "wellbeing", "roleplay")
    desk = {p for p in schema["paths"] if p.split("/")[3] not in academy}
    assert desk == EXPECTED_PATHS
    assert "/api/v1/competency/needs/me" in schema["paths"]
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "Session"}
    create = schema["paths"]["/api/v1/complaints"]["post"]
    assert {"200", "201", "401", "409", "422"} <= set(create["responses"])
    assert [p["name"] for p in create["parameters"]] == ["Idempotency-Key"]


def test_docs_page_loads_only_local_assets(db):
    client = Client()

    r = client.get("/api/v1/docs")

    assert r.status_code == 200
    html = r.content.decode()
    assets = re.findall(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"', html)
    assert assets == [
        "/static/vendor/swagger-ui/swagger-ui.css",
        "/static/vendor/swagger-ui/favicon-32x32.png",
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/vendor/swagger-ui/kesu-swagger-init.js",
    ]
    assert not re.search(r"https?://", html)
    assert '"validatorUrl": null' in html
    for url in assets:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert b"".join(asset.streaming_content if asset.streaming else [asset.content])


def test_unknown_api_path_answers_json_404(db):
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/no-such-thing")

    assert r.status_code == 404
    assert r.json() == {"code": "not_found", "message": "There is no such API endpoint.", "details": {}}
