"""Normalisation: turn whatever arrived (str, bytes, None, huge, binary, mis-encoded) into the text the
detectors read, and say what had to be done.

Invariants:
- never raises; bad input gives a ``Normalized`` with ``degraded=True`` and a note saying why;
- the result is at most ``max_chars`` characters (``truncated=True`` when it was cut);
- the output is simplified Chinese (OpenCC t2s), half-width (NFKC), lower-case Latin, single spaces,
  without emoji (each known emoji becomes a cue first, see ``lexicons/normalize.yaml``), with a few
  common typos of the trade fixed (帐户 → 账户, 不知到 → 不知道).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources

from kesu.triage.matching import Matcher
from kesu.triage.models import Cue, Normalized
from kesu.triage.resources import load_yaml

DEFAULT_MAX_CHARS = 20_000
# Reading more than this many bytes or characters before cutting would only waste time.
_HARD_INPUT_CAP = 4 * DEFAULT_MAX_CHARS

_EMOJI = re.compile(
    "["
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, supplemental symbols
    "\U0001f1e6-\U0001f1ff"  # regional indicators (flags)
    "\u2600-\u27bf"  # miscellaneous symbols, dingbats
    "\u2b00-\u2bff"  # arrows, stars
    "\ufe0f\ufe0e\u200d\u20e3"  # variation selectors, zero-width joiner, keycap
    "]+"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u2060\ufeff]")
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN1_MOJIBAKE = re.compile(r"[\u00c0-\u00ff][\u0080-\u00bf]")


@functools.cache
def _traditional_chars() -> frozenset[str]:
    """Characters OpenCC's t2s dictionary would change; converting only when one occurs keeps the common
    (already simplified) case free."""
    path = resources.files("opencc").joinpath("dictionary", "TSCharacters.txt")
    chars: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("\t")
        if key and value and key not in value.split(" "):
            chars.update(key)
    return frozenset(chars)


@functools.cache
def _converter():  # type: ignore[no-untyped-def]
    from opencc import OpenCC

    return OpenCC("t2s")


@functools.cache
def _tables() -> tuple[Matcher, Matcher, dict[str, str]]:
    data = load_yaml("normalize.yaml")
    emoji = {str(k): (str(v[0]), float(v[1])) for k, v in (data.get("emoji") or {}).items()}
    typos = {str(k): str(v) for k, v in (data.get("typos") or {}).items()}
    return Matcher(emoji), Matcher(typos), typos


def _decode(raw: bytes) -> tuple[str, list[str]]:
    for encoding in ("utf-8", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8":
            return text, []
        if _CJK.search(text) and len(_CONTROL.findall(text)) <= len(text) * 0.05:
            return text, ["decoded as GB18030"]
    return raw.decode("utf-8", errors="replace"), ["mis-encoded bytes replaced"]


def _repair_mojibake(text: str) -> tuple[str, list[str]]:
    """UTF-8 read as Latin-1 ("æ\u0088\u0091") or as GBK ("鎴戜滑") is common in e-mail and CSV imports."""
    if not _CJK.search(text) and len(_LATIN1_MOJIBAKE.findall(text)) >= 2:
        for codec in ("latin-1", "cp1252"):
            try:
                return text.encode(codec).decode("utf-8"), ["repaired UTF-8 read as Latin-1"]
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
    if len(text) >= 4 and _CJK.search(text):
        try:
            fixed = text.encode("gbk").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return text, []
        if fixed != text and _CJK.search(fixed) and len(fixed) < len(text):
            return fixed, ["repaired UTF-8 read as GBK"]
    return text, []


def normalize(raw: str | bytes | None, *, max_chars: int = DEFAULT_MAX_CHARS) -> Normalized:
    try:
        return _normalize(raw, max_chars=max_chars)
    except Exception as exc:  # noqa: BLE001 - the contract is "never raises"; say so in the result
        return Normalized(
            text="", original_length=0, degraded=True, notes=(f"normalisation failed: {exc!r}",)
        )


def _normalize(raw: str | bytes | None, *, max_chars: int) -> Normalized:
    notes: list[str] = []
    degraded = False
    if raw is None:
        return Normalized(text="", original_length=0, degraded=True, notes=("empty input",))
    if isinstance(raw, (bytes, bytearray, memoryview)):
        raw_bytes = bytes(raw[: _HARD_INPUT_CAP * 4])
        text, decode_notes = _decode(raw_bytes)
        notes += decode_notes
        degraded = "mis-encoded bytes replaced" in decode_notes
    elif isinstance(raw, str):
        text = raw
    else:
        text = str(raw)
        notes.append(f"non-text input of type {type(raw).__name__}")
        degraded = True
    original_length = len(text)
    if len(text) > _HARD_INPUT_CAP:
        text = text[:_HARD_INPUT_CAP]

    text, repair_notes = _repair_mojibake(text)
    notes += repair_notes

    bad = len(_CONTROL.findall(text))
    if bad:
        if bad > max(2, len(text) * 0.1):
            degraded = True
            notes.append("binary or mis-encoded input: control or replacement characters removed")
        text = _CONTROL.sub(" ", text)

    # NFKC: full-width Latin, digits and punctuation become half-width (！→!, １２３１５→12315, ＡＰＰ→APP).
    text = unicodedata.normalize("NFKC", text)
    text = _ZERO_WIDTH.sub("", text)

    emoji_matcher, typo_matcher, typos = _tables()
    emoji_found: list[tuple[str, str, float]] = []
    if _EMOJI.search(text):
        for hit in emoji_matcher.find(text):
            kind, weight = hit.payload
            emoji_found.append((hit.text, kind, weight))
        text = _EMOJI.sub(" ", text)

    text = _SPACES.sub(" ", text).strip()
    # A space between two CJK characters is noise ("退 款"), not a word boundary.
    if " " in text:
        text = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", text)

    converted = False
    if not _traditional_chars().isdisjoint(text):
        simplified = _converter().convert(text)
        converted = simplified != text
        text = simplified

    if typos:
        text = "".join(_replace_hits(text, typo_matcher, typos))
    text = text.lower()

    truncated = False
    if original_length > max_chars or len(text) > max_chars:
        text = text[:max_chars]
        truncated = True
        notes.append(f"text longer than {max_chars} characters: only the first {max_chars} were analysed")

    if not text:
        degraded = True
        notes.append("empty input")
    elif not _CJK.search(text) and not re.search(r"[a-z]{2,}", text):
        degraded = True
        notes.append("no Chinese or Latin words found")

    # Emoji cues have no span in the normalised text (the emoji are gone): they point at position 0.
    emoji_cues = tuple(Cue(kind=kind, text=e, start=0, end=0, weight=w) for e, kind, w in emoji_found)
    return Normalized(
        text=text,
        original_length=original_length,
        truncated=truncated,
        degraded=degraded,
        notes=tuple(notes),
        converted_traditional=converted,
        emoji_cues=emoji_cues,
    )


def _replace_hits(text: str, matcher: Matcher, table: dict[str, str]):  # type: ignore[no-untyped-def]
    pos = 0
    for hit in matcher.find(text):
        yield text[pos : hit.start]
        yield table[hit.text]
        pos = hit.end
    yield text[pos:]
