from django.contrib import admin

from kesu.plans.models import AcademySettings


@admin.register(AcademySettings)
class AcademySettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "retraining_due_days", "satisfaction_target", "satisfaction_min_follow_ups")

    def has_add_permission(self, request):
        return not AcademySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
