"""Staff interface: every domain model, with Dutch labels, a reason for every change, history
with per-field differences, no lost updates on rows, admin actions and spreadsheet import/export.
"""

import datetime
import re
import secrets

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Prefetch
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from . import owners, services
from .footnotes import footnote_text
from .forms import (
    ChangeReasonForm,
    InformParliamentForm,
    MeasureAdminForm,
    ParliamentaryLetterAdminForm,
    ReasonForm,
    SetPhaseForm,
    WorkstreamAdminForm,
    WorkstreamInlineForm,
)
from .kamerstuk import parse_kamerstuk_reference
from .models import (
    Ambition,
    Footnote,
    ITDependency,
    LetterLink,
    Measure,
    MeasureDependency,
    ParliamentaryLetter,
    PendingImport,
    Phase,
    Report,
    ReportState,
    Theme,
    VMNumber,
    Workstream,
)
from .resources import (
    SheetError,
    SheetXLSX,
    WorkstreamResource,
    check_upload_size,
    read_sheet,
)
from .rows import TABLE_ORDER
from .templatetags.bijlage import nl_date, phase_icon


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """Differences in the history shown as people read them (labels, ja/nee, dates)."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.is_relation and not field.many_to_many:
            return "" if value is None else str(value)
        if field.many_to_many:
            return super().prepare_delta_change_value(change, value)
        shown = services.display_value(field, value)
        return "" if shown == services.display_value(field, None) else shown


class AutocompleteSelectWithEmptyChoice(AutocompleteSelect):
    """Django's autocomplete box, valid HTML: its empty choice has a label, and a required box
    starts with one too (the first choice of a required select must be a placeholder).

    Select2 shows the box and reads neither; the label is for the HTML without script.
    """

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        options = groups[0][1]
        if self.is_required:
            options.insert(0, self.create_option(name, "", "", False, 0))
        for option in options:
            if option["value"] == "":
                option["attrs"]["label"] = "---------"
        return groups


class AutocompleteWithEmptyChoiceMixin:
    """The admin's autocomplete fields with the widget above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectWithEmptyChoice(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


REASON_FIELDSET = (_("Reden van wijziging"), {"fields": ["change_reason", "expected_version"]})
_FORM_ONLY_FIELDS = {"change_reason", "expected_version"}


def _without_post_data(request):
    """The request as a GET without data: shows a confirmation page again instead of acting."""
    request.POST = QueryDict()
    request.method = "GET"
    return request


class ErrorsLeadToFieldsMixin:
    """A form with errors opens on its first invalid field (``autofocus``: the browser focuses
    and scrolls there, no script needed); the summary above the form
    (``templates/admin/measures/change_form.html``) links to every invalid field."""

    def render_change_form(self, request, context, *args, **kwargs):
        adminform = context.get("adminform")
        form = getattr(adminform, "form", None)
        if form is not None and form.is_bound and form.errors:
            for field in form.visible_fields():
                if field.errors:
                    field.field.widget.attrs["autofocus"] = True
                    break
        return super().render_change_form(request, context, *args, **kwargs)


