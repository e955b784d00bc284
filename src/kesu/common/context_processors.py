from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from kesu.common import academy, clock, workcal


def kesu(request):
    ctx = {
        "org_name": settings.KESU_ORG_NAME,
        "unread_notifications": 0,
        "calendar_warning": None,
        "user_caps": frozenset(),
        # The top bar's Academy link (to the home page with the tiles), for people who may open any of them.
        "academy_url": None,
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ctx
    from kesu.accounts.roles import ROLE_CAPS, Cap, can
    from kesu.complaints.selectors import notification_unread_count

    ctx["user_caps"] = ROLE_CAPS.get(user.role, frozenset()) if user.is_active else frozenset()
    ctx["unread_notifications"] = notification_unread_count(user=user)
    if academy.visible(user):
        ctx["academy_url"] = reverse("academy:home")
    today = clock.now().date()
    if can(user, Cap.ADMINISTER) and today.month == 12 and workcal.schedule_missing(today.year + 1):
        ctx["calendar_warning"] = _(
            "The statutory holiday schedule for %(year)s is not known yet. Enter next year's holidays "
            "and adjusted working days under Admin → Holiday overrides, or SLA deadlines will count "
            "only weekends as days off."
        ) % {"year": today.year + 1}
    return ctx
