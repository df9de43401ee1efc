"""The one write path: every change staff make to the domain models goes through here.

``save_object`` and ``delete_object`` take the expected version, a reason and the user; a
stale version is refused with ``ConcurrentEditError`` (who changed what, field by field). The
admin forms, its actions, the spreadsheet import and the management commands all call these
functions; each runs in one transaction and ``stamp`` puts reason and user on the history.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import owners
from .cache import writing
from .models import LetterLink, Measure, ParliamentaryLetter, Phase, VMNumber, Workstream

# Fields that change on every save and say nothing to the person reading a conflict.
_BOOKKEEPING_FIELDS = {"version", "updated_at"}


@dataclass(frozen=True)
class FieldChange:
    """One field that someone else changed: its label and the old and new value as text."""

    label: str
    old: str
    new: str


class ConcurrentEditError(Exception):
    """The object was saved by someone else after this form (or sheet) was loaded; nothing was
    written. Works for every versioned model: rows, measures, ambitions, letters, footnotes..."""

    def __init__(self, model, pk, expected_version):
        self.model = model
        self.pk = pk
        self.expected_version = expected_version
        self.changes = changes_since(model, pk, expected_version)
        self.editors = editors_since(model, pk, expected_version)
        super().__init__(self.message)

    @property
    def who(self) -> str:
        """Who saved it since, with when ("anna (om 29-11-2026 21:04)")."""
        return ", ".join(self.editors) or _("iemand anders")

    @property
    def lines(self) -> list[str]:
        """The explanation as separate lines: who, then each changed field, then what to do."""
        if self.model is Workstream:
            first = _(
                "Deze rij is gewijzigd door %(who)s nadat u het formulier opende. "
                "Uw wijzigingen zijn niet opgeslagen; er is niets overschreven."
            )
        else:
            first = _(
                "Deze %(model)s is gewijzigd door %(who)s nadat u het formulier opende. "
                "Uw wijzigingen zijn niet opgeslagen; er is niets overschreven."
            )
        lines = [first % {"who": self.who, "model": self.model._meta.verbose_name}]
        lines.extend(self.change_lines)
        lines.append(
            _("Open de rij opnieuw en breng uw wijzigingen nog eens aan.")
            if self.model is Workstream
            else _("Open het formulier opnieuw en breng uw wijzigingen nog eens aan.")
        )
        return lines

    @property
    def change_lines(self) -> list[str]:
        """One line per field that the other person changed: label, old and new value."""
        return [
            _("%(field)s: “%(old)s” → “%(new)s”")
            % {"field": change.label, "old": change.old, "new": change.new}
            for change in self.changes
        ]

    @property
    def message(self) -> str:
        """The explanation as one text (for a flash message)."""
        return " ".join(self.lines)


def display_value(field, value) -> str:
    """A field value as a person reads it: choice labels, ja/nee, dd-mm-jjjj, "(leeg)"."""
    if value is None or value == "":
        return _("(leeg)")
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "strftime"):
        return date_format(value, "SHORT_DATE_FORMAT")
    return Truncator(str(value)).chars(160)


def _history_range(model, pk, version):
    history = model.history.filter(id=pk).order_by("history_date", "history_id")
    base = history.filter(version=version).last()
    return history, base


def changes_since(model, pk, version) -> list[FieldChange]:
    """What changed in an object since it had this version, from its history, field by field."""
    history, base = _history_range(model, pk, version)
    latest = history.last()
    if base is None or latest is None or base.pk == latest.pk:
        return []
    delta = latest.diff_against(base, foreign_keys_are_objs=True)
    changes = []
    for change in delta.changes:
        if change.field in _BOOKKEEPING_FIELDS:
            continue
        field = model._meta.get_field(change.field)
        changes.append(
            FieldChange(
                label=str(field.verbose_name).capitalize(),
                old=display_value(field, change.old),
                new=display_value(field, change.new),
            )
        )
    return changes


def editors_since(model, pk, version) -> list[str]:
    """Who saved the object after it had this version, with the time of their last save."""
    history, base = _history_range(model, pk, version)
    if base is not None:
        history = history.filter(history_date__gt=base.history_date)
    else:
        history = history.filter(version__gt=version)
    editors = {}
    for record in history.select_related("history_user"):
        name = record.history_user.get_username() if record.history_user else _("onbekend")
        editors[name] = localtime(record.history_date)
    return [
        _("%(name)s (om %(time)s)")
        % {"name": name, "time": date_format(moment, "SHORT_DATETIME_FORMAT")}
        for name, moment in editors.items()
    ]


def stamp(obj, *, reason, user=None):
    """Put the reason and the user on the history record that the next save or delete writes.

    The one place that does this; every write below goes through it.
    """
    obj._change_reason = str(reason)
    if user is not None:
        obj._history_user = user


def check_may_change_rows(user, workstreams):
    """Refuse (PermissionDenied) if ``user`` may not change one of these rows.

    ``user=None`` is the system itself (seed, migrations, tests of the data layer).
    """
    if user is None:
        return
    refused = [row for row in workstreams if row.pk and not owners.can_change_row(user, row)]
    if refused:
        raise PermissionDenied(
            ngettext(
                "U mag deze rij niet wijzigen: hij hoort bij een ander team (%(rows)s).",
                "U mag deze rijen niet wijzigen: ze horen bij een ander team (%(rows)s).",
                len(refused),
            )
            % {"rows": "; ".join(str(row) for row in refused[:5])}
        )


def save_object(obj, *, reason, user=None, expected_version=None):
    """Save any domain object, refusing a stale one; the one way staff changes reach the models.

    A new object starts at version 1. An existing one is saved only if it still has
    ``expected_version`` in the database (else ConcurrentEditError, and nothing is written): the
    conditional UPDATE takes the row lock, so of two concurrent saves of the same version exactly
    one succeeds, also across processes. Objects without a version (none today) just save.
    """
    model = type(obj)
    versioned = any(f.name == "version" for f in model._meta.concrete_fields)
    checked = model is Workstream and obj.pk and user is not None
    if checked and not owners.may_change_every_row(user):
        # Owners change their own team's rows only; only a coordinator moves a row.
        stored = Workstream.objects.get(pk=obj.pk)
        check_may_change_rows(user, [stored])
        if stored.owner_id != obj.owner_id and not owners.is_coordinator(user):
            raise PermissionDenied(_("Alleen de coördinator kan een rij aan een ander team geven."))
    with writing():
        if versioned and obj._state.adding:
            obj.version = 1
        elif versioned:
            if expected_version is None:
                expected_version = obj.version
            bumped = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
                version=F("version") + 1
            )
            if not bumped:
                raise ConcurrentEditError(model, obj.pk, expected_version)
            obj.version = expected_version + 1
        stamp(obj, reason=reason, user=user)
        obj.save()
    return obj


def delete_object(obj, *, reason, user=None, expected_version=None):
    """Delete a domain object with a reason in its history; refuse if it changed since
    ``expected_version`` (when given)."""
    model = type(obj)
    with writing():
        if expected_version is not None:
            current = (
                model._default_manager.select_for_update()
                .filter(pk=obj.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current != expected_version:
                raise ConcurrentEditError(model, obj.pk, expected_version)
        stamp(obj, reason=reason, user=user)
        obj.delete()


def delete_objects(objects, *, reason, user=None) -> int:
    """Delete several objects (the admin's bulk delete), each with the reason in its history."""
    count = 0
    with writing():
        for obj in objects:
            delete_object(obj, reason=reason, user=user)
            count += 1
    return count


def conflicting_vm_numbers(measure, numbers) -> list[VMNumber]:
    """VM numbers among `numbers` that already belong to another measure."""
    taken = VMNumber.objects.filter(number__in=numbers).select_related("measure")
    if measure.pk:
        taken = taken.exclude(measure=measure)
    return list(taken.order_by("number"))


def replace_vm_numbers(measure: Measure, numbers, *, reason, user=None):
    """Make `numbers` exactly the VM numbers of `measure`, in one transaction, with history."""
    wanted = set(numbers)
    with writing():
        conflicts = conflicting_vm_numbers(measure, wanted)
        if conflicts:
            raise ValidationError(
                [
                    _("VM %(number)s hoort al bij de maatregel '%(measure)s'.")
                    % {"number": vm.number, "measure": vm.measure.name}
                    for vm in conflicts
                ]
            )
        current = {vm.number: vm for vm in measure.vm_numbers.select_for_update()}
        for number, vm in current.items():
            if number not in wanted:
                delete_object(vm, reason=reason, user=user)
        for number in sorted(wanted - current.keys()):
            save_object(VMNumber(number=number, measure=measure), reason=reason, user=user)


def register_parliament_informed(workstreams, letter: ParliamentaryLetter, *, reason, user=None):
    """Link the letter to every row (rows already linked stay as they are); returns the count."""
    added = 0
    check_may_change_rows(user, workstreams)
    with writing():
        if letter.pk is None:
            letter.full_clean()
            save_object(letter, reason=reason, user=user)
        linked = set(
            LetterLink.objects.filter(letter=letter, workstream__in=workstreams).values_list(
                "workstream_id", flat=True
            )
        )
        for workstream in workstreams:
            if workstream.pk in linked:
                continue
            save_object(LetterLink(workstream=workstream, letter=letter), reason=reason, user=user)
            added += 1
    return added


def set_phase(workstreams, phase: Phase, *, reason, user=None):
    """Give every row this phase, all or nothing; the consistency rules hold for each row."""
    with writing():
        rows = list(
            Workstream.objects.select_for_update()
            .filter(pk__in=[w.pk for w in workstreams])
            .order_by("pk")
        )
        check_may_change_rows(user, rows)
        errors = []
        changed = 0
        for row in rows:
            if row.phase_id == phase.pk:
                continue
            row.phase = phase
            try:
                row.full_clean()
            except ValidationError as exc:
                errors.extend(f"{row}: {message}" for message in exc.messages)
                continue
            # The row is locked (select_for_update) until we commit: its version is current.
            save_object(row, reason=reason, user=user, expected_version=row.version)
            changed += 1
        if errors:
            raise ValidationError(
                [
                    ngettext(
                        "De fase is bij geen enkele rij gewijzigd, want %(count)d rij kan "
                        "die fase niet krijgen:",
                        "De fase is bij geen enkele rij gewijzigd, want %(count)d rijen kunnen "
                        "die fase niet krijgen:",
                        len(errors),
                    )
                    % {"count": len(errors)},
                    *errors,
                ]
            )
    return changed
