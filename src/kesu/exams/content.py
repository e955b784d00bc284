"""The starter question bank: src/kesu/exams/content/questions/<item_code>.yaml, a list of questions
per file (format: docs/academy.md / the module docstring of grading.py).

``install(apps)`` is called by migration 0002 and before every database test. It is idempotent and cheap
once done: files are parsed once per process, and one query tells which codes exist; only questions whose
code is missing are created. Existing questions are never touched — trainers own the bank after install.
A malformed question raises ValueError naming the file and question (a broken file must not be skipped
silently).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from kesu.common.errors import ValidationFailed
from kesu.exams.grading import question_clean

QUESTIONS_DIR = Path(__file__).resolve().parent / "content" / "questions"


def _files() -> tuple[tuple[str, float], ...]:
    if not QUESTIONS_DIR.is_dir():
        return ()
    return tuple((str(p), p.stat().st_mtime) for p in sorted(QUESTIONS_DIR.glob("*.yaml")))


@functools.cache
def _parse(files: tuple[tuple[str, float], ...]) -> tuple[dict[str, Any], ...]:
    out: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for path, _mtime in files:
        name = Path(path).name
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
        if not isinstance(data, list):
            raise ValueError(f"{name}: expected a list of questions")
        for raw in data:
            if not isinstance(raw, dict):
                raise ValueError(f"{name}: every entry must be a mapping")
            try:
                clean = question_clean(raw)
            except ValidationFailed as exc:
                raise ValueError(f"{name}: {exc.message}") from None
            if clean["code"] in seen:
                raise ValueError(f"{name}: {clean['code']} is also in {seen[clean['code']]}")
            seen[clean["code"]] = name
            out.append(clean)
    return tuple(out)


def questions() -> tuple[dict[str, Any], ...]:
    """Every shipped question, validated and normalised."""
    return _parse(_files())


def install(apps) -> int:
    """Create the shipped questions that do not exist yet; returns how many were created."""
    shipped = questions()
    if not shipped:
        return 0
    Question = apps.get_model("exams", "Question")
    existing = set(Question.objects.values_list("code", flat=True))
    missing = [q for q in shipped if q["code"] not in existing]
    if not missing:
        return 0
    Question.objects.bulk_create(
        [Question(**{k: v for k, v in q.items()}, status="active", version=1) for q in missing],
        batch_size=200,
    )
    return len(missing)
