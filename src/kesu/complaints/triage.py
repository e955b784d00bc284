"""The desk's adapter to the triage engine (``kesu.triage``, docs/triage.md "In the desk").

The engine is pure Python and never sees an ORM row: this module turns a complaint into the engine's
plain inputs (the text: subject and description; a ``ReplyContext``), stores the engine's frozen
``Analysis`` as a ``ComplaintTriage`` row, and keeps the per-process similar-cases index in step with
the database.

Invariants:
- The engine, the reply linter and the similar-cases index are built once per process, on first use,
  under a lock (importing this module costs nothing; jieba's dictionary is read only when something
  needs segmentation: the similar-cases index or a trained model).
- ``run_analysis`` and ``lint`` never raise: an engine failure is logged and becomes a degraded result
  that says so. Registration must never fail because of triage.
- ``store_analysis`` is called by services only, inside their transaction. It replaces the analysis
  but keeps the handler's confirmation of the category (written only by complaint_confirm_category).
- The similar-cases index is per process and bounded (``KESU_TRIAGE_SIMILAR_MAX`` most recent closed
  complaints). It is caught up on every lookup from the "closed" timeline events it has not seen yet
  (a primary-key range scan), with ``SimilarIndex.add`` — never a rebuild — so a complaint closed in
  any process is found by every process on its next lookup.
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import threading
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kesu.common import clock
from kesu.complaints.models import Complaint, ComplaintEvent, ComplaintTriage
from kesu.complaints.workflow import Status
from kesu.triage.models import (
    ANGER_LABELS,
    Analysis,
    AngerResult,
    CategoryResult,
    Finding,
    Normalized,
    ReplyContext,
    ReplyReport,
)

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------------
# What the desk calls the engine's codes (the engine's own labels are Chinese data; these go through
# gettext). Codes an administrator adds to the lexicons fall back to the engine's label.

ANGER_LEVEL_LABELS: dict[int, Promise] = {
    0: pgettext_lazy("anger level", "Calm"),
    1: pgettext_lazy("anger level", "Dissatisfied"),
    2: pgettext_lazy("anger level", "Annoyed"),
    3: pgettext_lazy("anger level", "Angry"),
    4: pgettext_lazy("anger level", "Furious"),
}
FLAG_LABELS: dict[str, Promise] = {
    "privacy_leak": _("Privacy leak"),
    "safety": _("Personal safety / accident"),
    "legal_threat": _("Legal threat"),
    "regulator": _("Complaint to a regulator"),
    "media": _("Media / public opinion"),
    "mass": _("Group complaint"),
}
DEMAND_LABELS: dict[str, Promise] = {
    "refund": pgettext_lazy("demand", "Refund"),
    "replacement": pgettext_lazy("demand", "Replacement or reshipment"),
    "repair": pgettext_lazy("demand", "Repair"),
    "compensation": pgettext_lazy("demand", "Compensation"),
    "apology": pgettext_lazy("demand", "Apology"),
    "explanation": pgettext_lazy("demand", "Explanation"),
    "punishment": pgettext_lazy("demand", "Staff held to account"),
    "cancellation": pgettext_lazy("demand", "Cancellation"),
    "expedite": pgettext_lazy("demand", "Faster handling"),
    "escalation": pgettext_lazy("demand", "A superior"),
    "accommodation": pgettext_lazy("demand", "Special care"),
}
NEED_LABELS: dict[str, Promise] = {
    "respect": pgettext_lazy("deeper need", "Respect"),
    "safety": pgettext_lazy("deeper need", "Safety"),
    "fairness": pgettext_lazy("deeper need", "Fairness"),
    "time": pgettext_lazy("deeper need", "Time"),
}
FINDING_LABELS: dict[str, Promise] = {
    "buck_passing": _("Passing the buck"),
    "blaming_customer": _("Blaming the customer"),
    "over_promising": _("Over-promising"),
    "rudeness": _("Impolite language"),
    "negative_phrasing": _("Negative phrasing"),
    "jargon": _("Unexplained jargon"),
    "personal_data": _("Personal data in the reply"),
    "missing_empathy": _("No empathy"),
    "missing_ownership": _("No ownership"),
    "missing_next_step": _("No next step or time"),
    "empty": _("Empty reply"),
    # credits
    "empathy": _("Empathy"),
    "ownership": _("Ownership"),
    "next_step": _("Next step with a time"),
    "restating": _("Restates the customer's demand"),
    "steps": _("Step-by-step solution"),
    "questions": _("Open, then closed questions"),
}
SEVERITY_LABELS: dict[str, Promise] = {
    "high": pgettext_lazy("finding severity", "High"),
    "medium": pgettext_lazy("finding severity", "Medium"),
    "low": pgettext_lazy("finding severity", "Low"),
}


def join(items: Iterable[str]) -> str:
    """A list for a sentence: "a, b" in English, "a、b" in Chinese."""
    return str(pgettext_lazy("list separator", ", ")).join(items)


def label(kind: str, code: str, row: ComplaintTriage | None = None) -> str:
    """The translated label of an engine code (``kind``: flag, demand, need), else the engine's own."""
    table = {"flag": FLAG_LABELS, "demand": DEMAND_LABELS, "need": NEED_LABELS}[kind]
    if code in table:
        return str(table[code])
    if row is not None:
        return str((row.labels or {}).get(f"{kind}:{code}", code))
    return code