class HistoryAdmin(ErrorsLeadToFieldsMixin, AutocompleteWithEmptyChoiceMixin, SimpleHistoryAdmin):
    """Admin with a required change reason on every save and delete, a version check on every
    form, and history that nobody can edit.

    Every write goes through ``services`` (save_object, delete_object), which stamps the reason
    and the user on the history of the saved object and of every inline object saved with it.
    """

    form = ChangeReasonForm
    history_list_per_page = 50
    object_history_list_template = "admin/measures/object_history_list.html"
    delete_confirmation_template = "admin/measures/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/measures/delete_selected_confirmation.html"
    # Ours instead of the site-wide one of Django: the same page, with the reason.
    actions = ["delete_selected"]

    class Media:
        css = {"all": ["css/admin.css"]}

    def revert_disabled(self, request, obj=None):
        return True

    def history_view_title(self, request, obj):
        return _("Geschiedenis van %(object)s") % {"object": obj}

    def history_form_view_title(self, request, obj):
        return _("Eerdere versie van %(object)s (alleen lezen)") % {"object": obj}

    def get_historical_record_context_helper(self, request, historical_record):
        # Long texts (status, explanation) need more than the default 100 characters.
        return ReadableHistoryHelper(
            self.model, historical_record, max_displayed_delta_change_chars=400
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The history page shows a past version; saving it would rewrite the present.
        if request.method != "GET":
            raise PermissionDenied
        if not str(version_id).isdigit():  # a mistyped URL: not found rather than a 500
            raise Http404(_("Deze versie bestaat niet."))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _can_save(self, request, obj):
        if obj is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets is None:
            # Derived from the form: move the reason and version into their own fieldset.
            fields = [f for f in fieldsets[0][1]["fields"] if f not in _FORM_ONLY_FIELDS]
            fieldsets = [(None, {"fields": fields})]
            if self._can_save(request, obj):
                fieldsets.append(REASON_FIELDSET)
            return fieldsets
        if not self._can_save(request, obj):
            return [fs for fs in fieldsets if "change_reason" not in fs[1]["fields"]]
        return fieldsets

    def change_reason(self, request, form):
        """The reason given on the form (there is always one on a saving form)."""
        return form.cleaned_data.get("change_reason", "")

    def save_model(self, request, obj, form, change):
        services.save_object(
            obj,
            reason=self.change_reason(request, form),
            user=request.user,
            expected_version=form.cleaned_data.get("expected_version") if change else None,
        )

    def save_formset(self, request, form, formset, change):
        reason = self.change_reason(request, form)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.delete_object(obj, reason=reason, user=request.user)
        versions = {
            f.instance.pk: f.cleaned_data.get("expected_version")
            for f in formset.initial_forms
            if hasattr(f, "cleaned_data")
        }
        for obj in instances:
            services.save_object(
                obj, reason=reason, user=request.user, expected_version=versions.get(obj.pk)
            )
        formset.save_m2m()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.ConcurrentEditError as exc:
            # Lost the race between form validation and save: nothing was written.
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # --- deleting: also with a reason ------------------------------------------------------

    def delete_view(self, request, object_id, extra_context=None):
        reason_form = ReasonForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and not reason_form.is_valid():
            _without_post_data(request)  # show the confirmation again, with the error
        extra_context = {**(extra_context or {}), "reason_form": reason_form}
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        services.delete_object(obj, reason=request.POST.get("change_reason", ""), user=request.user)

    def delete_queryset(self, request, queryset):
        services.delete_objects(
            queryset, reason=request.POST.get("change_reason", ""), user=request.user
        )

    @admin.action(
        description=_("Geselecteerde %(verbose_name_plural)s verwijderen"),
        permissions=["delete"],
    )
    def delete_selected(self, request, queryset):
        """Django's bulk delete, with a required reason that goes into every history record."""
        confirming = bool(request.POST.get("post"))
        reason_form = ReasonForm(request.POST if confirming else None)
        if confirming and not reason_form.is_valid():
            data = request.POST.copy()
            del data["post"]
            request.POST = data
        response = django_delete_selected(self, request, queryset)
        if response is not None:
            response.context_data["reason_form"] = reason_form
        return response


# --- inlines -------------------------------------------------------------------------------


class LetterLinkInline(AutocompleteWithEmptyChoiceMixin, admin.TabularInline):
    model = LetterLink
    extra = 0
    autocomplete_fields = ["letter"]
    verbose_name = _("Kamerbrief waarin de Tweede Kamer is geïnformeerd")
    verbose_name_plural = _("TK geïnformeerd")


class WorkstreamInline(AutocompleteWithEmptyChoiceMixin, admin.StackedInline):
    """Rows edited under their measure or ambition; they carry their version too."""

    model = Workstream
    form = WorkstreamInlineForm
    extra = 0
    fields = [
        "theme",
        "ambition",
        "measure",
        "order",
        "phase",
        "on_hold",
        "delay_reason",
        "status_text",
        "expected_version",
    ]
    autocomplete_fields = ["ambition", "measure"]
    show_change_link = True
    classes = ["collapse"]


class MeasureWorkstreamInline(WorkstreamInline):
    fields = [f for f in WorkstreamInline.fields if f != "measure"]


class AmbitionWorkstreamInline(WorkstreamInline):
    fk_name = "ambition"
    fields = [f for f in WorkstreamInline.fields if f != "ambition"]


# --- reference data (Functioneel beheerder) ------------------------------------------------


@admin.register(Theme)
class ThemeAdmin(HistoryAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Phase)
class PhaseAdmin(HistoryAdmin):
    list_display = ["phase_display", "code", "label", "order"]
    list_display_links = ["phase_display"]

    @admin.display(description=_("fase"), ordering="order")
    def phase_display(self, obj):
        return format_html("{} {}", phase_icon(obj.code), obj.short_label)


@admin.register(ITDependency)
class ITDependencyAdmin(HistoryAdmin):
    list_display = ["name"]
    search_fields = ["name", "description"]


# --- content (Beleidsmedewerker) -----------------------------------------------------------


@admin.register(Ambition)
class AmbitionAdmin(HistoryAdmin):
    list_display = ["name", "strategy_page", "theme"]
    list_filter = ["theme"]
    list_select_related = ["theme"]
    search_fields = ["name", "theme__name"]
    inlines = [AmbitionWorkstreamInline]


@admin.register(Measure)
class MeasureAdmin(HistoryAdmin):
    form = MeasureAdminForm
    list_display = ["name", "vm_numbers_display", "slug"]
    search_fields = ["name", "slug", "=vm_numbers__number"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (_("Inhoud"), {"fields": ["name", "slug", "vm_numbers_text", "description"]}),
        REASON_FIELDSET,
    ]
    inlines = [MeasureWorkstreamInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("vm_numbers")

    @admin.display(description=_("VM-nummers"))
    def vm_numbers_display(self, obj):
        return obj.vm_label or "–"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "vm_numbers_text" in form.cleaned_data:
            services.replace_vm_numbers(
                form.instance,
                form.cleaned_data["vm_numbers_text"],
                reason=self.change_reason(request, form),
                user=request.user,
            )


@admin.register(VMNumber)
class VMNumberAdmin(HistoryAdmin):
    list_display = ["number", "measure"]
    list_select_related = ["measure"]
    search_fields = ["=number", "measure__name"]
    autocomplete_fields = ["measure"]


@admin.register(ParliamentaryLetter)
class ParliamentaryLetterAdmin(HistoryAdmin):
    form = ParliamentaryLetterAdminForm
    list_display = ["date", "reference_link", "title"]
    date_hierarchy = "date"
    search_fields = ["title", "kamerstuk_year", "=kamerstuk_dossier", "=kamerstuk_number"]
    fieldsets = [
        (_("Tweede Kamer"), {"fields": ["date", "title", "reference_text", "publication"]}),
        REASON_FIELDSET,
    ]
    readonly_fields = ["publication"]

    def get_search_results(self, request, queryset, search_term):
        # "31066 nr. 1270" or "kst-31066-1270" finds the letter by its Kamerstuk.
        try:
            reference = parse_kamerstuk_reference(search_term)
        except ValidationError:
            reference = None
        if reference:
            return (
                queryset.filter(
                    kamerstuk_dossier=reference.dossier, kamerstuk_number=reference.number
                ),
                False,
            )
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("Kamerstuk"))
    def reference_link(self, obj):
        if not obj.reference:
            return "–"
        return format_html('<a href="{}" rel="noopener">{}</a>', obj.url, obj.reference)

    @admin.display(description=_("Publicatie"))
    def publication(self, obj):
        if not obj or not obj.url:
            return "–"
        return format_html('<a href="{}" rel="noopener">{}</a>', obj.url, obj.url)


# --- rows --------------------------------------------------------------------------------


# Short labels keep the list narrow; the filter on the right shows the full reasons.
_DELAY_SHORT = {
    "it_dependency": _("IV"),
    "capacity": _("capaciteit"),
    "priorities": _("prioriteiten"),
    "other": _("anders"),
}

_VM_SEARCH = re.compile(r"^\s*(?:vm\s*)?(\d{1,3})\s*$", re.IGNORECASE)


_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class SheetImportMixin(ImportExportMixin):
    """django-import-export's preview-then-confirm import, made safe for real operation.

    The upload is read by ``resources.read_sheet`` (size, unpacked size, line limits; formulas
    refused by cell), checked as a whole (columns, doubled ids) before the preview, and waits
    for its confirmation as a ``PendingImport`` in the database: any app server can confirm it,
    only the user who previewed it can, and nothing is left in a temporary folder.
    """

    import_formats = [base_formats.CSV, SheetXLSX]
    export_formats = [base_formats.CSV, SheetXLSX]
    import_template_name = "admin/measures/workstream/import.html"

    def _import_page(self, request, form, status=200, **context):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Rijen importeren"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "fields_list": [
                (
                    WorkstreamResource.get_display_name(),
                    WorkstreamResource().column_names(readonly=False),
                )
            ],
            "import_error_display": self.import_error_display,
            **context,
        }
        return TemplateResponse(request, [self.import_template_name], context, status=status)

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if request.method != "POST" or not form.is_valid():
            return self._import_page(request, form)
        upload = form.cleaned_data["import_file"]
        file_format = self.get_import_formats()[int(form.cleaned_data["format"])]()
        extension = file_format.get_extension()
        try:
            check_upload_size(upload.size)  # before reading it into memory
            content = upload.read()
            dataset = read_sheet(content, extension)
        except SheetError as error:
            for message in error.messages:
                form.add_error("import_file", message)
            return self._import_page(request, form, status=400)
        resource = WorkstreamResource()
        result = resource.import_data(dataset, dry_run=True, raise_errors=False, user=request.user)
        errors = resource.line_errors(result)
        context = {"result": result, "import_errors": errors, "ignored": resource.ignored}
        if errors:
            return self._import_page(request, form, status=400, **context)
        PendingImport.objects.filter(
            created_at__lt=timezone.now()
            - datetime.timedelta(minutes=settings.IMPORT_PENDING_MINUTES)
        ).delete()
        PendingImport.objects.filter(user=request.user).delete()  # one pending upload per user
        pending = PendingImport.objects.create(
            token=secrets.token_urlsafe(32),
            user=request.user,
            file_name=upload.name.replace("\x00", "")[:255],
            file_format=extension,
            content=content,
        )
        confirm_form = self.get_confirm_form_class(request)(
            initial={
                "import_file_name": pending.token,
                "original_file_name": pending.file_name,
                "format": form.cleaned_data["format"],
                "resource": "",
            }
        )
        return self._import_page(request, form, confirm_form=confirm_form, **context)

    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        token = str(request.POST.get("import_file_name", ""))
        pending = (
            PendingImport.objects.filter(token=token, user=request.user).first()
            if _TOKEN.fullmatch(token)  # anything else (a path, a NUL byte) is no token of ours
            else None
        )
        if pending is None:
            return self._import_page(
                request,
                self.get_import_form_class(request)(
                    self.get_import_formats(), self.get_import_resource_classes(request)
                ),
                status=400,
                import_errors=[
                    _(
                        "Deze import bestaat niet (meer): hij is al uitgevoerd, verlopen of "
                        "van iemand anders. Kies het bestand opnieuw."
                    )
                ],
            )
        try:
            dataset = read_sheet(bytes(pending.content), pending.file_format)
            resource = WorkstreamResource()
            result = resource.import_data(
                dataset,
                dry_run=False,
                raise_errors=False,
                user=request.user,
                retain_instance_in_row_result=True,  # for the admin log
            )
            errors = resource.line_errors(result)
        except SheetError as error:
            errors = error.messages
            result = None
        finally:
            pending.delete()
        if errors:
            return self._import_page(
                request,
                self.get_import_form_class(request)(
                    self.get_import_formats(), self.get_import_resource_classes(request)
                ),
                status=409,
                result=result,
                import_errors=[_("Er is niets geïmporteerd."), *errors],
            )
        return self.process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        self.message_user(
            request,
            _("Import klaar: %(changed)s gewijzigd, %(new)s nieuw, %(same)s ongewijzigd.")
            % {
                "changed": totals["update"],
                "new": totals["new"],
                "same": totals["skip"],
            },
            messages.SUCCESS,
        )


