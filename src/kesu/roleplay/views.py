"""Pages of the role-play simulator: library, scenario authoring, the conversation, debrief, classroom,
crisis drills, results. Views parse, call services/selectors and render."""

from __future__ import annotations

import yaml
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.accounts.models import User
from kesu.accounts.roles import Cap, can
from kesu.common import clock
from kesu.common.errors import ValidationFailed
from kesu.complaints.views._base import desk_view
from kesu.roleplay import selectors, services
from kesu.roleplay.models import DrillAction, Industry, Mode, ScenarioCategory

STARTER = """code: RP-NEW-001
title: 新情景
industry: retail
category: product_quality
difficulty: 2
items: [att_empathy, skill_communication]
audience: [handler]
persona:
  name: 王先生
  temperament: 急躁
  description: ……
  start_anger: 70
  start_trust: 30
  calms: [真诚道歉]
  provokes: [推诿]
  hidden_need: ……
  hidden_need_words: []
facts: ……
solution:
  acceptable: [……]
  max_compensation: 200
rubric:
  - {code: apology, label: 真诚致歉, scope: early, weight: 2, any: [抱歉, 对不起]}
  - {code: remedy, label: 提出解决方案, scope: any, weight: 2, any: [退货, 换货, 补偿]}
  - {code: no_buck_passing, label: 不推诿, scope: every, weight: 2, none: [不归我们管, 您自己]}
pass_line: 70
lines:
  opening: ……
  calmer: [……]
  repeat: [……]
  escalate: [……]
  accept: [……]
model_answers:
  opening: ……
  solution: ……
  closing: ……
"""


def _ctx(**kw):
    return {"nav_section": "academy", **kw}


def _need(request, cap: str) -> None:
    if not can(request.user, cap):
        raise PermissionDenied


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


@desk_view
def library(request):
    _need(request, Cap.LEARN)
    g = request.GET
    trainer = can(request.user, Cap.TRAIN_MANAGE)
    scenarios = selectors.library(
        industry=g.get("industry", ""),
        category=g.get("category", ""),
        difficulty=g.get("difficulty", ""),
        item=g.get("item", ""),
        include_inactive=trainer,
    )
    from kesu.competency.selectors import item_labels

    return render(
        request,
        "roleplay/library.html",
        _ctx(
            scenarios=scenarios,
            industries=Industry.choices,
            categories=ScenarioCategory.choices,
            items=item_labels(),
            f=g,
            sessions=selectors.my_sessions(request.user, 10),
            trainer=trainer,
        ),
    )


@desk_view
def scenario(request, code: str):
    _need(request, Cap.LEARN)
    s = selectors.scenario_get(code, user=request.user)
    data = s.current.data
    trainer = can(request.user, Cap.TRAIN_MANAGE)
    from kesu.competency.selectors import item_labels

    labels = item_labels()
    return render(
        request,
        "roleplay/scenario.html",
        _ctx(
            s=s,
            data=data,
            trainer=trainer,
            item_names=[labels.get(c, c) for c in s.items],
            versions=list(s.versions.order_by("-number")[:20]) if trainer else [],
            learners=list(
                User.objects.filter(
                    is_active=True, role__in=["supervisor", "pr_officer", "senior_handler"]
                ).order_by("username")
            )
            if trainer and s.is_drill
            else [],
        ),
    )


@desk_view
def scenario_edit(request, code: str | None = None):
    _need(request, Cap.TRAIN_MANAGE)
    s = selectors.scenario_get(code, user=request.user) if code else None
    text = _dump(s.current.data) if s else STARTER
    problems: list[str] = []
    if request.method == "POST":
        text = request.POST.get("yaml", "")
        try:
            versions = services.scenario_import_yaml(
                text=text, by=request.user, note=request.POST.get("note", "")
            )
        except ValidationFailed as exc:
            messages.error(request, exc.message)
            problems = list(exc.details.get("problems", []))
        else:
            v = versions[-1]
            messages.success(
                request, _("Saved %(code)s as version %(n)s.") % {"code": v.scenario.code, "n": v.number}
            )
            return redirect("roleplay:scenario", code=v.scenario.code)
    return render(request, "roleplay/edit.html", _ctx(s=s, text=text, problems=problems))


