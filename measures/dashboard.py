"""The figures of the dashboard, and the geometry of its server-side SVG bar chart."""

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

CHART_LABEL_WIDTH = 300
CHART_BAR_WIDTH = 420
CHART_BAR_HEIGHT = 22
CHART_GAP = 8
CHART_TOP = 8


def phase_counts_per_theme(rows, phase_codes: list[str]) -> list[dict]:
    """Per theme (in table order): how many rows are in each phase, and the total."""
    result = []
    for theme, theme_rows in group_by_theme(rows):
        counts = {code: 0 for code in phase_codes}
        for row in theme_rows:
            counts[row.phase] = counts.get(row.phase, 0) + 1
        result.append(
            {
                "theme": theme,
                "counts": [counts[code] for code in phase_codes],
                "total": len(theme_rows),
            }
        )
    return result


def bar_chart(per_theme: list[dict], phases: list) -> dict:
    """Positions of every bar segment of the stacked bar chart (x, y, width) in SVG units."""
    largest = max((item["total"] for item in per_theme), default=0) or 1
    scale = CHART_BAR_WIDTH / largest
    bars = []
    for index, item in enumerate(per_theme):
        y = CHART_TOP + index * (CHART_BAR_HEIGHT + CHART_GAP)
        x = CHART_LABEL_WIDTH
        segments = []
        for phase, count in zip(phases, item["counts"], strict=True):
            if not count:
                continue
            width = count * scale
            fill, text_fill = PHASE_FILLS.get(phase.code, ("#888888", "#ffffff"))
            segments.append(
                {
                    "x": round(x, 1),
                    "width": round(width, 1),
                    "text_x": round(x + width / 2, 1),
                    "count": count,
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
                "y": y,
                "text_y": y + CHART_BAR_HEIGHT / 2 + 4,
                "total_x": round(x + 6, 1),
                "segments": segments,
            }
        )
    height = CHART_TOP * 2 + len(bars) * (CHART_BAR_HEIGHT + CHART_GAP)
    return {
        "bars": bars,
        "width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 40,
        "height": height,
        "bar_height": CHART_BAR_HEIGHT,
        "label_x": CHART_LABEL_WIDTH - 8,
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
    per_theme = phase_counts_per_theme(rows, codes)
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
        "phase_totals": totals,
        "row_count": len(rows),
        "chart": bar_chart(per_theme, phases),
        "last_two_reports": reports,
        "moved_phase": moved,
        "overdue": [row for row in rows if overdue(row)],
        "waiting_for_it": [row for row in rows if row.it_dependency],
        "waiting_for_measure": [row for row in rows if row.depends_on],
        "phase_names": {phase.code: phase.short_label for phase in phases},
    }
