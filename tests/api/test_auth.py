"""Bearer tokens, session login with CSRF, and the api_token command."""

import json
from io import StringIO

from django.core.management import call_command
from django.test import Client

from kesu.accounts.models import ApiToken
from kesu.complaints.models import Complaint
from tests.api.conftest import complaint_body


def test_no_token_is_401_unauthenticated(db):
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/complaints")

    assert r.status_code == 401
    assert r.json() == {
        "code": "unauthenticated",
        "message": "Authentication required: send 'Authorization: Bearer <token>' or log in.",
        "details": {},
    }
    assert r["WWW-Authenticate"] == "Bearer"


def test_anonymous_post_is_401_not_a_csrf_error(db):
    r = Client(enforce_csrf_checks=True).post(
        "/api/v1/complaints", json.dumps(complaint_body()), content_type="application/json"
    )

    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"
    assert Complaint.objects.count() == 0


def test_wrong_or_revoked_token_is_401(handler, api_for):
    api = api_for(handler)
    ApiToken.objects.filter(user=handler).update(revoked=True)

    revoked = api.get("/complaints")
    wrong = Client(HTTP_AUTHORIZATION="Bearer ks_not-a-token").get("/api/v1/complaints")

    assert revoked.status_code == 401
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "unauthenticated"


def test_token_of_inactive_user_is_401(handler, api_for):
    api = api_for(handler)
    handler.is_active = False
    handler.save()

    assert api.get("/complaints").status_code == 401


def test_token_use_is_recorded(handler, api_for):
    api = api_for(handler)

    api.get("/complaints")

    assert ApiToken.objects.get(user=handler).last_used_at is not None


def test_session_login_works_for_reads(handler):
    client = Client()
    client.force_login(handler)

    r = client.get("/api/v1/complaints", {"queue": "mine"})

    assert r.status_code == 200
    assert r.json() == {"items": [], "next_cursor": None, "ordering": "due"}


def test_session_post_without_csrf_token_is_refused(handler):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(handler)

    r = client.post("/api/v1/complaints", json.dumps(complaint_body()), content_type="application/json")

    assert r.status_code == 403
    assert r.json()["code"] == "csrf_failed"
    assert Complaint.objects.count() == 0


def test_session_post_with_csrf_token_is_accepted(handler):
    client = Client(enforce_csrf_checks=True)
    client.force_login(handler)
    client.get("/api/v1/docs")  # the docs page (like every UI page) sets the csrftoken cookie
    token = client.cookies["csrftoken"].value

    r = client.post(
        "/api/v1/complaints",
        json.dumps(complaint_body()),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert r.status_code == 201
    assert Complaint.objects.get().registered_by == handler


def test_token_post_needs_no_csrf_token(handler, api_for):
    api = api_for(handler)
    api.client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {api.key}")

    r = api.post("/complaints", complaint_body())

    assert r.status_code == 201


def test_api_token_command_prints_a_working_token_once(handler):
    out, err = StringIO(), StringIO()

    call_command("api_token", "handler1", "--name", "crm-sync", stdout=out, stderr=err)

    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=handler)
    assert key.startswith("ks_")
    assert token.name == "crm-sync"
    assert token.prefix == key[:8]
    assert key not in token.key_hash
    assert "shown only this once" in err.getvalue()
    r = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/complaints")
    assert r.status_code == 200


def test_api_token_command_revokes(handler):
    out = StringIO()
    call_command("api_token", "handler1", "--name", "crm-sync", stdout=out, stderr=StringIO())
    key = out.getvalue().strip()

    call_command("api_token", "handler1", "--revoke", key[:8], stdout=StringIO())

    assert ApiToken.objects.get(user=handler).revoked is True
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/complaints").status_code == 401