@admin.register(Workstream)
class WorkstreamAdmin(SheetImportMixin, HistoryAdmin):
    form = WorkstreamAdminForm
    resource_classes = [WorkstreamResource]
    list_display = [
        "row_display",
        "vm_numbers_display",
        "theme_display",
        "phase_display",
        "markers",
        "last_informed",
        "owner",
    ]
    list_display_links = ["row_display"]
    list_filter = ["theme", "phase", "owner", "on_hold", "delay_reason", "it_dependency"]
    list_select_related = ["theme", "ambition", "measure", "phase", "it_dependency", "owner"]
    list_per_page = 50
    search_fields = [
        "ambition__name",
        "measure__name",
        "explanation",
        "status_text",
        "notes",
    ]
    search_help_text = _("Zoek op tekst, of op een VM-nummer zoals 'VM 25'.")
    autocomplete_fields = ["ambition", "measure"]
    inlines = [LetterLinkInline]
    actions = ["delete_selected", "inform_parliament", "set_phase"]
    fieldsets = [
        (_("Inhoud"), {"fields": ["theme", "ambition", "measure", "order", "explanation"]}),
        (_("Stand van zaken"), {"fields": ["phase", "status_text", "on_hold", "delay_reason"]}),
        (
            _("Planning en afhankelijkheden"),
            {"fields": ["it_dependency", "target_date", "notes"]},
        ),
        (_("Eigenaar"), {"fields": ["owner", "contacts"]}),
        (
            _("Tweede Kamer"),
            {
                "fields": ["letters_display"],
                "description": _(
                    "Brieven toevoegen of weghalen doet u onder 'TK geïnformeerd' hieronder."
                ),
            },
        ),
        REASON_FIELDSET,
    ]
    readonly_fields = ["letters_display"]

    # --- owners: a team member changes the team's own rows; coordinators change all --------

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or owners.can_change_row(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not owners.is_coordinator(request.user):
            fields += ["owner", "contacts"]  # only the coordinator hands rows to a team
        return fields

    def has_import_permission(self, request):
        # An import may touch any row, so only those who may change every row import.
        return (
            self.has_add_permission(request)
            and self.has_change_permission(request)
            and owners.is_coordinator(request.user)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = owners.teams()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # A plain multiple select: the admin's filter and select2 widgets fail WCAG (axe).
        if db_field.name == "contacts":
            kwargs["queryset"] = owners.contact_candidates()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("TK geïnformeerd"))
    def letters_display(self, obj):
        links = list(obj.letter_links.select_related("letter")) if obj and obj.pk else []
        if not links:
            return _("Nog niet geïnformeerd")
        return format_html_join(
            ", ",
            "{}",
            (
                (
                    format_html('<a href="{}" rel="noopener">{}</a>', link.letter.url, link.letter)
                    if link.letter.url
                    else str(link.letter),
                )
                for link in links
            ),
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(last_informed_on=Max("letter_links__letter__date"))
            .prefetch_related("measure__vm_numbers")
            # With the aggregate, Meta.ordering no longer applies (GROUP BY): the autocomplete
            # of rows (footnotes, letter links) would page through them in no fixed order.
            .order_by(*TABLE_ORDER)
        )

    def changelist_view(self, request, extra_context=None):
        # The row list needs the width: without the side menu (the breadcrumbs lead back), its
        # columns fit 1366 px beside the filters.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        match = _VM_SEARCH.match(search_term)
        if match:
            return queryset.filter(measure__vm_numbers__number=int(match.group(1))), False
        return super().get_search_results(request, queryset, search_term)

    def get_export_queryset(self, request):
        # The rows of the changelist as filtered, with what the columns need prefetched.
        return (
            super()
            .get_export_queryset(request)
            .prefetch_related(
                Prefetch(
                    "letter_links",
                    queryset=LetterLink.objects.select_related("letter").order_by(
                        "letter__date", "letter_id"
                    ),
                )
            )
        )

    def export_action(self, request):
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            # A filter in the URL that the row list does not know (a stale or edited link):
            # back to the list with a message, as the list itself does, instead of a 500.
            self.message_user(
                request,
                _("Deze filters van de lijst kloppen niet; kies ze opnieuw."),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:measures_workstream_changelist"))

    @admin.display(description=_("rij"), ordering="ambition__name")
    def row_display(self, obj):
        ambition = obj.ambition.name if obj.ambition_id else _("N.v.t.")
        return f"{ambition} – {obj.measure.name}"

    @admin.display(description=_("VM-nummers"))
    def vm_numbers_display(self, obj):
        return obj.measure.vm_label or "–"

    @admin.display(description=_("thema"), ordering="theme__order")
    def theme_display(self, obj):
        return format_html('<span class="admin-theme">{}</span>', obj.theme)

    @admin.display(description=_("fase"), ordering="phase__order")
    def phase_display(self, obj):
        return format_html(
            '<span class="admin-phase">{} {}</span>', phase_icon(obj.phase.code), obj.phase
        )

    @admin.display(description=_("signalen"))
    def markers(self, obj):
        flags = []
        if obj.on_hold:
            flags.append(("marker marker--hold", _("on hold")))
        if obj.delay_reason:
            flags.append(
                (
                    "marker marker--delay",
                    _("vertraagd: %s") % _DELAY_SHORT.get(obj.delay_reason, obj.delay_reason),
                )
            )
        if obj.it_dependency_id:
            flags.append(("marker marker--it", _("IV-afhankelijk")))
        if not flags:
            return "–"
        return format_html_join(" ", '<span class="{}">{}</span>', flags)

    @admin.display(description=_("TK laatst"), ordering="last_informed_on")
    def last_informed(self, obj):
        return nl_date(obj.last_informed_on) or "–"

    # --- actions ---------------------------------------------------------------------------

    def _action_page(self, request, queryset, form, title, action, template):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "queryset": queryset,
            "opts": self.model._meta,
            "action_name": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, template, context)

    @admin.action(description=_("Tweede Kamer geïnformeerd registreren"), permissions=["change"])
    def inform_parliament(self, request, queryset):
        form = InformParliamentForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            letter = form.get_letter()
            try:
                added = services.register_parliament_informed(
                    list(queryset),
                    letter,
                    reason=form.cleaned_data["change_reason"],
                    user=request.user,
                )
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext(
                    "Bij %(count)d rij is geregistreerd dat de Tweede Kamer is geïnformeerd "
                    "met de brief van %(letter)s.",
                    "Bij %(count)d rijen is geregistreerd dat de Tweede Kamer is geïnformeerd "
                    "met de brief van %(letter)s.",
                    added,
                )
                % {"count": added, "letter": letter},
                messages.SUCCESS,
            )
            return None
        return self._action_page(
            request,
            queryset,
            form,
            _("Tweede Kamer geïnformeerd registreren"),
            "inform_parliament",
            "admin/measures/workstream/inform_parliament.html",
        )

    @admin.action(description=_("Fase instellen"), permissions=["change"])
    def set_phase(self, request, queryset):
        form = SetPhaseForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            try:
                changed = services.set_phase(
                    list(queryset),
                    form.cleaned_data["phase"],
                    reason=form.cleaned_data["change_reason"],
                    user=request.user,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    self.message_user(request, message, messages.ERROR)
                return None
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext(
                    "De fase van %(count)d rij is nu '%(phase)s'.",
                    "De fase van %(count)d rijen is nu '%(phase)s'.",
                    changed,
                )
                % {"count": changed, "phase": form.cleaned_data["phase"]},
                messages.SUCCESS,
            )
            return None
        return self._action_page(
            request,
            queryset,
            form,
            _("Fase instellen"),
            "set_phase",
            "admin/measures/workstream/set_phase.html",
        )


