"""Forms of the wellbeing pages: they parse and shape input; the rules live in services, whose
ValidationFailed is put back on the right field with ``add_domain_error``."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.complaints.forms import DeskForm
from kesu.wellbeing import content
from kesu.wellbeing.models import Emotion, Helper, SurveyQuestion, Trigger

INTENSITY_CHOICES = [(str(i), str(i)) for i in range(1, 6)]


class DiaryEntryForm(DeskForm):
    # One key per rendered form: a double submit saves one entry.
    request_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    occurred_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for now. At most 30 days back."),
    )
    complaint_number = forms.CharField(
        label=_("Complaint number (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "TS-20261122-0001", "autocomplete": "off"}),
    )
    what_happened = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only you can read this."),
    )
    emotion = forms.ChoiceField(
        label=_("How did you feel?"), choices=Emotion.choices, widget=forms.RadioSelect
    )
    intensity = forms.ChoiceField(
        label=_("How strongly? (1 slightly – 5 very strongly)"),
        choices=INTENSITY_CHOICES,
        widget=forms.RadioSelect,
    )
    triggers = forms.MultipleChoiceField(
        label=_("What set it off?"),
        choices=Trigger.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    helpers = forms.MultipleChoiceField(
        label=_("What helped?"), choices=Helper.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    helped_note = forms.CharField(
        label=_("What helped, in your words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_occurred_at(self):
        value = self.cleaned_data.get("occurred_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class SurveyForm(DeskForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    cycle = forms.CharField(
        label=_("Training cycle"),
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "2027年第一季度"}),
    )
    description = forms.CharField(
        label=_("Introduction"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    opens_on = forms.DateField(
        label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    closes_on = forms.DateField(
        label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.order_by("kind", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None checked: every department."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None checked: every role that learns in the academy."),
    )


class SurveyCreateForm(SurveyForm):
    template = forms.ChoiceField(label=_("Questions"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", _("Start empty"))] + [
            (code, _("Default template: %(title)s") % {"title": t.title})
            for code, t in content.templates().items()
        ]
        self.fields["template"].initial = "default"


class QuestionForm(DeskForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=SurveyQuestion.Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=300)
    area = forms.ChoiceField(label=_("Pain-point area (rating)"), required=False)
    options = forms.MultipleChoiceField(
        label=_("Options (choice)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    max_choices = forms.IntegerField(
        label=_("At most (0 = no limit)"), min_value=0, initial=0, required=False
    )
    required = forms.BooleanField(label=_("Answer required"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        areas = [(a.code, a.label) for a in content.areas().values()]
        self.fields["area"].choices = [("", "—")] + areas
        self.fields["options"].choices = areas