def anger_label(level: int) -> str:
    return str(ANGER_LEVEL_LABELS.get(level, level))


# --------------------------------------------------------------------------------------------------
# The engine, once per process


class _Lazy:
    """Builds the engine and the reply linter on first use; one thread builds, the others wait."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engine: Any = None
        self._linter: Any = None

    def engine(self) -> Any:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    from kesu.triage.engine import get_engine

                    self._engine = get_engine()
        return self._engine

    def linter(self) -> Any:
        if self._linter is None:
            with self._lock:
                if self._linter is None:
                    from kesu.triage.reply import get_linter

                    self._linter = get_linter()
        return self._linter

    def reset(self) -> None:
        with self._lock:
            self._engine = self._linter = None


_lazy = _Lazy()


def get_engine() -> Any:
    return _lazy.engine()


def complaint_text(title: str, description: str) -> str:
    """The text the engine reads for a complaint (and the text of a training example)."""
    title, description = (title or "").strip(), (description or "").strip()
    if not title or description.startswith(title):
        return description
    return f"{title}\n{description}"


def _degraded(text: str, note: str) -> Analysis:
    return Analysis(
        category=CategoryResult("other", "其他", 0.0, (), "rules", "unavailable"),
        anger=AngerResult(0, ANGER_LABELS[0], 0.0),
        flags=(),
        demands=(),
        underlying_needs=(),
        normalized=Normalized(text="", original_length=len(text), degraded=True, notes=(note,)),
        engine_version="unavailable",
    )


def run_analysis(text: str) -> Analysis:
    """The engine's analysis of ``text``; a degraded one (logged) if the engine fails in any way."""
    try:
        result: Analysis = get_engine().analyze(text)
        return result
    except Exception as exc:  # noqa: BLE001 - triage must never block registration
        log.exception("triage: the engine failed; storing a degraded analysis")
        return _degraded(text, f"triage engine unavailable: {exc!r}"[:500])


def store_analysis(
    complaint: Complaint, analysis: Analysis, *, at: dt.datetime, new: bool = False
) -> ComplaintTriage:
    """Write ``analysis`` as the complaint's ComplaintTriage row (replacing an earlier analysis, keeping
    the category confirmation). Called by services inside their transaction; ``new`` for a complaint
    registered in that transaction (one INSERT instead of a locked lookup first)."""
    values = analysis_values(analysis, at=at)
    if new:
        return ComplaintTriage.objects.create(complaint=complaint, **values)
    row, _created = ComplaintTriage.objects.update_or_create(complaint=complaint, defaults=values)
    return row


def analysis_values(analysis: Analysis, *, at: dt.datetime) -> dict[str, Any]:
    """The ComplaintTriage fields of ``analysis`` (the confirmation fields excepted)."""
    data = analysis.to_dict()
    labels = {f"flag:{f.code}": f.label for f in analysis.flags}
    labels |= {f"demand:{d.code}": d.label for d in analysis.demands}
    labels["category:" + analysis.category.code] = analysis.category.label
    return {
        "category_code": analysis.category.code,
        "category_confidence": round(float(analysis.category.confidence), 3),
        "category_source": analysis.category.source,
        "model_version": analysis.category.model_version[:80],
        "anger_level": analysis.anger.level,
        "anger_score": float(analysis.anger.score),
        "flags": [f.code for f in analysis.flags],
        "demands": [d.code for d in analysis.demands],
        "underlying_needs": list(analysis.underlying_needs),
        "labels": labels,
        "cues": data["cues"],
        "script": analysis.anger.script,
        "notes": list(analysis.normalized.notes),
        "degraded": analysis.degraded,
        "degraded_note": "; ".join(analysis.normalized.notes) if analysis.degraded else "",
        "engine_version": analysis.engine_version[:20],
        "analysed_at": at,
    }


