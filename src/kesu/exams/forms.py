"""Forms of the trainers' pages. They only parse: the rules are in grading.question_clean and the
services (which raise translated ValidationFailed)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import User
from kesu.accounts.roles import ROLE_CAPS, Cap
from kesu.exams.grading import DIMENSIONS, ITEM_CODES, OPTION_KEYS
from kesu.exams.models import Blueprint, Exam, Industry, Question, QuestionType

OPTION_ROWS = 6
RUBRIC_ROWS = 5


def bootstrap(form: forms.Form) -> None:
    """House-style classes on every widget (Bootstrap 5)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs.setdefault("class", css)


PROFILE_CHOICES = [
    ("new_handler", _("New handler")),
    ("handler", _("Complaint handler")),
    ("senior_handler", _("Senior handler")),
    ("supervisor", _("Supervisor / manager")),
    ("pr_officer", _("PR officer")),
    ("liaison", _("Department liaison")),
]
DIMENSION_CHOICES = [
    ("knowledge", _("Knowledge (dimension)")),
    ("skill", _("Core skills (dimension)")),
    ("attitude", _("Professional qualities (dimension)")),
]


def item_choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(code, f"{labels.get(code, code)} ({code})") for code in ITEM_CODES]


class QuestionForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    type = forms.ChoiceField(label=_("Question type"), choices=QuestionType.choices)
    items = forms.MultipleChoiceField(label=_("Competency items"), choices=())
    difficulty = forms.TypedChoiceField(
        label=_("Difficulty"), coerce=int, choices=[(1, _("1 easy")), (2, _("2 medium")), (3, _("3 hard"))]
    )
    industry = forms.ChoiceField(
        label=_("Industry"), required=False, choices=[("", _("All industries")), *Industry.choices]
    )
    stem = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    answer = forms.ChoiceField(
        label=_("Answer (true / false questions)"),
        required=False,
        choices=[("", "—"), ("true", _("True")), ("false", _("False"))],
    )
    reference_answer = forms.CharField(
        label=_("Reference answer (short answers)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    explanation = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, labels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = item_choices(labels)
        for i in range(OPTION_ROWS):
            self.fields[f"opt_text_{i}"] = forms.CharField(required=False, max_length=1000)
            self.fields[f"opt_correct_{i}"] = forms.BooleanField(required=False)
            self.fields[f"opt_score_{i}"] = forms.FloatField(required=False, min_value=0, max_value=1)
            self.fields[f"opt_why_{i}"] = forms.CharField(required=False, max_length=1000)
        for i in range(RUBRIC_ROWS):
            self.fields[f"rub_point_{i}"] = forms.CharField(required=False, max_length=300)
            self.fields[f"rub_keywords_{i}"] = forms.CharField(required=False, max_length=300)
            self.fields[f"rub_weight_{i}"] = forms.FloatField(required=False, min_value=0)
        bootstrap(self)

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "code": question.code,
            "type": question.type,
            "items": list(question.items),
            "difficulty": question.difficulty,
            "industry": question.industry,
            "stem": question.stem,
            "answer": "" if question.answer is None else ("true" if question.answer else "false"),
            "reference_answer": question.reference_answer,
            "explanation": question.explanation,
        }
        for i, opt in enumerate(question.options[:OPTION_ROWS]):
            initial[f"opt_text_{i}"] = opt["text"]
            initial[f"opt_correct_{i}"] = opt.get("correct", False)
            initial[f"opt_score_{i}"] = opt.get("score")
            initial[f"opt_why_{i}"] = opt.get("why", "")
        for i, point in enumerate(question.rubric[:RUBRIC_ROWS]):
            initial[f"rub_point_{i}"] = point["point"]
            initial[f"rub_keywords_{i}"] = "、".join(point["keywords"])
            initial[f"rub_weight_{i}"] = point["weight"]
        return initial

    def option_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "key": OPTION_KEYS[i],
                "text": self[f"opt_text_{i}"],
                "correct": self[f"opt_correct_{i}"],
                "score": self[f"opt_score_{i}"],
                "why": self[f"opt_why_{i}"],
            }
            for i in range(OPTION_ROWS)
        ]

    def rubric_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "point": self[f"rub_point_{i}"],
                "keywords": self[f"rub_keywords_{i}"],
                "weight": self[f"rub_weight_{i}"],
            }
            for i in range(RUBRIC_ROWS)
        ]

    def to_data(self) -> dict[str, Any]:
        """The question as grading.question_clean expects it (only the parts the type uses)."""
        d = self.cleaned_data
        qtype = d["type"]
        data: dict[str, Any] = {
            "code": d["code"].strip(),
            "type": qtype,
            "items": d["items"],
            "difficulty": d["difficulty"],
            "industry": d.get("industry") or "",
            "stem": d["stem"],
            "explanation": d.get("explanation") or "",
        }
        if qtype in ("single", "multiple", "judgement"):
            options = []
            for i in range(OPTION_ROWS):
                text = (d.get(f"opt_text_{i}") or "").strip()
                if not text:
                    continue
                opt: dict[str, Any] = {"key": OPTION_KEYS[len(options)], "text": text}
                if qtype == "judgement":
                    score = d.get(f"opt_score_{i}")
                    opt["score"] = 0.0 if score is None else score
                    opt["why"] = d.get(f"opt_why_{i}") or ""
                else:
                    opt["correct"] = bool(d.get(f"opt_correct_{i}"))
                options.append(opt)
            data["options"] = options
        elif qtype == "true_false":
            data["answer"] = {"true": True, "false": False}.get(d.get("answer") or "")
        else:
            data["reference_answer"] = d.get("reference_answer") or ""
            rubric = []
            for i in range(RUBRIC_ROWS):
                point = (d.get(f"rub_point_{i}") or "").strip()
                if not point:
                    continue
                keywords = [k for k in re.split(r"[,，、;；\s]+", d.get(f"rub_keywords_{i}") or "") if k]
                weight = d.get(f"rub_weight_{i}")
                rubric.append(
                    {"point": point, "keywords": keywords, "weight": 1 if weight is None else weight}
                )
            data["rubric"] = rubric
        return data


class QuestionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    type = forms.ChoiceField(
        label=_("Question type"), required=False, choices=[("", _("All types")), *QuestionType.choices]
    )
    item = forms.ChoiceField(label=_("Competency item"), required=False, choices=())
    difficulty = forms.TypedChoiceField(
        label=_("Difficulty"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any difficulty")), (1, "1"), (2, "2"), (3, "3")],
    )
    industry = forms.ChoiceField(
        label=_("Industry"),
        required=False,
        choices=[("", _("Any industry")), ("none", _("General")), *Industry.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[*Question.Status.choices, ("", _("All statuses"))]
    )

    def __init__(self, *args, labels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("All items")), *item_choices(labels)]
        bootstrap(self)


RULE_ROWS_EXTRA = 3


class BlueprintForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("About this exam"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"), min_value=1, max_value=600, initial=30
    )
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=0, max_value=100, initial=60)
    attempts_allowed = forms.IntegerField(label=_("Attempts allowed"), min_value=1, max_value=20, initial=1)
    audience_profiles = forms.MultipleChoiceField(
        label=_("Audience"), required=False, choices=PROFILE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    certifies = forms.BooleanField(label=_("Passing issues a certificate"), required=False)
    certificate_valid_months = forms.IntegerField(
        label=_("Certificate valid for (months)"), required=False, min_value=1, max_value=120
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, labels: dict[str, str], rule_rows: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule_count = rule_rows
        scope = [("", "—"), *DIMENSION_CHOICES, *item_choices(labels)]
        for i in range(rule_rows):
            self.fields[f"rule_scope_{i}"] = forms.ChoiceField(required=False, choices=scope)
            self.fields[f"rule_type_{i}"] = forms.ChoiceField(
                required=False, choices=[("", "—"), *QuestionType.choices]
            )
            self.fields[f"rule_difficulty_{i}"] = forms.TypedChoiceField(
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("Any")), (1, "1"), (2, "2"), (3, "3")],
            )
            self.fields[f"rule_count_{i}"] = forms.IntegerField(required=False, min_value=1, max_value=100)
            self.fields[f"rule_points_{i}"] = forms.IntegerField(required=False, min_value=1, max_value=100)
        bootstrap(self)

    @staticmethod
    def initial_for(blueprint: Blueprint) -> dict[str, Any]:
        initial: dict[str, Any] = {
            f: getattr(blueprint, f)
            for f in (
                "title",
                "description",
                "time_limit_minutes",
                "pass_mark",
                "attempts_allowed",
                "audience_profiles",
                "certifies",
                "certificate_valid_months",
                "active",
            )
        }
        for i, rule in enumerate(blueprint.rules.order_by("position", "id")):
            initial[f"rule_scope_{i}"] = rule.item_code or rule.dimension
            initial[f"rule_type_{i}"] = rule.type
            initial[f"rule_difficulty_{i}"] = rule.difficulty
            initial[f"rule_count_{i}"] = rule.count
            initial[f"rule_points_{i}"] = rule.points
        return initial

    def rule_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "scope": self[f"rule_scope_{i}"],
                "type": self[f"rule_type_{i}"],
                "difficulty": self[f"rule_difficulty_{i}"],
                "count": self[f"rule_count_{i}"],
                "points": self[f"rule_points_{i}"],
            }
            for i in range(self.rule_count)
        ]

    def rules(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        out = []
        for i in range(self.rule_count):
            scope = d.get(f"rule_scope_{i}") or ""
            if not scope and not d.get(f"rule_type_{i}") and not d.get(f"rule_count_{i}"):
                continue  # an empty row
            out.append(
                {
                    "item_code": "" if scope in DIMENSIONS else scope,
                    "dimension": scope if scope in DIMENSIONS else "",
                    "type": d.get(f"rule_type_{i}") or "",
                    "difficulty": d.get(f"rule_difficulty_{i}"),
                    "count": d.get(f"rule_count_{i}") or 0,
                    "points": d.get(f"rule_points_{i}") or 1,
                }
            )
        return out


class ExamForm(forms.Form):
    blueprint = forms.ModelChoiceField(label=_("Blueprint"), queryset=Blueprint.objects.filter(active=True))
    title = forms.CharField(label=_("Title (default: the blueprint's)"), required=False, max_length=120)
    opens_at = forms.DateTimeField(
        label=_("Opens at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    assignees = forms.ModelMultipleChoiceField(
        label=_("Assigned to"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    open_to_profiles = forms.MultipleChoiceField(
        label=_("Also open to everyone of"),
        required=False,
        choices=PROFILE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Exam.Kind.choices, initial=Exam.Kind.REGULAR)
    course_code = forms.CharField(label=_("Course code (pre- and post-tests)"), required=False, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roles = [role for role, caps in ROLE_CAPS.items() if Cap.LEARN in caps]
        self.fields["assignees"].queryset = (
            User.objects.filter(is_active=True, role__in=roles)
            .select_related("department")
            .order_by("department__name", "username")
        )
        self.fields["assignees"].label_from_instance = lambda u: (
            f"{u.display_name or u.username} · {u.department.name if u.department else '—'}"
        )
        bootstrap(self)
