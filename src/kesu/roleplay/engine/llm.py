"""Optional LLM for the simulated customer: an OpenAI-compatible /chat/completions endpoint (a company's
own DeepSeek, Qwen, … deployment on the intranet), standard library HTTP only.

The model never decides anything: it rewrites the scripted line in the persona's voice (the scripted
reaction still decides whether the customer calms, escalates or accepts) and gives a second opinion on
the reply's score. Any failure — timeout, HTTP error, unreadable or empty answer, an answer that is too
long — returns None, and the caller keeps the scripted line; the session goes on without losing a turn.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from kesu.roleplay.engine.scenario import Scenario

MAX_LINE_CHARS = 400


@dataclass(frozen=True, slots=True)
class LlmConfig:
    base_url: str  # e.g. http://llm.intranet:8000/v1
    api_key: str
    model: str
    timeout: float = 8.0

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.model)


@dataclass(frozen=True, slots=True)
class Opinion:
    score: int
    comment: str


class LlmUnavailable(Exception):
    pass


def _chat(config: LlmConfig, messages: list[dict[str, str]], *, max_tokens: int) -> str:
    body = json.dumps(
        {"model": config.model, "messages": messages, "temperature": 0.7, "max_tokens": max_tokens}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - the administrator configures the URL
        config.base_url.rstrip("/") + "/chat/completions",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {config.api_key}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as response:  # noqa: S310
            payload = json.loads(response.read(200_000).decode("utf-8"))
        content = payload["choices"][0]["message"]["content"]
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise LlmUnavailable(f"no answer: {exc}") from exc
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise LlmUnavailable(f"unreadable answer: {exc}") from exc
    if not isinstance(content, str) or not content.strip():
        raise LlmUnavailable("empty answer")
    return content.strip()


def _persona_prompt(s: Scenario) -> str:
    p = s.persona
    return (
        f"你在客服培训中扮演一位投诉客户：{p.name}，性格{p.temperament}。{p.description}\n"
        f"事实：{s.facts}\n"
        f"能让你平静的：{'、'.join(p.calms)}；会激怒你的：{'、'.join(p.provokes)}。\n"
        f"你内心真正在意的（除非客服察觉，否则不要直说）：{p.hidden_need}\n"
        "只用中文口语回答一到三句话，不要扮演客服，不要解释你在扮演。"
    )


_REACTION_HINT = {
    "calmer": "你的情绪缓和了一些，但仍希望问题被解决。",
    "repeat": "你觉得对方没有回应你的诉求，再次强调你的要求。",
    "escalate": "你更生气了。",
    "threaten": "你非常愤怒，威胁要向媒体或12315投诉。",
    "manager": "你要求找他们的领导或经理来处理。",
    "hidden": "你被对方的体贴打动，说出了你真正在意的事。",
    "accept": "你接受了对方的方案，语气缓和，准备结束通话。",
    "abandon": "你忍无可忍，表示不再沟通并挂断电话。",
}


def customer_line(
    config: LlmConfig, scenario: Scenario, history: list[tuple[str, str]], reaction: str, scripted: str
) -> str | None:
    """The customer's next line in the persona's voice, following the scripted reaction; None on failure."""
    if not config.enabled:
        return None
    messages = [{"role": "system", "content": _persona_prompt(scenario)}]
    for trainee, customer in history[-6:]:
        messages.append({"role": "assistant", "content": customer})
        messages.append({"role": "user", "content": trainee})
    messages.append(
        {
            "role": "system",
            "content": f"{_REACTION_HINT.get(reaction, '')}可参考这句的意思但用自己的话说：{scripted}",
        }
    )
    try:
        line = _chat(config, messages, max_tokens=200)
    except LlmUnavailable:
        return None
    line = line.strip().strip('"“”')
    if not line or len(line) > MAX_LINE_CHARS:
        return None
    return line


def second_opinion(config: LlmConfig, scenario: Scenario, customer: str, reply: str) -> Opinion | None:
    """The model's score (0–100) and one-sentence comment on a reply; None on failure. Advisory only."""
    if not config.enabled:
        return None
    messages = [
        {
            "role": "system",
            "content": (
                "你是客诉处理培训师。请评价客服的这句回复，只输出 JSON："
                '{"score": 0到100的整数, "comment": "一句中文点评"}'
            ),
        },
        {"role": "user", "content": f"情境：{scenario.title}。客户说：{customer}\n客服回复：{reply}"},
    ]
    try:
        text = _chat(config, messages, max_tokens=200)
        start, end = text.find("{"), text.rfind("}")
        data: Any = json.loads(text[start : end + 1]) if 0 <= start < end else None
        score = int(data["score"])
        comment = str(data.get("comment", ""))[:300]
    except (LlmUnavailable, ValueError, KeyError, TypeError):
        return None
    if not 0 <= score <= 100:
        return None
    return Opinion(score, comment)
