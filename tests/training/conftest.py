import pytest

from tests.api.conftest import ApiClient


@pytest.fixture
def api_for():
    return ApiClient


@pytest.fixture
def empty_catalogue(db):
    """Tests that assert a whole list start without the shipped starter catalogue."""
    from kesu.training.models import Course

    Course.objects.all().delete()
