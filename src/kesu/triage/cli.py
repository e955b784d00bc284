"""Command line of the triage engine, behind ``kesu triage`` and ``kesu lint-reply``.

    kesu triage "文本"                 the analysis, for a person
    kesu triage --json "文本"          one JSON object (keys: category, confidence, anger_level, flags,
                                       demands, cues, ...)
    kesu triage --jsonl FILE           one text per line (plain text, or JSON with a "text" key) -> one
                                       JSON object per line on stdout; FILE may be - for stdin
    kesu triage eval FILE [--json]     metrics on a labelled JSONL file
    kesu triage train FILE --out PATH  train the category model from confirmed examples (JSONL with
                                       "text" and "category")
    kesu lint-reply [--json] "回复" [--complaint "投诉原文"]
    kesu lint-reply eval FILE [--json] metrics of reply coaching on labelled replies

The engine (lexicons, jieba, model) is built once per process, so --jsonl is fast per line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import IO, Any

from kesu.triage.models import Analysis, ReplyReport


def _engine(model: str | None, no_model: bool):  # type: ignore[no-untyped-def]
    from kesu.triage.engine import Engine, get_engine

    if no_model:
        return Engine(model_path=None)
    if model:
        return Engine(model_path=model)
    return get_engine()


def format_analysis(a: Analysis) -> str:
    c = a.category
    words = "、".join(cue.text for cue in c.cues[:6]) or "无"
    lines = [
        f"类别: {c.label} ({c.code})  置信度 {c.confidence:.2f}  来源 {c.source} [{c.model_version}]",
        f"  依据: {words}",
        f"情绪: {a.anger.level} {a.anger.label}  (分值 {a.anger.score})",
        "  线索: "
        + (
            "、".join(cue.text for cue in a.anger.cues if cue.start >= 0 or cue.kind.endswith("emoji"))
            or "无"
        ),
        f"  建议话术: {a.anger.script}",
    ]
    if a.flags:
        lines.append(
            "敏感标记: " + "；".join(f"{f.label} ({'、'.join(cue.text for cue in f.cues)})" for f in a.flags)
        )
    else:
        lines.append("敏感标记: 无")
    if a.demands:
        lines.append(
            "诉求: " + "；".join(f"{d.label} ({'、'.join(cue.text for cue in d.cues)})" for d in a.demands)
        )
    else:
        lines.append("诉求: 未明确提出")
    if a.underlying_needs:
        from kesu.triage.resources import load_yaml

        labels = load_yaml("demands.yaml").get("need_labels", {})
        lines.append("深层需求: " + "、".join(labels.get(n, n) for n in a.underlying_needs))
    if a.normalized.notes:
        lines.append("注意: " + "；".join(a.normalized.notes))
    return "\n".join(lines)


def format_reply(report: ReplyReport) -> str:
    lines = [f"得分: {report.score}/100"]
    for f in report.findings:
        lines.append(f"  [{f.severity}] {f.label}: 「{'、'.join(f.words)}」 ({f.start}-{f.end})")
        if f.suggestion:
            lines.append(f"      建议: {f.suggestion}")
    for f in report.credits:
        lines.append(f"  [加分] {f.label}: 「{'、'.join(f.words)}」")
    if report.normalized.notes:
        lines.append("注意: " + "；".join(report.normalized.notes))
    return "\n".join(lines)


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _lines(path: str, stdin: IO[str]):  # type: ignore[no-untyped-def]
    if path == "-":
        yield from stdin
        return
    with open(path, encoding="utf-8", errors="replace") as fh:
        yield from fh


def _text_of(line: str) -> str:
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError:
            return stripped
        text = obj.get("text") if isinstance(obj, dict) else None
        if isinstance(text, str):
            return text
    return stripped


def main(argv: Sequence[str], stdout: IO[str] | None = None, stdin: IO[str] | None = None) -> int:
    out = stdout or sys.stdout
    inp = stdin or sys.stdin
    args = list(argv)
    if args and args[0] == "eval":
        return _eval(args[1:], out)
    if args and args[0] == "train":
        return _train(args[1:], out)
    parser = argparse.ArgumentParser(prog="kesu triage", description="Analyse complaint text.")
    parser.add_argument("text", nargs="*", help="complaint text (words are joined with spaces)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--jsonl", metavar="FILE", help="analyse one text per line of FILE (- for stdin)")
    parser.add_argument("--model", help="category model file (default: $KESU_TRIAGE_MODEL)")
    parser.add_argument("--no-model", action="store_true", help="rules only")
    ns = parser.parse_args(args)
    engine = _engine(ns.model, ns.no_model)
    if ns.jsonl:
        for line in _lines(ns.jsonl, inp):
            if not line.strip():
                continue
            out.write(_dump(engine.analyze(_text_of(line)).to_dict()) + "\n")
        return 0
    if not ns.text:
        parser.print_usage(out)
        return 2
    analysis = engine.analyze(" ".join(ns.text))
    out.write((_dump(analysis.to_dict()) if ns.json else format_analysis(analysis)) + "\n")
    return 0


def _eval(args: list[str], out: IO[str]) -> int:
    from kesu.triage.evaluate import evaluate, format_report, read_jsonl

    parser = argparse.ArgumentParser(
        prog="kesu triage eval", description="Measure the engine on a labelled JSONL file."
    )
    parser.add_argument("file")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--errors", type=int, default=0, metavar="N", help="also list the first N disagreements"
    )
    parser.add_argument("--model")
    parser.add_argument("--no-model", action="store_true")
    parser.add_argument(
        "--cv", type=int, default=0, metavar="K", help="k-fold: train a model on the other folds"
    )
    parser.add_argument(
        "--threshold", type=float, default=None, help="model probability needed (with --cv or --model)"
    )
    ns = parser.parse_args(args)
    rows = read_jsonl(ns.file)
    if ns.cv:
        from kesu.triage.evaluate import cross_validate

        report = cross_validate(rows, folds=ns.cv, threshold=0.6 if ns.threshold is None else ns.threshold)
    elif ns.model and ns.threshold is not None:
        from kesu.triage.engine import Engine

        report = evaluate(rows, Engine(model_path=ns.model, model_threshold=ns.threshold))
    else:
        report = evaluate(rows, _engine(ns.model, ns.no_model))
    if ns.json:
        out.write(_dump(report.to_dict()) + "\n")
    else:
        out.write(format_report(report) + "\n")
        for err in report.errors[: ns.errors]:
            out.write(_dump(err) + "\n")
    return 0


def _train(args: list[str], out: IO[str]) -> int:
    from kesu.triage.evaluate import read_jsonl
    from kesu.triage.model import DEFAULT_MODEL_PATH, train

    parser = argparse.ArgumentParser(
        prog="kesu triage train", description="Train the category model from confirmed examples."
    )
    parser.add_argument("file", help='JSONL with "text" and "category" (the confirmed or corrected label)')
    parser.add_argument("--out", default=str(DEFAULT_MODEL_PATH))
    parser.add_argument("--c", type=float, default=10.0, help="inverse regularisation strength")
    ns = parser.parse_args(args)
    rows = read_jsonl(ns.file)
    try:
        report = train(
            ((r["text"], r["category"]) for r in rows if r.get("text") and r.get("category")), ns.out
        )
    except ValueError as exc:
        out.write(f"not trained: {exc}\n")
        return 1
    cv = f"{report.cv_macro_f1:.3f}" if report.cv_macro_f1 is not None else "n/a"
    out.write(
        f"model {report.version} written to {report.path}\n"
        f"examples: {report.examples}, categories: {len(report.labels)}, cross-validated macro-F1: {cv}\n"
        f"the engine uses it when KESU_TRIAGE_MODEL points at it (default path: {DEFAULT_MODEL_PATH})\n"
    )
    return 0


def lint_main(argv: Sequence[str], stdout: IO[str] | None = None) -> int:
    from kesu.triage.models import ReplyContext
    from kesu.triage.reply import lint_reply

    out = stdout or sys.stdout
    if argv and argv[0] == "eval":
        return _eval_replies(list(argv[1:]), out)
    parser = argparse.ArgumentParser(prog="kesu lint-reply", description="Coach a reply to a complaint.")
    parser.add_argument("text", nargs="+")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--complaint", default="", help="the complaint the reply answers")
    ns = parser.parse_args(list(argv))
    report = lint_reply(" ".join(ns.text), ReplyContext(complaint_text=ns.complaint))
    out.write((_dump(report.to_dict()) if ns.json else format_reply(report)) + "\n")
    return 0


def _eval_replies(args: list[str], out: IO[str]) -> int:
    from kesu.triage.evaluate import evaluate_replies, format_reply_report, read_jsonl

    parser = argparse.ArgumentParser(
        prog="kesu lint-reply eval", description="Measure reply coaching on labelled replies."
    )
    parser.add_argument("file")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--errors", type=int, default=0, metavar="N")
    ns = parser.parse_args(args)
    report = evaluate_replies(read_jsonl(ns.file))
    if ns.json:
        out.write(_dump(report.to_dict()) + "\n")
    else:
        out.write(format_reply_report(report) + "\n")
        for err in report.errors[: ns.errors]:
            out.write(_dump(err) + "\n")
    return 0
