"""Forms of the plans pages. They parse input; the rules are the services'."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import User
from kesu.accounts.roles import ROLE_CAPS, Cap
from kesu.plans import contracts
from kesu.plans.models import Assessment, Method, PlanItem
from kesu.plans.services import ItemInput

_DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class GenerateForm(forms.Form):
    period_start = forms.DateField(label=_("From"), widget=_DATE)
    period_end = forms.DateField(label=_("Until"), widget=_DATE)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", _("The plan must end after it starts."))
        return data


def _trainer_choices() -> list[tuple[str, str]]:
    """Trainers and the experienced staff who mentor (senior handlers, supervisors)."""
    roles = [r for r, caps in ROLE_CAPS.items() if Cap.TRAIN_MANAGE in caps or Cap.APPROVE in caps]
    users = User.objects.filter(is_active=True, role__in=roles).order_by("role", "username")
    return [("", "—")] + [(str(u.pk), f"{u} ({u.get_role_display()})") for u in users]


class ItemForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    objective = forms.CharField(
        label=_("Objective"), max_length=300, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    item_code = forms.ChoiceField(label=_("Competency item"), required=False)
    current_level = forms.DecimalField(
        label=_("Current level"),
        required=False,
        min_value=1,
        max_value=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.1"}),
    )
    target_level = forms.DecimalField(
        label=_("Target level"),
        required=False,
        min_value=1,
        max_value=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.1"}),
    )
    course_code = forms.CharField(
        label=_("Course code"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    course_title = forms.CharField(
        label=_("Course"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=Method.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    planned_start = forms.DateField(label=_("Planned start"), required=False, widget=_DATE)
    deadline = forms.DateField(label=_("Deadline"), widget=_DATE)
    place = forms.CharField(
        label=_("Place"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    trainer = forms.ChoiceField(
        label=_("Trainer"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    assessment = forms.ChoiceField(
        label=_("Assessment"), choices=Assessment.choices, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, current_code: str = "", current_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        labels = contracts.item_labels()
        choices = [("", "—")] + [(code, f"{name} ({code})") for code, name in sorted(labels.items())]
        if current_code and current_code not in labels:  # an item of an older model version stays choosable
            choices.append((current_code, f"{current_name or current_code} ({current_code})"))
        self.fields["item_code"].choices = choices
        self.fields["item_code"].widget.attrs["class"] = "form-select"
        self.fields["trainer"].choices = _trainer_choices()

    @classmethod
    def for_item(cls, item: PlanItem, version: int) -> ItemForm:
        return cls(
            initial={
                "version": version,
                "objective": item.objective,
                "item_code": item.item_code,
                "current_level": item.current_level,
                "target_level": item.target_level,
                "course_code": item.course_code,
                "course_title": item.course_title,
                "method": item.method,
                "planned_start": item.planned_start,
                "deadline": item.deadline,
                "place": item.place,
                "trainer": str(item.trainer_id or ""),
                "assessment": item.assessment,
            },
            current_code=item.item_code,
            current_name=item.item_name,
        )

    def to_input(self, *, keep_name: tuple[str, str] = ("", "")) -> ItemInput:
        d = self.cleaned_data
        code = d["item_code"] or ""
        name = keep_name[1] if code and code == keep_name[0] else ""
        return ItemInput(
            objective=d["objective"],
            item_code=code,
            item_name=name,
            current_level=d["current_level"],
            target_level=d["target_level"],
            course_code=d["course_code"],
            course_title=d["course_title"],
            method=d["method"],
            planned_start=d["planned_start"],
            deadline=d["deadline"],
            place=d["place"],
            trainer_id=int(d["trainer"]) if d["trainer"] else None,
            assessment=d["assessment"],
        )


class ProgressForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s, label) for s, label in PlanItem.Status.choices if s != PlanItem.Status.DROPPED],
    )
    note = forms.CharField(label=_("Progress note"), max_length=500, required=False)


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    return today, today + dt.timedelta(days=90)
