"""Metrics for ``kesu triage eval``: category accuracy, macro-F1 and confusion matrix; anger exact and
within-one agreement; precision and recall per sensitivity flag. Plain Python, so the figures can be
checked by hand in tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class EvalReport:
    n: int
    accuracy: float
    macro_f1: float
    per_category: dict[str, PRF]
    labels: list[str]
    confusion: list[list[int]]
    anger_exact: float
    anger_within_one: float
    anger_n: int
    flags: dict[str, PRF]
    flag_micro: PRF
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "per_category": {k: _prf(v) for k, v in self.per_category.items()},
            "labels": self.labels,
            "confusion": self.confusion,
            "anger_exact": round(self.anger_exact, 4),
            "anger_within_one": round(self.anger_within_one, 4),
            "flags": {k: _prf(v) for k, v in self.flags.items()},
            "flag_micro": _prf(self.flag_micro),
        }


def _prf(m: PRF) -> dict[str, Any]:
    return {
        "precision": round(m.precision, 4),
        "recall": round(m.recall, 4),
        "f1": round(m.f1, 4),
        "tp": m.tp,
        "fp": m.fp,
        "fn": m.fn,
    }


def category_metrics(
    gold: Sequence[str], predicted: Sequence[str]
) -> tuple[float, float, dict[str, PRF], list[str], list[list[int]]]:
    labels = sorted(set(gold) | set(predicted))
    per = {label: PRF() for label in labels}
    index = {label: i for i, label in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    correct = 0
    for g, p in zip(gold, predicted, strict=True):
        confusion[index[g]][index[p]] += 1
        if g == p:
            correct += 1
            per[g].tp += 1
        else:
            per[g].fn += 1
            per[p].fp += 1
    gold_labels = sorted(set(gold))
    macro = sum(per[label].f1 for label in gold_labels) / len(gold_labels) if gold_labels else 0.0
    accuracy = correct / len(gold) if gold else 0.0
    return accuracy, macro, per, labels, confusion


def anger_metrics(gold: Sequence[int], predicted: Sequence[int]) -> tuple[float, float]:
    if not gold:
        return 0.0, 0.0
    exact = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p) / len(gold)
    within = sum(1 for g, p in zip(gold, predicted, strict=True) if abs(g - p) <= 1) / len(gold)
    return exact, within


def flag_metrics(
    gold: Sequence[Iterable[str]], predicted: Sequence[Iterable[str]]
) -> tuple[dict[str, PRF], PRF]:
    per: dict[str, PRF] = {}
    micro = PRF()
    for g_raw, p_raw in zip(gold, predicted, strict=True):
        g, p = set(g_raw), set(p_raw)
        for flag in g | p:
            m = per.setdefault(flag, PRF())
            if flag in g and flag in p:
                m.tp += 1
                micro.tp += 1
            elif flag in p:
                m.fp += 1
                micro.fp += 1
            else:
                m.fn += 1
                micro.fn += 1
    return dict(sorted(per.items())), micro


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def evaluate(rows: Sequence[dict[str, Any]], engine: Any = None) -> EvalReport:
    """Run the engine on labelled rows ({"text", "category", "anger", "flags"}) and measure it."""
    if engine is None:
        from kesu.triage.engine import get_engine

        engine = get_engine()
    gold_cat, pred_cat, gold_anger, pred_anger, gold_flags, pred_flags = [], [], [], [], [], []
    errors = []
    for row in rows:
        analysis = engine.analyze(row["text"])
        if "category" in row:
            gold_cat.append(row["category"])
            pred_cat.append(analysis.category.code)
        if "anger" in row:
            gold_anger.append(int(row["anger"]))
            pred_anger.append(analysis.anger.level)
        if "flags" in row:
            gold_flags.append(row["flags"])
            pred_flags.append([f.code for f in analysis.flags])
        if (
            row.get("category") != analysis.category.code
            or abs(int(row.get("anger", analysis.anger.level)) - analysis.anger.level) > 1
            or set(row.get("flags", [])) != {f.code for f in analysis.flags}
        ):
            errors.append(
                {
                    "id": row.get("id"),
                    "text": row["text"][:80],
                    "category": [row.get("category"), analysis.category.code],
                    "anger": [row.get("anger"), analysis.anger.level],
                    "flags": [sorted(row.get("flags", [])), sorted(f.code for f in analysis.flags)],
                }
            )
    accuracy, macro, per, labels, confusion = category_metrics(gold_cat, pred_cat)
    exact, within = anger_metrics(gold_anger, pred_anger)
    flags, micro = flag_metrics(gold_flags, pred_flags)
    return EvalReport(
        n=len(rows),
        accuracy=accuracy,
        macro_f1=macro,
        per_category=per,
        labels=labels,
        confusion=confusion,
        anger_exact=exact,
        anger_within_one=within,
        anger_n=len(gold_anger),
        flags=flags,
        flag_micro=micro,
        errors=errors,
    )


def format_report(report: EvalReport) -> str:
    lines = [
        f"complaints: {report.n}",
        f"category accuracy: {report.accuracy:.3f}   macro-F1: {report.macro_f1:.3f}",
        "",
        "per category        precision  recall   f1",
    ]
    for label, m in report.per_category.items():
        lines.append(f"  {label:<18} {m.precision:>8.3f} {m.recall:>7.3f} {m.f1:>6.3f}")
    width = max(len(label) for label in report.labels) if report.labels else 5
    short = [label[:6] for label in report.labels]
    lines += [
        "",
        "confusion (rows: gold, columns: predicted)",
        " " * (width + 2) + " ".join(f"{s:>6}" for s in short),
    ]
    for label, row in zip(report.labels, report.confusion, strict=True):
        lines.append(f"  {label:<{width}}" + " ".join(f"{v:>6}" for v in row))
    lines += [
        "",
        f"anger exact: {report.anger_exact:.3f}   within ±1: {report.anger_within_one:.3f}   (n={report.anger_n})",
        "",
        "flags               precision  recall   tp  fp  fn",
    ]
    for flag, m in report.flags.items():
        lines.append(f"  {flag:<18} {m.precision:>8.3f} {m.recall:>7.3f} {m.tp:>4} {m.fp:>3} {m.fn:>3}")
    m = report.flag_micro
    lines.append(f"  {'all (micro)':<18} {m.precision:>8.3f} {m.recall:>7.3f} {m.tp:>4} {m.fp:>3} {m.fn:>3}")
    return "\n".join(lines)


@dataclass
class ReplyEvalReport:
    n: int
    findings: dict[str, PRF]
    findings_micro: PRF
    credits: dict[str, PRF]
    credits_micro: PRF
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "findings": {k: _prf(v) for k, v in self.findings.items()},
            "findings_micro": _prf(self.findings_micro),
            "credits": {k: _prf(v) for k, v in self.credits.items()},
            "credits_micro": _prf(self.credits_micro),
        }


def evaluate_replies(rows: Sequence[dict[str, Any]]) -> ReplyEvalReport:
    """Run lint_reply on labelled replies ({"text", "findings": [codes], "credits": [codes]})."""
    from kesu.triage.models import ReplyContext
    from kesu.triage.reply import lint_reply

    gold_f, pred_f, gold_c, pred_c, errors = [], [], [], [], []
    for row in rows:
        context = ReplyContext(complaint_text=row.get("complaint", ""))
        report = lint_reply(row["text"], context)
        found = sorted({f.code for f in report.findings})
        credited = sorted({c.code for c in report.credits})
        gold_f.append(row.get("findings", []))
        pred_f.append(found)
        gold_c.append(row.get("credits", []))
        pred_c.append(credited)
        if set(found) != set(row.get("findings", [])) or set(credited) != set(row.get("credits", [])):
            errors.append(
                {
                    "id": row.get("id"),
                    "text": row["text"][:60],
                    "findings": [sorted(row.get("findings", [])), found],
                    "credits": [sorted(row.get("credits", [])), credited],
                }
            )
    findings, f_micro = flag_metrics(gold_f, pred_f)
    credits, c_micro = flag_metrics(gold_c, pred_c)
    return ReplyEvalReport(len(rows), findings, f_micro, credits, c_micro, errors)


def format_reply_report(report: ReplyEvalReport) -> str:
    lines = [f"replies: {report.n}", "", "findings            precision  recall   tp  fp  fn"]
    for code, m in report.findings.items():
        lines.append(f"  {code:<18} {m.precision:>8.3f} {m.recall:>7.3f} {m.tp:>4} {m.fp:>3} {m.fn:>3}")
    m = report.findings_micro
    lines.append(f"  {'all (micro)':<18} {m.precision:>8.3f} {m.recall:>7.3f} {m.tp:>4} {m.fp:>3} {m.fn:>3}")
    lines += ["", "credits             precision  recall   tp  fp  fn"]
    for code, m in report.credits.items():
        lines.append(f"  {code:<18} {m.precision:>8.3f} {m.recall:>7.3f} {m.tp:>4} {m.fp:>3} {m.fn:>3}")
    m = report.credits_micro
    lines.append(f"  {'all (micro)':<18} {m.precision:>8.3f} {m.recall:>7.3f} {m.tp:>4} {m.fp:>3} {m.fn:>3}")
    return "\n".join(lines)


def cross_validate(
    rows: Sequence[dict[str, Any]], folds: int = 5, threshold: float = 0.6, seed: int = 0
) -> EvalReport:
    """Estimate the engine *with a trained model* on labelled rows: train on all folds but one, run the
    engine (model above ``threshold``, rules otherwise) on the held-out fold, pool the predictions.
    Only the category depends on the model; anger and flags come out as in ``evaluate``."""
    import random
    import tempfile

    from kesu.triage.engine import Engine
    from kesu.triage.model import train

    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    parts = [order[i::folds] for i in range(folds)]
    predictions: dict[int, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i, held_out in enumerate(parts):
            held = set(held_out)
            path = f"{tmp}/fold{i}.npz"
            train(
                ((rows[j]["text"], rows[j]["category"]) for j in order if j not in held),
                path,
                cross_validate=False,
            )
            engine = Engine(model_path=path, model_threshold=threshold)
            for j in held_out:
                predictions[j] = engine.analyze(rows[j]["text"])
    return evaluate(rows, _Replay([predictions[j] for j in range(len(rows))]))


class _Replay:
    """Hands back analyses made earlier, in row order, to ``evaluate``."""

    def __init__(self, analyses: list[Any]) -> None:
        self._analyses = iter(analyses)

    def analyze(self, text: Any) -> Any:
        return next(self._analyses)
