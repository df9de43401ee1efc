"""The reporting round (uitvraag): every state change of a round and its rows, in one place.

Each function runs in one transaction, locks what it changes (``select_for_update``) and leaves
a history record with who, when and the comment (django-simple-history on ``RoundItem``). The
pages, the admin and the commands call these functions and never write the models directly.

Per row: open → updated / confirmed unchanged (owner) → accepted / sent back (coordinator);
a row sent back goes to its owner again. When every row is accepted the coordinator makes the
draft report, which a manager approves (``measures.reports.approve_report``).
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import owners
from .cache import writing
from .models import (
    PhaseCode,
    ReminderKind,
    ReminderSent,
    Report,
    Round,
    RoundItem,
    RoundItemState,
    Workstream,
)

MANAGE_ROUNDS = "measures.change_round"
OPEN_ROUNDS = "measures.add_round"

# What each step writes into the audit trail (Dutch for everyone, like every reason there).
STEP_REASONS = {
    RoundItemState.OPEN: "Uitgevraagd",
    RoundItemState.UPDATED: "Bijgewerkt door de eigenaar",
    RoundItemState.CONFIRMED: "Ongewijzigd bevestigd door de eigenaar",
    RoundItemState.ACCEPTED: "Geaccepteerd door de coördinator",
    RoundItemState.RETURNED: "Teruggestuurd door de coördinator",
}


class RoundError(ValidationError):
    """A step that cannot be taken now (wrong state, round closed, missing comment)."""


def is_round_manager(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(MANAGE_ROUNDS))


def default_scope():
    """The rows a new round asks about unless the coordinator chooses: all not implemented."""
    return Workstream.objects.exclude(phase__code=PhaseCode.IMPLEMENTED).in_table_order()


def open_round(*, title: str, deadline: datetime.date, workstreams, user) -> Round:
    """Open a round for these rows (each gets an open item), with its deadline."""
    if not (user and user.has_perm(OPEN_ROUNDS)):
        raise PermissionDenied(_("Alleen een coördinator kan een ronde openen."))
    title = (title or "").strip()
    errors = []
    if not title:
        errors.append(_("Geef de ronde een titel."))
    if deadline is None or deadline < timezone.localdate():
        errors.append(_("De deadline kan niet in het verleden liggen."))
    rows = list(workstreams)
    if not rows:
        errors.append(_("Kies minstens één rij voor de ronde."))
    if errors:
        raise RoundError(errors)
    with writing():
        round_ = Round(title=title, deadline=deadline, created_by=user)
        round_._history_user = user
        round_._change_reason = "Ronde geopend"
        round_.save()
        for row in (
            Workstream.objects.select_for_update()
            .filter(pk__in=[r.pk for r in rows])
            .order_by("pk")
        ):
            item = RoundItem(round=round_, workstream=row, base_version=row.version)
            item._history_user = user
            item._change_reason = STEP_REASONS[RoundItemState.OPEN]
            item.save()
    return round_


def _step(item: RoundItem, user, to: str, comment: str, allowed_from, check=None) -> RoundItem:
    """Move one item to state ``to`` if it is in ``allowed_from``, with the lock held."""
    with writing():
        locked = (
            RoundItem.objects.select_for_update()
            .select_related("round", "workstream")
            .get(pk=item.pk)
        )
        if not locked.round.is_open:
            raise RoundError(_("Deze ronde is afgesloten: de conceptrapportage is al gemaakt."))
        if locked.state not in allowed_from:
            raise RoundError(
                _("Deze rij staat op '%(state)s'; die stap kan nu niet.")
                % {"state": locked.get_state_display()}
            )
        if check is not None:
            check(locked)
        locked.state = to
        locked.comment = (comment or "").strip()
        locked.changed_at = timezone.now()
        locked.changed_by = user
        locked._history_user = user
        locked._change_reason = STEP_REASONS[to]
        locked.save()
    return locked


def _require_owner(user, item: RoundItem):
    if not owners.can_change_row(user, item.workstream):
        raise PermissionDenied(_("Alleen het team dat deze rij bezit kan haar bijwerken."))


def _require_manager(user):
    if not is_round_manager(user):
        raise PermissionDenied(_("Alleen de coördinator van de ronde kan rijen beoordelen."))


def mark_updated(item: RoundItem, user, comment: str = "") -> RoundItem:
    """The owner says the row has been brought up to date (it must have changed since asked)."""
    _require_owner(user, item)

    def changed_since_asked(locked):
        current = Workstream.objects.values_list("version", flat=True).get(pk=locked.workstream_id)
        if current <= locked.base_version:
            raise RoundError(
                _(
                    "De rij is niet gewijzigd sinds de uitvraag. Werk de rij eerst bij, of "
                    "bevestig dat er niets veranderd is."
                )
            )

    waiting = (RoundItemState.OPEN, RoundItemState.RETURNED)
    return _step(item, user, RoundItemState.UPDATED, comment, waiting, changed_since_asked)


def confirm_unchanged(item: RoundItem, user, comment: str = "") -> RoundItem:
    """The owner confirms nothing changed for this row."""
    _require_owner(user, item)
    waiting = (RoundItemState.OPEN, RoundItemState.RETURNED)
    return _step(item, user, RoundItemState.CONFIRMED, comment, waiting)


def accept(item: RoundItem, user, comment: str = "") -> RoundItem:
    """The coordinator accepts the owner's answer."""
    _require_manager(user)
    answered = (RoundItemState.UPDATED, RoundItemState.CONFIRMED)
    return _step(item, user, RoundItemState.ACCEPTED, comment, answered)


