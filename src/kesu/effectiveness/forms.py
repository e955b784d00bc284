"""Forms of the effectiveness pages: they parse input; rules live in services and selectors."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from kesu.effectiveness.models import Recognition

RATING_CHOICES = [(i, str(i)) for i in range(1, 6)]


class StyledForm(forms.Form):
    """Bootstrap classes on the widgets (radio buttons are laid out by the template)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            w = f.widget
            if isinstance(w, forms.RadioSelect | forms.HiddenInput):
                continue
            w.attrs.setdefault("class", "form-select" if isinstance(w, forms.Select) else "form-control")


class MonthField(forms.CharField):
    """A month written YYYY-MM (what <input type="month"> sends); cleans to its first day."""

    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return dt.datetime.strptime(value.strip(), "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None


class SurveyForm(StyledForm):
    content = forms.TypedChoiceField(
        label=_("The content was relevant and clear"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    trainer = forms.TypedChoiceField(
        label=_("The trainer explained well and answered questions"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    usefulness = forms.TypedChoiceField(
        label=_("I can use it in my daily complaint handling"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    organisation = forms.TypedChoiceField(
        label=_("Time, place and materials were well organised"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    will_apply = forms.CharField(
        label=_("What will you apply in your work?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TeamForm(StyledForm):
    department = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    cycle_start = forms.DateField(
        label=_("Training cycle from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    cycle_end = forms.DateField(
        label=_("until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    weeks = forms.IntegerField(label=_("Weeks before / after"), min_value=1, max_value=26, initial=6)

    def __init__(self, *args, departments=(), allow_all=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Whole organisation"))] if allow_all else []
        self.fields["department"].choices = choices + [(d.pk, d.name) for d in departments]

    def clean(self):
        data = super().clean()
        if data.get("cycle_start") and data.get("cycle_end") and data["cycle_end"] < data["cycle_start"]:
            raise forms.ValidationError(_("The cycle must end on or after its first day."))
        return data


class PersonForm(StyledForm):
    completed_on = forms.DateField(
        label=_("Course completed on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    weeks = forms.IntegerField(label=_("Weeks before / after"), min_value=1, max_value=26, initial=6)


class MonthForm(StyledForm):
    month = MonthField(label=_("Month"))
    department = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, departments=None, allow_all=False, **kwargs):
        super().__init__(*args, **kwargs)
        if departments is None:
            del self.fields["department"]
        else:
            choices = [("", _("Whole organisation"))] if allow_all else []
            self.fields["department"].choices = choices + [(d.pk, d.name) for d in departments]


class RecognitionForm(StyledForm):
    user = forms.IntegerField(widget=forms.HiddenInput)
    month = MonthField(label=_("Month"))
    kind = forms.ChoiceField(label=_("Kind of recognition"), choices=Recognition.Kind.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    complaint_number = forms.CharField(label=_("Complaint number (optional)"), max_length=20, required=False)
