import json

import pytest
from django.test import Client, TestCase

from kesu.accounts.services import api_token_create


class ApiClient:
    """A django test Client that talks JSON to /api/v1/ with a bearer token.

    Each request ends like a request to the real server, whose transactions commit: the on-commit
    callbacks it registered (tasks enqueued after commit, e.g. e-mails) run once the response is built. The tests' own transaction never commits, so they would not run at all.
    """

    def __init__(self, user):
        self.user = user
        _token, self.key = api_token_create(user=user, name=f"test {user.username}")
        # English messages: the assertions must not depend on the state of the zh-Hans catalogue.
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.key}", HTTP_ACCEPT_LANGUAGE="en")

    def get(self, path, **params):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return self.client.get(f"/api/v1{path}", params)

    def post(self, path, data=None, **headers):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                f"/api/v1{path}",
                json.dumps(data if data is not None else {}),
                content_type="application/json",
                headers=headers,
            )

    def post_multipart(self, path, data):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return self.client.post(f"/api/v1{path}", data)


@pytest.fixture
def api_for():
    return ApiClient


def complaint_body(**overrides):
    body = {
        "category": "logistics",
        "severity": "medium",
        "title": "快递三天未更新物流",
        "description": "客户反映订单 DD20261101001 的快递三天没有物流更新，客服电话打不通。",
        "order_ref": "DD20261101001",
        "customer": {"name": "王丽", "phone": "13812345678", "email": "wangli@example.cn"},
    }
    body.update(overrides)
    return body


def run_intake_pump() -> int:
    """What `kesu worker` does a second after API registrations: the intake pump finishes them (and its
    transactions commit, so the acknowledgements and notifications they queue go out)."""
    from kesu.complaints.tasks import intake_pump

    with TestCase.captureOnCommitCallbacks(execute=True):
        return intake_pump.call()
