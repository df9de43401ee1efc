"""What changed between two versions of the bijlage (two reports, or a report and now).

Both sides are lists of ``measures.rows.Row`` from any source. Rows are matched by the
workstream ``id`` every row keeps; old snapshots without ids fall back to (ambition,
measure). The result lists added and removed rows and, per kept row, every kind
of change the issue names, with a word-level diff of the free texts.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from .rows import Row

# Kinds of change, in the order of the summary, with their Dutch label.
KINDS = (
    ("added", _("Nieuwe rijen")),
    ("removed", _("Vervallen rijen")),
    ("phase", _("Fase gewijzigd")),
    ("on_hold_set", _("On hold gezet")),
    ("on_hold_cleared", _("Niet meer on hold")),
    ("delay_set", _("Vertraging gemeld")),
    ("delay_cleared", _("Vertraging opgeheven")),
    ("it_dependency_set", _("IV-afhankelijkheid gemeld")),
    ("it_dependency_cleared", _("IV-afhankelijkheid opgeheven")),
    ("target_date", _("Streefdatum verschoven")),
    ("letters_added", _("Kamerbrieven toegevoegd")),
    ("explanation", _("Toelichting gewijzigd")),
    ("status_text", _("Stand van zaken gewijzigd")),
)
KIND_LABELS = dict(KINDS)

# Words with the whitespace after them; only the words are compared.
_WORDS = re.compile(r"(\S+)(\s*)")
# Below this similarity a text was rewritten, not edited: show it as one deletion and insertion.
_REWRITE_RATIO = 0.25


@dataclass
class RowChange:
    """The changes of one row that exists on both sides."""

    old: Row
    new: Row
    kinds: list[str] = field(default_factory=list)
    letters_added: list[str] = field(default_factory=list)
    explanation_diff: SafeString | None = None
    status_diff: SafeString | None = None

    @property
    def label(self) -> str:
        return row_label(self.new)

    @property
    def kind_labels(self) -> list[str]:
        return [KIND_LABELS[kind] for kind in self.kinds]

    def has(self, kind: str) -> bool:
        return kind in self.kinds


@dataclass
class Comparison:
    """Everything that changed from ``old_rows`` to ``new_rows``."""

    added: list[Row]
    removed: list[Row]
    changed: list[RowChange]
    old_count: int
    new_count: int

    @property
    def counts(self) -> dict[str, int]:
        """How often each kind of change occurs (rows, not fields)."""
        counts = {kind: 0 for kind, _label in KINDS}
        counts["added"] = len(self.added)
        counts["removed"] = len(self.removed)
        for change in self.changed:
            for kind in change.kinds:
                counts[kind] += 1
        return counts

    @property
    def summary(self) -> list[dict]:
        """The counts with their labels, in summary order (also the zeros)."""
        counts = self.counts
        return [{"kind": kind, "label": label, "count": counts[kind]} for kind, label in KINDS]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def with_kind(self, kind: str) -> list[RowChange]:
        return [change for change in self.changed if kind in change.kinds]


def row_label(row: Row) -> str:
    """A row as people name it: "ambition – measure (VM …)"."""
    ambition = row.ambition or str(_("N.v.t."))
    measure = row.measure
    vm_label = row.vm_label
    return f"{ambition} – {measure} ({vm_label})" if vm_label else f"{ambition} – {measure}"


def _span(pieces: list[tuple[str, str]]) -> tuple[str, str]:
    """Words with their spaces, escaped, and the trailing space apart (it goes outside a tag)."""
    text = "".join(word + space for word, space in pieces)
    stripped = text.rstrip()
    return escape(stripped), text[len(stripped) :]


def word_diff(old: str, new: str) -> SafeString:
    """The difference of two texts word by word, escaped, with ``<del>`` and ``<ins>``."""
    a = _WORDS.findall(old or "")
    b = _WORDS.findall(new or "")
    matcher = difflib.SequenceMatcher(
        a=[word for word, _space in a], b=[word for word, _space in b], autojunk=False
    )
    if a and b and matcher.ratio() < _REWRITE_RATIO:
        (gone, _space), (came, _space) = _span(a), _span(b)
        return mark_safe(f"<del>{gone}</del> <ins>{came}</ins>")  # noqa: S308 -- escaped
    parts = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            text, space = _span(b[b1:b2])
            parts.append(text + space)
            continue
        gone, gone_space = _span(a[a1:a2])
        came, came_space = _span(b[b1:b2])
        if op == "delete":
            parts.append(f"<del>{gone}</del>{gone_space}")
        elif op == "insert":
            parts.append(f"<ins>{came}</ins>{came_space}")
        else:
            parts.append(f"<del>{gone}</del> <ins>{came}</ins>{came_space}")
    return mark_safe("".join(parts))  # noqa: S308 -- every piece of text is escaped above


def _match(old_rows: list[Row], new_rows: list[Row]) -> tuple[list, list[Row], list[Row]]:
    """Pairs (old, new) of the same row, and the unmatched rows on each side."""
    new_by_id = {row.id: row for row in new_rows if row.id is not None}
    pairs, old_rest, matched_new = [], [], set()
    for row in old_rows:
        other = new_by_id.get(row.id) if row.id is not None else None
        if other is not None and id(other) not in matched_new:
            pairs.append((row, other))
            matched_new.add(id(other))
        else:
            old_rest.append(row)
    # Fallback for snapshots without ids: the same ambition and measure is the same row.
    new_by_name: dict[tuple, list[Row]] = {}
    for row in new_rows:
        if id(row) not in matched_new:
            new_by_name.setdefault((row.ambition, row.measure), []).append(row)
    removed = []
    for row in old_rest:
        candidates = new_by_name.get((row.ambition, row.measure))
        if candidates:
            other = candidates.pop(0)
            pairs.append((row, other))
            matched_new.add(id(other))
        else:
            removed.append(row)
    added = [row for row in new_rows if id(row) not in matched_new]
    return pairs, added, removed


def _row_change(old: Row, new: Row) -> RowChange:
    change = RowChange(old=old, new=new)
    kinds = change.kinds
    if old.phase != new.phase:
        kinds.append("phase")
    for flag, kind in (
        ("on_hold", "on_hold"),
        ("delay_reason", "delay"),
        ("it_dependency", "it_dependency"),
    ):
        was, now = bool(getattr(old, flag)), bool(getattr(new, flag))
        if now and not was:
            kinds.append(f"{kind}_set")
        elif was and not now:
            kinds.append(f"{kind}_cleared")
        elif flag == "delay_reason" and was and old.delay_reason != new.delay_reason:
            kinds.append("delay_set")  # another reason is a new delay report
    if old.target_date != new.target_date:
        kinds.append("target_date")
    change.letters_added = sorted(set(new.parliament_informed) - set(old.parliament_informed))
    if change.letters_added:
        kinds.append("letters_added")
    if old.explanation != new.explanation:
        kinds.append("explanation")
        change.explanation_diff = word_diff(old.explanation, new.explanation)
    if old.status_text != new.status_text:
        kinds.append("status_text")
        change.status_diff = word_diff(old.status_text, new.status_text)
    return change


def compare_rows(old_rows: list[Row], new_rows: list[Row]) -> Comparison:
    """Compare two lists of rows (old first); changed rows come in the new table order."""
    pairs, added, removed = _match(old_rows, new_rows)
    changes = [_row_change(old, new) for old, new in pairs]
    changes = [change for change in changes if change.kinds]
    changes.sort(key=lambda change: change.new.position)
    return Comparison(
        added=added,
        removed=removed,
        changed=changes,
        old_count=len(old_rows),
        new_count=len(new_rows),
    )