@admin.register(Footnote)
class FootnoteAdmin(HistoryAdmin):
    list_display = ["number", "text_or_missing", "anchor", "workstream", "location"]
    list_select_related = ["workstream__ambition", "workstream__measure"]

    @admin.display(description=_("tekst"), ordering="text")
    def text_or_missing(self, obj):
        """An empty text is shown as missing, so staff see which ones still need one."""
        return obj.text or footnote_text({"number": obj.number, "text": obj.text})

    search_fields = ["text"]
    autocomplete_fields = ["workstream"]


@admin.register(MeasureDependency)
class MeasureDependencyAdmin(HistoryAdmin):
    list_display = ["measure", "depends_on", "note"]
    list_select_related = ["measure", "depends_on"]
    autocomplete_fields = ["measure", "depends_on"]


@admin.register(LetterLink)
class LetterLinkAdmin(HistoryAdmin):
    list_display = ["letter", "workstream"]
    list_select_related = ["letter", "workstream__ambition", "workstream__measure"]
    autocomplete_fields = ["letter", "workstream"]
    search_fields = ["workstream__measure__name", "workstream__ambition__name"]


admin.site.site_header = _("Verbetermaatregelen invordering – beheer")
admin.site.site_title = _("Verbetermaatregelen beheer")
admin.site.index_title = _("Beheer")


