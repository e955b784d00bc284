"""Roles and what each may do. Plain data: the rest of the code asks ``can(user, capability)`` and
never compares role names, so adding a role is a change here only."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HANDLER = "handler", _("Complaint handler")
    SENIOR_HANDLER = "senior_handler", _("Senior handler")
    SUPERVISOR = "supervisor", _("Supervisor")
    LIAISON = "liaison", _("Department liaison")
    TRAINER = "trainer", _("Trainer")
    PR_OFFICER = "pr_officer", _("PR / crisis officer")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


class Cap:
    INTAKE = "intake"  # register complaints on behalf of customers
    HANDLE = "handle"  # work complaints of the own team
    SUPERVISE = "supervise"  # assign, see the team queue, receive escalations
    APPROVE = "approve"  # decide compensation approvals up to the own authority
    ANSWER_TASKS = "answer_tasks"  # answer department tasks
    READ_ALL = "read_all"  # read complaints of every department
    VIEW_PII = "view_pii"  # see personal data unmasked
    REVEAL_PII = "reveal_pii"  # unmask one value with a logged reason
    AUDIT = "audit"  # read audit logs
    ADMINISTER = "administer"  # reference data, users
    # The academy
    LEARN = "learn"  # own competency profile, plan, courses, exams, role-play, diary
    TRAIN_VIEW_TEAM = "train_view_team"  # needs analysis, records and diary trends of the own team
    TRAIN_VIEW_ALL = "train_view_all"  # the same for every department (read only)
    TRAIN_MANAGE = "train_manage"  # competency model, catalogue, sessions, exams, plans, grading


ROLE_CAPS: dict[str, frozenset[str]] = {
    Role.HANDLER: frozenset({Cap.INTAKE, Cap.HANDLE, Cap.REVEAL_PII, Cap.LEARN}),
    Role.SENIOR_HANDLER: frozenset({Cap.INTAKE, Cap.HANDLE, Cap.REVEAL_PII, Cap.APPROVE, Cap.LEARN}),
    Role.SUPERVISOR: frozenset(
        {
            Cap.INTAKE,
            Cap.HANDLE,
            Cap.SUPERVISE,
            Cap.APPROVE,
            Cap.VIEW_PII,
            Cap.REVEAL_PII,
            Cap.LEARN,
            Cap.TRAIN_VIEW_TEAM,
        }
    ),
    Role.LIAISON: frozenset({Cap.ANSWER_TASKS, Cap.LEARN}),
    Role.TRAINER: frozenset(
        {Cap.READ_ALL, Cap.LEARN, Cap.TRAIN_VIEW_TEAM, Cap.TRAIN_VIEW_ALL, Cap.TRAIN_MANAGE}
    ),
    Role.PR_OFFICER: frozenset({Cap.READ_ALL, Cap.REVEAL_PII, Cap.LEARN}),
    Role.AUDITOR: frozenset({Cap.READ_ALL, Cap.AUDIT, Cap.TRAIN_VIEW_ALL}),
    Role.ADMIN: frozenset(
        {
            Cap.INTAKE,
            Cap.HANDLE,
            Cap.SUPERVISE,
            Cap.APPROVE,
            Cap.READ_ALL,
            Cap.VIEW_PII,
            Cap.REVEAL_PII,
            Cap.AUDIT,
            Cap.ADMINISTER,
            Cap.LEARN,
            Cap.TRAIN_VIEW_TEAM,
            Cap.TRAIN_VIEW_ALL,
            Cap.TRAIN_MANAGE,
        }
    ),
}

# The approval ladder: a proposal above the proposer's limit goes to the lowest rung whose limit covers it.
APPROVAL_LADDER: tuple[str, ...] = (Role.HANDLER, Role.SENIOR_HANDLER, Role.SUPERVISOR, Role.ADMIN)


def can(user, capability: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return capability in ROLE_CAPS.get(user.role, frozenset())