@desk_view
@require_POST
def scenario_import(request):
    _need(request, Cap.TRAIN_MANAGE)
    upload = request.FILES.get("file")
    if upload is None or upload.size > 2 * 1024 * 1024:
        messages.error(request, _("Choose a YAML file of at most 2 MB."))
        return redirect("roleplay:library")
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        messages.error(request, _("The file is not UTF-8 text."))
        return redirect("roleplay:library")
    try:
        versions = services.scenario_import_yaml(
            text=text, by=request.user, note=_("Imported from %(name)s") % {"name": upload.name[:80]}
        )
    except ValidationFailed as exc:
        messages.error(request, " ".join([exc.message, *exc.details.get("problems", [])[:10]]))
    else:
        messages.success(request, _("Imported %(n)s scenario(s).") % {"n": len(versions)})
    return redirect("roleplay:library")


@desk_view
def scenario_export(request, code: str):
    _need(request, Cap.TRAIN_MANAGE)
    s = selectors.scenario_get(code, user=request.user)
    response = HttpResponse(_dump(s.current.data), content_type="application/x-yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{s.code}-v{s.current.number}.yaml"'
    return response


@desk_view
@require_POST
def scenario_toggle(request, code: str):
    s = services.scenario_set_active(code=code, active=request.POST.get("active") == "1", by=request.user)
    messages.success(request, _("Scenario activated.") if s.active else _("Scenario deactivated."))
    return redirect("roleplay:scenario", code=code)


@desk_view
@require_POST
def start(request, code: str):
    mode = request.POST.get("mode", Mode.PRACTICE)
    session = services.session_start(user=request.user, scenario_code=code, mode=mode)
    if mode == Mode.CLASSROOM:
        return redirect("roleplay:classroom", session_id=session.pk)
    return redirect("roleplay:session", session_id=session.pk)


def _turns(session):
    return list(session.turns.order_by("number"))


@desk_view
def session(request, session_id: int):
    s = selectors.session_for(session_id, user=request.user)
    if s.status != "active":
        return redirect("roleplay:debrief", session_id=s.pk)
    if s.user_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        try:
            turn_number = int(request.POST.get("turn", "0"))
        except ValueError:
            turn_number = 0
        try:
            services.session_reply(
                session_id=s.pk,
                user=request.user,
                reply=request.POST.get("reply", ""),
                turn_number=turn_number,
            )
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        return redirect("roleplay:session", session_id=s.pk)
    data = s.version.data
    hints = request.session.pop(f"rp-hints-{s.pk}", None)
    return render(
        request,
        "roleplay/session.html",
        _ctx(
            s=s,
            data=data,
            turns=_turns(s),
            hints=hints,
            deadline=s.turn_deadline.isoformat() if s.turn_deadline else "",
            now=clock.now(),
        ),
    )


@desk_view
@require_POST
def hint(request, session_id: int):
    hints = services.session_hint(session_id=session_id, user=request.user)
    request.session[f"rp-hints-{session_id}"] = hints or [
        _("You have covered every point; now close the conversation well.")
    ]
    return redirect("roleplay:session", session_id=session_id)


@desk_view
@require_POST
def abandon(request, session_id: int):
    services.session_abandon(session_id=session_id, user=request.user)
    return redirect("roleplay:debrief", session_id=session_id)


@desk_view
def debrief(request, session_id: int):
    s = selectors.session_for(session_id, user=request.user)
    if s.status == "active":
        return redirect("roleplay:session", session_id=s.pk)
    d = s.debrief or {}
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "xAxis": {
            "type": "category",
            "data": [_("Start"), *[str(n) for n in range(1, len(d.get("anger", [])))]],
        },
        "yAxis": {"type": "value", "min": 0, "max": 100},
        "series": [
            {"type": "line", "name": _("Anger"), "data": d.get("anger", []), "color": "#b91c1c"},
            {"type": "line", "name": _("Trust"), "data": d.get("trust", []), "color": "#16a34a"},
            {
                "type": "bar",
                "name": _("Reply score"),
                "data": [None, *d.get("turn_scores", [])],
                "color": "#93c5fd",
            },
        ],
    }
    from kesu.competency.selectors import item_labels

    labels = item_labels()
    weak = {w["turn"]: w for w in d.get("weak_turns", [])}
    turns = [(t, weak.get(t.number)) for t in _turns(s)]
    return render(
        request,
        "roleplay/debrief.html",
        _ctx(
            s=s,
            d=d,
            chart=chart,
            turns=turns,
            evidence=[(labels.get(code, code), level) for code, level in d.get("evidence", {}).items()],
        ),
    )


