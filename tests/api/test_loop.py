"""The whole closed loop through the API, with a department task and an approval above the handler's
authority decided by a supervisor."""

import datetime as dt

from kesu.complaints.models import CompensationProposal, Complaint
from tests.api.conftest import complaint_body, run_intake_pump


def _step(api, number, action, version, **extra):
    r = api.post(f"/complaints/{number}/transitions", {"action": action, "version": version, **extra})
    assert r.status_code == 200, r.content
    return r.json()


def test_full_loop_via_the_api(handler, supervisor, liaison, api_for):
    h, s, legal = api_for(handler), api_for(supervisor), api_for(liaison)

    # 受理
    created = h.post("/complaints", complaint_body(), **{"Idempotency-Key": "loop-1"})
    assert created.status_code == 201
    number = created.json()["number"]
    c = _step(h, number, "acknowledge", created.json()["version"])
    assert c["status"] == "acknowledged"
    c = _step(h, number, "start_investigation", c["version"])
    assert c["status"] == "investigating"
    assert c["allowed_actions"] == []

    # 调查: findings and a blocking task for legal, answered by its liaison
    r = h.post(
        f"/complaints/{number}/findings",
        {
            "root_cause": "合作快递网点爆仓，未及时揽收",
            "responsibility": "logistics_partner",
            "version": c["version"],
        },
    )
    assert r.status_code == 200
    assert r.json()["responsibility"] == "logistics_partner"
    due = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
    r = h.post(
        f"/complaints/{number}/tasks", {"department": "legal", "title": "确认合同中的赔付条款", "due_at": due}
    )
    assert r.status_code == 201
    task_id = r.json()["id"]
    assert r.json()["state"] == "open"
    assert [t["id"] for t in legal.get("/tasks").json()["items"]] == [task_id]
    assert legal.get(f"/complaints/{number}").status_code == 200  # the task makes it visible to legal
    r = legal.post(f"/tasks/{task_id}/answer", {"answer": "合同约定延误可赔付运费，上限500元"})
    assert r.status_code == 200
    assert r.json()["state"] == "done"
    assert r.json()["answered_by"]["username"] == "legal1"
    assert legal.get("/tasks").json()["items"] == []

    # 解决: 500 yuan is above the handler's 200 → waits for approval
    before = h.get(f"/complaints/{number}").json()
    refused = h.post(f"/complaints/{number}/transitions", {"action": "resolve"})
    assert refused.status_code == 409
    r = h.post(
        f"/complaints/{number}/proposals",
        {
            "solution": "致歉，退还运费并补偿代金券",
            "items": [
                {"type": "fee_waiver", "amount": "20.00", "note": "运费"},
                {"type": "voucher", "amount": "480"},
            ],
            "version": before["version"],
        },
    )
    assert r.status_code == 201
    proposal = r.json()
    assert proposal["state"] == "pending"
    assert proposal["total"] == "500.00"
    assert proposal["approver_role"] == "senior_handler"
    assert [(i["type"], i["amount"]) for i in proposal["items"]] == [
        ("fee_waiver", "20.00"),
        ("voucher", "480.00"),
    ]
    assert h.get(f"/complaints/{number}").json()["status"] == "awaiting_approval"

    assert h.get("/approvals").json()["items"] == []
    own = h.post(f"/proposals/{proposal['id']}/decision", {"approve": True})
    assert own.status_code == 403
    assert [p["id"] for p in s.get("/approvals").json()["items"]] == [proposal["id"]]
    r = s.post(f"/proposals/{proposal['id']}/decision", {"approve": True, "reason": "符合合同条款"})
    assert r.status_code == 200
    assert r.json()["state"] == "approved"
    assert r.json()["decided_by"]["username"] == "super1"
    c = h.get(f"/complaints/{number}").json()
    assert c["status"] == "resolving"
    assert c["compensation_cost"] == "500.00"
    kinds = [n["kind"] for n in h.get("/notifications").json()["items"]]
    assert "approval" in kinds

    # 回访 and close
    c = _step(h, number, "resolve", c["version"])
    assert c["status"] == "awaiting_follow_up"
    r = h.post(
        f"/complaints/{number}/follow-ups",
        {
            "channel": "phone",
            "reached": True,
            "satisfaction": 5,
            "resolved": True,
            "comment": "客户表示满意",
        },
    )
    assert r.status_code == 201
    c = _step(h, number, "close", h.get(f"/complaints/{number}").json()["version"])
    assert c["status"] == "closed"
    assert c["satisfaction"] == 5
    assert c["first_contact_resolution"] is True

    timeline = h.get(f"/complaints/{number}/timeline").json()["events"]
    assert [(e["from_status"], e["to_status"]) for e in timeline if e["kind"] == "transition"] == [
        ("registered", "acknowledged"),
        ("acknowledged", "investigating"),
        ("investigating", "awaiting_approval"),
        ("awaiting_approval", "resolving"),
        ("resolving", "awaiting_follow_up"),
        ("awaiting_follow_up", "closed"),
    ]
    complaint = Complaint.objects.get(number=number)
    assert complaint.status == "closed"
    assert CompensationProposal.objects.get().decided_by == supervisor


