"""Reads, transitions, concurrency, visibility, PII masking, files and error shapes."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.complaints.models import Complaint, ComplaintEvent, Evidence, PiiAccessLog
from tests.api.conftest import complaint_body, run_intake_pump


def _create(api, **overrides):
    r = api.post("/complaints", complaint_body(**overrides))
    assert r.status_code == 201, r.content
    return r.json()


def _snapshot(number):
    c = Complaint.objects.get(number=number)
    return (
        c.status,
        c.version,
        c.escalated,
        c.root_cause,
        ComplaintEvent.objects.filter(complaint=c).count(),
    )


def test_invalid_transition_is_409_and_changes_nothing(handler, api_for):
    api = api_for(handler)
    number = _create(api)["number"]
    before = _snapshot(number)

    r = api.post(f"/complaints/{number}/transitions", {"action": "close"})

    assert r.status_code == 409
    assert r.json() == {
        "code": "transition_refused",
        "message": "Cannot close a complaint that is registered.",
        "details": {"status": "registered", "action": "close"},
    }
    assert _snapshot(number) == before


def test_indirect_action_is_409(handler, api_for):
    api = api_for(handler)
    number = _create(api)["number"]
    api.post(f"/complaints/{number}/transitions", {"action": "acknowledge"})
    api.post(f"/complaints/{number}/transitions", {"action": "start_investigation"})
    before = _snapshot(number)

    r = api.post(f"/complaints/{number}/transitions", {"action": "start_resolution"})

    assert r.status_code == 409
    assert r.json()["code"] == "transition_refused"
    assert _snapshot(number) == before


def test_unknown_action_is_422(handler, api_for):
    api = api_for(handler)
    number = _create(api)["number"]

    r = api.post(f"/complaints/{number}/transitions", {"action": "teleport"})

    assert r.status_code == 422
    assert r.json()["details"]["field"] == "action"


def test_stale_version_in_body_is_409_concurrent_edit_and_changes_nothing(handler, api_for):
    api = api_for(handler)
    created = _create(api)
    number, version = created["number"], created["version"]
    api.post(f"/complaints/{number}/notes", {"text": "先打个电话"})
    api.post(
        f"/complaints/{number}/transitions", {"action": "acknowledge", "version": version}
    )  # someone else
    before = _snapshot(number)

    r = api.post(f"/complaints/{number}/escalate", {"reason": "客户情绪激动", "version": version})

    assert r.status_code == 409
    assert r.json()["code"] == "concurrent_edit"
    assert r.json()["details"] == {"current_version": version + 1}
    assert _snapshot(number) == before


def test_stale_if_match_header_is_409_and_current_one_succeeds(handler, api_for):
    api = api_for(handler)
    number = _create(api)["number"]
    etag = api.get(f"/complaints/{number}")["ETag"]
    stale = f'"{int(etag.strip(chr(34))) - 1}"'
    before = _snapshot(number)

    refused = api.post(f"/complaints/{number}/transitions", {"action": "acknowledge"}, **{"If-Match": stale})
    assert refused.status_code == 409
    assert refused.json()["code"] == "concurrent_edit"
    assert _snapshot(number) == before

    accepted = api.post(f"/complaints/{number}/transitions", {"action": "acknowledge"}, **{"If-Match": etag})
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "acknowledged"
    assert accepted.json()["version"] == int(etag.strip('"')) + 1
    assert accepted["ETag"] == f'"{accepted.json()["version"]}"'


def test_malformed_if_match_is_422(handler, api_for):
    api = api_for(handler)
    number = _create(api)["number"]

    r = api.post(f"/complaints/{number}/transitions", {"action": "acknowledge"}, **{"If-Match": "yesterday"})

    assert r.status_code == 422
    assert r.json()["code"] == "invalid_if_match"
    assert Complaint.objects.get(number=number).status == "registered"


def test_auditor_sees_masked_personal_data_and_supervisor_sees_it_unmasked(
    handler, auditor, supervisor, api_for
):
    number = _create(
        api_for(handler), customer={"name": "王丽", "phone": "13812345678", "email": "wangli@example.cn"}
    )["number"]

    masked = api_for(auditor).get(f"/complaints/{number}")
    plain = api_for(supervisor).get(f"/complaints/{number}")

    assert masked.status_code == 200
    assert masked.json()["customer"] == {
        "name": "王丽",
        "phone": "138****5678",
        "email": "wa***@example.cn",
        "id_number": "",
        "tier": "regular",
        "special_group": "",
        "masked": True,
    }
    assert masked.json()["customer_phone"] == "138****5678"
    assert plain.json()["customer"]["phone"] == "13812345678"
    assert plain.json()["customer"]["email"] == "wangli@example.cn"
    assert plain.json()["customer"]["masked"] is False


def test_lists_mask_too(handler, auditor, supervisor, api_for):
    _create(api_for(handler))

    masked = api_for(auditor).get("/complaints", queue="all")
    plain = api_for(supervisor).get("/complaints", queue="team")

    assert [i["customer_phone"] for i in masked.json()["items"]] == ["138****5678"]
    assert [i["customer_phone"] for i in plain.json()["items"]] == ["13812345678"]


def test_reveal_returns_the_value_and_logs_it(handler, api_for):
    api = api_for(handler)
    number = _create(api)["number"]

    r = api.post(f"/complaints/{number}/reveal", {"field": "phone", "reason": "回电客户"})

    assert r.status_code == 200
    assert r.json() == {"field": "phone", "value": "13812345678"}
    log = PiiAccessLog.objects.get()
    assert (log.user, log.complaint.number, log.field, log.reason) == (handler, number, "phone", "回电客户")


def test_auditor_may_not_reveal(handler, auditor, api_for):
    number = _create(api_for(handler))["number"]

    r = api_for(auditor).post(f"/complaints/{number}/reveal", {"field": "phone", "reason": "看看"})

    assert r.status_code == 403
    assert PiiAccessLog.objects.count() == 0


def test_complaint_outside_visibility_is_404_like_a_missing_one(handler, liaison, api_for):
    number = _create(api_for(handler))["number"]
    api = api_for(liaison)

    hidden = api.get(f"/complaints/{number}")
    missing = api.get("/complaints/TS-20000101-0001")
    write = api.post(f"/complaints/{number}/notes", {"text": "x"})

    assert hidden.status_code == missing.status_code == write.status_code == 404
    assert hidden.json() == missing.json()
    assert hidden.json()["code"] == "not_found"


def test_queue_pages_with_a_cursor(handler, api_for):
    api = api_for(handler)
    numbers = [
        _create(api, title=f"第{i}件", customer={"name": "客户", "phone": f"1391234000{i}"})["number"]
        for i in range(3)
    ]
    run_intake_pump()  # assigns them

    first = api.get("/complaints", queue="mine", limit=2)
    second = api.get("/complaints", queue="mine", limit=2, cursor=first.json()["next_cursor"])

    assert first.status_code == second.status_code == 200
    seen = [i["number"] for i in first.json()["items"]] + [i["number"] for i in second.json()["items"]]
    assert sorted(seen) == sorted(numbers)
    assert len(first.json()["items"]) == 2
    assert second.json()["next_cursor"] is None


def test_queue_filters_and_bad_cursor(handler, api_for):
    api = api_for(handler)
    _create(api, severity="high")
    _create(api, severity="low", customer={"name": "李四", "phone": "13912340009"})

    high = api.get("/complaints", queue="all", severity="high")
    bad = api.get("/complaints", queue="all", cursor="%%%")
    unknown = api.get("/complaints", queue="everything")

    assert [i["severity"] for i in high.json()["items"]] == ["high"]
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_cursor"
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "validation_failed"
    assert unknown.json()["details"]["field"] == "queue"


def test_timeline_lists_the_events(handler, api_for):
    api = api_for(handler)
    number = _create(api)["number"]
    api.post(f"/complaints/{number}/notes", {"text": "客户要求今天回电"})

    r = api.get(f"/complaints/{number}/timeline")

    assert r.status_code == 200
    kinds = [e["kind"] for e in r.json()["events"]]
    assert kinds == ["registered", "assigned", "message", "note"]
    assert r.json()["events"][-1]["message"] == "客户要求今天回电"
    assert r.json()["events"][-1]["actor"]["username"] == "handler1"


def test_evidence_upload(handler, api_for):
    api = api_for(handler)
    number = _create(api)["number"]
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")

    r = api.post_multipart(f"/complaints/{number}/evidence", {"note": "外包装破损照片", "file": png})

    assert r.status_code == 201
    assert r.json()["original_name"] == "photo.png"
    assert r.json()["content_type"] == "image/png"
    assert r.json()["size"] == 108
    assert Evidence.objects.get().note == "外包装破损照片"


def test_file_over_the_limit_is_422_file_too_large(handler, api_for, settings):
    api = api_for(handler)
    number = _create(api)["number"]
    settings.KESU_MAX_UPLOAD_BYTES = 1024
    big = SimpleUploadedFile("log.txt", b"x" * 1025, content_type="text/plain")

    r = api.post_multipart(f"/complaints/{number}/evidence", {"note": "日志", "file": big})

    assert r.status_code == 422
    assert r.json()["code"] == "file_too_large"
    assert r.json()["details"] == {"field": "file"}
    assert Evidence.objects.count() == 0


def test_file_one_byte_over_20_mb_is_refused(handler, api_for):
    api = api_for(handler)
    number = _create(api)["number"]
    big = SimpleUploadedFile(
        "scan.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024 - 4), content_type="application/pdf"
    )

    r = api.post_multipart(f"/complaints/{number}/evidence", {"note": "扫描件", "file": big})

    assert r.status_code == 422
    assert r.json()["code"] == "file_too_large"
    assert Evidence.objects.count() == 0


def test_file_of_a_type_not_allowed_is_422(handler, api_for):
    api = api_for(handler)
    number = _create(api)["number"]
    exe = SimpleUploadedFile("setup.exe", b"MZ" + b"0" * 10, content_type="application/octet-stream")

    r = api.post_multipart(f"/complaints/{number}/evidence", {"note": "", "file": exe})

    assert r.status_code == 422
    assert r.json()["code"] == "file_type_not_allowed"
    assert Evidence.objects.count() == 0


def test_task_can_be_cancelled_by_the_handler(handler, api_for):
    api = api_for(handler)
    number = _create(api)["number"]
    api.post(f"/complaints/{number}/transitions", {"action": "acknowledge"})
    due = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
    task_id = api.post(
        f"/complaints/{number}/tasks", {"department": "quality", "title": "抽检同批次", "due_at": due}
    ).json()["id"]

    r = api.post(f"/tasks/{task_id}/cancel", {"reason": "客户撤回"})
    again = api.post(f"/tasks/{task_id}/cancel", {"reason": "再次"})

    assert r.status_code == 200
    assert r.json()["state"] == "cancelled"
    assert again.status_code == 409
    assert [t["state"] for t in api.get("/tasks", state="").json()["items"]] == ["cancelled"]


def test_task_with_unknown_department_is_422(handler, api_for):
    api = api_for(handler)
    number = _create(api)["number"]
    api.post(f"/complaints/{number}/transitions", {"action": "acknowledge"})
    due = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()

    r = api.post(f"/complaints/{number}/tasks", {"department": "marketing", "title": "核实", "due_at": due})

    assert r.status_code == 422
    assert r.json()["details"] == {"field": "department"}


def test_unexpected_error_is_500_server_error_without_a_stack_trace(handler, api_for, monkeypatch, caplog):
    from kesu.complaints import selectors

    def boom(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(selectors, "complaint_queue", boom)

    r = api_for(handler).get("/complaints")

    assert r.status_code == 500
    assert r.json() == {
        "code": "server_error",
        "message": "Something went wrong on our side. The error has been logged.",
        "details": {},
    }
    assert "database on fire" not in r.content.decode()
    assert "database on fire" in caplog.text


def test_reference_lists_codes_for_forms(handler, api_for):
    r = api_for(handler).get("/reference")

    assert r.status_code == 200
    data = r.json()
    assert [c["code"] for c in data["categories"]][:3] == ["promise_broken", "technical_error", "attitude"]
    assert {"value": "api", "label": "API"} in data["channels"]
    assert [t["severity"] for t in data["compensation_tiers"]] == ["low", "medium", "high", "critical"]
    assert data["compensation_tiers"][0]["max_amount"] == "100.00"
    assert data["authority_limits"][0] == {"role": "handler", "max_amount": "200.00"}
    assert {d["code"] for d in data["departments"]} == {
        "complaints",
        "legal",
        "quality",
        "logistics",
        "tech",
        "finance",
    }
    assert data["max_text_chars"] == 20_000
    assert data["max_upload_bytes"] == 20 * 1024 * 1024
    assert [r["value"] for r in data["responsibilities"]] == [
        "staff",
        "product",
        "logistics_partner",
        "customer",
        "third_party",
        "undetermined",
    ]