@admin.register(Report)
class ReportAdmin(ErrorsLeadToFieldsMixin, AutocompleteWithEmptyChoiceMixin, SimpleHistoryAdmin):
    """Reports: drafts are edited here; "Publiceren" freezes them; published ones are read-only."""

    list_display = ["title", "peildatum", "letter", "state", "published_at", "row_count"]
    list_filter = ["state"]
    list_select_related = ["letter"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["letter"]
    actions = ["publish"]
    # Who did what and when is written by the publishing flow, never typed in.
    readonly_fields = [
        "state",
        "row_count",
        "prepared_by",
        "approved_by",
        "approved_at",
        "published_by",
        "published_at",
        "letter_date",
        "letter_reference",
    ]
    fields = ["title", "document_title", "slug", "peildatum", "letter", *readonly_fields]

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

    def save_model(self, request, obj, form, change):
        """Whoever makes a draft prepared it; changing an approved draft needs a new approval."""
        obj._history_user = request.user
        if not change:
            obj.prepared_by = request.user
        elif obj.approved_by_id is not None and form.changed_data:
            obj.approved_by = None
            obj.approved_at = None
            self.message_user(
                request,
                _(
                    "De rapportage is gewijzigd na de vaststelling: "
                    "ze moet opnieuw vastgesteld worden."
                ),
                messages.WARNING,
            )
        super().save_model(request, obj, form, change)

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
        """Publishing asks for confirmation on its own page, one report at a time."""
        drafts = list(queryset.filter(state=ReportState.DRAFT)[:2])
        if len(drafts) != 1:
            self.message_user(
                request,
                _("Kies precies één conceptrapportage om te publiceren."),
                messages.ERROR,
            )
            return None
        return HttpResponseRedirect(reverse("measures:report-publish", args=[drafts[0].slug]))


# --- django-axes' lists (lockouts and logins): date filters that refuse an impossible date ---


class BoundedDateFieldListFilter(admin.DateFieldListFilter):
    """The admin's date filter, refusing a date whose moment has no UTC equivalent.

    ``?attempt_time__gte=0001-01-01`` in Amsterdam is a moment before the year 1 in UTC: Python
    cannot represent it and the list answered 500. Now the admin's own "wrong filter" redirect.
    A typed date is a moment in the site's time zone (as Django reads it, without its warning);
    the filter's own "no date" and "has date" choices (``__isnull``) are not dates.
    """

    def queryset(self, request, queryset):
        for name in (self.lookup_kwarg_since, self.lookup_kwarg_until):
            value = self.used_parameters.get(name)
            if value is None:
                continue
            moments = []
            for item in value if isinstance(value, list) else [value]:
                try:
                    moment = datetime.datetime.fromisoformat(str(item))
                    if timezone.is_naive(moment):
                        moment = timezone.make_aware(moment)
                    moment.astimezone(datetime.UTC)
                except (ValueError, OverflowError) as error:
                    raise IncorrectLookupParameters(error) from error
                moments.append(moment)
            self.used_parameters[name] = moments if isinstance(value, list) else moments[0]
        return super().queryset(request, queryset)


def _bound_date_filters(model_admin_class):
    """A subclass of an axes ModelAdmin whose date fields use BoundedDateFieldListFilter."""
    from django.db import models

    model = next(m for m, a in admin.site._registry.items() if type(a) is model_admin_class)

    def bounded(entry):
        if isinstance(entry, str) and isinstance(
            model._meta.get_field(entry), models.DateField | models.DateTimeField
        ):
            return (entry, BoundedDateFieldListFilter)
        return entry

    attrs = {"list_filter": [bounded(entry) for entry in model_admin_class.list_filter]}
    return model, type(model_admin_class.__name__, (model_admin_class,), attrs)


def _rebind_axes_admin():
    import axes.admin

    for name in ("AccessAttemptAdmin", "AccessLogAdmin", "AccessFailureLogAdmin"):
        model_admin_class = getattr(axes.admin, name, None)
        if model_admin_class is None or not any(
            type(a) is model_admin_class for a in admin.site._registry.values()
        ):
            continue
        model, bounded_class = _bound_date_filters(model_admin_class)
        admin.site.unregister(model)
        admin.site.register(model, bounded_class)


_rebind_axes_admin()
