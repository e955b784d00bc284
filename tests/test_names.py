import pytest

from kesu.accounts.models import User

pytestmark = pytest.mark.django_db


def test_chinese_names_read_family_name_first():
    assert str(User(username="u1", first_name="思远", last_name="王")) == "王思远"
    assert str(User(username="u2", first_name="John", last_name="Smith")) == "John Smith"
    assert str(User(username="u3", first_name="思远", last_name="王", display_name="小王")) == "小王"


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("kesu/favicon.svg")
