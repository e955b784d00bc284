"""The shipped competency model (content/model.yaml) and the default desk-KPI rules.

``install(apps)`` runs from the data migration and before every database test (tests/conftest.py): it
does nothing once a model version exists, so trainers' later edits are never overwritten.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.utils import timezone

MODEL_FILE = Path(__file__).parent / "content" / "model.yaml"

ITEM_CODES = (
    "know_service",
    "know_process",
    "know_communication",
    "know_emotion",
    "know_law",
    "know_product",
    "know_crisis",
    "skill_observation",
    "skill_judgement",
    "skill_communication",
    "skill_adaptability",
    "skill_coordination",
    "skill_learning",
    "att_responsibility",
    "att_empathy",
    "att_patience",
    "att_integrity",
    "att_confidentiality",
    "att_service",
)

# (kpi, item, value at level 1, value at level 5, weight). Rates are fractions 0..1.
DEFAULT_KPI_RULES: tuple[tuple[str, str, float, float, float], ...] = (
    ("satisfaction", "att_service", 2.5, 4.8, 1.0),
    ("satisfaction", "att_empathy", 2.5, 4.8, 0.8),
    ("satisfaction", "skill_communication", 2.5, 4.8, 0.8),
    ("fcr_rate", "skill_judgement", 0.3, 0.9, 1.0),
    ("fcr_rate", "know_process", 0.3, 0.9, 0.6),
    ("fcr_rate", "know_product", 0.3, 0.9, 0.6),
    ("escalation_rate", "know_emotion", 0.30, 0.02, 1.0),
    ("escalation_rate", "att_patience", 0.30, 0.02, 0.8),
    ("escalation_rate", "skill_adaptability", 0.30, 0.02, 0.6),
    ("reopen_rate", "att_responsibility", 0.25, 0.0, 1.0),
    ("reopen_rate", "skill_observation", 0.25, 0.0, 0.6),
    # A repeat complaint is partly the customer's history, so it weighs little.
    ("repeat_rate", "att_responsibility", 0.30, 0.02, 0.4),
    ("overdue_rate", "att_responsibility", 0.40, 0.0, 0.8),
    ("overdue_rate", "skill_coordination", 0.40, 0.0, 0.8),
    ("overdue_rate", "know_process", 0.40, 0.0, 0.6),
    ("reply_findings", "att_empathy", 1.5, 0.0, 1.0),
    ("reply_findings", "skill_communication", 1.5, 0.0, 1.0),
    ("reply_findings", "know_communication", 1.5, 0.0, 0.6),
    # Most handlers grant somewhat above the suggested amount (30–60 % of compensated cases in the demo
    # year), so only a habit of it says something, and only about judgement.
    ("comp_above_rate", "skill_judgement", 0.9, 0.1, 0.5),
)


def load_model_file(path: Path = MODEL_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def install(apps, path: Path | None = None) -> None:
    CompetencyModel = apps.get_model("competency", "CompetencyModel")
    KpiRule = apps.get_model("competency", "KpiRule")
    if not KpiRule.objects.exists():
        KpiRule.objects.bulk_create(
            KpiRule(kpi=k, item_code=i, poor_value=p, excellent_value=e, weight=w)
            for k, i, p, e, w in DEFAULT_KPI_RULES
        )
    if CompetencyModel.objects.exists():
        return
    path = path or MODEL_FILE
    if not path.is_file():
        return
    data = load_model_file(path)
    model = CompetencyModel.objects.create(
        number=1,
        label=data["label"],
        status="published",
        note=data.get("note", ""),
        created_at=timezone.now(),
        published_at=timezone.now(),
    )
    CompetencyItem = apps.get_model("competency", "CompetencyItem")
    RoleProfile = apps.get_model("competency", "RoleProfile")
    CompetencyItem.objects.bulk_create(
        CompetencyItem(
            model=model,
            code=item["code"],
            dimension=item["dimension"],
            name=item["name"],
            description=item.get("description", ""),
            levels={str(k): list(v) for k, v in item["levels"].items()},
            order=n,
        )
        for n, item in enumerate(data["items"])
    )
    RoleProfile.objects.bulk_create(
        RoleProfile(
            model=model,
            code=p["code"],
            name=p["name"],
            description=p.get("description", ""),
            next_code=p.get("next") or "",
            requirements={k: int(v) for k, v in p["requirements"].items()},
            order=n,
        )
        for n, p in enumerate(data["profiles"])
    )
