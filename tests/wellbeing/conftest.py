import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from kesu.accounts.models import Department
from kesu.common import clock
from tests.api.conftest import ApiClient
from tests.conftest import make_user

# A Wednesday noon (Asia/Shanghai): weeks start on Monday 2026-11-16.
NOW = timezone.make_aware(dt.datetime(2026, 11, 18, 12, 0))


@pytest.fixture(autouse=True)
def _frozen_now():
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def other_team(db):
    return Department.objects.get(code="legal")


@pytest.fixture
def trainer(db):
    return make_user("trainer1", "trainer", None)


@pytest.fixture
def handler2(team):
    return make_user("handler2", "handler", team)


def client_for(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


class Api(ApiClient):
    def put(self, path, data):
        return self.client.put(f"/api/v1{path}", json.dumps(data), content_type="application/json")

    def delete(self, path):
        return self.client.delete(f"/api/v1{path}")


@pytest.fixture
def api():
    return Api
