"""Forms of the desk UI and the public pages. They only parse and shape input: the rules (lengths of
complaint text, phone numbers, file types, who may do what) live in services/validation, whose
ValidationFailed is put back on the right field with ``add_domain_error``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.common import clock
from kesu.common.errors import DomainError
from kesu.complaints.models import (
    Category,
    Channel,
    CustomerTier,
    Demand,
    Responsibility,
    Severity,
    SpecialGroup,
)
from kesu.complaints.workflow import Status

STAFF_CHANNELS = (Channel.PHONE, Channel.VISIT, Channel.LETTER, Channel.EMAIL, Channel.SOCIAL, Channel.APP)
FOLLOW_UP_CHANNELS = (
    Channel.PHONE,
    Channel.EMAIL,
    Channel.VISIT,
    Channel.APP,
    Channel.SOCIAL,
    Channel.LETTER,
)

# Where a service's ValidationFailed(details={"field": ...}) lands when the form names it differently.
_FIELD_ALIASES = {"file": "attachments", "category_code": "category", "due_at": "due_at"}


class DeskForm(forms.Form):
    """Bootstrap classes on every widget, ``is-invalid`` on fields with errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            elif isinstance(widget, forms.HiddenInput):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                w = self.fields[name].widget
                w.attrs["class"] = (w.attrs.get("class", "") + " is-invalid").strip()
                w.attrs["aria-invalid"] = "true"

    def add_domain_error(self, error: DomainError) -> None:
        field = error.details.get("field") if error.details else None
        field = _FIELD_ALIASES.get(field, field)
        target = field if field in self.fields else None
        self.add_error(target, error.message)
        if target:
            w = self.fields[target].widget
            w.attrs["class"] = (w.attrs.get("class", "") + " is-invalid").strip()
            w.attrs["aria-invalid"] = "true"


