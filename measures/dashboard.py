"""The figures of the dashboard, and the geometry of its server-side SVG bar chart.

Every figure links to the overview filtered on what it counts, with the overview's stable
parameters (``/?theme=verrekening&phase=policy``, ``/?overdue=yes``).
"""

from functools import partial
from urllib.parse import urlencode

from django.urls import reverse

from .compare import compare_rows
from .filters import overdue_condition
from .reports import last_published
from .rows import group_by_theme
from .sources import ReportSource

# Fill colours of the chart (Rijkshuisstijl palette); the table beside it carries the figures.
PHASE_FILLS = {
    "not_started": ("#cccccc", "#1a1a1a"),
    "policy": ("#ffb612", "#1a1a1a"),
    "implementation": ("#01689b", "#ffffff"),
    "implemented": ("#39870c", "#ffffff"),
}

# The chart is as wide as its column, from a phone to a desktop: bars are drawn in percent of
# that width, heights and text in pixels (text stays 12-13 px, never scaled down). Each theme is
# a line of text with its bar below it, so a phone gives the bars the whole width.
CHART_BAR_AREA = 90  # percent of the width for the longest bar; its total follows it
CHART_COUNT_MIN = 5  # percent: narrower segments carry no count (the table has every figure)
CHART_LABEL_HEIGHT = 17
CHART_BAR_HEIGHT = 22
CHART_GAP = 12
CHART_TOP = 4


def overview_link(**filters: str) -> str:
    """The overview filtered on what a figure counts (empty filters left out)."""
    query = urlencode([(name, value) for name, value in filters.items() if value])
    url = reverse("measures:overview")
    return f"{url}?{query}" if query else url


def phase_counts_per_theme(rows, phase_codes: list[str], link=overview_link) -> list[dict]:
    """Per theme (in table order): how many rows are in each phase, and the total, each with
    the link to those rows in the overview."""
    result = []
    for theme, theme_rows in group_by_theme(rows):
        counts = {code: 0 for code in phase_codes}
        for row in theme_rows:
            counts[row.phase] = counts.get(row.phase, 0) + 1
        slug = theme_rows[0].theme_slug
        result.append(
            {
                "theme": theme,
                "counts": [counts[code] for code in phase_codes],
                "cells": [(counts[code], link(theme=slug, phase=code)) for code in phase_codes],
                "total": len(theme_rows),
                "link": link(theme=slug),
            }
        )
    return result


def bar_chart(per_theme: list[dict], phases: list) -> dict:
    """Positions of every bar segment of the stacked bar chart: x and width in percent of the
    chart's width, y in pixels, one theme name above each bar."""
    largest = max((item["total"] for item in per_theme), default=0) or 1
    scale = CHART_BAR_AREA / largest
    step = CHART_LABEL_HEIGHT + CHART_BAR_HEIGHT + CHART_GAP
    bars = []
    for index, item in enumerate(per_theme):
        top = CHART_TOP + index * step
        y = top + CHART_LABEL_HEIGHT
        x = 0.0
        segments = []
        for phase, (count, link) in zip(phases, item["cells"], strict=True):
            if not count:
                continue
            width = count * scale
            fill, text_fill = PHASE_FILLS.get(phase.code, ("#888888", "#ffffff"))
            segments.append(
                {
                    "x": round(x, 2),
                    "width": round(width, 2),
                    "text_x": round(x + width / 2, 2),
                    "show_count": width >= CHART_COUNT_MIN,
                    "count": count,
                    "link": link,
                    "label": phase.short_label,
                    "fill": fill,
                    "text_fill": text_fill,
                }
            )
            x += width
        bars.append(
            {
                "theme": item["theme"],
                "total": item["total"],
                "label_y": top + CHART_LABEL_HEIGHT - 5,
                "y": y,
                "text_y": y + CHART_BAR_HEIGHT / 2 + 4,
                "total_x": round(x + 1, 2),
                "segments": segments,
            }
        )
    return {
        "bars": bars,
        "height": CHART_TOP * 2 + len(bars) * step - CHART_GAP,
        "bar_height": CHART_BAR_HEIGHT,
        "legend": [
            {"label": phase.short_label, "fill": PHASE_FILLS.get(phase.code, ("#888888",))[0]}
            for phase in phases
        ],
    }


def dashboard_context(source) -> dict:
    """Everything the dashboard shows, from a source's rows and the last two reports."""
    phases = source.legend()
    codes = [phase.code for phase in phases]
    rows = list(source.rows())
    # On a peildatum, the links lead to the overview on that date.
    link = partial(
        overview_link, peildatum=source.as_of.isoformat() if source.kind == "peildatum" else ""
    )
    per_theme = phase_counts_per_theme(rows, codes, link)
    totals = [sum(item["counts"][i] for item in per_theme) for i in range(len(codes))]

    reports = last_published(2)
    moved = None
    if len(reports) == 2:
        older, newer = (list(ReportSource(report).rows()) for report in reports)
        moved = compare_rows(older, newer).with_kind("phase")

    overdue = overdue_condition(source.as_of).test
    return {
        "phases": phases,
        "per_theme": per_theme,
        "phase_totals": [
            (count, link(phase=code)) for count, code in zip(totals, codes, strict=True)
        ],
        "overview_link": link(),
        "overdue_link": link(overdue="yes"),
        "waiting_for_it_link": link(it="yes"),
        "row_count": len(rows),
        "chart": bar_chart(per_theme, phases),
        "last_two_reports": reports,
        "moved_phase": moved,
        "overdue": [row for row in rows if overdue(row)],
        "waiting_for_it": [row for row in rows if row.it_dependency],
        "waiting_for_measure": [row for row in rows if row.depends_on],
        "phase_names": {phase.code: phase.short_label for phase in phases},
    }
