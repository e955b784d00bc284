"""POST /complaints: creation, idempotency, validation and size limits."""

from kesu.complaints.models import Complaint, ComplaintEvent, IdempotencyRecord
from tests.api.conftest import complaint_body


def test_create_with_token_returns_201_and_the_complaint(handler, api_for):
    api = api_for(handler)

    r = api.post("/complaints", complaint_body())

    assert r.status_code == 201
    body = r.json()
    complaint = Complaint.objects.get()
    assert body["number"] == complaint.number
    assert body["number"].startswith("TS-")
    assert body["channel"] == "api"
    assert body["status"] == "registered"
    assert body["category"] == {"code": "logistics", "name": "物流配送"}
    assert body["assignee"]["username"] == "handler1"
    assert body["version"] == complaint.version
    assert r["ETag"] == f'"{complaint.version}"'
    assert r["Location"] == f"/api/v1/complaints/{complaint.number}"
    assert [d["stage"] for d in body["deadlines"]] == ["acknowledge", "first_response", "resolve"]
    assert complaint.registered_by == handler


def test_same_idempotency_key_returns_the_same_complaint(handler, api_for):
    api = api_for(handler)
    first = api.post("/complaints", complaint_body(), **{"Idempotency-Key": "crm-4711"})

    again = api.post("/complaints", complaint_body(), **{"Idempotency-Key": "crm-4711"})

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    assert Complaint.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_reused_idempotency_key_with_another_body_is_refused(handler, api_for):
    api = api_for(handler)
    api.post("/complaints", complaint_body(), **{"Idempotency-Key": "crm-4712"})

    r = api.post("/complaints", complaint_body(title="另一件事"), **{"Idempotency-Key": "crm-4712"})

    assert r.status_code == 422
    assert r.json()["code"] == "idempotency_key_reused"
    assert Complaint.objects.count() == 1


def test_same_key_of_another_user_creates_a_separate_complaint(handler, senior, api_for):
    api_for(handler).post("/complaints", complaint_body(), **{"Idempotency-Key": "k-1"})

    r = api_for(senior).post("/complaints", complaint_body(), **{"Idempotency-Key": "k-1"})

    assert r.status_code == 201
    assert Complaint.objects.count() == 2


def test_description_over_20000_characters_is_refused_and_nothing_is_created(handler, api_for):
    r = api_for(handler).post("/complaints", complaint_body(description="投" * 20_001))

    assert r.status_code == 422
    assert r.json() == {
        "code": "text_too_long",
        "message": "Description is too long: 20001 characters, at most 20000.",
        "details": {"field": "description", "max": 20_000},
    }
    assert Complaint.objects.count() == 0
    assert ComplaintEvent.objects.count() == 0


def test_description_of_exactly_20000_characters_is_accepted(handler, api_for):
    r = api_for(handler).post("/complaints", complaint_body(description="投" * 20_000))

    assert r.status_code == 201
    assert len(Complaint.objects.get().description) == 20_000


def test_missing_and_malformed_fields_answer_422_with_the_field_errors(handler, api_for):
    body = complaint_body(severity="apocalyptic")
    del body["title"]

    r = api_for(handler).post("/complaints", body)

    assert r.status_code == 422
    data = r.json()
    assert data["code"] == "validation_failed"
    assert {(e["field"], e["in"]) for e in data["details"]["errors"]} == {
        ("title", "body"),
        ("severity", "body"),
    }
    assert Complaint.objects.count() == 0


def test_nested_field_error_names_the_path(handler, api_for):
    body = complaint_body()
    del body["customer"]["name"]

    r = api_for(handler).post("/complaints", body)

    assert r.status_code == 422
    assert r.json()["details"]["field"] == "customer.name"


def test_domain_validation_names_the_field(handler, api_for):
    r = api_for(handler).post("/complaints", complaint_body(customer={"name": "王丽", "phone": "12345"}))

    assert r.status_code == 422
    assert r.json()["code"] == "validation_failed"
    assert r.json()["details"] == {"field": "phone"}


def test_unknown_category_is_422(handler, api_for):
    r = api_for(handler).post("/complaints", complaint_body(category="nope"))

    assert r.status_code == 422
    assert r.json()["details"] == {"field": "category"}


def test_malformed_json_is_400_bad_request(handler, api_for):
    api = api_for(handler)
    r = api.client.post("/api/v1/complaints", "{not json", content_type="application/json")

    assert r.status_code == 400
    assert r.json() == {"code": "bad_request", "message": "Cannot parse request body", "details": {}}


def test_role_without_intake_permission_gets_403(auditor, api_for):
    r = api_for(auditor).post("/complaints", complaint_body())

    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    assert Complaint.objects.count() == 0


def test_idempotency_key_over_100_characters_is_422(handler, api_for):
    r = api_for(handler).post("/complaints", complaint_body(), **{"Idempotency-Key": "k" * 101})

    assert r.status_code == 422
    assert r.json()["details"]["field"] == "Idempotency-Key"
    assert Complaint.objects.count() == 0


def test_body_over_2_mb_is_413_request_too_large(handler, api_for):
    r = api_for(handler).post("/complaints", complaint_body(product="x" * (2 * 1024 * 1024 + 1)))

    assert r.status_code == 413
    assert r.json() == {
        "code": "request_too_large",
        "message": "The request body is too large.",
        "details": {},
    }
    assert Complaint.objects.count() == 0
