"""The customer's pages (no login): the complaint form and the status page. They show nothing internal:
a customer-friendly status and stage progress, and the masked name. The status lookup answers "not
found" the same way for a wrong number and for wrong digits, and is throttled per address."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from kesu.common import masking
from kesu.common.errors import DomainError, ValidationFailed
from kesu.complaints import selectors, services
from kesu.complaints.forms import PublicComplaintForm, PublicStatusForm
from kesu.complaints.models import Channel
from kesu.complaints.services import ComplaintInput, CustomerInput
from kesu.complaints.views._base import throttled
from kesu.complaints.workflow import Status

STATUS_LOOKUPS_PER_WINDOW = 20
STATUS_WINDOW_SECONDS = 10 * 60
SUBMISSIONS_PER_WINDOW = 10
SUBMISSION_WINDOW_SECONDS = 60 * 60
SESSION_KEY = "kesu_public_number"

# 受理 → 调查 → 解决 → 回访 → 关闭, as a customer reads them.
STAGES = (
    gettext_lazy("Accepted"),
    gettext_lazy("Investigation"),
    gettext_lazy("Solution"),
    gettext_lazy("Follow-up call"),
    gettext_lazy("Closed"),
)
# status → (customer-facing label, index of the current stage, explanation)
CUSTOMER_STATUS = {
    Status.REGISTERED: (
        gettext_lazy("Received"),
        0,
        gettext_lazy("We have received your complaint and will accept it for handling shortly."),
    ),
    Status.ACKNOWLEDGED: (
        gettext_lazy("Accepted"),
        1,
        gettext_lazy("A complaint handler is responsible for your complaint and will look into it."),
    ),
    Status.INVESTIGATING: (
        gettext_lazy("Being investigated"),
        1,
        gettext_lazy("We are establishing what happened."),
    ),
    Status.AWAITING_APPROVAL: (
        gettext_lazy("Solution being prepared"),
        2,
        gettext_lazy("We are preparing a solution for you."),
    ),
    Status.RESOLVING: (
        gettext_lazy("Solution being carried out"),
        2,
        gettext_lazy("We have decided on a solution and are carrying it out."),
    ),
    Status.AWAITING_FOLLOW_UP: (
        gettext_lazy("Waiting for our follow-up call"),
        3,
        gettext_lazy("We will contact you to check that the problem is solved."),
    ),
    Status.CLOSED: (
        gettext_lazy("Closed"),
        5,
        gettext_lazy("Your complaint has been dealt with. Thank you for your patience."),
    ),
}


def _large(request) -> bool:
    return request.GET.get("large") == "1"


def _with_large(url: str, large: bool) -> str:
    return f"{url}?large=1" if large else url


def _ctx(request, **extra):
    large = _large(request)
    return {"large": large, "large_qs": "?large=1" if large else "", **extra}


@csrf_protect
@require_http_methods(["GET", "POST"])
def complaint_form(request):
    large = _large(request)
    form = PublicComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            if form.cleaned_data["website"]:
                # A bot filled in the invisible field: say nothing useful, store nothing.
                form.add_error(None, _("Your complaint could not be sent. Please try again or call us."))
            elif throttled(
                request, "public_form", limit=SUBMISSIONS_PER_WINDOW, window_seconds=SUBMISSION_WINDOW_SECONDS
            ):
                form.add_error(
                    None,
                    _("Too many complaints were sent from your connection. Please wait an hour or call us."),
                )
            else:
                d = form.cleaned_data
                data = ComplaintInput(
                    channel=Channel.WEB,
                    category_code=d["category"],
                    title=d["title"],
                    description=d["description"],
                    order_ref=d["order_ref"],
                    attachments=d["attachments"],
                    customer=CustomerInput(
                        name=d["name"], phone=d["phone"], email=d["email"], special_group=d["priority"]
                    ),
                )
                try:
                    complaint = services.complaint_register(data=data, actor=None)
                except ValidationFailed as exc:
                    form.add_domain_error(exc)
                except DomainError:
                    form.add_error(
                        None,
                        _(
                            "Your complaint could not be registered just now. Please try again later or call us."
                        ),
                    )
                else:
                    request.session[SESSION_KEY] = complaint.number
                    return redirect(_with_large(reverse("public:done"), large))
        status = 422
    else:
        status = 200
    return render(request, "public/form.html", _ctx(request, form=form), status=status)


def complaint_done(request):
    number = request.session.get(SESSION_KEY)
    if not number:
        return redirect(_with_large(reverse("public:form"), _large(request)))
    return render(request, "public/done.html", _ctx(request, number=number))


@csrf_protect
@require_http_methods(["GET", "POST"])
def status(request):
    form = PublicStatusForm(request.POST or None)
    result = None
    refusal = ""
    code = 200
    if request.method == "POST":
        if throttled(
            request, "public_status", limit=STATUS_LOOKUPS_PER_WINDOW, window_seconds=STATUS_WINDOW_SECONDS
        ):
            form = PublicStatusForm()
            refusal = _("Too many attempts. Please wait 10 minutes and try again.")
            code = 429
        elif form.is_valid():
            complaint = selectors.public_status(
                number=form.cleaned_data["number"], phone_last4=form.cleaned_data["phone_last4"]
            )
            if complaint is None:
                form.add_error(
                    None,
                    _(
                        "We could not find a complaint with this tracking number and these phone digits. "
                        "Check both and try again."
                    ),
                )
            else:
                label, current, explanation = CUSTOMER_STATUS[complaint.status]
                result = {
                    "number": complaint.number,
                    "name": masking.mask_name(complaint.customer.name),
                    "registered_at": complaint.registered_at,
                    "status_label": label,
                    "explanation": explanation,
                    "closed": complaint.status == Status.CLOSED,
                    "stages": [
                        {
                            "label": s,
                            "state": "done" if i < current else ("current" if i == current else "todo"),
                        }
                        for i, s in enumerate(STAGES)
                    ],
                }
        else:
            code = 422
    return render(
        request, "public/status.html", _ctx(request, form=form, result=result, refusal=refusal), status=code
    )
