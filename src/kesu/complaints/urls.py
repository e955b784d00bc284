from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from kesu.complaints.views import audit, desk, detail
from kesu.complaints.workflow import Action

app_name = "desk"


def _transition(route: str, action: str, name: str):
    return path(f"desk/c/<str:number>/{route}/", detail.transition, {"action": action}, name=name)


urlpatterns = [
    path("", login_required(RedirectView.as_view(pattern_name="desk:home")), name="root"),
    path("desk/", desk.home, name="home"),
    path("desk/queue/", desk.queue, name="queue"),
    path("desk/queue/export/", desk.queue_export, name="queue_export"),
    path("desk/new/", desk.intake, name="intake"),
    path("desk/tasks/", desk.tasks, name="tasks"),
    path("desk/tasks/<int:task_id>/answer/", desk.task_answer, name="task_answer"),
    path("desk/notifications/", desk.notifications, name="notifications"),
    path("desk/notifications/read/", desk.notifications_read, name="notifications_read"),
    path("desk/evidence/<int:evidence_id>/", desk.evidence_download, name="evidence_download"),
    path("desk/audit/pii/", audit.pii_log, name="audit_pii"),
    # One complaint and its actions (each a small POST view).
    path("desk/c/<str:number>/", detail.detail, name="detail"),
    _transition("acknowledge", Action.ACKNOWLEDGE, "acknowledge"),
    _transition("start-investigation", Action.START_INVESTIGATION, "start_investigation"),
    _transition("resolve", Action.RESOLVE, "resolve"),
    _transition("close", Action.CLOSE, "close"),
    _transition("reopen", Action.REOPEN, "reopen"),
    path("desk/c/<str:number>/findings/", detail.findings, name="findings"),
    path("desk/c/<str:number>/note/", detail.note, name="note"),
    path("desk/c/<str:number>/evidence/", detail.evidence, name="evidence"),
    path("desk/c/<str:number>/tasks/", detail.task_open, name="task_open"),
    path("desk/c/<str:number>/tasks/<int:task_id>/cancel/", detail.task_cancel, name="task_cancel"),
    path("desk/c/<str:number>/propose/", detail.propose, name="propose"),
    path("desk/c/<str:number>/proposals/<int:proposal_id>/decide/", detail.decide, name="decide"),
    path("desk/c/<str:number>/follow-up/", detail.follow_up, name="follow_up"),
    path("desk/c/<str:number>/escalate/", detail.escalate, name="escalate"),
    path("desk/c/<str:number>/assign/", detail.assign, name="assign"),
    path("desk/c/<str:number>/messages/<int:message_id>/sent/", detail.message_sent, name="message_sent"),
    path("desk/c/<str:number>/reveal/", detail.reveal, name="reveal"),
    path("desk/c/<str:number>/triage/confirm/", detail.triage_confirm, name="triage_confirm"),
    path("desk/c/<str:number>/triage/analyse/", detail.triage_analyse, name="triage_analyse"),
    path("desk/c/<str:number>/reply/", detail.reply, name="reply"),
    path("desk/c/<str:number>/reply/lint/", detail.reply_lint, name="reply_lint"),
]
