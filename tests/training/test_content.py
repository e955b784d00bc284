from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.training import content
from kesu.training.models import Course

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def test_install_creates_published_courses_with_their_modules():
    created = content.install(apps, FIXTURES)

    assert created == 2
    c = Course.objects.get(code="TT-901")
    assert (c.title, c.track, c.scenario, c.status, c.hours) == (
        "测试课程：首问负责",
        "new_hire",
        "",
        "published",
        1.5,
    )
    assert (c.audience, c.pass_score) == (["new_handler", "handler"], 75)
    assert c.item_codes == ["know_process", "att_responsibility"]
    assert list(c.modules.values_list("order", "title", "method", "minutes")) == [
        (1, "首问负责制是什么", "online", 5),
        (2, "现场演练", "role_play", 40),
    ]
    other = Course.objects.get(code="TT-902")
    assert (other.scenario, other.pass_score) == ("public_opinion", 60)


def test_install_is_idempotent_cheap_and_keeps_trainer_edits():
    content.install(apps, FIXTURES)
    Course.objects.filter(code="TT-901").update(title="培训师改过的标题")

    with CaptureQueriesContext(connection) as queries:
        assert content.install(apps, FIXTURES) == 0

    assert len(queries) == 1
    assert Course.objects.get(code="TT-901").title == "培训师改过的标题"
    assert Course.objects.filter(code__startswith="TT-").count() == 2


def test_a_bad_file_is_refused_with_its_name(tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "code: X\ntitle: x\ntrack: nowhere\nmodules: [{title: a, method: online}]\n"
    )

    with pytest.raises(content.ContentError, match="bad.yaml: unknown track 'nowhere'"):
        content.load(tmp_path)


def test_the_shipped_files_use_known_codes_and_online_modules_have_text():
    from kesu.training.services import ITEM_CODES, PROFILE_CODES

    for course in content.load():
        assert set(course.get("items") or []) <= ITEM_CODES, course["code"]
        assert set(course.get("audience") or []) <= PROFILE_CODES, course["code"]
        for m in course["modules"]:
            assert set(m.get("items") or []) <= ITEM_CODES, course["code"]
            assert m["method"] != "online" or (m.get("body") or "").strip(), (course["code"], m["title"])
