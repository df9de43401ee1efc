"""Staff interface: every domain model, with lists, filters and search."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Ambition,
    Footnote,
    ITDependency,
    LetterLink,
    Measure,
    MeasureDependency,
    ParliamentaryLetter,
    Phase,
    Theme,
    VMNumber,
    Workstream,
)


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