def send_back(item: RoundItem, user, comment: str) -> RoundItem:
    """The coordinator sends the row back to its owner, saying why (a comment is required)."""
    _require_manager(user)
    if not (comment or "").strip():
        raise RoundError(_("Zeg in een opmerking waarom de rij terug gaat naar de eigenaar."))

    def ask_again(locked):
        # The owner answers anew: "updated" then needs a change after this moment.
        locked.base_version = Workstream.objects.values_list("version", flat=True).get(
            pk=locked.workstream_id
        )

    answered = (RoundItemState.UPDATED, RoundItemState.CONFIRMED, RoundItemState.ACCEPTED)
    return _step(item, user, RoundItemState.RETURNED, comment, answered, ask_again)


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "rapportage"
    slug, n = base, 2
    while Report.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_draft_report(round_: Round, user) -> Report:
    """When every row is accepted: the draft report of this round, prepared by ``user``."""
    _require_manager(user)
    if not user.has_perm("measures.add_report"):
        raise PermissionDenied(_("U mag geen rapportages maken."))
    with writing():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if not locked.is_open:
            raise RoundError(_("Deze ronde heeft al een conceptrapportage."))
        waiting = locked.items.exclude(state=RoundItemState.ACCEPTED).count()
        if waiting:
            raise RoundError(
                _("Nog %(count)d rij(en) niet geaccepteerd; eerst moeten alle rijen akkoord zijn.")
                % {"count": waiting}
            )
        report = Report(
            title=locked.title,
            slug=_unique_slug(locked.title),
            peildatum=timezone.localdate(),
            prepared_by=user,
        )
        report._history_user = user
        report._change_reason = "Concept gemaakt uit de ronde"
        report.save()
        locked.report = report
        locked._history_user = user
        locked._change_reason = "Conceptrapportage gemaakt"
        locked.save()
    return report


# --- progress ------------------------------------------------------------------------------


@dataclass
class TeamProgress:
    """One team's rows in a round, counted per state."""

    name: str
    counts: Counter = field(default_factory=Counter)

    @property
    def waiting(self) -> int:
        return self.counts[RoundItemState.OPEN] + self.counts[RoundItemState.RETURNED]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def round_items(round_: Round):
    """The items of a round with everything the pages show, in the bijlage's order."""
    return round_.items.select_related(
        "workstream__theme",
        "workstream__ambition",
        "workstream__measure",
        "workstream__phase",
        "workstream__owner",
        "changed_by",
    ).prefetch_related("workstream__measure__vm_numbers")


