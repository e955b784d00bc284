"""The shipped scenario library (content/scenarios/*.yaml), installed by the data migration.

``install(apps)`` is idempotent and cheap once scenarios exist; trainers' later edits are new versions
in the database and never touch the files.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.utils import timezone

from kesu.roleplay.engine import load_scenario, scenario_to_dict

SCENARIOS = Path(__file__).parent / "content" / "scenarios"


def install(apps, directory: Path | None = None) -> None:
    Scenario = apps.get_model("roleplay", "Scenario")
    ScenarioVersion = apps.get_model("roleplay", "ScenarioVersion")
    if Scenario.objects.exists():
        return
    for path in sorted((directory or SCENARIOS).glob("*.yaml")):
        parsed = load_scenario(yaml.safe_load(path.read_text(encoding="utf-8")))
        scenario = Scenario.objects.create(
            code=parsed.code,
            title=parsed.title,
            industry=parsed.industry,
            category=parsed.category,
            difficulty=parsed.difficulty,
            items=list(parsed.items),
            is_drill=parsed.is_drill,
        )
        version = ScenarioVersion.objects.create(
            scenario=scenario,
            number=1,
            data=scenario_to_dict(parsed),
            rubric_version=parsed.rubric_version(),
            note="Kesu starter library",
            created_at=timezone.now(),
        )
        scenario.current = version
        scenario.save(update_fields=["current"])
