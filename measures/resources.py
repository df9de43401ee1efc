"""Rows as a spreadsheet for staff (django-import-export): readable columns, all-or-nothing import.

Related objects appear by their readable key (theme slug, ambition name within its theme,
measure slug, phase code, IT dependency name), never by database id, except the row's own id
which tells the import which row a line updates.
"""

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from . import services
from .models import Ambition, ITDependency, Measure, Phase, Theme, Workstream

# Written into the audit trail: one record for everyone, so in Dutch whoever imports.
IMPORT_REASON = "Import uit spreadsheet"


class YesNoWidget(widgets.BooleanWidget):
    """Booleans as 'ja'/'nee'; also reads 1/0, true/false and an empty cell (no)."""

    TRUE = {"ja", "j", "1", "true", "waar", "yes", "x"}
    FALSE = {"nee", "n", "0", "false", "onwaar", "no", ""}

    def render(self, value, obj=None, **kwargs):
        return "ja" if value else "nee"

    def clean(self, value, row=None, **kwargs):
        if value is None or isinstance(value, bool):
            return bool(value)
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("'%(value)s' is geen ja of nee.") % {"value": value})


class TextWidget(widgets.CharWidget):
    """Text that is never None: an empty spreadsheet cell is an empty text."""

    def clean(self, value, row=None, **kwargs):
        return "" if value is None else str(value).strip()

    def render(self, value, obj=None, **kwargs):
        return value or ""


class ReadableForeignKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key by a readable field, with a Dutch message when it does not exist."""

    def __init__(self, model, field, label, **kwargs):
        self.label = label
        super().__init__(model, field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        try:
            return self.get_queryset(value, row, **kwargs).get(**{self.field: str(value).strip()})
        except self.model.DoesNotExist:
            raise ValueError(
                _("%(label)s '%(value)s' bestaat niet.") % {"label": self.label, "value": value}
            ) from None


class AmbitionWidget(ReadableForeignKeyWidget):
    """An ambition by its name within the theme of the same line (names repeat across themes)."""

    def get_queryset(self, value, row, *args, **kwargs):
        return Ambition.objects.filter(theme__slug=(row or {}).get("thema"))


class ChoiceCodeWidget(widgets.CharWidget):
    """A choice by its code, refusing codes that do not exist."""

    def __init__(self, choices, **kwargs):
        self.choices = dict(choices)
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        code = "" if value is None else str(value).strip()
        if code and code not in self.choices:
            raise ValueError(
                _("'%(value)s' is geen geldige code; kies uit: %(codes)s.")
                % {"value": code, "codes": ", ".join(self.choices)}
            )
        return code

    def render(self, value, obj=None, **kwargs):
        return value or ""


def _field(attribute, column, widget=None, **kwargs):
    return fields.Field(attribute=attribute, column_name=column, widget=widget, **kwargs)


class WorkstreamResource(resources.ModelResource):
    """Rows of the bijlage as lines of a spreadsheet."""

    id = _field("id", "id", widgets.IntegerWidget())
    theme = _field("theme", "thema", ReadableForeignKeyWidget(Theme, "slug", _("Thema")))
    ambition = _field("ambition", "ambitie", AmbitionWidget(Ambition, "name", _("Ambitie")))
    measure = _field(
        "measure", "maatregel", ReadableForeignKeyWidget(Measure, "slug", _("Maatregel"))
    )
    vm_numbers = fields.Field(column_name="VM-nummers", readonly=True)
    order = _field("order", "volgorde", widgets.IntegerWidget())
    phase = _field("phase", "fase", ReadableForeignKeyWidget(Phase, "code", _("Fase")))
    on_hold = _field("on_hold", "on hold", YesNoWidget())
    delay_reason = _field(
        "delay_reason",
        "reden vertraging",
        ChoiceCodeWidget(Workstream._meta.get_field("delay_reason").choices),
    )
    it_dependency = _field(
        "it_dependency",
        "IV-afhankelijkheid",
        ReadableForeignKeyWidget(ITDependency, "name", _("IV-afhankelijkheid")),
    )
    target_date = _field("target_date", "streefdatum", widgets.DateWidget(format="%Y-%m-%d"))
    explanation = _field("explanation", "toelichting", TextWidget())
    status_text = _field("status_text", "stand van zaken", TextWidget())
    notes = _field("notes", "notities", TextWidget())
    parliament_informed = fields.Field(column_name="TK geïnformeerd", readonly=True)

    class Meta:
        model = Workstream
        fields = [
            "id",
            "theme",
            "ambition",
            "measure",
            "vm_numbers",
            "order",
            "phase",
            "on_hold",
            "delay_reason",
            "it_dependency",
            "target_date",
            "explanation",
            "status_text",
            "notes",
            "parliament_informed",
        ]
        import_id_fields = ["id"]
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return Workstream.objects.for_overview()

    def import_data(self, dataset, *args, **kwargs):
        """All or nothing: one invalid line (a wrong code, a broken rule) rolls back every line."""
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, *args, **kwargs)

    def dehydrate_vm_numbers(self, row):
        return row.measure.vm_label

    def dehydrate_parliament_informed(self, row):
        return ", ".join(link.letter.date.isoformat() for link in row.letter_links.all())

    def before_save_instance(self, instance, row, **kwargs):
        """Every imported change bumps the row version (open forms become stale) with a reason."""
        if instance.pk:
            services.ensure_history_baseline(instance)
            instance.version = (
                Workstream.objects.filter(pk=instance.pk).values_list("version", flat=True).get()
                + 1
            )
        instance._change_reason = str(IMPORT_REASON)
