"""The one presentation of the bijlage table, for every page and document.

From the rows a source selected and that source's legend: theme rows, merged ambition
cells, phase and delay labels, footnotes and Kamerstukken. Templates and document writers
read only what ``present()`` returns.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import DelayReason
from .rows import FootnoteMark, Letter, Row, group_by_theme

TITLE = _("Overzicht verbetermaatregelen invordering Dienst Toeslagen")


@dataclass
class TableRow:
    """A row as the table shows it: the row's fields, plus labels and its merged cells."""

    row: Row
    phase_label: str
    delay_label: str
    # 0: the ambition cell of the row above spans this row too (merged in the original);
    # n >= 1: this row's ambition cell spans n rows.
    ambition_rowspan: int = 1

    def __getattr__(self, name):
        if name == "row":  # not set yet (copying, unpickling): never recurse
            raise AttributeError(name)
        return getattr(self.row, name)

    @property
    def continues_ambition(self) -> bool:
        return self.ambition_rowspan == 0


@dataclass
class Bijlage:
    """Everything a rendering of the table needs."""

    rows: list[TableRow]
    groups: list[tuple[str | None, list[TableRow]]]
    show_theme: bool
    legend: list
    footnotes: list[FootnoteMark]
    kamerstukken: list[Letter]
    title: object = TITLE
    extra: dict = field(default_factory=dict)

    def context(self) -> dict:
        """The template context of ``measures/_bijlage_table.html`` and the documents."""
        return {
            "title": self.title,
            "rows": self.rows,
            "groups": self.groups,
            "show_theme": self.show_theme,
            "legend": self.legend,
            "footnotes": self.footnotes,
            "kamerstukken": self.kamerstukken,
            "delay_reasons": DelayReason.choices,
            **self.extra,
        }


def merge_ambitions(rows: list[TableRow]) -> None:
    """The one rule for merged cells: consecutive rows of one theme with the same ambition
    and page share one ambition cell (the first row spans the others)."""
    first = None
    for row in rows:
        key = (row.theme, row.ambition, row.strategy_page)
        if first is not None and row.ambition is not None and key == first[0]:
            first[1].ambition_rowspan += 1
            row.ambition_rowspan = 0
        else:
            first = (key, row)
            row.ambition_rowspan = 1


def present(rows, legend, *, title=TITLE, grouped: bool | None = None) -> Bijlage:
    """The table for ``rows`` (in the order shown) with the legend of their source.

    The table keeps its theme rows while each theme's rows are together (the bijlage's
    order); sorted across themes, it shows the theme in a column instead.
    """
    phase_labels = {phase.code: phase.short_label or phase.label for phase in legend}
    delay_labels = {code: str(label) for code, label in DelayReason.choices}
    shown = [
        TableRow(
            row,
            phase_label=phase_labels.get(row.phase, row.phase),
            delay_label=delay_labels.get(row.delay_reason, ""),
        )
        for row in rows
    ]
    groups = group_by_theme(shown)
    if grouped is None:
        grouped = len(groups) == len({row.theme for row in shown})
    if not grouped:
        groups = [(None, shown)]
    for _theme, members in groups:
        merge_ambitions(members)
    footnotes, letters = {}, {}
    for row in rows:
        for mark in row.footnote_marks:
            footnotes.setdefault(mark.number, mark)
        for letter in row.letters:
            if letter.reference:
                letters.setdefault((letter.date, letter.reference), letter)
    return Bijlage(
        rows=shown,
        groups=groups,
        show_theme=not grouped,
        legend=legend,
        footnotes=[footnotes[n] for n in sorted(footnotes, key=lambda n: (n is None, n or 0))],
        kamerstukken=[letters[key] for key in sorted(letters)],
        title=title,
    )