def analyse_complaint(complaint: Complaint, *, at: dt.datetime | None = None) -> ComplaintTriage:
    """Analyse ``complaint`` and store the result (see ``store_analysis``)."""
    analysis = run_analysis(complaint_text(complaint.title, complaint.description))
    return store_analysis(complaint, analysis, at=at or clock.now())


# --------------------------------------------------------------------------------------------------
# Reply coaching


def reply_context(row: ComplaintTriage | None) -> ReplyContext:
    """What the linter needs to know about the complaint, from its stored analysis (no re-analysis)."""
    if row is None:
        return ReplyContext()
    demand_words = tuple(
        dict.fromkeys(
            str(c["text"])
            for c in row.cues or []
            if str(c.get("for", "")).startswith("demand:") and len(str(c.get("text", ""))) >= 2
        )
    )
    return ReplyContext(demands=demand_words, anger_level=row.anger_level)


def lint(text: str, row: ComplaintTriage | None = None) -> ReplyReport:
    """Coach a reply; never raises (a failing linter gives a report that says so)."""
    try:
        report: ReplyReport = _lazy.linter().lint(text, reply_context(row))
        return report
    except Exception as exc:  # noqa: BLE001 - never raise while a handler types
        log.exception("triage: the reply linter failed")
        norm = Normalized(text="", original_length=len(text or ""), degraded=True, notes=(repr(exc)[:300],))
        return ReplyReport(score=0, normalized=norm)


def lint_summary(report: ReplyReport) -> dict[str, Any]:
    """What is kept with a sent reply (timeline event data): evidence for the academy."""
    return {
        "score": report.score,
        "findings": [
            {"code": f.code, "severity": f.severity, "words": list(f.words), "start": f.start, "end": f.end}
            for f in report.findings
        ],
        "credits": [f.code for f in report.credits],
        "degraded": report.normalized.degraded,
    }


_CLAUSE_STOPS = "，,。.！!？?；;：:\n"
_SENTENCE_END = "。.!！?？"


def _fold(text: str) -> tuple[str, list[int]]:
    """``text`` folded the way the engine normalises single characters (NFKC, lower case), with the
    index in ``text`` of every folded character: findings name words of the normalised text, the
    textarea holds what the handler typed."""
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for f in unicodedata.normalize("NFKC", ch).lower():
            chars.append(f)
            index.append(i)
    return "".join(chars), index


def locate(text: str, word: str, *, code: str = "") -> tuple[int, int] | None:
    """Where ``word`` (as the engine wrote it, normalised) first occurs in ``text`` as typed; for the
    finding ``code``, the first occurrence the engine holds against the handler (see ``_locate``)."""
    return _locate(text, word, code=code)


def _locate(text: str, word: str, *, code: str = "") -> tuple[int, int] | None:
    folded, index = _fold(text)
    needle = unicodedata.normalize("NFKC", word).lower()
    pos = folded.find(needle) if needle else -1
    if pos < 0:
        return None
    speech = _lazy.linter().speech if code else None
    if speech is not None and code in speech.codes and folded.find(needle, pos + 1) >= 0:
        # "对于店员说“爱买不买”这句话我们深表歉意，不过……爱买不买": the engine skipped the quoted words,
        # so highlighting and rewriting must too, or the one-click fix would replace the apology
        places = []
        while pos >= 0:
            places.append(pos)
            pos = folded.find(needle, pos + 1)
        reported = speech.spans(folded, at=places)
        pos = next((p for p in places if not any(r.covers(p, p + len(needle)) for r in reported)), -1)
        if pos < 0:
            return None
    return index[pos], index[pos + len(needle) - 1] + 1


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    s, e = start, end
    while s > 0 and text[s - 1] not in _CLAUSE_STOPS:
        s -= 1
    while e < len(text) and text[e] not in _CLAUSE_STOPS:
        e += 1
    while s < e and text[s].isspace():
        s += 1
    return s, e


def _example(suggestion: str) -> str:
    for marker in ("例如：", "例如:"):
        if marker in suggestion:
            return suggestion.split(marker, 1)[1].strip()
    return suggestion.strip()


