"""Courses, modules and sessions for the training tests, written straight to the database (the
services under test are called by the tests themselves)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kesu.common import clock
from kesu.training.models import Course, Module, TrainingSession


def course(code="TC-100", *, status="published", assessment="", modules=(("阅读", "online", 10),), **kw):
    c = Course.objects.create(
        code=code,
        title=kw.pop("title", f"课程 {code}"),
        track=kw.pop("track", "new_hire"),
        item_codes=kw.pop("item_codes", ["know_process"]),
        hours=kw.pop("hours", Decimal("2.0")),
        assessment=assessment,
        status=status,
        **kw,
    )
    for i, (title, method, minutes) in enumerate(modules, 1):
        Module.objects.create(
            course=c,
            order=i,
            title=title,
            method=method,
            minutes=minutes,
            item_codes=c.item_codes,
            body="## 小节\n正文" if method == "online" else "",
        )
    return c


def session(c, *, capacity=2, starts_in=dt.timedelta(days=3), hours=2, **kw):
    start = clock.now() + starts_in
    return TrainingSession.objects.create(
        course=c,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        room=kw.pop("room", "培训室 A"),
        capacity=capacity,
        **kw,
    )
