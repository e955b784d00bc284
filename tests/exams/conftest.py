import pytest

from kesu.accounts.roles import Role
from kesu.exams.models import Question
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _own_bank(request):
    """Tests draw from their own questions (codes T-…): the starter bank is retired for them."""
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        Question.objects.exclude(code__startswith="T-").update(status=Question.Status.RETIRED)


@pytest.fixture
def trainer(db):
    return make_user("trainer1", Role.TRAINER, None, display_name="董老师")
