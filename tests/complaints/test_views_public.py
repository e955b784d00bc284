"""The customer's pages: the public complaint form and the status lookup."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kesu.complaints import services
from kesu.complaints.models import Complaint
from tests.complaints.factories import register, to_investigating

pytestmark = pytest.mark.django_db

NOT_FOUND = "We could not find a complaint with this tracking number and these phone digits. Check both and try again."


@pytest.fixture(autouse=True)
def _english_and_clean_cache(settings):
    settings.LANGUAGE_CODE = "en"
    cache.clear()
    yield
    cache.clear()


def _form(**overrides):
    data = {
        "name": "张伟",
        "phone": "13812345678",
        "email": "",
        "priority": "",
        "category": "logistics",
        "title": "包裹破损",
        "description": "收到的包裹外箱破损，里面的杯子碎了。",
        "order_ref": "DD20260101",
        "website": "",
    }
    data.update(overrides)
    return data


def test_public_form_renders_without_login(client):
    response = client.get(reverse("public:form"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Delivery problem" in html  # customer-friendly category label
    assert 'class="kesu-public"' in html
    assert (
        'class="kesu-public a11y-large"' in client.get(reverse("public:form") + "?large=1").content.decode()
    )


def test_public_form_enforces_csrf():
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(reverse("public:form"), _form())
    assert response.status_code == 403
    assert Complaint.objects.count() == 0


def test_public_form_registers_and_shows_the_tracking_number(client, handler):
    response = client.post(reverse("public:form"), _form(priority="elderly"), follow=True)
    c = Complaint.objects.get()
    assert response.redirect_chain == [(reverse("public:done"), 302)]
    html = response.content.decode()
    assert f'<p class="kesu-number" id="tracking-number">{c.number}</p>' in html
    assert reverse("public:status") in html
    assert (c.channel, c.registered_by, c.customer.special_group, c.order_ref) == (
        "web",
        None,
        "elderly",
        "DD20260101",
    )


def test_large_mode_persists_through_the_submission(client, handler):
    response = client.post(reverse("public:form") + "?large=1", _form(), follow=True)
    assert response.redirect_chain == [(reverse("public:done") + "?large=1", 302)]
    assert "a11y-large" in response.content.decode()


def test_public_form_with_attachment(client, handler):
    upload = SimpleUploadedFile("破损.jpg", b"\xff\xd8\xff\xe0" + b"0" * 50, content_type="image/jpeg")
    client.post(reverse("public:form"), {**_form(), "attachments": [upload]})
    c = Complaint.objects.get()
    ev = c.evidence.get()
    assert (ev.original_name, ev.from_customer) == ("破损.jpg", True)


def test_public_form_refuses_exe(client, handler):
    upload = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(reverse("public:form"), {**_form(), "attachments": [upload]})
    assert response.status_code == 422
    assert "Files of type .exe are not accepted." in response.content.decode()
    assert Complaint.objects.count() == 0


def test_public_form_refuses_text_over_20000_characters(client, handler):
    response = client.post(reverse("public:form"), _form(description="长" * 20_001))
    assert response.status_code == 422
    assert "Description is too long: 20001 characters, at most 20000." in response.content.decode()
    assert Complaint.objects.count() == 0


def test_public_form_requires_phone(client, handler):
    response = client.post(reverse("public:form"), _form(phone=""))
    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["phone"]
    assert Complaint.objects.count() == 0


def test_honeypot_stores_nothing(client, handler):
    response = client.post(reverse("public:form"), _form(website="http://spam.example"))
    assert response.status_code == 422
    assert "Your complaint could not be sent." in response.content.decode()
    assert Complaint.objects.count() == 0


def test_done_page_without_a_submission_goes_back_to_the_form(client):
    response = client.get(reverse("public:done"))
    assert response.status_code == 302
    assert response["Location"] == reverse("public:form")


# ---------------------------------------------------------------- status lookup


def test_status_lookup_with_the_right_digits(client, handler):
    c = register(handler, name="王丽", phone="13800000001")
    to_investigating(c, handler)
    services.complaint_add_note(complaint_id=c.pk, actor=handler, text="内部备注：客户脾气急")
    response = client.post(reverse("public:status"), {"number": c.number.lower(), "phone_last4": "0001"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<strong id="public-status">Being investigated</strong>' in html
    assert "王*" in html
    assert "王丽" not in html
    assert "13800000001" not in html and "138****0001" not in html
    assert "内部备注" not in html and "仓库排产延误" not in html  # no internal notes or findings
    stages = [(s["label"], s["state"]) for s in response.context["result"]["stages"]]
    assert [s for _l, s in stages] == ["done", "current", "todo", "todo", "todo"]


def test_status_lookup_fails_the_same_way_for_wrong_digits_and_wrong_number(client, handler):
    c = register(handler, phone="13800000001")
    wrong_digits = client.post(reverse("public:status"), {"number": c.number, "phone_last4": "9999"})
    wrong_number = client.post(
        reverse("public:status"), {"number": "TS-19990101-0001", "phone_last4": "0001"}
    )
    for response in (wrong_digits, wrong_number):
        assert response.status_code == 200
        assert response.context["result"] is None
        assert response.context["form"].non_field_errors() == [NOT_FOUND]
        assert c.customer.name not in response.content.decode()


def test_status_lookup_is_throttled(client, handler):
    c = register(handler, phone="13800000001")
    for _ in range(20):
        assert (
            client.post(reverse("public:status"), {"number": c.number, "phone_last4": "1111"}).status_code
            == 200
        )
    response = client.post(reverse("public:status"), {"number": c.number, "phone_last4": "0001"})
    assert response.status_code == 429
    assert "Too many attempts. Please wait 10 minutes and try again." in response.content.decode()
    assert response.context["result"] is None
    # Another address is not affected.
    other = client.post(
        reverse("public:status"), {"number": c.number, "phone_last4": "0001"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 200
    assert other.context["result"]["number"] == c.number


def test_status_page_get_shows_the_form(client):
    response = client.get(reverse("public:status"))
    assert response.status_code == 200
    assert 'name="phone_last4"' in response.content.decode()
