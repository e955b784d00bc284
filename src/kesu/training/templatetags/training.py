from django import template

register = template.Library()


@register.filter
def label(code: str, labels: dict) -> str:
    """The display name of a code (competency item, role profile) from a dict, else the code."""
    return labels.get(code, code) if labels else code


@register.filter
def labels_joined(codes, labels: dict) -> str:
    return "、".join(label(c, labels) for c in codes or ())