@desk_view
def results(request):
    if not (can(request.user, Cap.TRAIN_VIEW_TEAM) or can(request.user, Cap.TRAIN_VIEW_ALL)):
        raise PermissionDenied
    return render(
        request,
        "roleplay/results.html",
        _ctx(
            rows=selectors.results(request.user, mode=request.GET.get("mode", "")),
            mode=request.GET.get("mode", ""),
        ),
    )


# --------------------------------------------------------------------------------------------------
# Classroom


@desk_view
def classroom(request, session_id: int):
    s = selectors.session_for(session_id, user=request.user)
    if s.mode != Mode.CLASSROOM or s.user_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        services.classroom_send_winner(session_id=s.pk, user=request.user)
        return redirect("roleplay:classroom", session_id=s.pk)
    template = "roleplay/_classroom_board.html" if request.htmx else "roleplay/classroom.html"
    return render(
        request,
        template,
        _ctx(
            s=s,
            data=s.version.data,
            turns=_turns(s),
            board=selectors.classroom_board(s),
            join_url=request.build_absolute_uri(reverse("roleplay:join")),
        ),
    )


@desk_view
def join(request):
    _need(request, Cap.LEARN)
    code = (request.GET.get("code") or "").strip()
    if code:
        return redirect("roleplay:join_room", code=code)
    return render(request, "roleplay/join.html", _ctx())


@desk_view
def join_room(request, code: str):
    _need(request, Cap.LEARN)
    room = services.classroom_open(code)
    if request.method == "POST":
        try:
            if request.POST.get("proposal"):
                services.classroom_vote(
                    join_code=code, user=request.user, proposal_id=int(request.POST["proposal"])
                )
                messages.success(request, _("Your vote is in."))
            else:
                services.classroom_propose(
                    join_code=code, user=request.user, text=request.POST.get("text", "")
                )
                messages.success(request, _("Your proposal is on the board."))
        except (ValidationFailed, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("Choose a proposal.")))
        return redirect("roleplay:join_room", code=code)
    turns = _turns(room)
    template = "roleplay/_join_board.html" if request.htmx else "roleplay/join_room.html"
    return render(
        request,
        template,
        _ctx(
            room=room,
            code=code,
            last_line=turns[-1].line if turns else room.version.data["lines"]["opening"],
            board=selectors.classroom_board(room),
        ),
    )


# --------------------------------------------------------------------------------------------------
# Crisis drills


@desk_view
@require_POST
def drill_start(request, code: str):
    ids = [int(x) for x in request.POST.getlist("participants") if x.isdigit()]
    run = services.drill_start(
        scenario_code=code,
        by=request.user,
        participants=list(User.objects.filter(pk__in=ids, is_active=True)),
    )
    return redirect("roleplay:drill", run_id=run.pk)


@desk_view
def drill(request, run_id: int):
    run = selectors.drill_for(run_id, user=request.user)
    if request.method == "POST":
        try:
            services.drill_act(
                run_id=run.pk,
                user=request.user,
                kind=request.POST.get("kind", ""),
                text=request.POST.get("text", ""),
            )
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        return redirect("roleplay:drill", run_id=run.pk)
    data = run.version.data
    minute = int((clock.now() - run.started_at).total_seconds() // 60) if run.ended_at is None else 10_000
    injects = [i for i in data.get("injects", []) if i["minute"] <= minute]
    template = "roleplay/_drill_feed.html" if request.htmx else "roleplay/drill.html"
    return render(
        request,
        template,
        _ctx(
            run=run,
            data=data,
            minute=minute if run.ended_at is None else None,
            injects=injects,
            actions=list(run.actions.select_related("user")),
            kinds=DrillAction.Kind.choices,
            may_end=run.started_by_id == request.user.pk,
            elapsed=timezone.now() - run.started_at,
        ),
    )


@desk_view
@require_POST
def drill_end(request, run_id: int):
    services.drill_end(run_id=run_id, by=request.user)
    return redirect("roleplay:drill", run_id=run_id)
