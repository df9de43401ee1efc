"""Rows as a spreadsheet for staff (django-import-export): readable columns, a version per line,
all-or-nothing import through the one write path (``services.save_object``).

Related objects appear by their readable key (theme slug, ambition name within its theme,
measure slug, phase code, IT dependency name), never by database id, except the row's own id
which tells the import which row a line updates, and ``versie``, the version the row had when it
was exported: a line whose row has been saved since is refused, so an old sheet never undoes a
colleague's work. A round trip of an untouched export changes nothing: text that a spreadsheet
would run as a formula is written with a leading ``'`` and read back without it.
"""

import copy
import csv
import datetime
import io
import zipfile

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import Error, Result

from . import services
from .cache import writing
from .exports import FORMULA_TRIGGERS
from .models import Ambition, ITDependency, Measure, Phase, Theme, Workstream

# Written into the audit trail: one record for everyone, so in Dutch whoever imports.
IMPORT_REASON = "Import uit spreadsheet"

# Excel's escape for a carriage return in a cell (XML itself turns a bare \r into \n).
XLSX_CR = "_x000D_"


# --- formula escaping: the one rule both ways ------------------------------------------------


def escape_cell(value):
    """Text a spreadsheet would run as a formula gets a leading ``'``; so does text that already
    starts with one, so that unescaping gives back exactly what was stored."""
    if isinstance(value, str) and value.startswith((*FORMULA_TRIGGERS, "'")):
        return "'" + value
    return value


def unescape_cell(value):
    """The inverse of ``escape_cell``."""
    if isinstance(value, str) and value.startswith("'"):
        return value[1:]
    return value


# --- widgets with Dutch messages -------------------------------------------------------------


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
    """Free text exactly as typed (leading tabs and line breaks stay); an empty cell is ''."""

    def clean(self, value, row=None, **kwargs):
        return "" if value is None else str(value)

    def render(self, value, obj=None, **kwargs):
        return value or ""


