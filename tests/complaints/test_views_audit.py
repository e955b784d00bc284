import pytest
from django.urls import reverse

from kesu.complaints import services
from tests.complaints.factories import register

pytestmark = pytest.mark.django_db


def test_auditor_sees_every_reveal_and_handler_is_refused(client, handler, auditor):
    c = register(handler, phone="13812345678")
    services.pii_reveal(
        complaint_id=c.pk, actor=handler, field="phone", reason="回访需要拨打电话", ip="10.1.2.3"
    )
    client.force_login(auditor)
    response = client.get(reverse("desk:audit_pii"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert c.number in body
    assert "回访需要拨打电话" in body
    assert "10.1.2.3" in body
    # the log records who looked, not the value
    assert "13812345678" not in body
    assert client.get(reverse("desk:audit_pii") + "?user=nobody").context["page_obj"].paginator.count == 0

    client.force_login(handler)
    assert client.get(reverse("desk:audit_pii")).status_code == 403
