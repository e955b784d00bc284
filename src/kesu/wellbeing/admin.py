"""Admin: surveys are shown read only (trainers manage them on their pages); diary entries only as metadata (who, when) so that an
administrator can see that data exists — never what anyone wrote or felt."""

from django.contrib import admin

from kesu.wellbeing.models import DiaryEntry, Survey, SurveyQuestion


@admin.register(DiaryEntry)
class DiaryEntryAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "created_at")
    fields = ("user", "created_at")
    readonly_fields = ("user", "created_at")
    list_select_related = ("user",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0
    fields = ("position", "kind", "text", "area", "options", "max_choices", "required")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("title", "cycle", "state", "opens_on", "closes_on", "sent_at")
    list_filter = ("state",)
    inlines = [SurveyQuestionInline]
    # Read only: surveys change through the trainers' pages (services keep the draft → open → closed rules).

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
