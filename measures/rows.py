"""The one row type of the bijlage, and the one function that builds it.

Every page, document, export, comparison and frozen report works on ``Row`` objects. Sources
(``measures.sources``: the live database, the state on a peildatum, a published report) read
their own storage and hand plain values to ``make_row()``; ``Row.to_json()`` is the open-data
form (the JSON export and what a report stores) and ``Row.from_json()`` reads it back.
"""

import datetime
from dataclasses import asdict, dataclass, replace
from itertools import groupby

from .vmnumbers import format_vm_numbers

# The public contract of the JSON export, in this order (README, "Open data").
CONTRACT_FIELDS = (
    "position",
    "theme",
    "ambition",
    "strategy_page",
    "measure",
    "vm_numbers",
    "explanation",
    "status_text",
    "phase",
    "on_hold",
    "it_dependency",
    "delay_reason",
    "target_date",
    "parliament_informed",
    "footnotes",
)

# The bijlage's own order, as model fields of ``Workstream``: by theme, then the row's place
# in its theme. The live source sorts by it in SQL; the peildatum source by the same values
# read from history (``table_order_key``).
TABLE_ORDER = ("theme__order", "theme_id", "order", "pk")


def table_order_key(values: dict) -> tuple:
    """The sort key of ``TABLE_ORDER`` for a row's values keyed by those field names."""
    return tuple(values[name] for name in TABLE_ORDER)


@dataclass(frozen=True, slots=True)
class Letter:
    """A letter in which parliament was informed about a row: ISO date, citation and link."""

    date: str
    reference: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class FootnoteMark:
    """A footnote marker on a row: its number, text and the column it stands in."""

    number: int | None
    text: str
    location: str = "parliament_informed"


