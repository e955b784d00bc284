"""The zh-Hans catalogue: complete, consistent with the source, compiled, and used by default.

The UI's source strings are English; zh-Hans is the default language. When one of these tests fails after
you added a string, refresh the catalogue (gettext must be installed):

    cd src/kesu
    uv run kesu makemessages -l zh_Hans --ignore=static --ignore='*/migrations/*'
    # translate the new entries in locale/zh_Hans/LC_MESSAGES/django.po, drop any "#, fuzzy"
    uv run kesu compilemessages

and commit both django.po and django.mo.
"""

from __future__ import annotations

import ast
import gettext as stdlib_gettext
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

import kesu
from kesu.accounts.roles import Role
from tests.conftest import make_user

SRC = Path(kesu.__file__).resolve().parent
LC = SRC / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = LC / "django.po"
MO = LC / "django.mo"

FIX_HINT = (
    "run `uv run kesu makemessages -l zh_Hans --ignore=static --ignore='*/migrations/*'` in src/kesu, "
    "translate, then `uv run kesu compilemessages`"
)


# --------------------------------------------------------------------------------------------------
# A small .po reader (stdlib only)


class Entry:
    def __init__(self):
        self.msgctxt: str | None = None
        self.msgid = ""
        self.msgid_plural: str | None = None
        self.msgstr: dict[int, str] = {}
        self.flags: set[str] = set()
        self.obsolete = False
        self.line = 0

    @property
    def key(self) -> str:
        # The key GNU gettext uses in a .mo: "context\x04msgid".
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def _unquote(s: str) -> str:
    return ast.literal_eval(s)


def parse_po(path: Path) -> list[Entry]:
    """Entries are separated by blank lines (as makemessages and msgmerge write them)."""
    entries: list[Entry] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    block: list[tuple[int, str]] = []
    for n, raw in enumerate([*lines, ""], 1):
        if raw.strip():
            block.append((n, raw.strip()))
            continue
        if not block:
            continue
        entry, field = Entry(), None
        entry.line = block[0][0]
        for ln, line in block:
            if line.startswith("#~"):
                entry.obsolete = True
            elif line.startswith("#,"):
                entry.flags |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                pass
            elif m := re.match(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line):
                kw, idx, value = m.group(1), m.group(2), _unquote(m.group(3))
                if kw == "msgstr":
                    field = ("msgstr", int(idx or 0))
                    entry.msgstr[field[1]] = value
                else:
                    field = (kw, None)
                    setattr(entry, kw, value)
            elif line.startswith('"') and field is not None:
                name, i = field
                if name == "msgstr":
                    entry.msgstr[i] += _unquote(line)
                else:
                    setattr(entry, name, getattr(entry, name) + _unquote(line))
            else:
                raise AssertionError(f"{path}:{ln}: cannot read {line!r}")
        if not entry.obsolete and (field is not None):
            entries.append(entry)
        block = []
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    assert PO.is_file(), f"{PO} is missing: {FIX_HINT}"
    return parse_po(PO)


@pytest.fixture(scope="module")
def header(po_entries) -> dict[str, str]:
    head = next(e for e in po_entries if e.msgid == "" and e.msgctxt is None)
    fields = {}
    for line in head.msgstr[0].splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            fields[k.strip()] = v.strip()
    return fields


@pytest.fixture(scope="module")
def messages(po_entries) -> list[Entry]:
    return [e for e in po_entries if e.msgid]


# --------------------------------------------------------------------------------------------------
# (a) the catalogue itself


