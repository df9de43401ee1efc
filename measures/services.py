"""Writes that must be consistent: saving a row without lost updates, VM numbers, admin actions.

The admin, the import and the admin actions all call these functions; each runs in one
transaction and records a reason in the history (``history_change_reason``).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import owners
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
    """The row was saved by someone else after this form was loaded; nothing was written."""

    def __init__(self, workstream_pk, expected_version):
        self.workstream_pk = workstream_pk
        self.expected_version = expected_version
        self.changes = changes_since(workstream_pk, expected_version)
        self.editors = editors_since(workstream_pk, expected_version)
        super().__init__(self.message)

    @property
    def lines(self) -> list[str]:
        """The explanation as separate lines: who, then each changed field, then what to do."""
        who = ", ".join(self.editors) or _("iemand anders")
        lines = [
            _(
                "Deze rij is gewijzigd door %(who)s nadat u het formulier opende. "
                "Uw wijzigingen zijn niet opgeslagen; er is niets overschreven."
            )
            % {"who": who}
        ]
        lines.extend(
            _("%(field)s: “%(old)s” → “%(new)s”")
            % {"field": change.label, "old": change.old, "new": change.new}
            for change in self.changes
        )
        lines.append(_("Open de rij opnieuw en breng uw wijzigingen nog eens aan."))
        return lines

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


def _history_range(workstream_pk, version):
    history = Workstream.history.filter(id=workstream_pk).order_by("history_date", "history_id")
    base = history.filter(version=version).last()
    return history, base


def changes_since(workstream_pk, version) -> list[FieldChange]:
    """What changed in a row since it had this version, from its history, field by field."""
    history, base = _history_range(workstream_pk, version)
    latest = history.last()
    if base is None or latest is None or base.pk == latest.pk:
        return []
    delta = latest.diff_against(base, foreign_keys_are_objs=True)
    changes = []
    for change in delta.changes:
        if change.field in _BOOKKEEPING_FIELDS:
            continue
        field = Workstream._meta.get_field(change.field)
        changes.append(
            FieldChange(
                label=str(field.verbose_name).capitalize(),
                old=display_value(field, change.old),
                new=display_value(field, change.new),
            )
        )
    return changes


def editors_since(workstream_pk, version) -> list[str]:
    """Who saved the row after it had this version, with the time of their last save."""
    history, base = _history_range(workstream_pk, version)
    if base is not None:
        history = history.filter(history_date__gt=base.history_date)
    editors = {}
    for record in history.select_related("history_user"):
        name = record.history_user.get_username() if record.history_user else _("onbekend")
        editors[name] = localtime(record.history_date)
    return [
        _("%(name)s (om %(time)s)")
        % {"name": name, "time": date_format(moment, "SHORT_DATETIME_FORMAT")}
        for name, moment in editors.items()
    ]


# Reasons the system itself writes into the audit trail: one record for everyone, so always in
# Dutch (not in the language of whoever happened to trigger the write).
BASELINE_REASON = "Beginstand, vóór de eerste wijziging"
DELETED_REASON = "Verwijderd in het beheer"


def ensure_history_baseline(obj):
    """Record the current state of an object that has no history yet (e.g. loaded from the seed).

    ``loaddata`` saves without history; without a baseline the first change would show no
    differences.
    """
    if obj.pk is None or not hasattr(type(obj), "history"):
        return
    manager = type(obj).history
    if manager.filter(**{type(obj)._meta.pk.attname: obj.pk}).exists():
        return
    current = type(obj)._default_manager.filter(pk=obj.pk).first()
    if current is not None:
        current._history_user = None  # nobody made this state here: it was loaded
        manager.bulk_history_create(
            [current],
            update=True,
            # Dutch whoever is logged in, like every other reason in the trail.
            default_change_reason=BASELINE_REASON,
        )


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


def save_workstream(workstream, *, expected_version, reason, user=None):
    """Save a row only if nobody saved it since `expected_version`; raise ConcurrentEditError.

    The conditional UPDATE takes the row lock, so of two concurrent saves of the same version
    exactly one succeeds, also across processes. A user outside the owning team (and not a
    coordinator) is refused (PermissionDenied).
    """
    if workstream.pk and user is not None:
        stored = Workstream.objects.get(pk=workstream.pk)
        check_may_change_rows(user, [stored])
        if stored.owner_id != workstream.owner_id and not owners.is_coordinator(user):
            raise PermissionDenied(_("Alleen de coördinator kan een rij aan een ander team geven."))
    with transaction.atomic():
        if workstream.pk is None:
            workstream.version = 1
        else:
            ensure_history_baseline(workstream)
            bumped = Workstream.objects.filter(pk=workstream.pk, version=expected_version).update(
                version=F("version") + 1
            )
            if not bumped:
                raise ConcurrentEditError(workstream.pk, expected_version)
            workstream.version = expected_version + 1
        workstream._change_reason = reason
        if user is not None:
            workstream._history_user = user
        workstream.save()
    return workstream


def conflicting_vm_numbers(measure, numbers) -> list[VMNumber]:
    """VM numbers among `numbers` that already belong to another measure."""
    taken = VMNumber.objects.filter(number__in=numbers).select_related("measure")
    if measure.pk:
        taken = taken.exclude(measure=measure)
    return list(taken.order_by("number"))


def replace_vm_numbers(measure: Measure, numbers, *, reason, user=None):
    """Make `numbers` exactly the VM numbers of `measure`, in one transaction, with history."""
    wanted = set(numbers)
    with transaction.atomic():
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
                ensure_history_baseline(vm)
                vm._change_reason = reason
                if user is not None:
                    vm._history_user = user
                vm.delete()
        for number in sorted(wanted - current.keys()):
            vm = VMNumber(number=number, measure=measure)
            vm._change_reason = reason
            if user is not None:
                vm._history_user = user
            vm.save()


def register_parliament_informed(workstreams, letter: ParliamentaryLetter, *, reason, user=None):
    """Link the letter to every row (rows already linked stay as they are); returns the count."""
    added = 0
    check_may_change_rows(user, workstreams)
    with transaction.atomic():
        if letter.pk is None:
            letter.full_clean()
            letter._change_reason = reason
            letter.save()
        linked = set(
            LetterLink.objects.filter(letter=letter, workstream__in=workstreams).values_list(
                "workstream_id", flat=True
            )
        )
        for workstream in workstreams:
            if workstream.pk in linked:
                continue
            link = LetterLink(workstream=workstream, letter=letter)
            link._change_reason = reason
            if user is not None:
                link._history_user = user
            link.save()
            added += 1
    return added


def set_phase(workstreams, phase: Phase, *, reason, user=None):
    """Give every row this phase, all or nothing; the consistency rules hold for each row."""
    with transaction.atomic():
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
            ensure_history_baseline(row)
            row.phase = phase
            try:
                row.full_clean()
            except ValidationError as exc:
                errors.extend(f"{row}: {message}" for message in exc.messages)
                continue
            row.version += 1  # the row is locked (select_for_update) until we commit
            row._change_reason = reason
            if user is not None:
                row._history_user = user
            row.save()
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