def test_rejection_needs_a_reason_and_returns_to_investigation(handler, supervisor, api_for):
    h, s = api_for(handler), api_for(supervisor)
    number = h.post("/complaints", complaint_body()).json()["number"]
    h.post(f"/complaints/{number}/transitions", {"action": "acknowledge"})
    h.post(f"/complaints/{number}/transitions", {"action": "start_investigation"})
    h.post(
        f"/complaints/{number}/findings", {"root_cause": "网点爆仓", "responsibility": "logistics_partner"}
    )
    pid = h.post(
        f"/complaints/{number}/proposals",
        {
            "solution": "补偿代金券",
            "items": [{"type": "voucher", "amount": "300"}],
        },
    ).json()["id"]

    no_reason = s.post(f"/proposals/{pid}/decision", {"approve": False})
    assert no_reason.status_code == 422
    assert no_reason.json()["details"] == {"field": "reason"}
    assert CompensationProposal.objects.get().state == "pending"

    r = s.post(f"/proposals/{pid}/decision", {"approve": False, "reason": "金额偏高，先按运费补偿"})
    assert r.status_code == 200
    assert r.json()["state"] == "rejected"
    assert h.get(f"/complaints/{number}").json()["status"] == "investigating"


def test_proposal_before_findings_is_409_findings_required(handler, api_for):
    h = api_for(handler)
    number = h.post("/complaints", complaint_body()).json()["number"]
    h.post(f"/complaints/{number}/transitions", {"action": "acknowledge"})
    h.post(f"/complaints/{number}/transitions", {"action": "start_investigation"})

    r = h.post(f"/complaints/{number}/proposals", {"solution": "致歉", "items": []})

    assert r.status_code == 409
    assert r.json()["code"] == "findings_required"
    assert CompensationProposal.objects.count() == 0


def test_amounts_must_be_decimals(handler, api_for):
    h = api_for(handler)
    number = h.post("/complaints", complaint_body()).json()["number"]

    r = h.post(
        f"/complaints/{number}/proposals",
        {"solution": "致歉", "items": [{"type": "voucher", "amount": "abc"}]},
    )

    assert r.status_code == 422
    assert r.json()["code"] == "validation_failed"
    assert r.json()["details"]["field"] == "items.0.amount"


def test_assign_and_escalate(handler, senior, supervisor, api_for):
    h, s = api_for(handler), api_for(supervisor)
    number = h.post("/complaints", complaint_body()).json()["number"]

    refused = h.post(f"/complaints/{number}/assign", {"assignee": "senior1"})
    r = s.post(f"/complaints/{number}/assign", {"assignee": "senior1"})
    e = h.post(f"/complaints/{number}/escalate", {"reason": "客户威胁投诉至媒体"})
    again = h.post(f"/complaints/{number}/escalate", {"reason": "再次"})

    assert refused.status_code == 403
    assert r.status_code == 200
    assert r.json()["assignee"]["username"] == "senior1"
    assert e.status_code == 200
    assert e.json()["escalated"] is True
    assert again.status_code == 409
    assert again.json()["code"] == "already_escalated"
    assert [i["number"] for i in s.get("/complaints", queue="escalated").json()["items"]] == [number]


def test_notifications_can_be_marked_read(handler, api_for):
    h = api_for(handler)
    h.post("/complaints", complaint_body())
    run_intake_pump()  # assigned to handler1 → a notification
    assert h.get("/notifications").json()["unread"] == 1

    r = h.post("/notifications/read", {})

    assert r.json() == {"marked": 1}
    assert h.get("/notifications").json()["unread"] == 0
