"""Writes of the role-play simulator: scenarios and their versions, sessions, turns, classroom votes,
crisis drills.

Invariants:
- A scenario's content is only ever added as a new ``ScenarioVersion`` (validated by the engine); a
  session is bound to the version it started on and keeps the engine's rubric version.
- ``session_reply`` is the only writer of a session's state and turns. The engine runs outside the
  database lock (it is pure), the optional LLM too (it may be slow); the turn is then written under the
  session's row lock only if the session is still where the engine saw it. Sending the same turn number
  again returns the turn already recorded (a double click, a retry, two tabs), never a second one.
- The session's outcome, score and debrief are written once, when it ends, from a deterministic replay
  of its replies (a reply that came after an assessment's time limit counts as silence).
- Ending an assessment records competency evidence (source ``roleplay``) and a failed one assigns
  retraining; both after the same transaction's checks, notifications after commit.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import yaml
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.accounts.roles import Cap, can
from kesu.common import clock
from kesu.common.errors import ConcurrentEdit, NotFound, NotPermitted, TransitionRefused, ValidationFailed
from kesu.roleplay import engine
from kesu.roleplay.engine import llm
from kesu.roleplay.models import (
    ClassroomProposal,
    ClassroomVote,
    DrillAction,
    DrillRun,
    Mode,
    RolePlaySession,
    RolePlayTurn,
    Scenario,
    ScenarioVersion,
    SessionStatus,
)

MAX_REPLY_CHARS = 2000
LATE_GRACE_SECONDS = 5


def _item_codes() -> frozenset[str] | None:
    try:
        from kesu.competency.selectors import item_labels
    except ImportError:
        return None
    codes = frozenset(item_labels())
    return codes or None


# --------------------------------------------------------------------------------------------------
# Scenarios


def _require_trainer(user: User) -> None:
    if not can(user, Cap.TRAIN_MANAGE):
        raise NotPermitted(_("Only trainers may author role-play scenarios."))


def load_or_raise(data: Any) -> engine.Scenario:
    try:
        return engine.load_scenario(data, item_codes=_item_codes())
    except engine.ScenarioError as exc:
        raise ValidationFailed(
            _("The scenario has %(n)s problem(s).") % {"n": len(exc.problems)},
            code="scenario_invalid",
            details={"problems": exc.problems},
        ) from None


@transaction.atomic
def scenario_save(*, data: Any, by: User | None, note: str = "") -> ScenarioVersion:
    """Validate and store a scenario as its next version (a new scenario gets version 1). Saving the same
    content as the current version changes nothing and returns it."""
    if by is not None:
        _require_trainer(by)
    parsed = load_or_raise(data)
    canonical = engine.scenario_to_dict(parsed)
    scenario, _created = Scenario.objects.select_for_update().get_or_create(
        code=parsed.code,
        defaults={
            "title": parsed.title,
            "industry": parsed.industry,
            "category": parsed.category,
            "difficulty": parsed.difficulty,
            "items": list(parsed.items),
            "is_drill": parsed.is_drill,
        },
    )
    current = scenario.current
    if current is not None and current.data == canonical:
        return current
    number = (scenario.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ScenarioVersion.objects.create(
        scenario=scenario,
        number=number,
        data=canonical,
        rubric_version=parsed.rubric_version(),
        note=note[:200],
        created_by=by,
        created_at=clock.now(),
    )
    scenario.title = parsed.title
    scenario.industry = parsed.industry
    scenario.category = parsed.category
    scenario.difficulty = parsed.difficulty
    scenario.items = list(parsed.items)
    scenario.is_drill = parsed.is_drill
    scenario.current = version
    scenario.save()
    return version


def scenario_import_yaml(*, text: str, by: User, note: str = "") -> list[ScenarioVersion]:
    """One scenario or a list of them, as YAML. All or nothing: one invalid scenario stores none."""
    _require_trainer(by)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _(" (line %(line)s)") % {"line": mark.line + 1} if mark else ""
        raise ValidationFailed(_("This is not readable YAML%(where)s.") % {"where": where}) from None
    items = data if isinstance(data, list) else [data]
    if not items or len(items) > 200:
        raise ValidationFailed(_("The file must contain between 1 and 200 scenarios."))
    with transaction.atomic():
        out = []
        for n, item in enumerate(items, 1):
            try:
                out.append(scenario_save(data=item, by=by, note=note))
            except ValidationFailed as exc:
                code = item.get("code") if isinstance(item, dict) else None
                raise ValidationFailed(
                    _("Scenario %(n)s (%(code)s): %(message)s")
                    % {"n": n, "code": code or "?", "message": exc.message},
                    code="scenario_invalid",
                    details=exc.details,
                ) from None
    return out


@transaction.atomic
def scenario_set_active(*, code: str, active: bool, by: User) -> Scenario:
    _require_trainer(by)
    updated = Scenario.objects.filter(code=code).update(active=active)
    if not updated:
        raise NotFound(_("No such scenario."))
    return Scenario.objects.get(code=code)


def parsed_version(version: ScenarioVersion) -> engine.Scenario:
    # Stored versions were validated when saved; item codes may have changed since, which must not
    # make an old session unreadable. A version never changes, so its parsed form is kept per process.
    return _parsed(version.pk, version.data)


def _parsed(version_id: int, data: dict) -> engine.Scenario:
    cached = _PARSED.get(version_id)
    if cached is not None and cached[0] == data:  # a dict comparison is far cheaper than validation
        return cached[1]
    scenario = engine.load_scenario(data)
    if len(_PARSED) > 512:
        _PARSED.clear()
    _PARSED[version_id] = (data, scenario)
    return scenario


_PARSED: dict[int, tuple[dict, engine.Scenario]] = {}


# --------------------------------------------------------------------------------------------------
# Sessions


def llm_config() -> llm.LlmConfig:
    return llm.LlmConfig(
        base_url=settings.KESU_LLM_BASE_URL,
        api_key=settings.KESU_LLM_API_KEY,
        model=settings.KESU_LLM_MODEL,
        timeout=settings.KESU_LLM_TIMEOUT,
    )


@transaction.atomic
def session_start(*, user: User, scenario_code: str, mode: str) -> RolePlaySession:
    if mode not in Mode.values:
        raise ValidationFailed(_("Unknown mode."))
    if mode == Mode.CLASSROOM:
        if not can(user, Cap.TRAIN_MANAGE):
            raise NotPermitted(_("Only trainers can run a classroom session."))
    elif not can(user, Cap.LEARN):
        raise NotPermitted(_("You may not practise role-plays."))
    scenario = Scenario.objects.select_related("current").filter(code=scenario_code, active=True).first()
    if scenario is None or scenario.current is None:
        raise NotFound(_("No such scenario."))
    if scenario.is_drill:
        raise TransitionRefused(_("This scenario is a crisis drill; start it as a drill."))
    parsed = parsed_version(scenario.current)
    now = clock.now()
    turn_seconds = settings.KESU_ROLEPLAY_TURN_SECONDS if mode == Mode.ASSESSMENT else None
    return RolePlaySession.objects.create(
        user=user,
        version=scenario.current,
        mode=mode,
        rubric_version=parsed.rubric_version(),
        state=engine.start(parsed).to_dict(),
        turn_seconds=turn_seconds,
        turn_deadline=now + dt.timedelta(seconds=turn_seconds) if turn_seconds else None,
        join_code=_join_code() if mode == Mode.CLASSROOM else "",
        started_at=now,
    )


def _join_code() -> str:
    for _attempt in range(20):
        code = f"{secrets.randbelow(1_000_000):06d}"
        if not RolePlaySession.objects.filter(join_code=code, status=SessionStatus.ACTIVE).exists():
            return code
    raise ConcurrentEdit(_("Could not allocate a join code; try again."))


def _check_owner(session: RolePlaySession, user: User) -> None:
    if session.user_id != user.pk:
        raise NotFound(_("No such role-play session."))


def _coaching_dict(c: engine.Coaching) -> dict:
    return {
        "score": c.score,
        "findings": [
            {"code": f.code, "label": f.label, "severity": f.severity, "words": list(f.words)}
            for f in c.findings
        ],
        "credits": [{"code": f.code, "label": f.label, "words": list(f.words)} for f in c.credits],
    }


def session_reply(*, session_id: int, user: User, reply: str, turn_number: int) -> RolePlayTurn:
    """Answer the customer. ``turn_number`` is the number this reply will have (1 for the first): the
    same number sent twice returns the recorded turn."""
    reply = (reply or "").strip()
    if not reply:
        raise ValidationFailed(_("Write a reply first."), details={"field": "reply"})
    if len(reply) > MAX_REPLY_CHARS:
        raise ValidationFailed(
            _("A reply is at most %(n)s characters.") % {"n": MAX_REPLY_CHARS}, details={"field": "reply"}
        )
    session = RolePlaySession.objects.select_related("version").filter(pk=session_id).first()
    if session is None:
        raise NotFound(_("No such role-play session."))
    _check_owner(session, user)
    if turn_number <= session.turn_count:
        existing = session.turns.filter(number=turn_number).first()
        if existing is not None:
            return existing
    if session.status != SessionStatus.ACTIVE:
        raise TransitionRefused(_("This role-play has ended."))
    if turn_number != session.turn_count + 1:
        raise ConcurrentEdit(_("This conversation has moved on in another window. Reload the page."))
    now = clock.now()
    late = bool(
        session.turn_deadline and now > session.turn_deadline + dt.timedelta(seconds=LATE_GRACE_SECONDS)
    )
    scenario = parsed_version(session.version)
    state = engine.State.from_dict(session.state)
    result = engine.turn(scenario, state, "" if late else reply)
    line, source, opinion = result.line, "scripted", {}
    config = llm_config()
    if config.enabled and not late:
        history = [(t.reply, t.line) for t in session.turns.order_by("number")]
        generated = llm.customer_line(config, scenario, history, result.reaction, result.line)
        if generated:
            line, source = generated, "llm"
        customer = history[-1][1] if history else scenario.opening
        second = llm.second_opinion(config, scenario, customer, reply)
        if second is not None:
            opinion = {"score": second.score, "comment": second.comment}
    with transaction.atomic():
        locked = RolePlaySession.objects.select_for_update().get(pk=session.pk)
        if locked.turn_count != turn_number - 1 or locked.status != SessionStatus.ACTIVE:
            done = locked.turns.filter(number=turn_number).first()
            if done is not None:
                return done
            raise ConcurrentEdit(_("This conversation has moved on in another window. Reload the page."))
        turn = RolePlayTurn.objects.create(
            session=locked,
            number=turn_number,
            reply=reply,
            line=line,
            line_source=source,
            score=result.score,
            anger=result.anger,
            trust=result.trust,
            reaction=result.reaction,
            checks=[
                {
                    "code": c.code,
                    "label": c.label,
                    "scope": c.scope,
                    "passed": c.passed,
                    "applied": c.applied,
                    "words": list(c.words),
                }
                for c in result.checks
            ],
            coaching=_coaching_dict(result.coaching),
            opinion=opinion,
            late=late,
            created_at=now,
        )
        locked.state = result.state.to_dict()
        locked.turn_count = turn_number
        if locked.turn_seconds:
            locked.turn_deadline = now + dt.timedelta(seconds=locked.turn_seconds)
        locked.save(update_fields=["state", "turn_count", "turn_deadline"])
        if result.ended:
            _finish(locked, result.ended)
    return turn


def session_hint(*, session_id: int, user: User) -> list[str]:
    """What is still missing; practice mode only (assessments give no hints)."""
    with transaction.atomic():
        session = (
            RolePlaySession.objects.select_for_update()
            .select_related("version")
            .filter(pk=session_id)
            .first()
        )
        if session is None:
            raise NotFound(_("No such role-play session."))
        _check_owner(session, user)
        if session.mode != Mode.PRACTICE:
            raise TransitionRefused(_("Hints are only available in practice mode."))
        session.hints_used += 1
        session.save(update_fields=["hints_used"])
    scenario = parsed_version(session.version)
    return list(engine.engine.hints_for(scenario, engine.State.from_dict(session.state)))


@transaction.atomic
def session_abandon(*, session_id: int, user: User) -> RolePlaySession:
    session = (
        RolePlaySession.objects.select_for_update().select_related("version").filter(pk=session_id).first()
    )
    if session is None:
        raise NotFound(_("No such role-play session."))
    _check_owner(session, user)
    if session.status != SessionStatus.ACTIVE:
        return session
    _finish(session, SessionStatus.ABANDONED)
    return session


def replay(session: RolePlaySession) -> tuple[engine.Scenario, list[engine.TurnResult]]:
    scenario = parsed_version(session.version)
    replies = ["" if t.late else t.reply for t in session.turns.order_by("number")]
    return scenario, engine.play(scenario, replies)


def _finish(session: RolePlaySession, outcome: str) -> None:
    """End the (locked) session: outcome, score, debrief; evidence and retraining for assessments."""
    scenario, turns = replay(session)
    result = engine.debrief(scenario, turns, outcome=outcome)
    session.status = outcome
    session.ended_at = clock.now()
    session.score = result.score
    session.passed = result.passed
    session.debrief = {
        "score": result.score,
        "passed": result.passed,
        "outcome": result.outcome,
        "turn_scores": list(result.turn_scores),
        "anger": list(result.anger_curve),
        "trust": list(result.trust_curve),
        "met": list(result.met),
        "missed": list(result.missed),
        "weak_turns": [
            {
                "turn": w.turn,
                "score": w.score,
                "phase": w.phase,
                "model_answer": w.model_answer,
                "missed": list(w.missed),
            }
            for w in result.weak_turns
        ],
        "evidence": result.evidence,
        "pass_line": scenario.pass_line,
    }
    session.save(update_fields=["status", "ended_at", "score", "passed", "debrief"])
    if session.mode == Mode.CLASSROOM or not turns:
        return
    _record_evidence(session, result)
    if session.mode == Mode.ASSESSMENT and not result.passed:
        _assign_retraining(session, scenario, result)


def _record_evidence(session: RolePlaySession, result: engine.Debrief) -> None:
    try:
        from kesu.competency.services import evidence_record
    except ImportError:
        return
    weight = 1.0 if session.mode == Mode.ASSESSMENT else 0.5  # practice counts, but less
    on = timezone.localdate(session.ended_at)
    codes = _item_codes()
    for code, level in result.evidence.items():
        if codes is not None and code not in codes:
            continue
        evidence_record(
            user=session.user,
            item_code=code,
            level=level,
            source="roleplay",
            ref=f"roleplay:{session.pk}",
            observed_on=on,
            weight=weight,
            note=f"{session.version.scenario.code} {result.score}/100",
        )


def _assign_retraining(session: RolePlaySession, scenario: engine.Scenario, result: engine.Debrief) -> None:
    try:
        from kesu.plans.services import retraining_assign
    except ImportError:
        return
    retraining_assign(
        user=session.user,
        reason=_("Role-play assessment “%(title)s” failed: %(score)s of %(line)s needed.")
        % {"title": scenario.title, "score": result.score, "line": scenario.pass_line},
        kind="roleplay_failed",
        item_codes=list(scenario.items),
        source_ref=f"roleplay:{session.pk}",
    )


# --------------------------------------------------------------------------------------------------
# Classroom


def classroom_open(join_code: str) -> RolePlaySession:
    session = RolePlaySession.objects.filter(
        join_code=join_code, mode=Mode.CLASSROOM, status=SessionStatus.ACTIVE
    ).first()
    if session is None:
        raise NotFound(_("No open classroom session has this code."))
    return session


def classroom_propose(*, join_code: str, user: User, text: str) -> ClassroomProposal:
    """A trainee's proposed reply for the current turn (proposing again replaces the text)."""
    if not can(user, Cap.LEARN):
        raise NotPermitted(_("You may not take part in classroom role-plays."))
    text = (text or "").strip()
    if not text or len(text) > MAX_REPLY_CHARS:
        raise ValidationFailed(_("Write a reply of at most %(n)s characters.") % {"n": MAX_REPLY_CHARS})
    session = classroom_open(join_code)
    proposal, _created = ClassroomProposal.objects.update_or_create(
        session=session,
        turn_number=session.turn_count + 1,
        author=user,
        defaults={"text": text, "created_at": clock.now()},
    )
    return proposal


