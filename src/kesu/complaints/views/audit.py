"""The privacy audit trail for auditors and administrators: every reveal of masked personal data."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from kesu.accounts.roles import Cap
from kesu.common.errors import NotPermitted
from kesu.complaints import selectors
from kesu.complaints.views._base import desk_view


@desk_view
def pii_log(request):
    if not selectors.can_audit(request.user):
        raise NotPermitted("audit only")
    entries = selectors.pii_access_log(
        username=request.GET.get("user", "").strip(), number=request.GET.get("number", "").strip()
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/audit_pii.html",
        {
            "page_obj": page,
            "filter_user": request.GET.get("user", ""),
            "filter_number": request.GET.get("number", ""),
            "cap": Cap,
        },
    )
