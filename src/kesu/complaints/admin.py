from django.contrib import admin

from kesu.common import workcal
from kesu.common.models import HolidayOverride
from kesu.complaints.models import (
    Category,
    CompensationTier,
    Complaint,
    ComplaintEvent,
    DeskSettings,
    PiiAccessLog,
    SlaPolicy,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "sort_order", "active")
    list_editable = ("sort_order", "active")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "category",
        "severity",
        "customer_tier",
        "special_group_only",
        "basis",
        "acknowledge_hours",
        "first_response_hours",
        "resolve_hours",
        "follow_up_hours",
        "rank",
    )
    list_filter = ("basis", "severity", "category")


@admin.register(CompensationTier)
class CompensationTierAdmin(admin.ModelAdmin):
    list_display = ("severity", "name", "allowed_types", "suggested_amount", "max_amount")


@admin.register(DeskSettings)
class DeskSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "repeat_window_days",
        "reopen_window_days",
        "follow_up_max_attempts",
        "warning_ratio",
    )

    def has_add_permission(self, request):
        return not DeskSettings.objects.exists()


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        workcal.invalidate_overrides()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        workcal.invalidate_overrides()


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PiiAccessLog)
class PiiAccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "complaint", "field", "reason", "ip")
    list_filter = ("field",)


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "complaint", "kind", "actor", "from_status", "to_status")
    list_select_related = ("complaint", "actor")
    show_full_result_count = False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    """Read-only: complaints change only through the desk's services, never by editing rows."""

    list_display = ("number", "status", "category", "severity", "department", "assignee", "registered_at")
    list_select_related = ("category", "department", "assignee")
    search_fields = ("number",)
    show_full_result_count = False
    exclude = ("customer",)
