"""Pages of the training app: parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.accounts.models import User
from kesu.accounts.roles import Cap, can
from kesu.common import clock
from kesu.common.errors import NotPermitted, ValidationFailed
from kesu.complaints.views._base import desk_view
from kesu.training import exports, selectors, services
from kesu.training.forms import CourseForm, ModuleForm, PairForm, SessionForm
from kesu.training.models import CheckIn, Course, Enrolment, Module, Track, TrainingRecord, TrainingSession
from kesu.training.rendering import render_markdown


def _need(request: HttpRequest, cap: str) -> None:
    if not can(request.user, cap):
        raise NotPermitted(_("You are not allowed to do this."))


def _ctx(**kw) -> dict:
    return {"nav_section": "academy", **kw}


def _labels() -> dict:
    return {"labels": selectors.item_names(), "profiles": selectors.profile_names()}


def _form_errors(request: HttpRequest, exc: ValidationFailed) -> None:
    messages.error(request, exc.message)


# ---------------------------------------------------------------------------------------------- catalogue


@desk_view
def catalogue(request: HttpRequest) -> HttpResponse:
    _need(request, Cap.LEARN)
    track = request.GET.get("track", "")
    track = track if track in Track.values else ""
    item = request.GET.get("item", "")
    known = services.allowed_item_codes()
    item = item if item in known else ""
    q = request.GET.get("q", "").strip()[:60]
    courses = selectors.course_list(user=request.user, track=track, item=item, q=q)
    return render(
        request,
        "training/catalogue.html",
        _ctx(
            **_labels(),
            courses=courses,
            tracks=Track.choices,
            track=track,
            items=sorted(known),
            item=item,
            q=q,
            enrolments=selectors.my_enrolments(user=request.user)[:10],
            can_manage=can(request.user, Cap.TRAIN_MANAGE),
        ),
    )


@desk_view
def course_detail(request: HttpRequest, code: str) -> HttpResponse:
    _need(request, Cap.LEARN)
    course = selectors.course_get(user=request.user, code=code)
    states, pct = selectors.course_progress(user=request.user, course=course)
    sessions = list(selectors.upcoming_sessions(course=course))
    mine = {
        e.session_id: e
        for e in Enrolment.objects.filter(user=request.user, session__in=sessions).exclude(
            status=Enrolment.Status.CANCELLED
        )
    }
    rows = [(s, mine.get(s.pk)) for s in sessions]
    past = (
        course.sessions.filter(starts_at__lte=clock.now()).order_by("-starts_at")[:10]
        if can(request.user, Cap.TRAIN_MANAGE)
        else []
    )
    return render(
        request,
        "training/course_detail.html",
        _ctx(
            **_labels(),
            course=course,
            states=states,
            percent=pct,
            has_online=any(s.module.is_online for s in states),
            sessions=rows,
            past_sessions=past,
            completed=course in selectors.completed_courses(request.user),
            can_manage=can(request.user, Cap.TRAIN_MANAGE),
        ),
    )


@desk_view
def course_new(request: HttpRequest) -> HttpResponse:
    _need(request, Cap.TRAIN_MANAGE)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(by=request.user, data=form.to_input())
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Course created as a draft. Add its modules, then publish it."))
            return redirect("training:course_detail", course.code)
    return render(request, "training/form.html", _ctx(form=form, heading=_("New course")))


@desk_view
def course_edit(request: HttpRequest, code: str) -> HttpResponse:
    _need(request, Cap.TRAIN_MANAGE)
    course = get_object_or_404(Course, code=code)
    form = CourseForm(request.POST or None, initial=CourseForm.initial_from(course))
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_update(by=request.user, course=course, data=form.to_input())
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Course saved."))
            return redirect("training:course_detail", course.code)
    return render(
        request,
        "training/form.html",
        _ctx(form=form, heading=_("Edit course %(code)s") % {"code": course.code}, course=course),
    )


@desk_view
@require_POST
def course_status(request: HttpRequest, code: str) -> HttpResponse:
    course = get_object_or_404(Course, code=code)
    status = request.POST.get("status", "")
    services.course_set_status(by=request.user, course=course, status=status)
    messages.success(
        request, _("Course published.") if status == Course.Status.PUBLISHED else _("Course unpublished.")
    )
    return redirect("training:course_detail", course.code)


@desk_view
def module_new(request: HttpRequest, code: str) -> HttpResponse:
    _need(request, Cap.TRAIN_MANAGE)
    course = get_object_or_404(Course, code=code)
    form = ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.module_create(by=request.user, course=course, data=form.to_input())
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Module added."))
            return redirect("training:course_detail", course.code)
    return render(
        request,
        "training/form.html",
        _ctx(form=form, heading=_("New module of %(course)s") % {"course": course.title}, course=course),
    )


@desk_view
def module_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request, Cap.TRAIN_MANAGE)
    module = get_object_or_404(Module.objects.select_related("course"), pk=pk)
    initial = {
        "title": module.title,
        "method": module.method,
        "minutes": module.minutes,
        "order": module.order,
        "item_codes": module.item_codes,
        "body": module.body,
    }
    form = ModuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.module_update(by=request.user, module=module, data=form.to_input())
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Module saved."))
            return redirect("training:course_detail", module.course.code)
    return render(
        request,
        "training/form.html",
        _ctx(
            form=form,
            heading=_("Edit module %(title)s") % {"title": module.title},
            course=module.course,
            delete_module=module,
        ),
    )


@desk_view
@require_POST
def module_delete(request: HttpRequest, pk: int) -> HttpResponse:
    module = get_object_or_404(Module.objects.select_related("course"), pk=pk)
    code = module.course.code
    services.module_delete(by=request.user, module=module)
    messages.success(request, _("Module deleted."))
    return redirect("training:course_detail", code)


@desk_view
def module_read(request: HttpRequest, pk: int) -> HttpResponse:
    module = get_object_or_404(Module.objects.select_related("course"), pk=pk)
    if not module.is_online:  # taught in sessions: its course page says when
        return redirect("training:course_detail", module.course.code)
    progress = services.module_open(user=request.user, module=module)
    states, pct = selectors.course_progress(user=request.user, course=module.course)
    online = [s.module for s in states if s.module.is_online]
    i = online.index(module)
    return render(
        request,
        "training/module_read.html",
        _ctx(
            module=module,
            course=module.course,
            body=render_markdown(module.body),
            progress=progress,
            percent=pct,
            previous=online[i - 1] if i > 0 else None,
            next=online[i + 1] if i + 1 < len(online) else None,
        ),
    )


@desk_view
@require_POST
def module_done(request: HttpRequest, pk: int) -> HttpResponse:
    module = get_object_or_404(Module.objects.select_related("course"), pk=pk)
    services.module_complete(user=request.user, module=module)
    if module.course in selectors.completed_courses(request.user):
        messages.success(
            request, _("Module done. You completed the course %(course)s.") % {"course": module.course.title}
        )
    else:
        messages.success(request, _("Module marked as done."))
    nxt = request.POST.get("next_module", "")
    if nxt.isdigit() and Module.objects.filter(pk=int(nxt), course=module.course).exists():
        return redirect("training:module_read", int(nxt))
    return redirect("training:module_read", module.pk)


# ----------------------------------------------------------------------------------------------- sessions


@desk_view
def session_new(request: HttpRequest, code: str) -> HttpResponse:
    _need(request, Cap.TRAIN_MANAGE)
    course = get_object_or_404(Course, code=code)
    form = SessionForm(request.POST or None, initial={"trainer": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(by=request.user, course=course, data=form.to_input())
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Session scheduled."))
            return redirect("training:session_detail", session.pk)
    return render(
        request,
        "training/form.html",
        _ctx(form=form, heading=_("New session of %(course)s") % {"course": course.title}, course=course),
    )


@desk_view
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request, Cap.TRAIN_MANAGE)
    session = get_object_or_404(TrainingSession.objects.select_related("course"), pk=pk)
    initial = {
        "starts_at": clock_local(session.starts_at),
        "ends_at": clock_local(session.ends_at),
        "room": session.room,
        "online_link": session.online_link,
        "trainer": session.trainer_id,
        "capacity": session.capacity,
    }
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(by=request.user, session=session, data=form.to_input())
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Session saved."))
            return redirect("training:session_detail", session.pk)
    return render(
        request,
        "training/form.html",
        _ctx(form=form, heading=_("Edit session"), course=session.course),
    )


def clock_local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


@desk_view
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request, Cap.LEARN)
    session = get_object_or_404(TrainingSession.objects.select_related("course", "trainer"), pk=pk)
    manage = can(request.user, Cap.TRAIN_MANAGE)
    if not session.course.is_published and not manage:
        raise NotPermitted(_("You are not allowed to do this."))
    mine = (
        Enrolment.objects.filter(session=session, user=request.user)
        .exclude(status=Enrolment.Status.CANCELLED)
        .first()
    )
    roster = (
        list(
            session.enrolments.select_related("user")
            .exclude(status=Enrolment.Status.CANCELLED)
            .order_by("status", "requested_at", "id")
        )
        if manage
        else []
    )
    enrolled = session.enrolments.filter(status=Enrolment.Status.ENROLLED).count()
    return render(
        request,
        "training/session_detail.html",
        _ctx(
            session=session,
            course=session.course,
            mine=mine,
            position=selectors.waiting_position(mine) if mine else None,
            roster=roster,
            enrolled=enrolled,
            waiting=session.enrolments.filter(status=Enrolment.Status.WAITING).count(),
            manage=manage,
            started=session.starts_at <= clock.now(),
            open=session.status == TrainingSession.Status.SCHEDULED and session.starts_at > clock.now(),
        ),
    )


@desk_view
@require_POST
def session_status(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(TrainingSession, pk=pk)
    services.session_set_status(by=request.user, session=session, status=request.POST.get("status", ""))
    messages.success(request, _("Session updated."))
    return redirect("training:session_detail", session.pk)


@desk_view
@require_POST
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(TrainingSession.objects.select_related("course"), pk=pk)
    e = services.enrolment_create(session=session, user=request.user, by=request.user)
    if e.status == Enrolment.Status.ENROLLED:
        messages.success(request, _("You are enrolled."))
    else:
        messages.info(request, _("The session is full: you are on the waiting list."))
    return redirect("training:session_detail", session.pk)


@desk_view
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(TrainingSession.objects.select_related("course"), pk=pk)
    services.enrolment_cancel(session=session, user=request.user, by=request.user)
    messages.success(request, _("Your enrolment is cancelled."))
    return redirect("training:session_detail", session.pk)


@desk_view
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(TrainingSession.objects.select_related("course"), pk=pk)
    person = get_object_or_404(User, pk=request.POST.get("user") or 0)
    mark = request.POST.get("attendance", "")
    if mark not in ("present", "absent"):
        raise ValidationFailed(_("Choose present or absent."))
    raw = request.POST.get("score", "").strip()
    try:
        score = Decimal(raw) if raw else None
    except InvalidOperation:
        raise ValidationFailed(_("The score must be a number.")) from None
    services.attendance_mark(
        by=request.user, session=session, user=person, present=mark == "present", score=score
    )
    messages.success(request, _("Attendance of %(person)s saved.") % {"person": person})
    return redirect("training:session_detail", session.pk)


# ---------------------------------------------------------------------------------------------- mentoring


@desk_view
def mentoring(request: HttpRequest) -> HttpResponse:
    _need(request, Cap.LEARN)
    manage = can(request.user, Cap.TRAIN_MANAGE)
    form = PairForm(request.POST or None) if manage else None
    if request.method == "POST":
        _need(request, Cap.TRAIN_MANAGE)
        if form.is_valid():
            d = form.cleaned_data
            try:
                pair = services.mentoring_pair_create(
                    by=request.user,
                    mentor=d["mentor"],
                    mentee=d["mentee"],
                    item_codes=d["item_codes"],
                    starts_on=d["starts_on"],
                    ends_on=d["ends_on"],
                    every_days=d["every_days"],
                )
            except ValidationFailed as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Mentoring pair created with its check-ins."))
                return redirect("training:pair_detail", pair.pk)
    pairs = selectors.pairs_for(user=request.user)
    return render(
        request,
        "training/mentoring.html",
        _ctx(
            **_labels(),
            pairs=pairs,
            form=form,
            overdue=list(selectors.overdue_checkins(mentor=request.user)),
            today=timezone.localdate(clock.now()),
        ),
    )


@desk_view
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_get(user=request.user, pk=pk)
    return render(
        request,
        "training/pair_detail.html",
        _ctx(
            **_labels(),
            pair=pair,
            checkins=list(pair.checkins.all()),
            can_log=request.user.pk == pair.mentor_id or can(request.user, Cap.TRAIN_MANAGE),
            today=timezone.localdate(clock.now()),
        ),
    )


@desk_view
@require_POST
def checkin_log(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = get_object_or_404(CheckIn, pk=pk)
    services.checkin_log(by=request.user, checkin=checkin, notes=request.POST.get("notes", ""))
    messages.success(request, _("Check-in logged."))
    return redirect("training:pair_detail", checkin.pair_id)


# ------------------------------------------------------------------------------------------------ records


def _records_context(request: HttpRequest, person: User) -> dict:
    data = selectors.person_records(person)
    gaps = selectors.person_gaps_over_time(person)
    return _ctx(data=data, person=person, gaps=gaps, me=person.pk == request.user.pk)


@desk_view
def records_me(request: HttpRequest) -> HttpResponse:
    person = selectors.record_person(viewer=request.user, pk=request.user.pk)
    return render(request, "training/records.html", _records_context(request, person))


@desk_view
def records_person(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.record_person(viewer=request.user, pk=pk)
    return render(request, "training/records.html", _records_context(request, person))


@desk_view
def records_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.record_person(viewer=request.user, pk=pk)
    data = selectors.person_records(person)
    response = HttpResponse(
        exports.records_xlsx(data, selectors.person_gaps_over_time(person)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="training-record-{person.username}.xlsx"'
    return response


@desk_view
def records_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.record_person(viewer=request.user, pk=pk)
    data = selectors.person_records(person)
    response = HttpResponse(
        exports.records_pdf(data, gaps=selectors.person_gaps_over_time(person), request=request),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="training-record-{person.username}.pdf"'
    return response


# ----------------------------------------------------------------------------------------------- coverage


@desk_view
def coverage(request: HttpRequest) -> HttpResponse:
    _need(request, Cap.TRAIN_VIEW_TEAM)
    today = timezone.localdate(clock.now())
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year + 1:
        year = today.year
    department = None
    if not can(request.user, Cap.TRAIN_VIEW_ALL):
        department = request.user.department
        if department is None:
            raise NotPermitted(_("You are not allowed to do this."))
    cov = selectors.coverage(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), department=department)
    people = list(selectors.people_visible(viewer=request.user))
    covered = set(
        TrainingRecord.objects.filter(completed_on__year=year, user__in=[p.pk for p in people]).values_list(
            "user_id", flat=True
        )
    )
    return render(
        request,
        "training/coverage.html",
        _ctx(
            cov=cov,
            year=year,
            years=list(range(today.year, today.year - 4, -1)),
            department=department,
            people=[(p, p.pk in covered) for p in people],
            required=selectors.required_coverage(department=department),
            role_chart=_coverage_chart(cov.by_role),
            dept_chart=_coverage_chart(cov.by_department),
        ),
    )


def _coverage_chart(rows) -> dict:
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 20, "top": 30, "bottom": 60},
        "xAxis": {
            "type": "category",
            "data": [r.label for r in rows],
            "axisLabel": {"interval": 0, "rotate": 30},
        },
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {
                "type": "bar",
                "name": _("Coverage"),
                "data": [r.percent for r in rows],
                "label": {"show": True, "position": "top", "formatter": "{c}%"},
                "markLine": {
                    "symbol": "none",
                    "label": {"show": False},
                    "data": [{"yAxis": 100, "name": _("Target")}],
                    "lineStyle": {"type": "dashed"},
                },
            }
        ],
    }
