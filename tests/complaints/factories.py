"""Builders for complaint tests: register through the real service, then walk the loop."""

from __future__ import annotations

import itertools

from kesu.complaints import services
from kesu.complaints.services import CompensationLine, ComplaintInput, CustomerInput

_phones = itertools.count(13800000001)


def complaint_input(**overrides) -> ComplaintInput:
    customer = overrides.pop("customer", None) or CustomerInput(
        name=overrides.pop("name", "王丽"),
        phone=overrides.pop("phone", str(next(_phones))),
        email=overrides.pop("email", ""),
        special_group=overrides.pop("special_group", ""),
        tier=overrides.pop("tier", "regular"),
    )
    values = dict(
        channel="phone",
        category_code="promise_broken",
        severity="medium",
        title="承诺48小时发货，五天未发",
        description="客户来电反映：订单 DD20261101001 承诺48小时内发货，至今五天仍未发出。",
        customer=customer,
    )
    values.update(overrides)
    return ComplaintInput(**values)


def register(actor, **overrides):
    return services.complaint_register(data=complaint_input(**overrides), actor=actor)


def to_investigating(complaint, actor):
    services.complaint_transition(complaint_id=complaint.pk, action="acknowledge", actor=actor)
    services.complaint_transition(complaint_id=complaint.pk, action="start_investigation", actor=actor)
    services.complaint_record_findings(
        complaint_id=complaint.pk,
        actor=actor,
        root_cause="仓库排产延误，未及时通知客户",
        responsibility="staff",
    )
    complaint.refresh_from_db()
    return complaint


def to_resolving(complaint, actor, amount=50):
    to_investigating(complaint, actor)
    services.compensation_propose(
        complaint_id=complaint.pk,
        actor=actor,
        solution="道歉并加急发货，补偿代金券",
        items=[CompensationLine(type="voucher", amount=amount)],
    )
    complaint.refresh_from_db()
    return complaint


def to_follow_up(complaint, actor):
    to_resolving(complaint, actor)
    services.complaint_transition(complaint_id=complaint.pk, action="resolve", actor=actor)
    complaint.refresh_from_db()
    return complaint
