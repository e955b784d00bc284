"""The desk's notion of "now". Services call ``now()``; the demo loader and tests can move it with
``frozen_at`` to write a consistent past without touching the system clock."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_frozen: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("kesu_frozen_now", default=None)


def now() -> dt.datetime:
    value = _frozen.get()
    return value if value is not None else timezone.now()


@contextlib.contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)