def _mask(number: str) -> str:
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", number) if ch.isdigit())
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def _splice(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    out = text
    for start, end, new in sorted(edits, key=lambda e: -e[0]):
        out = out[:start] + new + out[end:]
    return out


def rewrite(text: str, finding: Finding) -> str | None:
    """The reply with ``finding`` fixed by its suggestion, or None when there is no one-click fix.

    Words found by the engine are looked up in what the handler typed. Phrasing findings replace the
    clause of the first word with the suggested sentence and drop the other clauses that hold the same
    finding's words; jargon is replaced by its plain words; numbers are masked; missing empathy or
    ownership is added. A missing time commitment is not invented: the handler must write it."""
    code = finding.code
    if code == "missing_empathy":
        return _example(finding.suggestion) + text.lstrip() if finding.suggestion else None
    if code == "missing_ownership":
        body = text.rstrip()
        if body and body[-1] not in _SENTENCE_END:
            body += "。"
        return body + _example(finding.suggestion) if finding.suggestion else None
    if code == "personal_data":
        edits = []
        for word in finding.words:
            span = _locate(text, word)
            if span:
                edits.append((span[0], span[1], _mask(text[span[0] : span[1]])))
        return _splice(text, edits) if edits else None
    if code == "jargon":
        if " → " not in finding.suggestion or not finding.words:
            return None
        span = _locate(text, finding.words[0])
        plain = finding.suggestion.rsplit(" → ", 1)[1].strip()
        return _splice(text, [(span[0], span[1], plain)]) if span else None
    if not finding.words or not finding.suggestion or finding.end <= finding.start:
        return None
    clauses: list[tuple[int, int]] = []
    for word in finding.words:
        span = _locate(text, word, code=code)
        if span:
            clause = _clause(text, *span)
            if clause not in clauses:
                clauses.append(clause)
    if not clauses:
        return None
    clauses.sort()
    first, rest = clauses[0], clauses[1:]
    example = _example(finding.suggestion)
    if first[1] < len(text) and text[first[1]] in _CLAUSE_STOPS:
        example = example.rstrip(_SENTENCE_END)
    edits = [(first[0], first[1], example)]
    for s, e in rest:
        if s < first[1]:
            continue  # overlaps the clause already replaced
        # drop the clause with the separator before it ("……，你去找快递。" → "……。")
        edits.append((s - 1 if s > 0 and text[s - 1] in _CLAUSE_STOPS else s, e, ""))
    return _splice(text, edits)


# --------------------------------------------------------------------------------------------------
# Similar closed cases


@dataclass(frozen=True)
class SimilarHit:
    complaint_id: int
    score: float


class _DeskSimilarIndex:
    """The process's similar-cases index over closed complaints (see the module docstring).

    Catching up: every lookup reads the "closed" transition events with an id above ``_scan_from`` (a
    primary-key range: only the newest events). On PostgreSQL an id is taken at insert and a
    transaction may commit after one holding a higher id, so ``_scan_from`` trails the newest id seen by
    ``LAG_SECONDS``; events read twice are ignored (``_ids``). A complaint closed again after a reopen
    is not added twice; the page re-reads each hit and shows it only while it is closed."""

    LAG_SECONDS = 120.0
    REWIND_AT_BUILD = 1000  # events re-read after a build, for transactions still open during it

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: Any = None
        self._ids: set[int] = set()
        self._scan_from = 0
        self._seen_top = 0
        self._checkpoints: collections.deque[tuple[float, int]] = collections.deque()
        self._building = False
        self.builds = 0
        self.added = 0

    # -- building

    def _closed(self, ids: Iterable[int] | None = None) -> Any:
        qs = Complaint.objects.filter(closed_at__isnull=False, status=Status.CLOSED)
        if ids is not None:
            qs = qs.filter(pk__in=list(ids))
        return qs.values_list("pk", "title", "description", "category__code")

    def _build(self) -> None:
        from kesu.triage.similar import Case, SimilarIndex

        top = ComplaintEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        limit = settings.KESU_TRIAGE_SIMILAR_MAX
        rows = self._closed().order_by("-closed_at", "-pk")[:limit]
        cases = [
            Case(case_id=str(pk), text=complaint_text(title, desc), category=code)
            for pk, title, desc, code in rows.iterator(chunk_size=2000)
        ]
        started = time.monotonic()
        index = SimilarIndex().build(reversed(cases))  # oldest first, like later additions
        log.info(
            "triage: similar-cases index of %d closed complaints built in %.1f s",
            len(cases),
            time.monotonic() - started,
        )
        with self._lock:
            self._index = index
            self._ids = {int(c.case_id) for c in cases}
            self._scan_from = max(0, top - self.REWIND_AT_BUILD)
            self._seen_top = top
            self._checkpoints.clear()
            self.builds += 1

    def _build_in_background(self) -> None:
        try:
            self._build()
        except Exception:  # noqa: BLE001 - the next lookup tries again
            log.exception("triage: building the similar-cases index failed")
        finally:
            with self._lock:
                self._building = False
            connection.close()

    def _ensure_built(self) -> bool:
        """True when the index is ready. Small desks build it here; large ones in a background thread
        (a page must not wait minutes, nor a web worker be killed for it halfway)."""
        with self._lock:
            if self._index is not None:
                return True
            if self._building:
                return False
            self._building = True
        background = False
        try:
            closed = Complaint.objects.filter(closed_at__isnull=False, status=Status.CLOSED).count()
            if min(closed, settings.KESU_TRIAGE_SIMILAR_MAX) > settings.KESU_TRIAGE_SIMILAR_SYNC_BUILD:
                background = True
                threading.Thread(
                    target=self._build_in_background, name="kesu-similar-build", daemon=True
                ).start()
                return False
            self._build()
            return True
        finally:
            if not background:
                with self._lock:
                    self._building = False

    # -- catching up

    def _catch_up(self) -> None:
        """Add the complaints closed since the last lookup (caller holds the lock)."""
        from kesu.triage.similar import Case

        top = ComplaintEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        if top < self._seen_top:
            # The event table went backwards: the database was replaced (a test, a demo reload).
            self._index = None
            return
        new_ids = [
            cid
            for cid in ComplaintEvent.objects.filter(
                pk__gt=self._scan_from, kind=ComplaintEvent.Kind.TRANSITION, to_status=Status.CLOSED
            ).values_list("complaint_id", flat=True)
            if cid not in self._ids
        ]
        if new_ids:
            for pk, title, desc, code in self._closed(set(new_ids)).order_by("closed_at", "pk"):
                self._index.add(Case(case_id=str(pk), text=complaint_text(title, desc), category=code))
                self._ids.add(pk)
                self.added += 1
        now = time.monotonic()
        self._seen_top = top
        self._checkpoints.append((now, top))
        while self._checkpoints and now - self._checkpoints[0][0] >= self.LAG_SECONDS:
            self._scan_from = max(self._scan_from, self._checkpoints.popleft()[1])

    def search(self, text: str, *, category: str, k: int, exclude_id: int | None) -> list[SimilarHit] | None:
        """The k most similar closed complaints, or None while the index is being built."""
        for _attempt in range(2):
            if not self._ensure_built():
                return None
            with self._lock:
                self._catch_up()
                if self._index is None:
                    continue  # the database was replaced: build again
                hits = self._index.search(text, k=k + 5, category=category or None)
            return [
                SimilarHit(int(h.case.case_id), float(h.score))
                for h in hits
                if int(h.case.case_id) != exclude_id
            ]
        return None

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {
                "cases": len(self._index) if self._index is not None else 0,
                "delta": self._index.delta_size if self._index is not None else 0,
                "builds": self.builds,
                "added": self.added,
            }

    def reset(self) -> None:
        with self._lock:
            self._index = None
            self._ids = set()
            self._scan_from = self._seen_top = 0
            self._checkpoints.clear()
            self._building = False
            self.builds = self.added = 0


_similar = _DeskSimilarIndex()


def similar_to(complaint: Complaint, *, k: int = 5) -> list[SimilarHit] | None:
    """Closed complaints most like ``complaint`` (ids and scores, a few more than ``k`` so that the caller
    can drop the ones reopened since), or None while the process's index is still being built or
    cannot be built (logged: similar cases are a help, their failure must not break the page)."""
    try:
        return _similar.search(
            complaint_text(complaint.title, complaint.description),
            category=complaint.category.code if complaint.category_id else "",
            k=k,
            exclude_id=complaint.pk,
        )
    except Exception:  # noqa: BLE001
        log.exception("triage: similar cases failed")
        return None


def similar_index_stats() -> dict[str, int]:
    return _similar.stats()


def reset_similar() -> None:
    """Forget this process's similar-cases index (the next lookup builds it from the database)."""
    _similar.reset()


def reset() -> None:
    """Forget the engine and the similar-cases index of this process (after a lexicon edit)."""
    _lazy.reset()
    _similar.reset()
