from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Role


class Department(models.Model):
    class Kind(models.TextChoices):
        COMPLAINT_TEAM = "complaint_team", _("Complaint team")
        BUSINESS = "business", _("Business department")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BUSINESS)
    # Category codes this team handles first (automatic assignment); empty = any.
    handles_categories = models.JSONField(_("categories handled"), default=list, blank=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.HANDLER)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    display_name = models.CharField(_("display name"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Chinese names are family name first, written without a space (王思远); Latin ones "John Smith".
        first, last = self.first_name.strip(), self.last_name.strip()
        if (first + last).isascii():
            return f"{first} {last}".strip()
        return f"{last}{first}"


class AuthorityLimit(models.Model):
    """权限分级授权: the compensation a role may grant without approval."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, unique=True)
    max_amount = models.DecimalField(_("maximum amount (CNY)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("authority limit")
        verbose_name_plural = _("authority limits")

    def __str__(self) -> str:
        return f"{self.get_role_display()} ≤ {self.max_amount}"


class ApiToken(models.Model):
    """A bearer token for integrations. Only a hash is stored; the token is shown once on creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
