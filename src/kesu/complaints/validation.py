"""Edge validation shared by the UI forms, the public form and the API: one place decides what a
valid phone, e-mail, text or attachment is, and the message a person sees."""

from __future__ import annotations

import re
from pathlib import PurePath

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kesu.common.errors import ValidationFailed

ALLOWED_UPLOAD_TYPES: dict[str, tuple[str, ...]] = {
    ".jpg": ("image/jpeg",),
    ".jpeg": ("image/jpeg",),
    ".png": ("image/png",),
    ".gif": ("image/gif",),
    ".webp": ("image/webp",),
    ".pdf": ("application/pdf",),
    ".txt": ("text/plain",),
    ".doc": ("application/msword",),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
    ".xls": ("application/vnd.ms-excel",),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
    ".mp3": ("audio/mpeg",),
    ".m4a": ("audio/mp4", "audio/x-m4a"),
    ".wav": ("audio/wav", "audio/x-wav"),
    ".amr": ("audio/amr",),
    ".mp4": ("video/mp4",),
}
# Magic numbers for the binary types: the extension alone is the customer's claim, not a fact.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}


def normalize_phone(raw: str) -> str:
    """Return the national number of a Chinese phone number, or raise ValidationFailed."""
    value = (raw or "").strip()
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationFailed(_("Enter a valid phone number."), details={"field": "phone"}) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationFailed(_("Enter a valid phone number."), details={"field": "phone"})
    if parsed.country_code == 86:
        return str(parsed.national_number)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str) -> str:
    value = (raw or "").strip()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationFailed(_("Enter a valid e-mail address."), details={"field": "email"}) from None
    local, _sep, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def check_text(
    value: str, *, field: str, label: str, required: bool = True, max_chars: int | None = None
) -> str:
    value = (value or "").strip()
    limit = max_chars or settings.KESU_MAX_TEXT_CHARS
    if required and not value:
        raise ValidationFailed(_("%(field)s is required.") % {"field": label}, details={"field": field})
    if len(value) > limit:
        raise ValidationFailed(
            _("%(field)s is too long: %(n)d characters, at most %(max)d.")
            % {"field": label, "n": len(value), "max": limit},
            code="text_too_long",
            details={"field": field, "max": limit},
        )
    # Control characters other than newlines and tabs have no business in a complaint.
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", value)


def check_upload(upload) -> tuple[str, str]:
    """Validate an uploaded file; return (safe original name, content type)."""
    name = PurePath(upload.name or "file").name[:200]
    ext = PurePath(name).suffix.lower()
    if upload.size > settings.KESU_MAX_UPLOAD_BYTES:
        raise ValidationFailed(
            _("The file %(name)s is larger than %(mb)d MB.")
            % {"name": name, "mb": settings.KESU_MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="file_too_large",
            details={"field": "file"},
        )
    if ext not in ALLOWED_UPLOAD_TYPES:
        raise ValidationFailed(
            _("Files of type %(ext)s are not accepted. Allowed: %(allowed)s")
            % {"ext": ext or "?", "allowed": ", ".join(sorted(ALLOWED_UPLOAD_TYPES))},
            code="file_type_not_allowed",
            details={"field": "file"},
        )
    magic = _MAGIC.get(ext)
    if magic:
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(m) for m in magic):
            raise ValidationFailed(
                _("The content of %(name)s does not match its type.") % {"name": name},
                code="file_type_mismatch",
                details={"field": "file"},
            )
    return name, ALLOWED_UPLOAD_TYPES[ext][0]
