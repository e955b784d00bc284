from functools import cache

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from kesu.common import clock, workcal


def kesu(request):
    ctx = {
        "org_name": settings.KESU_ORG_NAME,
        "unread_notifications": 0,
        "calendar_warning": None,
        "user_caps": frozenset(),
        "academy_nav": [],
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ctx
    from kesu.accounts.roles import ROLE_CAPS, Cap, can
    from kesu.complaints.selectors import notification_unread_count

    ctx["user_caps"] = ROLE_CAPS.get(user.role, frozenset()) if user.is_active else frozenset()
    ctx["unread_notifications"] = notification_unread_count(user=user)
    groups: list[tuple[str, list]] = []
    for group, label, url, name, cap in _academy_nav():
        if cap is not None and cap not in ctx["user_caps"]:
            continue
        if not groups or groups[-1][0] != group:
            groups.append((group, []))
        groups[-1][1].append((label, url, name))
    ctx["academy_nav"] = groups
    today = clock.now().date()
    if can(user, Cap.ADMINISTER) and today.month == 12 and workcal.schedule_missing(today.year + 1):
        ctx["calendar_warning"] = _(
            "The statutory holiday schedule for %(year)s is not known yet. Enter next year's holidays "
            "and adjusted working days under Admin → Holiday overrides, or SLA deadlines will count "
            "only weekends as days off."
        ) % {"year": today.year + 1}
    return ctx


@cache
def _academy_nav() -> tuple[tuple, ...]:
    """(app name, label, url, url name, capability) of every app's ``kesu_nav`` entries, in INSTALLED_APPS
    order (the menu shows one group per app).

    Each academy app declares its own menu entries on its AppConfig, so adding a page never edits the
    shared base template; an entry whose URL does not resolve is left out rather than rendered dead.
    """
    entries = []
    for config in apps.get_app_configs():
        for label, url_name, cap in getattr(config, "kesu_nav", ()):
            try:
                entries.append((config.verbose_name, label, reverse(url_name), url_name, cap))
            except NoReverseMatch:
                continue
    return tuple(entries)
