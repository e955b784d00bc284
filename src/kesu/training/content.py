"""The starter catalogue: one YAML file per course under content/courses/, installed by the data
migration (and by tests before every database test) through ``install(apps)``.

``install`` only adds courses whose code is missing, so it is idempotent and never overwrites what a
trainer edited; when every shipped course is there it costs one query. Shipped courses are published.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from pathlib import Path

import yaml

COURSES_DIR = Path(__file__).parent / "content" / "courses"

TRACKS = {
    "new_hire",
    "advanced",
    "mgmt_crisis",
    "pr_crisis",
    "cross_dept",
    "industry_finance",
    "industry_service",
    "industry_ecommerce",
    "key_scenario",
}
SCENARIOS = {"mass_complaint", "high_sensitivity", "public_opinion"}
METHODS = {"lecture", "case_study", "role_play", "simulation", "discussion", "online", "mentoring"}


class ContentError(ValueError):
    pass


def _check(course: dict, name: str) -> dict:
    for key in ("code", "title", "track", "modules"):
        if not course.get(key):
            raise ContentError(f"{name}: '{key}' is missing")
    if course["track"] not in TRACKS:
        raise ContentError(f"{name}: unknown track {course['track']!r}")
    if course.get("scenario") and course["scenario"] not in SCENARIOS:
        raise ContentError(f"{name}: unknown scenario {course['scenario']!r}")
    for i, m in enumerate(course["modules"], 1):
        if not m.get("title") or m.get("method") not in METHODS:
            raise ContentError(f"{name}: module {i} needs a title and a known method")
    return course


@functools.cache
def load(directory: Path = COURSES_DIR) -> tuple[dict, ...]:
    """The courses of ``directory``, parsed and checked, in file-name order."""
    out = []
    for path in sorted(Path(directory).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append(_check(data, path.name))
    codes = [c["code"] for c in out]
    if len(codes) != len(set(codes)):
        raise ContentError(f"{directory}: a course code appears twice")
    return tuple(out)


_PASS = re.compile(r"(\d{2,3})\s*分(?:及格|合格|通过)")


def pass_score(course: dict) -> int:
    """The file's ``pass_score``, else the "80分及格" its assessment text states, else 60."""
    if course.get("pass_score") is not None:
        return int(course["pass_score"])
    found = _PASS.search(course.get("assessment") or "")
    return int(found.group(1)) if found and int(found.group(1)) <= 100 else 60


def install(apps, directory: Path = COURSES_DIR) -> int:
    """Create the shipped courses that do not exist yet; returns how many were created."""
    courses = load(Path(directory))
    if not courses:
        return 0
    Course = apps.get_model("training", "Course")
    Module = apps.get_model("training", "Module")
    present = set(Course.objects.filter(code__in=[c["code"] for c in courses]).values_list("code", flat=True))
    created = 0
    for c in courses:
        if c["code"] in present:
            continue
        course = Course.objects.create(
            code=c["code"],
            title=c["title"],
            track=c["track"],
            scenario=c.get("scenario") or "",
            summary=(c.get("summary") or "").strip(),
            audience=list(c.get("audience") or []),
            item_codes=list(c.get("items") or []),
            target_level=int(c.get("target_level") or 3),
            hours=Decimal(str(c.get("hours") or 1)),
            assessment=(c.get("assessment") or "").strip(),
            pass_score=pass_score(c),
            status="published",
            version=1,
        )
        Module.objects.bulk_create(
            [
                Module(
                    course=course,
                    order=i,
                    title=m["title"],
                    method=m["method"],
                    minutes=int(m.get("minutes") or 30),
                    item_codes=list(m.get("items") or []),
                    body=m.get("body") or "",
                )
                for i, m in enumerate(c["modules"], 1)
            ]
        )
        created += 1
    return created