def classroom_vote(*, join_code: str, user: User, proposal_id: int) -> ClassroomVote:
    """One vote per person per turn; voting again moves the vote."""
    if not can(user, Cap.LEARN):
        raise NotPermitted(_("You may not take part in classroom role-plays."))
    session = classroom_open(join_code)
    turn_number = session.turn_count + 1
    proposal = ClassroomProposal.objects.filter(
        pk=proposal_id, session=session, turn_number=turn_number
    ).first()
    if proposal is None:
        raise NotFound(_("This proposal is not open for voting any more."))
    try:
        with transaction.atomic():
            vote, _created = ClassroomVote.objects.update_or_create(
                session=session,
                turn_number=turn_number,
                voter=user,
                defaults={"proposal": proposal, "created_at": clock.now()},
            )
    except IntegrityError:  # two clicks at once: the other one won
        vote = ClassroomVote.objects.get(session=session, turn_number=turn_number, voter=user)
    return vote


def classroom_send_winner(*, session_id: int, user: User) -> RolePlayTurn:
    """The trainer sends the proposal with the most votes (earliest on a tie) as the class's reply."""
    session = RolePlaySession.objects.filter(pk=session_id, mode=Mode.CLASSROOM).first()
    if session is None:
        raise NotFound(_("No such role-play session."))
    _check_owner(session, user)
    turn_number = session.turn_count + 1
    from django.db.models import Count

    winner = (
        ClassroomProposal.objects.filter(session=session, turn_number=turn_number)
        .annotate(n=Count("votes"))
        .order_by("-n", "created_at", "id")
        .first()
    )
    if winner is None:
        raise TransitionRefused(_("Nobody has proposed a reply yet."))
    return session_reply(session_id=session.pk, user=user, reply=winner.text, turn_number=turn_number)