class VersionedForm(DeskForm):
    """Forms that change a complaint carry the version they were rendered from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _text_attrs(max_chars: int, rows: int | None = None) -> dict:
    # Only the browser hint: the length rule and its message belong to validation.check_text.
    attrs = {"maxlength": str(max_chars)}
    if rows:
        attrs["rows"] = str(rows)
    return attrs


def _category_choices(*, public: bool = False) -> list[tuple[str, str]]:
    cats = Category.objects.filter(active=True).order_by("sort_order", "code")
    if public:
        return [(c.code, str(PUBLIC_CATEGORY_LABELS.get(c.code, c.name))) for c in cats]
    return [(c.code, c.name) for c in cats]


# ---------------------------------------------------------------------------------------------------
# Queue filters


class QueueFilterForm(DeskForm):
    search = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("Number, order or subject"), "type": "search"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("Any"))] + list(Severity.choices)
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any"))] + list(Channel.choices)
    )
    date_from = forms.DateField(
        label=_("Registered from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Registered to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=_("Overdue"), required=False)
    repeat = forms.BooleanField(label=_("Repeat"), required=False)
    special_group = forms.BooleanField(label=_("Special group"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Open (any)"))] + list(Status.choices)
        self.fields["category"].choices = [("", _("Any"))] + _category_choices()

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


# ---------------------------------------------------------------------------------------------------
# Staff intake


class IntakeForm(DeskForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=[(c.value, c.label) for c in STAFF_CHANNELS])
    category = forms.ChoiceField(label=_("Category"))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM)
    title = forms.CharField(label=_("Subject"), widget=forms.TextInput(attrs=_text_attrs(120)))
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs=_text_attrs(settings.KESU_MAX_TEXT_CHARS, rows=8)),
        help_text=_("What happened, in the customer's words. At most 20,000 characters."),
    )
    product = forms.CharField(
        label=_("Product / service"), required=False, widget=forms.TextInput(attrs=_text_attrs(120))
    )
    order_ref = forms.CharField(
        label=_("Order reference"), required=False, widget=forms.TextInput(attrs=_text_attrs(60))
    )
    demand = forms.ChoiceField(
        label=_("Demand"), required=False, choices=[("", _("Not stated"))] + list(Demand.choices)
    )
    name = forms.CharField(label=_("Customer name"), widget=forms.TextInput(attrs=_text_attrs(60)))
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "maxlength": "20"}),
    )
    email = forms.CharField(
        label=_("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "maxlength": "254"}),
    )
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "maxlength": "30"}),
    )
    tier = forms.ChoiceField(
        label=_("Member tier"), choices=CustomerTier.choices, initial=CustomerTier.REGULAR
    )
    special_group = forms.ChoiceField(label=_("Special group"), required=False, choices=SpecialGroup.choices)
    attachments = MultipleFileField(
        label=_("Attachments"), help_text=_("Photos, documents, recordings; at most 20 MB each.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices()


# ---------------------------------------------------------------------------------------------------
# Actions on one complaint


class TransitionForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs=_text_attrs(2000, rows=2))
    )


class ReasonRequiredForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs=_text_attrs(2000, rows=2)))


class FindingsForm(VersionedForm):
    root_cause = forms.CharField(
        label=_("Root cause"), widget=forms.Textarea(attrs=_text_attrs(5000, rows=3))
    )
    responsibility = forms.ChoiceField(
        label=_("Responsibility"), choices=[("", "—")] + list(Responsibility.choices)
    )
    underlying_need = forms.CharField(
        label=_("Underlying need"),
        required=False,
        help_text=_("What the customer really needs: respect, safety, fairness, time…"),
        widget=forms.TextInput(attrs=_text_attrs(120)),
    )


class NoteForm(VersionedForm):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs=_text_attrs(5000, rows=3)))


class CategoryConfirmForm(VersionedForm):
    category = forms.ChoiceField(label=_("Category"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices()


class ReplyForm(DeskForm):
    text = forms.CharField(
        label=_("Reply to the customer"), widget=forms.Textarea(attrs=_text_attrs(5000, rows=5))
    )


class EvidenceForm(VersionedForm):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs=_text_attrs(5000, rows=2))
    )
    file = forms.FileField(label=_("File"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("note") and not data.get("file") and not self.errors:
            raise forms.ValidationError(_("Add a note, a file or both."))
        return data


def _default_task_due() -> str:
    due = timezone.localtime(clock.now()) + dt.timedelta(days=2)
    return due.strftime("%Y-%m-%dT%H:%M")


class TaskOpenForm(VersionedForm):
    department = forms.ChoiceField(label=_("Department"))
    title = forms.CharField(label=_("Task"), widget=forms.TextInput(attrs=_text_attrs(200)))
    owner = forms.ChoiceField(label=_("Owner (optional)"), required=False)
    due_at = forms.DateTimeField(
        label=_("Deadline"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    blocking = forms.BooleanField(label=_("Blocks resolution until answered"), required=False, initial=True)

    def __init__(self, *args, departments=(), owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(str(d.pk), d.name) for d in departments]
        self.fields["owner"].choices = [("", _("Department's liaisons"))] + [
            (str(u.pk), f"{u.department.name} · {u}") for u in owners
        ]
        if not self.is_bound:
            self.initial.setdefault("due_at", _default_task_due())


class TaskCancelForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.TextInput(attrs=_text_attrs(2000)))


class TaskAnswerForm(DeskForm):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs=_text_attrs(5000, rows=3)))


class ProposalForm(VersionedForm):
    """The solution text; compensation lines come as parallel lists item_type / item_amount / item_note
    (several rows, empty rows ignored) and are parsed by the view."""

    solution = forms.CharField(label=_("Solution"), widget=forms.Textarea(attrs=_text_attrs(5000, rows=3)))


class DecisionForm(DeskForm):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.TextInput(attrs=_text_attrs(2000))
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("reason"):
            self.add_error("reason", _("Give the reason for rejecting."))
        return data


_YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class FollowUpForm(VersionedForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=[(c.value, c.label) for c in FOLLOW_UP_CHANNELS])
    reached = forms.ChoiceField(
        label=_("Customer reached"), choices=_YES_NO, initial="yes", widget=forms.RadioSelect
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction (1–5)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(str(i), str(i)) for i in range(5, 0, -1)],
    )
    resolved = forms.ChoiceField(label=_("Problem solved"), required=False, choices=[("", "—")] + _YES_NO)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs=_text_attrs(5000, rows=2))
    )


class AssignForm(VersionedForm):
    assignee = forms.ChoiceField(label=_("Handler"))

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [(str(u.pk), f"{u} · {u.get_role_display()}") for u in users]


class RevealForm(DeskForm):
    field = forms.ChoiceField(
        choices=[("phone", "phone"), ("email", "email"), ("id_number", "id_number")], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=200, widget=forms.TextInput(attrs={"placeholder": _("Why you need it")})
    )


# ---------------------------------------------------------------------------------------------------
# Public pages


PUBLIC_CATEGORY_LABELS = {
    "promise_broken": _("A promise was not kept (e.g. delivery time)"),
    "technical_error": _("A mistake in the service or repair"),
    "attitude": _("How staff treated me"),
    "special_needs": _("I need special assistance"),
    "product_quality": _("Problem with a product"),
    "logistics": _("Delivery problem"),
    "refund_return": _("Refund or return"),
    "privacy": _("My personal data"),
    "safety": _("Safety: injury or damage"),
    "other": _("Something else"),
}


class PublicComplaintForm(DeskForm):
    name = forms.CharField(
        label=_("Your name"), widget=forms.TextInput(attrs={**_text_attrs(60), "autocomplete": "name"})
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        help_text=_("We call you on this number; it is also how you check the status."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "maxlength": "20"}),
    )
    email = forms.CharField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_("If you give one, we send you a confirmation."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": "254"}),
    )
    priority = forms.ChoiceField(
        label=_("Do you need priority help?"),
        required=False,
        initial="",
        widget=forms.RadioSelect,
        choices=[
            ("", _("No")),
            (SpecialGroup.ELDERLY, _("Yes: I am elderly and need priority help")),
            (SpecialGroup.DISABLED, _("Yes: I have a disability and need priority help")),
        ],
    )
    category = forms.ChoiceField(label=_("What is it about?"))
    title = forms.CharField(
        label=_("Subject"),
        help_text=_("One line, e.g. “Parcel arrived damaged”."),
        widget=forms.TextInput(attrs=_text_attrs(120)),
    )
    description = forms.CharField(
        label=_("What happened?"),
        help_text=_("Tell us what happened and what you would like us to do."),
        widget=forms.Textarea(attrs=_text_attrs(settings.KESU_MAX_TEXT_CHARS, rows=8)),
    )
    order_ref = forms.CharField(
        label=_("Order number (optional)"), required=False, widget=forms.TextInput(attrs=_text_attrs(60))
    )
    attachments = MultipleFileField(
        label=_("Photos or documents (optional)"),
        help_text=_("Pictures, PDF or Word files, recordings; at most 20 MB each."),
    )
    # Honeypot: invisible to people (hidden by CSS and from assistive technology), filled in by bots.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Please choose"))] + _category_choices(public=True)


class PublicStatusForm(DeskForm):
    number = forms.CharField(
        label=_("Tracking number"),
        max_length=30,
        widget=forms.TextInput(
            attrs={
                "placeholder": "TS-20260101-0001",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )
    phone_last4 = forms.CharField(
        label=_("Last 4 digits of your phone number"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{4}", "autocomplete": "off"}),
    )
