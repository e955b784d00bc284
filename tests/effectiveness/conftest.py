import pytest

from kesu.accounts.roles import Role
from tests.conftest import make_user


@pytest.fixture
def trainer(db):
    return make_user("trainer1", Role.TRAINER, None)
