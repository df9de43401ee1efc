"""The bijlage as data: rows of the overview in the open-data form of the JSON export.

Every rendering (page, HTML, PDF, CSV, XLSX, JSON) and every frozen report starts from these
dicts, so they cannot disagree. The field names of ``CONTRACT_FIELDS`` are a public contract
(DESIGN.md); the other keys are display helpers that may grow.
"""

from collections.abc import Iterable
from itertools import groupby

from .vmnumbers import format_vm_numbers

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


def row_dict(workstream, position: int) -> dict:
    """One row as a dict; expects a workstream from ``Workstream.objects.for_overview()``."""
    measure = workstream.measure
    numbers = sorted(vm.number for vm in measure.vm_numbers.all())
    letters = [link.letter for link in workstream.letter_links.all()]
    footnotes = list(workstream.footnotes.all())
    return {
        "position": position,
        "theme": workstream.theme.name,
        "ambition": workstream.ambition.name if workstream.ambition_id else None,
        "strategy_page": workstream.ambition.strategy_page if workstream.ambition_id else None,
        "measure": measure.name,
        "vm_numbers": numbers,
        "explanation": workstream.explanation,
        "status_text": workstream.status_text,
        "phase": workstream.phase.code,
        "on_hold": workstream.on_hold,
        "it_dependency": workstream.it_dependency_id is not None,
        "delay_reason": workstream.delay_reason or None,
        "target_date": workstream.target_date.isoformat() if workstream.target_date else None,
        "parliament_informed": sorted({letter.date.isoformat() for letter in letters}),
        "footnotes": [footnote.text for footnote in footnotes],
        # Display helpers beyond the contract.
        "id": workstream.pk,
        "theme_slug": workstream.theme.slug,
        "measure_slug": measure.slug,
        "vm_label": format_vm_numbers(numbers),
        "it_dependency_name": workstream.it_dependency.name
        if workstream.it_dependency_id
        else None,
        "letters": [
            {"date": letter.date.isoformat(), "reference": letter.reference, "url": letter.url}
            for letter in letters
        ],
        "footnote_marks": [
            {"number": f.number, "text": f.text, "location": f.location} for f in footnotes
        ],
        "depends_on": [
            {
                "measure": dep.depends_on.name,
                "vm_label": format_vm_numbers(vm.number for vm in dep.depends_on.vm_numbers.all()),
                "note": dep.note,
            }
            for dep in measure.dependencies.all()
        ],
    }


def build_rows(workstreams: Iterable) -> list[dict]:
    """Rows in the given order, numbered from 1."""
    return [row_dict(ws, position) for position, ws in enumerate(workstreams, start=1)]


def contract_row(row: dict) -> dict:
    """Only the contract fields of a row, in contract order."""
    return {field: row[field] for field in CONTRACT_FIELDS}


def group_by_theme(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """Consecutive rows of the same theme, for the theme rows of the table."""
    return [(theme, list(items)) for theme, items in groupby(rows, key=lambda r: r["theme"])]


def ambition_spans(rows: list[dict]) -> list[dict]:
    """Mark rows that continue the ambition of the row above (merged cells of the original)."""
    previous = None
    for row in rows:
        key = (row["theme"], row["ambition"], row["strategy_page"])
        row["continues_ambition"] = row["ambition"] is not None and key == previous
        previous = key
    return rows


def collect_footnotes(rows: list[dict]) -> list[dict]:
    """The footnotes of the shown rows, by number, each once."""
    seen = {}
    for row in rows:
        for mark in row.get("footnote_marks", []):
            seen.setdefault(mark["number"], mark)
    return [seen[number] for number in sorted(seen)]
