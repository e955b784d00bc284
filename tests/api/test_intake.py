"""POST /complaints: creation, idempotency, validation and size limits."""

from kesu.complaints.models import Complaint, ComplaintEvent, IdempotencyRecord
from tests.api.conftest import complaint_body, run_intake_pump


def test_create_with_token_returns_201_and_the_complaint(handler, api_for):
    api = api_for(handler)

    r = api.post("/complaints", complaint_body())

    assert r.status_code == 201
    body = r.json()
    complaint = Complaint.objects.get()
    number = complaint.number
    assert body["number"] == number
    assert body["number"].startswith("TS-")
    assert body["channel"] == "api"
    assert body["status"] == "registered"
    assert body["category"] == {"code": "logistics", "name": "物流配送"}
    assert body["customer_name"] == "王丽"
    assert body["customer_phone"] == "138****5678"
    assert body["version"] == 1
    assert r["ETag"] == '"1"'
    assert r["Location"] == f"/api/v1/complaints/{number}"
    assert body["links"] == {
        "detail": f"/api/v1/complaints/{number}",
        "timeline": f"/api/v1/complaints/{number}/timeline",
        "triage": f"/api/v1/complaints/{number}/triage",
        "evidence": f"/api/v1/complaints/{number}/evidence",
        "transitions": f"/api/v1/complaints/{number}/transitions",
    }
    # The answer is the registration itself; the intake work is left to the pump.
    assert body["intake_pending"] is True
    assert body["assignee"] is None
    assert body["next_due_at"] is None
    assert "deadlines" not in body
    assert complaint.registered_by == handler
    assert complaint.intake_pending is True
    assert api.get(f"/complaints/{number}").json()["intake_pending"] is True

    assert run_intake_pump() == 1

    complaint.refresh_from_db()
    assert complaint.intake_pending is False
    assert complaint.assignee.username == "handler1"
    assert complaint.version == 1  # the intake work belongs to the registration: the ETag stays valid

    detail = api.get(f"/complaints/{number}").json()

    assert detail["assignee"]["username"] == "handler1"
    assert [d["stage"] for d in detail["deadlines"]] == ["acknowledge", "first_response", "resolve"]
    assert detail["triage"]["category"] == "logistics"
    assert detail["version"] == 1


def test_the_pump_runs_the_intake_work_with_acknowledgement_and_escalation(handler, supervisor, api_for):
    from django.core import mail

    body = complaint_body(
        title="客服泄露了我的手机号",
        description="你们客服把我的手机号和住址泄露给了第三方，现在天天接到骚扰电话，要求给个说法。",
    )

    r = api_for(handler).post("/complaints", body)
    run_intake_pump()

    assert r.status_code == 201
    assert r.json()["escalated"] is False  # what the registration itself wrote
    complaint = Complaint.objects.get()
    assert complaint.escalated is True
    kinds = list(complaint.events.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["registered", "assigned", "triage", "escalated", "message"]
    assert [m.subject for m in mail.outbox if m.to == ["wangli@example.cn"]] == [
        f"We have received your complaint {complaint.number}"
    ]
    assert supervisor.notifications.filter(complaint=complaint, kind="escalated").count() == 1


def test_replay_after_the_intake_work_answers_the_current_state(handler, api_for):
    api = api_for(handler)
    first = api.post("/complaints", complaint_body(), **{"Idempotency-Key": "crm-4713"})
    run_intake_pump()

    again = api.post("/complaints", complaint_body(), **{"Idempotency-Key": "crm-4713"})

    assert first.json()["intake_pending"] is True
    assert again.status_code == 200
    assert again.json()["intake_pending"] is False
    assert again.json()["assignee"]["username"] == "handler1"
    assert again.json()["number"] == first.json()["number"]
    assert again["ETag"] == first["ETag"]


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
