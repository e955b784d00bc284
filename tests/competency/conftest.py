"""A competency model for tests: the shipped one when the content file is present, else a generated
one with the same codes (so these tests do not depend on the wording of the content)."""

from __future__ import annotations

import pytest
import yaml

from kesu.competency import content
from kesu.competency.models import CompetencyModel

PROFILES = ("new_handler", "handler", "senior_handler", "supervisor", "pr_officer", "liaison")
NEXT = {"new_handler": "handler", "handler": "senior_handler", "senior_handler": "supervisor"}


def generated_model() -> dict:
    def dim(code):
        return code.split("_")[0].replace("know", "knowledge").replace("att", "attitude")

    return {
        "label": "测试模型",
        "items": [
            {
                "code": c,
                "dimension": dim(c),
                "name": f"项目{n}",
                "levels": {lv: [f"{c} 等级{lv}"] for lv in range(1, 6)},
            }
            for n, c in enumerate(content.ITEM_CODES)
        ],
        "profiles": [
            {
                "code": p,
                "name": p,
                "next": NEXT.get(p),
                "requirements": {c: 2 + i for c in content.ITEM_CODES}
                if i < 4
                else dict.fromkeys(content.ITEM_CODES, 3),
            }
            for i, p in enumerate(PROFILES)
        ],
    }


@pytest.fixture
def competency_model(db, tmp_path):
    if not CompetencyModel.objects.exists():
        path = tmp_path / "model.yaml"
        path.write_text(yaml.safe_dump(generated_model(), allow_unicode=True), encoding="utf-8")
        from django.apps import apps

        content.install(apps, path=path)
    return CompetencyModel.objects.get(status="published")