class WholeNumberWidget(widgets.IntegerWidget):
    """A whole number, with a Dutch message for anything else; an empty cell is None."""

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = str(value).strip()
        if not text.isdigit():
            raise ValueError(_("'%(value)s' is geen geheel getal.") % {"value": value})
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class IsoDateWidget(widgets.DateWidget):
    """A date as JJJJ-MM-DD; a date cell from Excel is read as that day (not a datetime)."""

    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.datetime.strptime(str(value).strip(), "%Y-%m-%d").date()
        except ValueError:
            raise ValueError(
                _("'%(value)s' is geen datum; schrijf JJJJ-MM-DD, bijvoorbeeld 2026-01-31.")
                % {"value": value}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class ReadableForeignKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key by a readable field, with a Dutch message when it does not exist.

    Lookups are remembered for the duration of one import (``reset()``), so a sheet of 10,000
    lines does not ask the database 10,000 times for the same phase.
    """

    load_all = True  # False where the key depends on the line (AmbitionWidget)

    def __init__(self, model, field, label, **kwargs):
        self.label = label
        self._known = {}
        super().__init__(model, field=field, **kwargs)

    def reset(self):
        self._known = {}

    def key(self, value, row):
        return str(value).strip()

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        key = self.key(value, row)
        if self.load_all and not self._known:
            # The whole (small) table at the first line: one query instead of one per value.
            self._known = {
                str(getattr(obj, self.field)): obj
                for obj in self.get_queryset(value, row, **kwargs)
            }
        if key not in self._known:
            self._known[key] = (
                self.get_queryset(value, row, **kwargs)
                .filter(**{self.field: str(value).strip()})
                .first()
            )
        if self._known[key] is None:
            raise ValueError(
                _("%(label)s '%(value)s' bestaat niet.") % {"label": self.label, "value": value}
            )
        return self._known[key]


class MeasureWidget(ReadableForeignKeyWidget):
    """A measure by its slug, with its VM numbers: each line's result is named after its row
    ("ambition – measure (VM 4)"), two queries a line without them."""

    def get_queryset(self, value, row, *args, **kwargs):
        return Measure.objects.prefetch_related("vm_numbers")


class AmbitionWidget(ReadableForeignKeyWidget):
    """An ambition by its name within the theme of the same line (names repeat across themes)."""

    load_all = False

    def key(self, value, row):
        return ((row or {}).get("thema"), str(value).strip())

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


# --- reading an uploaded file ----------------------------------------------------------------


class SheetError(Exception):
    """The file as a whole cannot be imported; ``messages`` say why, in Dutch."""

    def __init__(self, messages):
        self.messages = [str(m) for m in ([messages] if isinstance(messages, str) else messages)]
        super().__init__(" ".join(self.messages))


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.0f} MB"


def check_upload_size(size: int):
    """Refuse a file larger than IMPORT_MAX_FILE_BYTES before reading it."""
    if size > settings.IMPORT_MAX_FILE_BYTES:
        raise SheetError(
            _("Het bestand is te groot (%(size)s); de grens is %(limit)s.")
            % {"size": _size(size), "limit": _size(settings.IMPORT_MAX_FILE_BYTES)}
        )


def _too_many_lines():
    return SheetError(
        _("Het bestand heeft meer dan %(limit)s regels; importeer het in delen.")
        % {"limit": settings.IMPORT_MAX_ROWS}
    )


def _read_xlsx(content: bytes) -> tablib.Dataset:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise SheetError(_("Dit is geen XLSX-bestand (of het is beschadigd).")) from None
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise SheetError(
            _("Het XLSX-bestand is uitgepakt te groot (%(size)s); de grens is %(limit)s.")
            % {"size": _size(unpacked), "limit": _size(settings.IMPORT_MAX_UNPACKED_BYTES)}
        )
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a broken workbook
        raise SheetError(_("Dit is geen XLSX-bestand (of het is beschadigd).")) from None
    try:
        lines, formulas = [], []
        for cells in workbook.worksheets[0].iter_rows():
            values = []
            for cell in cells:
                if getattr(cell, "data_type", None) == "f":
                    formulas.append(cell.coordinate)
                value = cell.value
                if isinstance(value, str):
                    value = value.replace(XLSX_CR, "\r")
                values.append(value)
            if any(v not in (None, "") for v in values):
                lines.append(values)
                if len(lines) > settings.IMPORT_MAX_ROWS + 1:
                    raise _too_many_lines()
    finally:
        workbook.close()
    if formulas:
        shown = ", ".join(formulas[:20]) + (" …" if len(formulas) > 20 else "")
        raise SheetError(
            _(
                "Het bestand bevat formules (cel %(cells)s). Een import neemt alleen vaste "
                "waarden over: vervang de formules door hun waarde of door tekst."
            )
            % {"cells": shown}
        )
    return _dataset(lines)


def _read_csv(content: bytes) -> tablib.Dataset:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError(
            _("Het CSV-bestand is niet in UTF-8 opgeslagen; kies bij 'Opslaan als' CSV UTF-8.")
        ) from None
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    try:
        # newline="" keeps a \r inside a cell as it was.
        lines = []
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if any(values):
                lines.append(values)
                if len(lines) > settings.IMPORT_MAX_ROWS + 1:
                    raise _too_many_lines()
    except csv.Error as error:
        raise SheetError(
            _("Het CSV-bestand is niet te lezen: %(error)s") % {"error": error}
        ) from None
    return _dataset(lines)


def _dataset(lines) -> tablib.Dataset:
    if not lines:
        raise SheetError(_("Het bestand is leeg."))
    headers = ["" if h is None else str(h).strip() for h in lines[0]]
    width = len(headers)
    rows = [list(values[:width]) + [None] * (width - len(values)) for values in lines[1:]]
    for number, values in enumerate(rows, 2):
        for column, value in zip(headers, values, strict=True):
            if isinstance(value, str) and "\x00" in value:
                raise SheetError(
                    _("Regel %(line)s, kolom “%(column)s”: bevat een NUL-teken.")
                    % {"line": number, "column": column}
                )
    return tablib.Dataset(*rows, headers=headers)


def read_sheet(content: bytes, file_format: str) -> tablib.Dataset:
    """An uploaded CSV or XLSX as a dataset, or SheetError: too large, a formula, unreadable."""
    check_upload_size(len(content))
    if file_format == "xlsx":
        return _read_xlsx(content)
    return _read_csv(content)


class SheetXLSX(base_formats.XLSX):
    """The admin's XLSX export: a \\r in a cell is written as Excel writes it, so it comes back."""

    def export_data(self, dataset, **kwargs):
        for index, values in enumerate(dataset):
            dataset[index] = [v.replace("\r", XLSX_CR) if isinstance(v, str) else v for v in values]
        return super().export_data(dataset, **kwargs)


# --- the resource ----------------------------------------------------------------------------


class WorkstreamResource(resources.ModelResource):
    """Rows of the bijlage as lines of a spreadsheet."""

    id = _field("id", "id", WholeNumberWidget())
    version = _field("version", "versie", WholeNumberWidget())
    theme = _field("theme", "thema", ReadableForeignKeyWidget(Theme, "slug", gettext_lazy("Thema")))
    ambition = _field(
        "ambition", "ambitie", AmbitionWidget(Ambition, "name", gettext_lazy("Ambitie"))
    )
    measure = _field(
        "measure",
        "maatregel",
        MeasureWidget(Measure, "slug", gettext_lazy("Maatregel")),
    )
    vm_numbers = fields.Field(column_name="VM-nummers", readonly=True)
    order = _field("order", "volgorde", WholeNumberWidget())
    phase = _field("phase", "fase", ReadableForeignKeyWidget(Phase, "code", gettext_lazy("Fase")))
    on_hold = _field("on_hold", "on hold", YesNoWidget())
    delay_reason = _field(
        "delay_reason",
        "reden vertraging",
        ChoiceCodeWidget(Workstream._meta.get_field("delay_reason").choices),
    )
    it_dependency = _field(
        "it_dependency",
        "IV-afhankelijkheid",
        ReadableForeignKeyWidget(ITDependency, "name", gettext_lazy("IV-afhankelijkheid")),
    )
    target_date = _field("target_date", "streefdatum", IsoDateWidget())
    explanation = _field("explanation", "toelichting", TextWidget())
    status_text = _field("status_text", "stand van zaken", TextWidget())
    notes = _field("notes", "notities", TextWidget())
    parliament_informed = fields.Field(column_name="TK geïnformeerd", readonly=True)

    class Meta:
        model = Workstream
        fields = [
            "id",
            "version",
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

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Options of this import only: import-export sets some per import (store_instance)
        # on the options object, which is otherwise shared by every request of the process.
        self._meta = copy.copy(type(self)._meta)
        self.ignored = []  # read-only cells that differ from the data: reported, not imported
        self._rows = None
        self._readonly_values = {}

    def get_queryset(self):
        return Workstream.objects.for_overview()

    # --- export --------------------------------------------------------------------------

    def export_resource(self, instance, selected_fields=None, **kwargs):
        return [escape_cell(v) for v in super().export_resource(instance, selected_fields)]

    def dehydrate_vm_numbers(self, row):
        return row.measure.vm_label

    def dehydrate_parliament_informed(self, row):
        return ", ".join(link.letter.date.isoformat() for link in row.letter_links.all())

    # --- import: checks on the whole sheet ------------------------------------------------

    def column_names(self, *, readonly: bool) -> list[str]:
        return [f.column_name for f in self.get_export_fields() if f.readonly == readonly]

    def sheet_problems(self, dataset) -> list[str]:
        """What makes this sheet unimportable as a whole: columns and duplicate ids."""
        headers = list(dataset.headers or [])
        problems = []
        if "id" not in headers:
            problems.append(
                _(
                    "De kolom “id” ontbreekt. Zonder id weet de import niet welke rij een regel "
                    "bijwerkt; exporteer de rijen en werk in dat bestand."
                )
            )
        known = set(self.column_names(readonly=False)) | set(self.column_names(readonly=True))
        unknown = [h for h in headers if h not in known]
        if unknown:
            problems.append(
                _("Onbekende kolommen: %(columns)s. De import kent alleen: %(known)s.")
                % {
                    "columns": ", ".join(f"“{h}”" for h in unknown),
                    "known": ", ".join(self.column_names(readonly=False)),
                }
            )
        missing = [c for c in self.column_names(readonly=False) if c not in headers and c != "id"]
        if missing:
            problems.append(
                _("Deze kolommen ontbreken: %(columns)s.")
                % {"columns": ", ".join(f"“{c}”" for c in missing)}
            )
        doubled = sorted({h for h in headers if headers.count(h) > 1})
        if doubled:
            problems.append(
                _("Deze kolommen staan er meer dan eens in: %(columns)s.")
                % {"columns": ", ".join(f"“{c}”" for c in doubled)}
            )
        if "id" in headers and not doubled:
            lines_by_id = {}
            for number, value in enumerate(dataset["id"], 2):
                key = str(unescape_cell(value) or "").strip()
                if key:
                    lines_by_id.setdefault(key, []).append(number)
            for key, lines in lines_by_id.items():
                if len(lines) > 1:
                    problems.append(
                        _("Id %(id)s staat op meer dan één regel: %(lines)s.")
                        % {"id": key, "lines": ", ".join(map(str, lines))}
                    )
        return problems

    def import_data(self, dataset, *args, **kwargs):
        """All or nothing: a sheet with wrong columns or doubled ids is refused before any line
        is read; one invalid line (a wrong code, a broken rule, a stale version) rolls back all."""
        problems = self.sheet_problems(dataset)
        if problems:
            result = self.get_result_class()()
            for problem in problems:
                result.append_base_error(Error(SheetError(problem)))
            return result
        kwargs.setdefault("rollback_on_validation_errors", True)
        if kwargs.get("dry_run"):
            return super().import_data(dataset, *args, **kwargs)
        # One write of the data version for the whole sheet, not one per line.
        with writing():
            return super().import_data(dataset, *args, **kwargs)

    def before_import(self, dataset, **kwargs):
        for field in self.fields.values():
            if hasattr(field.widget, "reset"):
                field.widget.reset()
        ids = set()
        for value in dataset["id"]:
            text = str(unescape_cell(value) or "").strip()
            if text.isdigit():
                ids.add(int(text))
        # The rows without their prefetched letters and numbers: the import copies each row it
        # reads (for the preview's differences), and those copies must stay small.
        self._rows = {row.pk: row for row in self._import_queryset().filter(pk__in=ids)}
        readonly = [f for f in self.get_export_fields() if f.readonly]
        self._readonly_values = {
            row.pk: {f.column_name: str(self.export_field(f, row) or "") for f in readonly}
            for row in self.get_queryset().filter(pk__in=ids)
        }

    def _import_queryset(self):
        return Workstream.objects.select_related(
            "theme", "ambition", "measure", "phase", "it_dependency"
        )

    # --- import: each line -----------------------------------------------------------------

    def before_import_row(self, row, **kwargs):
        for key, value in row.items():
            row[key] = unescape_cell(value)

    def get_instance(self, instance_loader, row):
        """The row with this line's id (one query for the whole sheet), or None for a new row."""
        try:
            pk = self.fields["id"].clean(row)
        except ValueError as error:
            raise ValidationError({"id": str(error)}) from None
        if pk is None:
            return None
        if self._rows is None:
            self._rows = {r.pk: r for r in self._import_queryset().filter(pk=pk)}
        if pk not in self._rows:
            raise ValidationError(
                {
                    "id": _(
                        "Er is geen rij met id %(id)s (meer). Laat de id leeg voor een nieuwe rij."
                    )
                    % {"id": pk}
                }
            )
        return self._rows[pk]

    def import_instance(self, instance, row, **kwargs):
        stored_version = None if instance._state.adding else instance.version
        if stored_version is not None:
            self._note_ignored(instance, row, kwargs.get("row_number"))
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if stored_version is not None and "version" not in errors:
            if instance.version is None:
                errors["version"] = [_("Vul de versie in; die staat in de export.")]
            elif instance.version != stored_version:
                errors["version"] = [self.stale_message(instance, instance.version)]
        if errors:
            raise ValidationError(errors)

    def stale_message(self, instance, sheet_version) -> str:
        conflict = services.ConcurrentEditError(Workstream, instance.pk, sheet_version)
        message = _(
            "Rij %(id)s (%(row)s) is gewijzigd door %(who)s nadat deze spreadsheet werd "
            "gemaakt (versie %(sheet)s in het bestand, nu %(current)s). Exporteer opnieuw en "
            "breng uw wijzigingen daarin aan."
        ) % {
            "id": instance.pk,
            "row": Workstream.objects.get(pk=instance.pk),
            "who": conflict.who,
            "sheet": sheet_version,
            "current": Workstream.objects.values_list("version", flat=True).get(pk=instance.pk),
        }
        return " ".join([message, *conflict.change_lines])

    def _note_ignored(self, instance, row, number):
        for field in self.get_export_fields():
            if not field.readonly or field.column_name not in row:
                continue
            sheet = "" if row[field.column_name] is None else str(row[field.column_name]).strip()
            current = self._readonly_values.get(instance.pk, {}).get(field.column_name, "")
            if sheet != current:
                self.ignored.append(
                    _(
                        "Regel %(line)s, kolom “%(column)s”: “%(value)s” is genegeerd; deze "
                        "kolom is alleen-lezen (wijzig hem in het beheer)."
                    )
                    % {"line": number + 1, "column": field.column_name, "value": sheet}
                )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The foreign keys were looked up by the widgets, so they exist: do not ask again.
        errors = dict(import_validation_errors or {})
        exclude = set(errors) | {"theme", "ambition", "measure", "phase", "it_dependency"}
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        if kwargs.get("dry_run"):
            return  # the preview has checked everything; only the confirmation writes
        services.save_object(
            instance,
            reason=IMPORT_REASON,
            user=kwargs.get("user"),
            expected_version=None if is_create else instance.version,
        )

    # --- messages --------------------------------------------------------------------------

    def line_errors(self, result: Result) -> list[str]:
        """Every problem of an import, in Dutch, each naming its line and column."""
        columns = {f.attribute: f.column_name for f in self.get_import_fields() if f.attribute}
        lines = []
        for error in result.base_errors:
            lines.extend(getattr(error.error, "messages", None) or [str(error.error)])
        for number, errors in result.row_errors():
            for error in errors:
                lines.append(
                    _("Regel %(line)s: de rij kon niet worden opgeslagen (%(error)s).")
                    % {"line": number + 1, "error": error.error}
                )
        for invalid in result.invalid_rows:
            for field, messages in invalid.error_dict.items():
                for text in messages:
                    if field in columns:
                        lines.append(
                            _("Regel %(line)s, kolom “%(column)s”: %(message)s")
                            % {
                                "line": invalid.number + 1,
                                "column": columns[field],
                                "message": text,
                            }
                        )
                    else:
                        lines.append(
                            _("Regel %(line)s: %(message)s")
                            % {"line": invalid.number + 1, "message": text}
                        )
        return lines