def progress(round_: Round, items=None, *, today: datetime.date | None = None) -> dict:
    """Counts per state and per team, the overdue teams, and the items in working order."""
    today = today or timezone.localdate()
    items = list(round_items(round_) if items is None else items)
    per_state = Counter(item.state for item in items)
    teams: dict[str, TeamProgress] = {}
    for item in items:
        name = item.workstream.owner.name if item.workstream.owner_id else _("(geen eigenaar)")
        teams.setdefault(name, TeamProgress(name)).counts[item.state] += 1
    per_team = sorted(teams.values(), key=lambda t: t.name)
    overdue = today > round_.deadline and round_.is_open
    # The coordinator's work first (answered rows), then what still waits for owners.
    order = {
        RoundItemState.UPDATED: 0,
        RoundItemState.CONFIRMED: 0,
        RoundItemState.RETURNED: 1,
        RoundItemState.OPEN: 1,
        RoundItemState.ACCEPTED: 2,
    }
    return {
        "items": sorted(items, key=lambda item: order[item.state]),
        "states": [(state, label, per_state[state]) for state, label in RoundItemState.choices],
        "per_team": per_team,
        "overdue_teams": [t for t in per_team if overdue and t.waiting],
        "overdue": overdue,
        "total": len(items),
        "all_accepted": bool(items) and per_state[RoundItemState.ACCEPTED] == len(items),
    }


def current_items_by_row(workstream_ids) -> dict[int, RoundItem]:
    """For each row, its item in the newest round that is still open (if any)."""
    items = (
        RoundItem.objects.filter(workstream_id__in=workstream_ids, round__report__isnull=True)
        .select_related("round")
        .order_by("round__created_at", "round_id")
    )
    return {item.workstream_id: item for item in items}


# --- reminders -----------------------------------------------------------------------------


def reminder_due(round_: Round, today: datetime.date, days_before: int) -> str | None:
    """Which reminder a round is due today: on (or after) the deadline, or N days before it."""
    if not round_.is_open:
        return None
    if today >= round_.deadline:
        return ReminderKind.DEADLINE
    if today >= round_.deadline - datetime.timedelta(days=days_before):
        return ReminderKind.BEFORE
    return None


def waiting_by_recipient(round_: Round) -> dict[str, tuple[object, list[RoundItem]]]:
    """E-mail address → (person, rows still waiting for them) in this round."""
    items = (
        round_items(round_)
        .filter(state__in=[RoundItemState.OPEN, RoundItemState.RETURNED])
        .prefetch_related("workstream__contacts", "workstream__owner__user_set")
    )
    waiting: dict[str, tuple[object, list[RoundItem]]] = {}
    for item in items:
        for person in owners.recipients(item.workstream):
            waiting.setdefault(person.email.lower(), (person, []))[1].append(item)
    return waiting


def send_reminders(*, today: datetime.date | None = None, days_before: int | None = None) -> int:
    """E-mail every owner whose rows are still open, once per round and kind; returns the count.

    The reminder is recorded in the same transaction as it is sent: a failed send records
    nothing (and is tried again next run), a sent one is never sent again.
    """
    today = today or timezone.localdate()
    days_before = settings.ROUND_REMINDER_DAYS if days_before is None else days_before
    sent = 0
    for round_ in Round.objects.filter(report__isnull=True).order_by("deadline", "pk"):
        kind = reminder_due(round_, today, days_before)
        if kind is None:
            continue
        for email, (person, items) in sorted(waiting_by_recipient(round_).items()):
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(round=round_, kind=kind, email=email)
                    _reminder_message(round_, kind, person, email, items).send()
            except IntegrityError:
                continue  # already sent (by an earlier or a simultaneous run)
            sent += 1
    return sent


def _reminder_message(round_, kind, person, email, items) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "round": round_,
            "person": person,
            "items": items,
            "on_the_day": kind == ReminderKind.DEADLINE,
            "site_url": settings.SITE_URL,
        }
        if kind == ReminderKind.DEADLINE:
            subject = _("Deadline bereikt: %(title)s (%(date)s)") % {
                "title": round_.title,
                "date": date_format(round_.deadline, "SHORT_DATE_FORMAT"),
            }
        else:
            subject = _("Herinnering: %(title)s, deadline %(date)s") % {
                "title": round_.title,
                "date": date_format(round_.deadline, "SHORT_DATE_FORMAT"),
            }
        body = render_to_string("measures/rounds/reminder_email.txt", context)
    return EmailMessage(subject=subject, body=body, to=[email])
