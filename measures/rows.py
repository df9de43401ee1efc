"""The bijlage as data: rows of the overview in the open-data form of the JSON export.

Every rendering (page, HTML, PDF, CSV, XLSX, JSON) and every frozen report starts from these
dicts, so they cannot disagree. The field names of ``CONTRACT_FIELDS`` are a public contract
(DESIGN.md); the other keys are display helpers that may grow.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
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
            {"number": f.number, "text": f.text, "location": f.location, "anchor": f.anchor}
            for f in footnotes
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


# Columns of a workstream that a row needs, read as plain values by iter_rows().
_VALUE_FIELDS = (
    "pk",
    "theme__name",
    "theme__slug",
    "ambition_id",
    "ambition__name",
    "ambition__strategy_page",
    "measure_id",
    "measure__name",
    "measure__slug",
    "explanation",
    "status_text",
    "phase__code",
    "on_hold",
    "it_dependency_id",
    "it_dependency__name",
    "delay_reason",
    "target_date",
)


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def iter_rows(
    workstreams, *, chunk_size: int = 500, start: int = 1, stream: bool = True
) -> Iterator[dict]:
    """The same dicts as ``build_rows()``, built from plain values, chunk by chunk.

    For long exports: takes any (filtered, ordered) ``Workstream`` queryset, reads a few
    queries per chunk instead of creating model instances (most of the time for 10,000 rows),
    and holds only one chunk in memory. A test keeps it equal to ``build_rows()``.
    ``stream=False`` reads a short list (a page) at once: on PostgreSQL streaming means a
    server-side cursor, which costs more than it saves for a hundred rows.
    """
    from .models import Footnote, LetterLink, MeasureDependency, ParliamentaryLetter, VMNumber

    letters = {letter.pk: letter for letter in ParliamentaryLetter.objects.all()}
    letter_values = {
        pk: {"date": letter.date.isoformat(), "reference": letter.reference, "url": letter.url}
        for pk, letter in letters.items()
    }
    values = workstreams.values_list(*_VALUE_FIELDS)
    values = values.iterator(chunk_size=chunk_size) if stream else list(values)
    position = start
    for chunk in _chunks(values, chunk_size):
        row_ids = [item[0] for item in chunk]
        measure_ids = {item[6] for item in chunk}

        dependencies = defaultdict(list)
        for measure_id, depends_on_id, name, note in (
            MeasureDependency.objects.filter(measure_id__in=measure_ids)
            .order_by("pk")
            .values_list("measure_id", "depends_on_id", "depends_on__name", "note")
        ):
            dependencies[measure_id].append((depends_on_id, name, note))
        wanted = measure_ids | {dep[0] for deps in dependencies.values() for dep in deps}
        numbers = defaultdict(list)
        for measure_id, number in (
            VMNumber.objects.filter(measure_id__in=wanted)
            .order_by("number")
            .values_list("measure_id", "number")
        ):
            numbers[measure_id].append(number)
        links = defaultdict(list)
        for row_id, letter_id in (
            LetterLink.objects.filter(workstream_id__in=row_ids)
            .order_by("letter__date", "letter_id")
            .values_list("workstream_id", "letter_id")
        ):
            links[row_id].append(letter_id)
        notes = defaultdict(list)
        for row_id, number, text, location, anchor in (
            Footnote.objects.filter(workstream_id__in=row_ids)
            .order_by("number")
            .values_list("workstream_id", "number", "text", "location", "anchor")
        ):
            notes[row_id].append(
                {"number": number, "text": text, "location": location, "anchor": anchor}
            )

        for (
            pk,
            theme,
            theme_slug,
            ambition_id,
            ambition,
            strategy_page,
            measure_id,
            measure,
            measure_slug,
            explanation,
            status_text,
            phase,
            on_hold,
            it_dependency_id,
            it_dependency_name,
            delay_reason,
            target_date,
        ) in chunk:
            vm_numbers = numbers[measure_id]
            row_letters = [letter_values[letter_id] for letter_id in links[pk]]
            footnote_marks = notes[pk]
            yield {
                "position": position,
                "theme": theme,
                "ambition": ambition if ambition_id else None,
                "strategy_page": strategy_page if ambition_id else None,
                "measure": measure,
                "vm_numbers": list(vm_numbers),
                "explanation": explanation,
                "status_text": status_text,
                "phase": phase,
                "on_hold": on_hold,
                "it_dependency": it_dependency_id is not None,
                "delay_reason": delay_reason or None,
                "target_date": target_date.isoformat() if target_date else None,
                "parliament_informed": sorted({letter["date"] for letter in row_letters}),
                "footnotes": [mark["text"] for mark in footnote_marks],
                "id": pk,
                "theme_slug": theme_slug,
                "measure_slug": measure_slug,
                "vm_label": format_vm_numbers(vm_numbers),
                "it_dependency_name": it_dependency_name if it_dependency_id else None,
                "letters": [dict(letter) for letter in row_letters],
                "footnote_marks": [dict(mark) for mark in footnote_marks],
                "depends_on": [
                    {
                        "measure": name,
                        "vm_label": format_vm_numbers(numbers[depends_on_id]),
                        "note": note,
                    }
                    for depends_on_id, name, note in dependencies[measure_id]
                ],
            }
            position += 1


def contract_row(row: dict) -> dict:
    """Only the contract fields of a row, in contract order."""
    return {field: row[field] for field in CONTRACT_FIELDS}


def group_by_theme(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """Consecutive rows of the same theme, for the theme rows of the table."""
    return [(theme, list(items)) for theme, items in groupby(rows, key=lambda r: r["theme"])]


def ambition_spans(rows: list[dict]) -> list[dict]:
    """The merged ambition cells of the original, for every visual format (page and documents).

    A row that continues the ambition (and page) of the row above gets ``continues_ambition``
    and ``ambition_rows`` 0; the first row of such a run gets ``ambition_rows`` = the length of
    the run (its cells span the run), any other row 1. Data formats keep every row complete.
    """
    previous = None
    first = None
    for row in rows:
        key = (row["theme"], row["ambition"], row["strategy_page"])
        row["continues_ambition"] = row["ambition"] is not None and key == previous
        if row["continues_ambition"]:
            row["ambition_rows"] = 0
            first["ambition_rows"] += 1
        else:
            row["ambition_rows"] = 1
            first = row
        previous = key
    return rows


def collect_footnotes(rows: list[dict]) -> list[dict]:
    """The footnotes of the shown rows, by number, each once."""
    seen = {}
    for row in rows:
        for mark in row.get("footnote_marks", []):
            seen.setdefault(mark["number"], mark)
    return [seen[number] for number in sorted(seen)]
