"""Masking of personal data (信息最小化). Pure functions so that lists, details, exports and the API
all mask the same way."""

from __future__ import annotations


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = value.strip()
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * len(digits)


def mask_email(value: str | None) -> str:
    if not value:
        return ""
    local, sep, domain = value.partition("@")
    if not sep:
        return mask_phone(value)
    head = local[:1] if len(local) <= 3 else local[:2]
    return f"{head}***@{domain}"


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) >= 10:
        return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"
    return "*" * len(value)


def mask_name(value: str | None) -> str:
    """Keep the surname: 张伟 → 张*, 欧阳娜娜 → 欧**娜 is overkill; the desk needs to address people."""
    if not value:
        return ""
    return value[0] + "*" * max(1, len(value) - 1)
