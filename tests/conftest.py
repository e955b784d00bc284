import importlib
import importlib.util

import pytest

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Role


@pytest.fixture(autouse=True)
def _reference_data(request):
    """The shipped reference data (categories, SLA policies, limits, teams) comes from a data migration,
    and a transactional test (browser, Redis) flushes it away: put back whatever is missing."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if marker is None and not {"db", "transactional_db", "live_server"} & set(names):
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(names)
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.apps import apps

    from kesu.complaints import reference

    reference.install(apps)
    for name in ACADEMY_CONTENT:
        # A content/ folder of YAML without the content.py loader yet is a namespace package: skip it.
        module = importlib.import_module(name) if importlib.util.find_spec(name) else None
        if module is not None and hasattr(module, "install"):
            module.install(apps)


# Starter content of the academy apps, installed by their data migrations: ``install(apps)`` must be
# idempotent and cheap when the content is already there (it runs before every database test).
ACADEMY_CONTENT = (
    "kesu.competency.content",
    "kesu.training.content",
    "kesu.exams.content",
    "kesu.roleplay.content",
)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    """Tasks run inline; mail goes to Django's in-memory outbox; uploads to a temp dir."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "mail"],
        }
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
    }
    from django.core.cache import cache

    cache.clear()
    # The similar-cases index lives as long as the process; each test has its own database.
    from kesu.complaints import triage

    triage.reset_similar()


@pytest.fixture
def team(db):
    return Department.objects.get(code="complaints")


def make_user(username: str, role: str, department: Department | None, **extra) -> User:
    return User.objects.create_user(
        username=username,
        password="pw-Kesu-2026",
        role=role,
        department=department,
        email=extra.pop("email", f"{username}@example.cn"),
        display_name=extra.pop("display_name", username),
        **extra,
    )


@pytest.fixture
def handler(team):
    return make_user("handler1", Role.HANDLER, team)


@pytest.fixture
def senior(team):
    return make_user("senior1", Role.SENIOR_HANDLER, team)


@pytest.fixture
def supervisor(team):
    return make_user("super1", Role.SUPERVISOR, team)


@pytest.fixture
def liaison(db):
    return make_user("legal1", Role.LIAISON, Department.objects.get(code="legal"))


@pytest.fixture
def auditor(db):
    return make_user("audit1", Role.AUDITOR, None)


@pytest.fixture
def admin_user(db):
    return make_user("admin1", Role.ADMIN, None, is_staff=True, is_superuser=True)
