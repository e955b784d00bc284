from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kesu.accounts.roles import Role
from kesu.roleplay import services
from tests.conftest import make_user

FIXTURE = Path(__file__).parent / "scenario_fixture.yaml"


@pytest.fixture
def scenario_data():
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def trainer(team):
    return make_user("rp-trainer", Role.TRAINER, None)


@pytest.fixture
def learner(team):
    return make_user("rp-learner", Role.HANDLER, team)


@pytest.fixture
def scenario(db, trainer, scenario_data):
    return services.scenario_save(data=scenario_data, by=trainer).scenario
