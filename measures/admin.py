"""Staff interface: every domain model, with lists, filters and search."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .asof import PeildatumError
from .models import (
    Ambition,
    Footnote,
    ITDependency,
    LetterLink,
    Measure,
    MeasureDependency,
    ParliamentaryLetter,
    Phase,
    Report,
    ReportState,
    Theme,
    VMNumber,
    Workstream,
)
from .reports import publish_report


class LetterLinkInline(admin.TabularInline):
    model = LetterLink
    extra = 0
    autocomplete_fields = ["letter"]


class VMNumberInline(admin.TabularInline):
    model = VMNumber
    extra = 0


class WorkstreamInline(admin.StackedInline):
    model = Workstream
    extra = 0
    fields = ["theme", "ambition", "order", "phase", "status_text"]
    autocomplete_fields = ["ambition"]
    show_change_link = True


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Phase)
class PhaseAdmin(SimpleHistoryAdmin):
    list_display = ["icon", "short_label", "code", "label", "order"]
    list_display_links = ["short_label"]


@admin.register(ITDependency)
class ITDependencyAdmin(SimpleHistoryAdmin):
    list_display = ["name"]
    search_fields = ["name", "description"]


@admin.register(Ambition)
class AmbitionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "strategy_page", "theme"]
    list_filter = ["theme"]
    list_select_related = ["theme"]
    search_fields = ["name"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "vm_numbers_display"]
    search_fields = ["name", "vm_numbers__number"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VMNumberInline, WorkstreamInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("vm_numbers")

    @admin.display(description=_("VM-nummers"))
    def vm_numbers_display(self, obj):
        return obj.vm_label


@admin.register(VMNumber)
class VMNumberAdmin(SimpleHistoryAdmin):
    list_display = ["number", "measure"]
    list_select_related = ["measure"]
    search_fields = ["=number", "measure__name"]
    autocomplete_fields = ["measure"]


@admin.register(ParliamentaryLetter)
class ParliamentaryLetterAdmin(SimpleHistoryAdmin):
    list_display = ["date", "reference_display", "title"]
    date_hierarchy = "date"
    search_fields = ["title", "kamerstuk_dossier", "kamerstuk_number"]

    @admin.display(description=_("Kamerstuk"))
    def reference_display(self, obj):
        return obj.reference or "–"


@admin.register(Workstream)
class WorkstreamAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "theme",
        "phase",
        "on_hold",
        "delay_reason",
        "it_dependency",
        "target_date",
    ]
    list_filter = ["theme", "phase", "on_hold", "delay_reason", "it_dependency"]
    list_select_related = ["theme", "ambition", "measure", "phase", "it_dependency"]
    search_fields = [
        "ambition__name",
        "measure__name",
        "explanation",
        "status_text",
        "=measure__vm_numbers__number",
    ]
    autocomplete_fields = ["ambition", "measure"]
    inlines = [LetterLinkInline]
    fieldsets = [
        (_("Inhoud"), {"fields": ["theme", "ambition", "measure", "order", "explanation"]}),
        (_("Stand van zaken"), {"fields": ["phase", "status_text", "on_hold", "delay_reason"]}),
        (_("Planning en afhankelijkheden"), {"fields": ["it_dependency", "target_date", "notes"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("measure__vm_numbers")


@admin.register(Footnote)
class FootnoteAdmin(SimpleHistoryAdmin):
    list_display = ["number", "text", "workstream", "location"]
    search_fields = ["text"]
    autocomplete_fields = ["workstream"]


@admin.register(MeasureDependency)
class MeasureDependencyAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "depends_on", "note"]
    list_select_related = ["measure", "depends_on"]
    autocomplete_fields = ["measure", "depends_on"]


admin.site.site_header = _("Verbetermaatregelen invordering – beheer")
admin.site.site_title = _("Verbetermaatregelen beheer")
admin.site.index_title = _("Beheer")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports: drafts are edited here; "Publiceren" freezes them; published ones are read-only."""

    list_display = ["title", "peildatum", "letter", "state", "published_at", "row_count"]
    list_filter = ["state"]
    list_select_related = ["letter"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["letter"]
    actions = ["publish"]
    fields = ["title", "slug", "peildatum", "letter", "state", "published_at", "row_count"]
    readonly_fields = ["state", "published_at", "row_count"]

    @admin.display(description=_("rijen"))
    def row_count(self, obj):
        return len(obj.rows) if obj.is_published else "–"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return self.fields
        return self.readonly_fields

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return {}
        return super().get_prepopulated_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        # Viewing stays possible through the view permission; changing only for drafts.
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        """Bulk delete removes drafts only; published reports stay on record."""
        published = queryset.filter(state=ReportState.PUBLISHED).count()
        queryset.filter(state=ReportState.DRAFT).delete()
        if published:
            self.message_user(
                request,
                _("%(count)d gepubliceerde rapportage(s) niet verwijderd: die blijven bewaard.")
                % {"count": published},
                messages.WARNING,
            )

    @admin.action(description=_("Publiceren"), permissions=["change"])
    def publish(self, request, queryset):
        """Freeze each selected draft through the one publishing service."""
        done = 0
        for report in queryset.order_by("peildatum", "pk"):
            if report.is_published:
                self.message_user(
                    request,
                    _("'%(title)s' was al gepubliceerd.") % {"title": report.title},
                    messages.WARNING,
                )
                continue
            try:
                publish_report(report)
            except PeildatumError as error:
                self.message_user(request, f"{report.title}: {error.message}", messages.ERROR)
                continue
            done += 1
        if done:
            self.message_user(
                request,
                _("%(count)d rapportage(s) gepubliceerd.") % {"count": done},
                messages.SUCCESS,
            )