@dataclass(frozen=True, slots=True)
class Dependency:
    """Another measure this row's measure waits for."""

    measure: str
    vm_label: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the bijlage: the contract fields, then what the table shows beside them."""

    position: int
    theme: str
    ambition: str | None
    strategy_page: int | None
    measure: str
    vm_numbers: tuple[int, ...]
    explanation: str
    status_text: str
    phase: str
    on_hold: bool
    it_dependency: bool
    delay_reason: str | None
    target_date: str | None
    parliament_informed: tuple[str, ...]
    footnotes: tuple[str, ...]
    # Beyond the contract (the JSON carries them too; old snapshots may lack them).
    id: int | None = None
    theme_slug: str = ""
    measure_slug: str = ""
    it_dependency_name: str | None = None
    letters: tuple[Letter, ...] = ()
    footnote_marks: tuple[FootnoteMark, ...] = ()
    depends_on: tuple[Dependency, ...] = ()

    @property
    def vm_label(self) -> str:
        """The VM numbers as the bijlage writes them ("VM 23 t/m 29")."""
        return format_vm_numbers(self.vm_numbers)

    @property
    def first_vm(self) -> int | None:
        return self.vm_numbers[0] if self.vm_numbers else None

    @property
    def last_informed(self) -> str | None:
        return self.parliament_informed[-1] if self.parliament_informed else None

    def at(self, position: int) -> "Row":
        """The same row at another place in a table."""
        return self if position == self.position else replace(self, position=position)

    def to_json(self) -> dict:
        """The open-data form: the contract fields first, then the display details."""
        data = asdict(self)
        for name in ("vm_numbers", "parliament_informed", "footnotes"):
            data[name] = list(data[name])
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Row":
        """A row from its open-data form (a report's snapshot, the JSON export)."""
        return make_row(
            position=data["position"],
            theme=data["theme"],
            theme_slug=data.get("theme_slug") or "",
            ambition=data.get("ambition"),
            strategy_page=data.get("strategy_page"),
            measure=data["measure"],
            measure_slug=data.get("measure_slug") or "",
            vm_numbers=data.get("vm_numbers") or (),
            explanation=data.get("explanation") or "",
            status_text=data.get("status_text") or "",
            phase=data["phase"],
            on_hold=bool(data.get("on_hold")),
            it_dependency=bool(data.get("it_dependency")),
            it_dependency_name=data.get("it_dependency_name"),
            delay_reason=data.get("delay_reason"),
            target_date=data.get("target_date"),
            letters=data.get("letters")
            or [{"date": date} for date in data.get("parliament_informed") or ()],
            footnote_marks=data.get("footnote_marks")
            or [{"number": None, "text": text} for text in data.get("footnotes") or ()],
            depends_on=data.get("depends_on") or (),
            id=data.get("id"),
        )


def _iso(value) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def make_row(
    *,
    position: int,
    theme: str,
    theme_slug: str,
    ambition: str | None,
    strategy_page: int | None,
    measure: str,
    measure_slug: str,
    vm_numbers,
    explanation: str,
    status_text: str,
    phase: str,
    on_hold: bool,
    it_dependency: bool,
    it_dependency_name: str | None,
    delay_reason: str | None,
    target_date,
    letters,
    footnote_marks,
    depends_on,
    id: int | None,
) -> Row:
    """The one function that builds a ``Row``, from plain values of any source.

    ``letters``, ``footnote_marks`` and ``depends_on`` are dicts (or the small value objects);
    letters are put in date order, footnotes by number and VM numbers ascending here, so no
    source can order them differently.
    """
    letter_objects = sorted(
        (
            item
            if isinstance(item, Letter)
            else Letter(
                date=_iso(item["date"]),
                reference=item.get("reference") or "",
                url=item.get("url") or "",
            )
            for item in letters
        ),
        key=lambda letter: letter.date,
    )
    marks = sorted(
        (
            item
            if isinstance(item, FootnoteMark)
            else FootnoteMark(
                number=item.get("number"),
                text=item.get("text") or "",
                location=item.get("location") or "parliament_informed",
            )
            for item in footnote_marks
        ),
        key=lambda mark: (mark.number is None, mark.number or 0),
    )
    dependencies = tuple(
        item
        if isinstance(item, Dependency)
        else Dependency(
            measure=item["measure"],
            vm_label=item.get("vm_label") or "",
            note=item.get("note") or "",
        )
        for item in depends_on
    )
    return Row(
        position=position,
        theme=theme,
        ambition=ambition or None,
        strategy_page=strategy_page if ambition else None,
        measure=measure,
        vm_numbers=tuple(sorted(vm_numbers)),
        explanation=explanation or "",
        status_text=status_text or "",
        phase=phase,
        on_hold=bool(on_hold),
        it_dependency=bool(it_dependency),
        delay_reason=delay_reason or None,
        target_date=_iso(target_date),
        parliament_informed=tuple(sorted({letter.date for letter in letter_objects})),
        footnotes=tuple(mark.text for mark in marks),
        id=id,
        theme_slug=theme_slug or "",
        measure_slug=measure_slug or "",
        it_dependency_name=it_dependency_name if it_dependency else None,
        letters=tuple(letter_objects),
        footnote_marks=tuple(marks),
        depends_on=dependencies,
    )


def dependencies_of(dependencies, numbers) -> list[dict]:
    """A measure's dependencies in their one order (by name, then id), with VM labels.

    ``dependencies`` are (depends_on_id, name, note) tuples; ``numbers`` maps measure ids to
    their VM numbers.
    """
    return [
        {"measure": name, "vm_label": format_vm_numbers(numbers.get(dep_id, ())), "note": note}
        for dep_id, name, note in sorted(dependencies, key=lambda dep: (dep[1], dep[0]))
    ]


def group_by_theme(rows) -> list[tuple[str, list[Row]]]:
    """Consecutive rows of the same theme, for the theme rows of the table."""
    return [(theme, list(items)) for theme, items in groupby(rows, key=lambda r: r.theme)]