def test_header(header, po_entries):
    assert header["Language"] == "zh_Hans"
    assert header["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert "charset=UTF-8" in header["Content-Type"]
    head = next(e for e in po_entries if e.msgid == "")
    assert "fuzzy" not in head.flags, "the header is marked fuzzy"


def test_catalogue_is_substantial(messages):
    assert len(messages) > 500


def test_every_entry_translated_and_not_fuzzy(messages):
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in messages if "fuzzy" in e.flags]
    untranslated = [
        f"line {e.line}: {e.msgid!r}"
        for e in messages
        if not all(v.strip() for v in e.msgstr.values()) or not e.msgstr
    ]
    assert not fuzzy, f"fuzzy entries are ignored at runtime; review and unflag them: {fuzzy}"
    assert not untranslated, f"untranslated entries: {untranslated}"


def test_plural_entries_have_exactly_one_form(messages):
    for e in messages:
        if e.msgid_plural is not None:
            assert sorted(e.msgstr) == [0], f"line {e.line}: zh-Hans has one plural form: {e.msgid!r}"
        else:
            assert sorted(e.msgstr) == [0], f"line {e.line}: {e.msgid!r}"


_PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w+\}")


def test_placeholders_kept(messages):
    problems = []
    for e in messages:
        source = set(_PLACEHOLDER.findall(e.msgid))
        if e.msgid_plural is not None:
            source |= set(_PLACEHOLDER.findall(e.msgid_plural))
        for s in e.msgstr.values():
            found = set(_PLACEHOLDER.findall(s))
            # A plural translation may use the count where the singular had none ("Reopened once").
            ok = found <= source if e.msgid_plural is not None else found == source
            if not ok:
                problems.append(f"line {e.line}: {e.msgid!r} -> {s!r}")
    assert not problems, problems


def test_no_latin_leftovers(messages):
    """A translation that is still mostly English was forgotten, not translated."""
    allowed = {"App", "API", "API 令牌", "If-Match", "Excel"}
    suspicious = []
    for e in messages:
        s = e.msgstr.get(0, "")
        stripped = _PLACEHOLDER.sub("", s)
        if stripped in allowed or not re.search(r"[A-Za-z]{3}", stripped):
            continue
        if not re.search(r"[\u4e00-\u9fff]", stripped):
            suspicious.append(f"line {e.line}: {e.msgid!r} -> {s!r}")
    assert not suspicious, suspicious


def test_compiled_catalogue_matches_po(messages):
    """django.mo is committed (users' machines may lack gettext); it must not be stale."""
    assert MO.is_file(), f"{MO} is missing: {FIX_HINT}"
    with MO.open("rb") as fh:
        mo = stdlib_gettext.GNUTranslations(fh)
    catalog = mo._catalog  # noqa: SLF001 — the stdlib keeps the parsed .mo here
    stale = []
    for e in messages:
        got = catalog.get((e.key, 0)) if e.msgid_plural is not None else catalog.get(e.key)
        if got != e.msgstr[0]:
            stale.append(e.msgid)
    assert not stale, f"django.mo is older than django.po ({len(stale)} entries differ): {FIX_HINT}"


# --------------------------------------------------------------------------------------------------
# Every string the source marks for translation is in the catalogue


_GETTEXT_FUNCS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def _python_msgids() -> set[tuple[str | None, str, Path, int]]:
    found = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or "static" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else None
            if name not in _GETTEXT_FUNCS:
                continue
            args = [
                a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                for a in node.args
            ]
            ctx = None
            if name.startswith(("pgettext", "npgettext")):
                if len(args) < 2 or args[0] is None or args[1] is None:
                    continue
                ctx, msgid = args[0], args[1]
            else:
                if not args or args[0] is None:
                    continue
                msgid = args[0]
            if msgid:
                found.add((ctx, msgid, path, node.lineno))
    return found


_TEMPLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1(?:\s+context\s+(["'])(.*?)\3)?""")
_TEMPLATE_FILTER_ARG = re.compile(r"""\b_\((["'])(.*?)\1\)""")


def _template_msgids() -> set[tuple[str | None, str, Path, int]]:
    found = set()
    for path in SRC.rglob("*.html"):
        if "static" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for rx, ctx_group in ((_TEMPLATE_TAG, 4), (_TEMPLATE_FILTER_ARG, None)):
            for m in rx.finditer(text):
                ctx = m.group(ctx_group) if ctx_group else None
                found.add((ctx, m.group(2), path, text.count("\n", 0, m.start()) + 1))
    return found


def test_every_marked_string_is_in_the_catalogue(messages):
    known = {(e.msgctxt, e.msgid) for e in messages}
    missing = sorted(
        f"{path.relative_to(SRC)}:{line}: {msgid!r}"
        for ctx, msgid, path, line in _python_msgids() | _template_msgids()
        if (ctx, msgid) not in known
    )
    assert not missing, f"strings missing from the zh-Hans catalogue ({FIX_HINT}):\n" + "\n".join(missing)


# --------------------------------------------------------------------------------------------------
# (b) the catalogue at runtime


@pytest.mark.parametrize(
    ("source", "chinese"),
    [
        ("Awaiting follow-up", "待回访"),
        ("Registered", "已登记"),
        ("Acknowledged", "已受理"),
        ("Investigating", "调查中"),
        ("Awaiting approval", "待审批"),
        ("Resolving", "处理中"),
        ("Closed", "已关闭"),
        ("Escalated", "已升级"),
        ("Complaint handler", "投诉专员"),
        ("Senior handler", "高级投诉专员"),
        ("Supervisor", "主管"),
        ("Department liaison", "部门联络人"),
        ("PR / crisis officer", "公关/危机专员"),
        ("Administrator", "系统管理员"),
        ("Start investigation", "开始调查"),
        ("Reopen", "重开"),
        ("Sign in", "登录"),
    ],
)
def test_key_strings(source, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(source) == chinese
    with translation.override("en"):
        assert translation.gettext(source) == source


def test_labels_of_choices_translate():
    from kesu.complaints.workflow import Status

    with translation.override("zh-hans"):
        assert str(Status.AWAITING_FOLLOW_UP.label) == "待回访"
        assert str(Role.SUPERVISOR.label) == "主管"


def test_placeholders_and_plurals_at_runtime():
    with translation.override("zh-hans"):
        assert (
            translation.gettext("Complaint %(number)s registered.") % {"number": "TS-1"}
            == "投诉 TS-1 已登记。"
        )
        one = translation.ngettext("Reopened once", "Reopened %(n)s times", 1) % {"n": 1}
        many = translation.ngettext("Reopened once", "Reopened %(n)s times", 3) % {"n": 3}
        assert (one, many) == ("已重开 1 次", "已重开 3 次")


# --------------------------------------------------------------------------------------------------
# (c) pages


@pytest.fixture
def _zh_default(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.mark.django_db
@pytest.mark.usefixtures("_zh_default")
def test_login_page_is_chinese_by_default(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-hans"' in html
    assert "登录" in html
    assert "用户名" in html and "密码" in html
    assert "Sign in" not in html and "Username" not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("_zh_default")
def test_login_page_follows_accept_language(client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in" in html and "登录" not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("_zh_default")
def test_signed_in_user_without_a_language_sees_chinese(client, team):
    user = make_user("zh-user", Role.SUPERVISOR, team)
    client.force_login(user)
    html = client.get(reverse("desk:home")).content.decode()
    assert "工作台" in html and "投诉队列" in html and "退出登录" in html
    assert "主管" in html  # the role badge
    assert "Log out" not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("_zh_default")
def test_user_language_en_renders_english(client, team):
    user = make_user("en-user", Role.SUPERVISOR, team, language="en")
    client.force_login(user)
    html = client.get(reverse("desk:home")).content.decode()
    assert 'lang="en"' in html
    assert "Dashboard" in html and "Log out" in html
    assert "工作台" not in html and "退出登录" not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("_zh_default")
def test_public_form_is_chinese_and_polite(client):
    html = client.get("/c/new/").content.decode()
    assert "我要投诉" in html
    assert "您" in html