# --------------------------------------------------------------------------------------------------
# Crisis drills


@transaction.atomic
def drill_start(*, scenario_code: str, by: User, participants: list[User]) -> DrillRun:
    if not can(by, Cap.TRAIN_MANAGE):
        raise NotPermitted(_("Only trainers can start a crisis drill."))
    scenario = (
        Scenario.objects.select_related("current")
        .filter(code=scenario_code, is_drill=True, active=True)
        .first()
    )
    if scenario is None or scenario.current is None:
        raise NotFound(_("No such crisis drill."))
    run = DrillRun.objects.create(version=scenario.current, started_by=by, started_at=clock.now())
    run.participants.set({by, *participants})
    return run


def _drill_minute(run: DrillRun) -> int:
    return max(0, int((clock.now() - run.started_at).total_seconds() // 60))


@transaction.atomic
def drill_act(*, run_id: int, user: User, kind: str, text: str) -> DrillAction:
    run = DrillRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None or not run.participants.filter(pk=user.pk).exists():
        raise NotFound(_("No such crisis drill."))
    if run.ended_at is not None:
        raise TransitionRefused(_("This drill has ended."))
    if kind not in DrillAction.Kind.values:
        raise ValidationFailed(_("Unknown action."))
    text = (text or "").strip()
    if not text or len(text) > 5000:
        raise ValidationFailed(_("Write the action (at most 5,000 characters)."))
    return DrillAction.objects.create(
        run=run, user=user, kind=kind, text=text, minute=_drill_minute(run), created_at=clock.now()
    )


def drill_score(run: DrillRun) -> dict:
    """Each task is met when an action containing one of its words was taken by its due minute; the
    holding statement is also coached like a reply to a customer."""
    scenario = parsed_version(run.version)
    actions = list(run.actions.order_by("created_at", "id"))
    tasks = []
    for task in scenario.tasks:
        hit = next(
            (
                a
                for a in actions
                if a.minute <= task.due_minute and (not task.words or any(w in a.text for w in task.words))
            ),
            None,
        )
        tasks.append(
            {
                "code": task.code,
                "label": task.label,
                "due_minute": task.due_minute,
                "met": hit is not None,
                "minute": hit.minute if hit else None,
            }
        )
    statements = [a for a in actions if a.kind == DrillAction.Kind.STATEMENT]
    statement_score = engine.triage_coach(statements[0].text).score if statements else 0
    met_share = sum(t["met"] for t in tasks) / len(tasks) if tasks else 0
    score = round(70 * met_share + 30 * statement_score / 100)
    return {"tasks": tasks, "statement_score": statement_score, "score": score, "actions": len(actions)}


@transaction.atomic
def drill_end(*, run_id: int, by: User) -> DrillRun:
    run = DrillRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("No such crisis drill."))
    if run.started_by_id != by.pk and not can(by, Cap.TRAIN_MANAGE):
        raise NotPermitted(_("Only the trainer who started the drill can end it."))
    if run.ended_at is None:
        result = drill_score(run)
        run.ended_at = clock.now()
        run.result = result
        run.score = result["score"]
        run.save(update_fields=["ended_at", "result", "score"])
    return run
