import pytest

from tests.api.conftest import ApiClient


@pytest.fixture
def api_for():
    return ApiClient
