"""Pages of the competency app: my growth, a person's needs, team heat map, organisation, the model
editor and the desk-KPI rules. Views parse, call services/selectors and render; nothing else."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Cap, can
from kesu.common import clock
from kesu.common.errors import ValidationFailed
from kesu.competency import selectors, services
from kesu.competency.desk_kpis import category_quality
from kesu.competency.models import LEVELS, CompetencyModel, Dimension, Evidence, KpiRule
from kesu.complaints.views._base import desk_view

PRIORITY_LABELS = {
    "high": gettext_lazy("High"),
    "medium": gettext_lazy("Medium"),
    "low": gettext_lazy("Low"),
    "none": gettext_lazy("Met"),
    "unknown": gettext_lazy("Not assessed"),
}


def _ctx(**kw):
    return {"nav_section": "academy", **kw}


def _url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _radar(needs: selectors.PersonNeeds, labels: dict[str, str]) -> dict:
    """ECharts radar: required vs current level per item."""
    indicator = [{"name": g.name, "max": 5} for g in needs.items]
    return {
        "tooltip": {},
        "legend": {"bottom": 0, "data": [labels["required"], labels["current"]]},
        "radar": {"indicator": indicator, "radius": "62%", "axisName": {"fontSize": 11}},
        "series": [
            {
                "type": "radar",
                "data": [
                    {"name": labels["required"], "value": [g.required for g in needs.items]},
                    {
                        "name": labels["current"],
                        "value": [g.current if g.current is not None else 0 for g in needs.items],
                        "areaStyle": {"opacity": 0.2},
                    },
                ],
            }
        ],
    }


def _person_context(request, person: User) -> dict:
    needs = selectors.person_needs(user=person)
    readiness = selectors.career_readiness(user=person)
    labels = {"required": _("Required"), "current": _("Current")}
    snapshots = selectors.snapshots_for(user=person)
    trend = None
    if len(snapshots) >= 2:
        trend = {
            "tooltip": {"trigger": "axis"},
            "xAxis": {"type": "category", "data": [s.taken_on.isoformat() for s in snapshots]},
            "yAxis": {"type": "value", "name": _("Total gap")},
            "series": [
                {
                    "type": "line",
                    "name": _("Total gap"),
                    "data": [
                        round(sum(max(v.get("gap") or 0, 0) for v in s.data.values()), 2) for s in snapshots
                    ],
                }
            ],
        }
    courses = {}
    try:
        from kesu.training.selectors import courses_for_items
    except ImportError:  # the training app is optional for this page
        courses_for_items = None
    if courses_for_items is not None and needs.gaps:
        for g in needs.gaps[:5]:
            courses[g.item_code] = courses_for_items(item_codes=[g.item_code])[:2]
    return {
        "person": person,
        "needs": needs,
        "readiness": readiness,
        "radar": _radar(needs, labels) if needs.items else None,
        "trend": trend,
        "priority_labels": PRIORITY_LABELS,
        "source_labels": dict(Evidence.Source.choices),
        "courses": courses,
        "levels": LEVELS,
        "may_rate": person.pk != request.user.pk
        and (can(request.user, Cap.TRAIN_MANAGE) or can(request.user, Cap.TRAIN_VIEW_TEAM)),
        "plan_url": _url_or_none("plans:generate", person.username)
        if can(request.user, Cap.TRAIN_MANAGE)
        else None,
        "record_url": _url_or_none("training:records_me")
        if person.pk == request.user.pk
        else _url_or_none("training:records_person", person.pk),
    }


@desk_view
def home(request):
    user = request.user
    if not can(user, Cap.LEARN) and not can(user, Cap.TRAIN_VIEW_ALL):
        raise PermissionDenied
    ctx = _ctx(is_self=True)
    if can(user, Cap.LEARN):
        ctx.update(_person_context(request, user))
    ctx["next_steps"] = [
        (label, url)
        for label, url in (
            (_("My training plan"), _url_or_none("plans:mine")),
            (_("Retraining"), _url_or_none("plans:retraining")),
            (_("My exams"), _url_or_none("exams:mine")),
            (_("Daily question"), _url_or_none("exams:daily")),
            (_("Course catalogue"), _url_or_none("training:catalogue")),
            (_("Role-play practice"), _url_or_none("roleplay:library")),
            (_("Emotion diary"), _url_or_none("wellbeing:diary")),
        )
        if url
    ]
    ctx["team_departments"] = selectors.departments_visible_to(user)
    ctx["may_view_org"] = can(user, Cap.TRAIN_VIEW_ALL)
    return render(request, "competency/home.html", ctx)


@desk_view
def person(request, username: str):
    subject = get_object_or_404(User, username=username, is_active=True)
    if not selectors.may_view_person(request.user, subject):
        raise PermissionDenied
    ctx = _ctx(is_self=subject.pk == request.user.pk)
    ctx.update(_person_context(request, subject))
    return render(request, "competency/person.html", ctx)


@desk_view
@require_POST
def rate(request, username: str):
    subject = get_object_or_404(User, username=username, is_active=True)
    ratings = {}
    for key, value in request.POST.items():
        if key.startswith("level_") and value:
            try:
                ratings[key[6:]] = int(value)
            except ValueError:
                ratings[key[6:]] = 0
    try:
        services.rating_record(
            by=request.user, person=subject, ratings=ratings, note=request.POST.get("note", "")
        )
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Rating saved: %(n)s items.") % {"n": len(ratings)})
    return redirect("competency:person", username=subject.username)


@desk_view
def people(request):
    viewer = request.user
    if not (can(viewer, Cap.TRAIN_VIEW_TEAM) or can(viewer, Cap.TRAIN_VIEW_ALL)):
        raise PermissionDenied
    department_id = request.GET.get("department") or None
    try:
        department_id = int(department_id) if department_id else None
    except ValueError:
        department_id = None
    users = selectors.learners_visible_to(viewer, department_id=department_id)
    q = (request.GET.get("q") or "").strip()
    if q:
        users = [u for u in users if q.lower() in u.username.lower() or q in (u.display_name or "")]
    group = selectors.group_needs(users=users)
    rows = []
    for u, needs in group.people:
        gaps = needs.gaps
        rows.append(
            {
                "user": u,
                "profile": needs.profile,
                "top": gaps[:3],
                "high": sum(1 for g in gaps if g.priority == "high"),
                "unassessed": len(needs.unassessed),
            }
        )
    rows.sort(key=lambda r: (-r["high"], r["user"].username))
    return render(
        request,
        "competency/people.html",
        _ctx(
            rows=rows,
            departments=selectors.departments_visible_to(viewer),
            department_id=department_id,
            q=q,
            priority_labels=PRIORITY_LABELS,
        ),
    )


def _period(request) -> tuple[dt.datetime, dt.datetime, int]:
    try:
        days = max(7, min(366, int(request.GET.get("days", 90))))
    except ValueError:
        days = 90
    end = clock.now()
    return end - dt.timedelta(days=days), end, days


def _heatmap_option(group: selectors.GroupNeeds, title: str) -> dict:
    hm = group.heatmap()
    return {
        "tooltip": {"position": "top"},
        "grid": {"left": 110, "right": 20, "top": 10, "bottom": 120},
        "xAxis": {"type": "category", "data": hm["x"], "axisLabel": {"rotate": 50, "fontSize": 11}},
        "yAxis": {"type": "category", "data": hm["y"]},
        "visualMap": {
            "min": -1,
            "max": 3,
            "calculable": True,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "inRange": {"color": ["#16a34a", "#f5f5f4", "#f59e0b", "#b91c1c"]},
            "text": [title, ""],
        },
        "series": [{"type": "heatmap", "data": hm["data"], "label": {"show": False}}],
    }


def _pain_points(department_id: int | None) -> list:
    try:
        from kesu.wellbeing.selectors import pain_points
    except ImportError:
        return []
    return pain_points(department_id=department_id)


@desk_view
def team(request, department_id: int):
    viewer = request.user
    department = get_object_or_404(Department, pk=department_id)
    if not can(viewer, Cap.TRAIN_VIEW_ALL) and not (
        can(viewer, Cap.TRAIN_VIEW_TEAM) and viewer.department_id == department.pk
    ):
        raise PermissionDenied
    users = selectors.learners_visible_to(viewer, department_id=department.pk)
    group = selectors.group_needs(users=users)
    start, end, days = _period(request)
    return render(
        request,
        "competency/team.html",
        _ctx(
            department=department,
            group=group,
            heatmap=_heatmap_option(group, _("Gap")) if group.people else None,
            height=max(260, 28 * len(group.people) + 160),
            categories=category_quality(start=start, end=end, department_id=department.pk)[:8],
            days=days,
            pain_points=_pain_points(department.pk),
        ),
    )


@desk_view
def organisation(request):
    viewer = request.user
    if not can(viewer, Cap.TRAIN_VIEW_ALL):
        raise PermissionDenied
    users = selectors.learners_visible_to(viewer)
    group = selectors.group_needs(users=users)
    start, end, days = _period(request)
    by_department: dict[int, dict] = {}
    for u, needs in group.people:
        row = by_department.setdefault(
            u.department_id or 0, {"department": u.department, "people": 0, "high": 0, "gap_sum": 0.0, "n": 0}
        )
        row["people"] += 1
        for g in needs.items:
            if g.gap is not None:
                row["gap_sum"] += max(g.gap, 0)
                row["n"] += 1
            if g.priority == "high":
                row["high"] += 1
    departments = sorted(by_department.values(), key=lambda r: -(r["gap_sum"] / r["n"] if r["n"] else 0))
    for r in departments:
        r["mean_gap"] = round(r["gap_sum"] / r["n"], 2) if r["n"] else None
    chart = {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 120, "right": 20, "top": 10, "bottom": 30},
        "xAxis": {"type": "value", "name": _("People")},
        "yAxis": {"type": "category", "data": [r["name"] for r in reversed(group.common_gaps[:10])]},
        "series": [
            {
                "type": "bar",
                "name": _("People with a medium or high gap"),
                "data": [r["needing"] for r in reversed(group.common_gaps[:10])],
            }
        ],
    }
    return render(
        request,
        "competency/organisation.html",
        _ctx(
            group=group,
            chart=chart,
            departments=departments,
            categories=category_quality(start=start, end=end)[:10],
            days=days,
            pain_points=_pain_points(None),
        ),
    )


# --------------------------------------------------------------------------------------------------
# The model and its editor


@desk_view
def model_view(request, number: int | None = None):
    viewer = request.user
    if not (can(viewer, Cap.LEARN) or can(viewer, Cap.TRAIN_VIEW_ALL)):
        raise PermissionDenied
    model = selectors.model_get(number=number) if number else selectors.current_model()
    if model is None:
        if number:
            raise Http404
        return render(request, "competency/model.html", _ctx(model=None, versions=[]))
    if model.status == CompetencyModel.Status.DRAFT and not can(viewer, Cap.TRAIN_MANAGE):
        raise PermissionDenied
    items = list(model.items.all())
    profiles = list(model.profiles.all())
    dims = [(value, label, [i for i in items if i.dimension == value]) for value, label in Dimension.choices]
    grid = [(i, [p.requirements.get(i.code, "") for p in profiles]) for i in items]
    return render(
        request,
        "competency/model.html",
        _ctx(
            model=model,
            dims=dims,
            profiles=profiles,
            grid=grid,
            levels=LEVELS,
            versions=selectors.model_versions(),
            draft=selectors.draft_model(),
            may_edit=can(viewer, Cap.TRAIN_MANAGE),
            editable=model.status == CompetencyModel.Status.DRAFT and can(viewer, Cap.TRAIN_MANAGE),
            dimension_choices=Dimension.choices,
        ),
    )


def _require_manage(request):
    if not can(request.user, Cap.TRAIN_MANAGE):
        raise PermissionDenied


@desk_view
@require_POST
def draft_create(request):
    _require_manage(request)
    draft = services.model_draft_create(by=request.user, note=request.POST.get("note", ""))
    messages.success(request, _("Draft version %(n)s is ready for editing.") % {"n": draft.number})
    return redirect("competency:model_version", number=draft.number)


@desk_view
@require_POST
def item_save(request, number: int, code: str):
    _require_manage(request)
    model = get_object_or_404(CompetencyModel, number=number)
    levels = {str(level): request.POST.get(f"level_{level}", "").splitlines() for level in LEVELS}
    try:
        services.item_update(
            by=request.user,
            model_id=model.pk,
            code=code,
            name=request.POST.get("name", ""),
            description=request.POST.get("description", ""),
            levels=levels,
        )
    except ValidationFailed as exc:
        messages.error(request, " ".join([exc.message, *map(str, exc.details.values())]))
    else:
        messages.success(request, _("Item saved."))
    return redirect(reverse("competency:model_version", args=[number]) + f"#item-{code}")


@desk_view
@require_POST
def item_create(request, number: int):
    _require_manage(request)
    model = get_object_or_404(CompetencyModel, number=number)
    try:
        item = services.item_add(
            by=request.user,
            model_id=model.pk,
            code=request.POST.get("code", ""),
            dimension=request.POST.get("dimension", ""),
            name=request.POST.get("name", ""),
        )
    except ValidationFailed as exc:
        messages.error(request, " ".join([exc.message, *map(str, exc.details.values())]))
        return redirect("competency:model_version", number=number)
    messages.success(request, _("Item added; describe its levels."))
    return redirect(reverse("competency:model_version", args=[number]) + f"#item-{item.code}")


@desk_view
@require_POST
def profile_save(request, number: int, code: str):
    _require_manage(request)
    model = get_object_or_404(CompetencyModel, number=number)
    requirements = {k[4:]: v for k, v in request.POST.items() if k.startswith("req_")}
    try:
        services.profile_update(
            by=request.user,
            model_id=model.pk,
            code=code,
            requirements=requirements,
            next_code=request.POST.get("next_code"),
        )
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Role profile saved."))
    return redirect(reverse("competency:model_version", args=[number]) + "#profiles")


@desk_view
@require_POST
def publish(request, number: int):
    _require_manage(request)
    model = get_object_or_404(CompetencyModel, number=number)
    services.model_publish(by=request.user, model_id=model.pk, note=request.POST.get("note", ""))
    messages.success(request, _("Version %(n)s is published; analyses now use it.") % {"n": model.number})
    return redirect("competency:model")


@desk_view
@require_POST
def discard(request, number: int):
    _require_manage(request)
    model = get_object_or_404(CompetencyModel, number=number)
    services.model_draft_discard(by=request.user, model_id=model.pk)
    messages.success(request, _("The draft was discarded."))
    return redirect("competency:model")


@desk_view
def kpi_rules(request):
    _require_manage(request)
    rules = list(KpiRule.objects.all())
    if request.method == "POST":
        try:
            services.kpi_rules_save(by=request.user, rows=_kpi_rows(request.POST, rules))
        except ValidationFailed as exc:
            messages.error(request, " ".join([exc.message, *map(str, exc.details.values())]))
        else:
            messages.success(request, _("Desk KPI rules saved. They apply from the next monthly refresh."))
            return redirect("competency:kpi_rules")
    return render(
        request,
        "competency/kpi_rules.html",
        _ctx(
            rules=rules,
            kpis=KpiRule.Kpi.choices,
            items=selectors.item_labels(),
            last_month=(timezone.localdate(clock.now()).replace(day=1) - dt.timedelta(days=1)).strftime(
                "%Y-%m"
            ),
        ),
    )


def _kpi_rows(post, rules: list[KpiRule]) -> list[dict]:
    rows = []
    for rule in rules:
        p = f"r{rule.pk}_"
        rows.append(
            {
                "id": rule.pk,
                "poor_value": post.get(p + "poor", ""),
                "excellent_value": post.get(p + "excellent", ""),
                "weight": post.get(p + "weight", ""),
                "min_cases": post.get(p + "min", ""),
                "active": post.get(p + "active") == "on",
                "delete": post.get(p + "delete") == "on",
            }
        )
    if post.get("new_kpi") and post.get("new_item"):
        rows.append(
            {
                "id": None,
                "kpi": post.get("new_kpi"),
                "item_code": post.get("new_item"),
                "poor_value": post.get("new_poor", ""),
                "excellent_value": post.get("new_excellent", ""),
                "weight": post.get("new_weight", "1"),
                "min_cases": post.get("new_min", "5"),
                "active": True,
                "delete": False,
            }
        )
    return rows


@desk_view
@require_POST
def desk_refresh(request):
    _require_manage(request)
    raw = request.POST.get("month", "")
    try:
        month = dt.date.fromisoformat(raw + "-01")
    except ValueError:
        messages.error(request, _("Choose a month."))
        return redirect("competency:kpi_rules")
    n = services.desk_evidence_refresh(month=month)
    messages.success(
        request, _("Desk evidence for %(month)s recomputed: %(n)s observations.") % {"month": raw, "n": n}
    )
    return redirect("competency:kpi_rules")
