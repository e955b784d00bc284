"""Reported speech: words a handler quotes in order to apologise for them.

"对于我们店员说“你爱买不买”这句话，我们深表歉意" holds a rude phrase, but the rudeness is the clerk's: the
handler names it to own it. ``ReportedSpeech.spans(text)`` returns the stretches of a text that are such
acknowledged reported speech; the reply linter does not hold phrasing words found inside them against
the handler, and the role-play rubric does not count them as forbidden words said.

Quotation marks are never enough. Words are acknowledged reported speech only when all of these hold
(every word list is data: ``reported_speech`` in ``lexicons/reply.yaml``):

1. Reported: inside a closed quotation pair (“” 「」 『』 ‘’ "" '') of at most ``max_quote`` characters,
   or, unquoted, right after a speech verb (店员对您说爱买不买这句话). An unclosed mark quotes nothing.
2. Attributed: a quotation follows a speech or hearing verb (说/讲/称/回复/告诉您/骂/听到…, with only
   了/过/您/一句/： between) or a marker (那句), or is named right after its closing mark (这句话/
   这样的回答/的说法…). "我们就是“爱买不买”" is attributed to no one: it is the handler's stance.
3. Acknowledged: the sentence, outside every quotation, apologises (歉意/道歉/抱歉/对不起…) or
   disapproves (不应该/不妥/批评/处理了…); or the next sentence does and refers back (对此…/这是…).
   Sentences end at 。！？；or a line break outside quotation marks.
4. Someone else's words: the speaker at the end of the clause before the verb is a third party
   (店员/同事/客服/骑手/他…) or the customer heard them (听到). When the speaker is the handler or no one
   (我跟您说…, 告诉您…), only a disapproval will do — "我跟您说“爱买不买”，抱歉" stays rude.
5. The acknowledgement is about those words: a full apology (深表歉意/向您道歉) or a disapproval, or a
   bare 抱歉/对不起 with a link — the words named (这句话), framed (对于/关于/为/让您…), or said to the
   customer (对您说/告诉您/您听到). "领导说了“不能退”，抱歉" relays a refusal; it does not apologise for it.
6. Not endorsed: no 没错/说得对/有道理/也是这个意思… in the sentence.

Deterministic and cheap: callers ask only when a phrasing word was found; one pass pairs the quotation
marks, the rest are precompiled regexes over a clause or a sentence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kesu.triage.matching import trie_regex
from kesu.triage.resources import load_yaml

_PAIRS = {"“": "”", "「": "」", "『": "』", "‘": "’"}
_CLOSERS = frozenset(_PAIRS.values())
_SYMMETRIC = frozenset("\"'")
_OPENERS = frozenset(_PAIRS) | _SYMMETRIC
_SENTENCE_STOPS = frozenset("。！？!?；;\n")
_CLAUSE_STOPS = _SENTENCE_STOPS | frozenset("，,、：:")
_BLANK = "\x00"  # stands for quoted text while the sentence around it is searched
_NEAR_VERB = 8  # unquoted words start at most this far after their verb (了/您/一句/： between)


@dataclass(frozen=True, slots=True)
class Reported:
    """Reported words: a hit ``[s, e)`` lies in them when ``start <= s``, ``e <= end`` and ``s <= head``
    (unquoted speech must start right after its verb; a quotation may be hit anywhere inside)."""

    start: int
    end: int
    head: int

    def covers(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end and start <= self.head


def quotations(text: str) -> list[tuple[int, int]]:
    """(opening, closing) index of every closed quotation pair, by opening index. Stray or unclosed
    marks are not quotations; an apostrophe between two Latin letters is not a mark."""
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []  # (the closing mark expected, the opening index)
    for i, ch in enumerate(text):
        if ch in _SYMMETRIC or ch in _CLOSERS:
            if ch == "'" and _between_letters(text, i):
                continue
            k = next((j for j in range(len(stack) - 1, -1, -1) if stack[j][0] == ch), -1)
            if k >= 0:
                pairs.append((stack[k][1], i))
                del stack[k:]  # marks opened inside and never closed are dropped
                continue
            if ch in _SYMMETRIC:
                stack.append((ch, i))
        elif ch in _PAIRS:
            stack.append((_PAIRS[ch], i))
    pairs.sort()
    return pairs


def _between_letters(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and all(c.isascii() and c.isalpha() for c in (text[i - 1], text[i + 1]))


def _alternation(words: Iterable[Any]) -> str:
    pattern = trie_regex(str(w) for w in words)
    return f"(?:{pattern})" if pattern else "(?!)"


class ReportedSpeech:
    def __init__(self, data: dict[str, Any] | None = None) -> None:
        data = data if data is not None else load_yaml("reply.yaml").get("reported_speech") or {}
        self.codes = frozenset(str(c) for c in data.get("applies_to") or ())
        self.max_quote = int(data.get("max_quote", 30))
        verb = _alternation(data.get("speech_verbs") or ())
        hear = _alternation(data.get("hearing_verbs") or ())
        marker = _alternation(data.get("speech_markers") or ())
        filler = r"(?:了|过|着|道)?(?P<you>您|你)?(?:一句|句)?话?[：:，,]?\s*"
        # the attribution that ends right before an opening quotation mark
        self._before_quote = re.compile(f"(?:(?P<verb>{verb})|(?P<hear>{hear})|{marker}){filler}$")
        self._verb = re.compile(verb)
        self._after_verb = re.compile(filler)
        self._not_speech = tuple(str(w) for w in data.get("not_speech_before") or ())
        self._referring = re.compile(_alternation(data.get("referring_after") or ()))
        adverbs = f"(?:{_alternation(data.get('adverbs') or ())})*"
        to_you = r"(?:对|跟|和|向|给|冲)(?:您|你)"
        person = _alternation(data.get("third_party") or ())
        # the speaker, at the end of the clause before the verb: "我们店员当时对您" → 店员
        self._third_party = re.compile(f"(?<![本个]){person}{adverbs}(?:{to_you})?{adverbs}$")  # not 我本人
        self._to_you = re.compile(f"{to_you}{adverbs}$")
        self._framing = re.compile("|".join(str(p) for p in data.get("framing") or ()) or "(?!)")
        self._apology = re.compile(_alternation(data.get("apology") or ()))
        self._soft_apology = re.compile(_alternation(data.get("soft_apology") or ()))
        self._disapproval = _words_and_patterns(
            data.get("disapproval") or (), data.get("disapproval_patterns")
        )
        self._endorse = _words_and_patterns(data.get("endorsement") or (), data.get("endorsement_patterns"))
        self._back = re.compile(f"\\s*{_alternation(data.get('back_reference') or ())}")

    def spans(self, text: str, *, at: Sequence[int] | None = None) -> tuple[Reported, ...]:
        """The acknowledged reported speech in ``text`` (see the module docstring). With ``at`` (where the
        words in question start), only the quotations holding one and the verbs right before one are
        judged: the same answer for those words, without judging every 说 or 回 in a long reply."""
        all_quotes = quotations(text)
        inside = _inside(len(text), all_quotes)
        verbs = [m for m in self._verb.finditer(text) if not inside[m.start()]]
        quotes = all_quotes
        if at is not None:
            quotes = [(o, c) for o, c in all_quotes if any(o < p < c for p in at)]
            verbs = [m for m in verbs if any(m.end() <= p <= m.end() + _NEAR_VERB for p in at)]
        if not quotes and not verbs:
            return ()
        masked = _mask(text, all_quotes)
        out: list[Reported] = []
        for o, c in quotes:
            if c - o - 1 > self.max_quote or any(o2 < o < c2 for o2, c2 in all_quotes):
                continue  # too long to be someone's words; or inside another quotation, judged with it
            if self._quote_is_reported(text, masked, inside, o, c):
                out.append(Reported(o + 1, c, c))
        for m in verbs:
            reported = self._unquoted(text, masked, inside, m)
            if reported is not None:
                out.append(reported)
        return tuple(out)

    # --- one candidate ---------------------------------------------------------------------------

    def _quote_is_reported(self, text: str, masked: str, inside: list[bool], o: int, c: int) -> bool:
        p = o
        while p > 0 and text[p - 1] in "：:，, ":
            p -= 1  # 店员说：“……”: the colon belongs to the attribution
        before = text[_back_to(text, inside, p, _CLAUSE_STOPS) : o]
        attribution = self._before_quote.search(before)
        named = self._referring.match(text, c + 1) is not None
        if attribution is None and not named:
            return False  # 我们就是“爱买不买”: a stance, not someone's words
        speaker = before[: attribution.start()] if attribution else before
        verb = attribution.group("verb") if attribution else None
        if verb and verb.startswith("说") and speaker.endswith(self._not_speech):
            return False  # 也就是说 / 听说: an explanation or hearsay
        hearing = bool(attribution and attribution.group("hear"))
        third_party = hearing or self._third_party.search(speaker) is not None
        to_you = hearing or (third_party and bool(attribution and attribution.group("you")))
        return self._acknowledged(
            text,
            masked,
            inside,
            at=o,
            blank=(o, c + 1),
            third_party=third_party,
            linked=named
            or to_you
            or (third_party and bool(self._to_you.search(speaker)))
            or bool(self._framing.search(speaker)),
        )

    def _unquoted(self, text: str, masked: str, inside: list[bool], verb: re.Match[str]) -> Reported | None:
        speaker = text[_back_to(text, inside, verb.start(), _CLAUSE_STOPS) : verb.start()]
        if verb.group().startswith("说") and speaker.endswith(self._not_speech):
            return None
        after = self._after_verb.match(text, verb.end())
        start = after.end() if after else verb.end()
        if start >= len(text) or inside[start] or text[start] in _CLAUSE_STOPS or text[start] in _OPENERS:
            return None  # nothing said, or a quotation: judged as one
        end = start
        while end < len(text) and (inside[end] or text[end] not in _CLAUSE_STOPS):
            end += 1
        named = self._referring.search(text, start + 1, end)
        if named is not None:
            end = named.start()
        third_party = self._third_party.search(speaker) is not None
        to_you = third_party and (bool(after and after.group("you")) or bool(self._to_you.search(speaker)))
        ok = self._acknowledged(
            text,
            masked,
            inside,
            at=verb.start(),
            blank=(verb.end(), end),
            third_party=third_party,
            linked=named is not None or to_you or bool(self._framing.search(speaker)),
        )
        # the words must start right after the verb (and its 了/您/：): "说明不能退" is no speech
        return Reported(verb.end(), end, start) if ok else None

    def _acknowledged(
        self,
        text: str,
        masked: str,
        inside: list[bool],
        *,
        at: int,
        blank: tuple[int, int],
        third_party: bool,
        linked: bool,
    ) -> bool:
        s = _back_to(text, inside, at, _SENTENCE_STOPS)
        e = _forward_to(text, inside, at, _SENTENCE_STOPS)
        lo, hi = max(s, blank[0]), min(e, blank[1])
        sentence = masked[s:lo] + _BLANK * max(0, hi - lo) + masked[max(lo, hi) : e]
        if self._endorse.search(sentence):
            return False
        if not (self._ack(sentence)):
            # "店员说了“爱买不买”。对此我们深表歉意。": the next sentence refers back to the words
            nxt = masked[e + 1 : _forward_to(text, inside, e + 1, _SENTENCE_STOPS)] if e < len(text) else ""
            if not self._back.match(nxt) or self._endorse.search(nxt):
                return False
            sentence, linked = nxt, True
        disapproval = self._disapproval.search(sentence) is not None
        if not third_party:
            # the handler's own words, or no one named: only saying they were wrong undoes them
            return disapproval
        strong = self._apology.search(sentence) is not None
        soft = self._soft_apology.search(sentence) is not None
        # a full apology (深表歉意, 向您道歉) or a disapproval is about what it follows; a bare 抱歉 after
        # relayed words ("经理说了：“爱买不买”，抱歉") is not, unless the words are otherwise linked to it
        return strong or disapproval or (soft and linked)

    def _ack(self, sentence: str) -> bool:
        return any(rx.search(sentence) for rx in (self._apology, self._soft_apology, self._disapproval))


def _words_and_patterns(words: Iterable[Any], patterns: Iterable[Any] | None) -> re.Pattern[str]:
    return re.compile("|".join([_alternation(words), *(str(p) for p in patterns or ())]))


def _inside(n: int, quotes: list[tuple[int, int]]) -> list[bool]:
    """For each index: whether it lies strictly inside a quotation (its marks are outside)."""
    flags = [False] * (n + 1)
    for o, c in quotes:
        for i in range(o + 1, c):
            flags[i] = True
    return flags


def _mask(text: str, quotes: list[tuple[int, int]]) -> str:
    if not quotes:
        return text
    chars = list(text)
    for o, c in quotes:
        for i in range(o + 1, c):
            chars[i] = _BLANK
    return "".join(chars)


def _back_to(text: str, inside: list[bool], i: int, stops: frozenset[str]) -> int:
    """The start of the clause or sentence holding index ``i`` (stops inside quotations do not count)."""
    j = i - 1
    while j >= 0 and (inside[j] or text[j] not in stops):
        j -= 1
    return j + 1


def _forward_to(text: str, inside: list[bool], i: int, stops: frozenset[str]) -> int:
    j = i
    while j < len(text) and (inside[j] or text[j] not in stops):
        j += 1
    return j


@functools.cache
def get_reported_speech() -> ReportedSpeech:
    return ReportedSpeech()


def reported_spans(text: str, *, at: Sequence[int] | None = None) -> tuple[Reported, ...]:
    """The acknowledged reported speech in ``text``, with the process-wide lexicon."""
    return get_reported_speech().spans(text, at=at)
