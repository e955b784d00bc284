"""Fast dictionary matching over normalised text.

Lexicon words are compiled once into a trie-shaped regular expression, so one left-to-right scan finds
the longest lexicon word at each position whatever the size of the lexicon (a plain alternation of
hundreds of words would try each in turn at every character). Regex patterns from the lexicons are
compiled once beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# A negator just before a word ("没有泄露", "并未受伤", "不是质量问题") cancels it for detectors that
# ask for it. Kept deliberately short: a wider window negates too much in Chinese.
_NEGATION_TAIL = re.compile(r"(?:没有人?|没人|无人|没|并未|未曾|未|无|不是|并非|不存在|不算|别)$")


def trie_regex(words: Iterable[str]) -> str:
    trie: dict[str, Any] = {}
    for word in words:
        if not word:
            continue
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        if len(branches) == 1 and not end:
            return branches[0]
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if end else body

    return build(trie)


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    text: str
    payload: Any


class Matcher:
    """Finds lexicon words (longest first, non-overlapping) and regex patterns in a text."""

    def __init__(self, words: Mapping[str, Any], patterns: Iterable[tuple[str, Any]] = ()) -> None:
        self._words = dict(words)
        pattern = trie_regex(self._words)
        self._trie = re.compile(pattern) if pattern else None
        self._patterns = [(re.compile(p), payload) for p, payload in patterns]

    def find(self, text: str) -> Iterator[Hit]:
        if self._trie is not None:
            for m in self._trie.finditer(text):
                yield Hit(m.start(), m.end(), m.group(), self._words[m.group()])
        for rx, payload in self._patterns:
            for m in rx.finditer(text):
                if m.end() > m.start():
                    yield Hit(m.start(), m.end(), m.group(), payload)


def negated(text: str, start: int) -> bool:
    """True when a negator stands right before ``start`` (within a clause)."""
    window = text[max(0, start - 4) : start]
    for stop in "，,。！!？?；;":
        cut = window.rfind(stop)
        if cut >= 0:
            window = window[cut + 1 :]
    return bool(_NEGATION_TAIL.search(window))
