"""Triage over the API: the analysis, category confirmation with optimistic locking, reply coaching,
replies and similar cases."""

from kesu.complaints.models import Complaint, ComplaintTriage, OutboundMessage
from tests.api.conftest import complaint_body, run_intake_pump
from tests.complaints.factories import register
from tests.complaints.test_triage import REFUND, close

PRIVACY_BODY = complaint_body(
    category="privacy",
    title="个人信息被泄露",
    description="我在你们平台登记的手机号和家庭住址被泄露了，每天接到骚扰电话，对方能报出我的订单信息。",
)


def test_created_complaint_is_analysed_and_escalated_by_the_intake_pump(handler, supervisor, api_for):
    api = api_for(handler)
    created = api.post("/complaints", PRIVACY_BODY)
    assert created.status_code == 201
    assert created.json()["intake_pending"] is True
    run_intake_pump()
    body = api.get(f"/complaints/{created.json()['number']}").json()
    assert body["escalated"] is True
    summary = body["triage"]
    assert summary["category"] == "privacy"
    assert summary["flags"] == ["privacy_leak"]
    assert summary["anger_level"] == 1
    assert summary["anger_label"] == "Dissatisfied"
    assert summary["category_confirmed"] is False
    assert summary["model_version"].startswith("rules:")
    assert api.get(f"/complaints/{body['number']}").json()["triage"] == summary


def test_get_triage(handler, api_for):
    c = register(handler, **REFUND)
    r = api_for(handler).get(f"/complaints/{c.number}/triage")
    assert r.status_code == 200
    t = r.json()
    assert t["number"] == c.number
    assert (t["category"], t["complaint_category"], t["category_source"]) == (
        "refund_return",
        "promise_broken",
        "rules",
    )
    assert {"退款", "到账"} <= set(t["category_words"])
    assert [d["code"] for d in t["demand_details"]] == ["refund", "expedite"]
    assert t["demand_details"][0]["label"] == "Refund"
    assert t["script"]
    assert t["degraded"] is False
    assert all({"for", "kind", "text", "start", "end", "weight"} <= set(cue) for cue in t["cues"])
    assert t["confirmed_by"] is None


def test_get_triage_of_a_complaint_never_analysed_and_of_an_invisible_one(handler, liaison, api_for):
    c = register(handler, **REFUND)
    ComplaintTriage.objects.filter(complaint=c).delete()
    r = api_for(handler).get(f"/complaints/{c.number}/triage")
    assert (r.status_code, r.json()["code"]) == (404, "not_analysed")
    assert api_for(liaison).get(f"/complaints/{c.number}/triage").json()["code"] == "not_found"


def test_category_confirmation(handler, api_for):
    c = register(handler, **REFUND)
    api = api_for(handler)
    version = Complaint.objects.get(pk=c.pk).version

    stale = api.post(
        f"/complaints/{c.number}/category-confirmation",
        {"category": "refund_return"},
        **{"If-Match": f'"{version - 1}"'},
    )
    assert (stale.status_code, stale.json()["code"]) == (409, "concurrent_edit")
    assert ComplaintTriage.objects.get(complaint=c).category_confirmed is False

    r = api.post(
        f"/complaints/{c.number}/category-confirmation", {"category": "refund_return", "version": version}
    )
    assert r.status_code == 200
    assert r["ETag"] == f'"{version + 1}"'
    t = r.json()
    assert (t["complaint_category"], t["category_confirmed"], t["confirmed_category"]) == (
        "refund_return",
        True,
        "refund_return",
    )
    assert t["confirmed_by"]["username"] == "handler1"
    assert t["version"] == version + 1

    bad = api.post(f"/complaints/{c.number}/category-confirmation", {"category": "nope"})
    assert (bad.status_code, bad.json()["details"]) == (422, {"field": "category"})


def test_lint_reply(handler, api_for):
    api = api_for(handler)
    r = api.post("/lint-reply", {"text": "这不归我们管，你去找快递。"})
    assert r.status_code == 200
    body = r.json()
    assert body["score"] == 39
    buck = next(f for f in body["findings"] if f["code"] == "buck_passing")
    assert buck == {
        "code": "buck_passing",
        "label": "Passing the buck",
        "severity": "high",
        "start": 1,
        "end": 6,
        "words": ["不归我们管", "你去找快递"],
        "suggestion": "我会立即为您处理：我来联系相关部门核实，并在××前给您回复。",
    }
    assert body["normalized_text"][buck["start"] : buck["end"]] == "不归我们管"

    good = api.post(
        "/lint-reply",
        {"text": "非常抱歉让您久等了，我理解您的着急。我会立即联系财务核实，今天下午5点前给您回电告知结果。"},
    ).json()
    assert [f for f in good["findings"] if f["severity"] == "high"] == []
    assert {c["code"] for c in good["credits"]} >= {"empathy", "ownership", "next_step"}


def test_lint_reply_against_a_complaint(handler, liaison, api_for):
    c = register(handler, **REFUND)
    text = "非常抱歉，退款我会立即联系财务核实，今天下午5点前给您回电。"
    body = api_for(handler).post("/lint-reply", {"text": text, "complaint": c.number}).json()
    assert "restating" in {c["code"] for c in body["credits"]}
    assert api_for(liaison).post("/lint-reply", {"text": text, "complaint": c.number}).status_code == 404


def test_send_a_reply(handler, api_for):
    c = register(handler, **REFUND)
    r = api_for(handler).post(f"/complaints/{c.number}/replies", {"text": "这不归我们管。"})
    assert r.status_code == 201
    body = r.json()
    assert body["state"] == "manual"
    assert OutboundMessage.objects.get(pk=body["message_id"]).body == "这不归我们管。"
    assert "buck_passing" in {f["code"] for f in body["coaching"]["findings"]}


def test_similar_cases(handler, api_for):
    old = register(handler, title="退款两周没到账", description="退货已经寄回两周，退款一直没有到账。")
    close(old, handler, satisfaction=4)
    c = register(handler, **REFUND)

    r = api_for(handler).get(f"/complaints/{c.number}/similar", k=3)

    assert r.status_code == 200
    body = r.json()
    assert body["ready"] is True
    [item] = body["items"]
    assert item["number"] == old.number
    assert item["viewable"] is True
    assert item["satisfaction"] == 4
    assert item["compensation"] == [{"type": "voucher", "amount": "50.00"}]
    assert item["compensation_cost"] == "50.00"
    assert item["score"] > 0
