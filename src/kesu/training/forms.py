"""Forms parse and validate input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import User
from kesu.accounts.roles import ROLE_CAPS, Cap
from kesu.training import services
from kesu.training.models import Course, Method, Scenario, Track

ITEM_CHOICES = [(c, c) for c in sorted(services.ITEM_CODES)]
PROFILE_CHOICES = list(services.PROFILE_LABELS.items())


class _Bootstrap:
    """Bootstrap classes on every widget (the desk's _field.html renders them as they are)."""

    def _style(self) -> None:
        for f in self.fields.values():
            w = f.widget
            if isinstance(w, forms.SelectMultiple):
                w.attrs.setdefault("class", "form-select")
                w.attrs.setdefault("size", "8")
            elif isinstance(w, forms.Select):
                w.attrs.setdefault("class", "form-select")
            else:
                w.attrs.setdefault("class", "form-control")


def _item_choices():
    """Item codes with their names from the competency model when that app offers them."""
    try:
        from kesu.competency.selectors import item_labels

        labels = item_labels()
    except Exception:  # the competency app is not there yet, or has no model installed
        labels = {}
    return [(c, f"{labels[c]} ({c})" if c in labels else c) for c in sorted(services.allowed_item_codes())]


class CourseForm(_Bootstrap, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30)
    title = forms.CharField(label=_("Title"), max_length=120)
    track = forms.ChoiceField(label=_("Track"), choices=Track.choices)
    scenario = forms.ChoiceField(label=_("Scenario"), choices=[("", "—"), *Scenario.choices], required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    audience = forms.MultipleChoiceField(
        label=_("Audience (role profiles)"), choices=PROFILE_CHOICES, required=False
    )
    item_codes = forms.MultipleChoiceField(label=_("Competency items"), choices=ITEM_CHOICES, required=False)
    target_level = forms.IntegerField(label=_("Target level"), min_value=1, max_value=5, initial=3)
    hours = forms.DecimalField(label=_("Hours"), min_value=0.5, max_value=200, decimal_places=1, initial=1)
    assessment = forms.CharField(
        label=_("Assessment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Leave empty when attendance alone completes the course."),
    )
    pass_score = forms.IntegerField(label=_("Pass score"), min_value=0, max_value=100, initial=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        self.fields["item_codes"].choices = _item_choices()

    def to_input(self) -> services.CourseInput:
        d = self.cleaned_data
        return services.CourseInput(
            code=d["code"],
            title=d["title"],
            track=d["track"],
            scenario=d["scenario"] or "",
            summary=d["summary"],
            audience=tuple(d["audience"]),
            item_codes=tuple(d["item_codes"]),
            target_level=d["target_level"],
            hours=d["hours"],
            assessment=d["assessment"],
            pass_score=d["pass_score"],
        )

    @classmethod
    def initial_from(cls, course: Course) -> dict:
        return {
            "code": course.code,
            "title": course.title,
            "track": course.track,
            "scenario": course.scenario,
            "summary": course.summary,
            "audience": course.audience,
            "item_codes": course.item_codes,
            "target_level": course.target_level,
            "hours": course.hours,
            "assessment": course.assessment,
            "pass_score": course.pass_score,
        }


class ModuleForm(_Bootstrap, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=1440, initial=30)
    order = forms.IntegerField(label=_("Order"), min_value=1, max_value=999, required=False)
    item_codes = forms.MultipleChoiceField(label=_("Competency items"), choices=ITEM_CHOICES, required=False)
    body = forms.CharField(
        label=_("Content (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 14}),
        required=False,
        max_length=50_000,
        help_text=_("Online modules are read in the browser: headings, lists, tables and links are allowed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        self.fields["item_codes"].choices = _item_choices()

    def to_input(self) -> services.ModuleInput:
        d = self.cleaned_data
        return services.ModuleInput(
            title=d["title"],
            method=d["method"],
            minutes=d["minutes"],
            item_codes=tuple(d["item_codes"]),
            body=d["body"],
            order=d["order"],
        )


def _trainers():
    roles = [r for r, caps in ROLE_CAPS.items() if Cap.TRAIN_MANAGE in caps or Cap.LEARN in caps]
    return User.objects.filter(is_active=True, role__in=roles).order_by("username")


class SessionForm(_Bootstrap, forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    room = forms.CharField(label=_("Room"), max_length=120, required=False)
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    trainer = forms.ModelChoiceField(label=_("Trainer"), queryset=User.objects.none(), required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=500, initial=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        self.fields["trainer"].queryset = _trainers()

    def to_input(self) -> services.SessionInput:
        d = self.cleaned_data
        return services.SessionInput(
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            capacity=d["capacity"],
            room=d["room"],
            online_link=d["online_link"],
            trainer_id=d["trainer"].pk if d["trainer"] else None,
        )


class PairForm(_Bootstrap, forms.Form):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=User.objects.none())
    mentee = forms.ModelChoiceField(label=_("Mentee"), queryset=User.objects.none())
    item_codes = forms.MultipleChoiceField(label=_("Focus items"), choices=ITEM_CHOICES, required=False)
    starts_on = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("End"), widget=forms.DateInput(attrs={"type": "date"}))
    every_days = forms.IntegerField(label=_("Check-in every (days)"), min_value=1, max_value=90, initial=14)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        learners = [r for r, caps in ROLE_CAPS.items() if Cap.LEARN in caps]
        qs = User.objects.filter(is_active=True, role__in=learners).order_by("username")
        self.fields["mentor"].queryset = qs
        self.fields["mentee"].queryset = qs
        self.fields["item_codes"].choices = _item_choices()
