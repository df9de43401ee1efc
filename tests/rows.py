"""Rows of the live state, as every page and export builds them (for comparisons in tests)."""

from measures.sources import LiveSource


def live_rows():
    """Every row of the live database in table order."""
    return list(LiveSource().rows())


def report_rows(report):
    """A published report's rows, read back through the row type."""
    from measures.sources import ReportSource

    return list(ReportSource(report).rows())


def without_footnote_texts(rows):
    """Rows without their footnote texts: the seed report went out without texts 1, 3 and 4,
    which staff filled in afterwards (``published_seed``)."""
    import dataclasses

    return [
        dataclasses.replace(
            row,
            footnotes=(),
            footnote_marks=tuple(dataclasses.replace(m, text="") for m in row.footnote_marks),
        )
        for row in rows
    ]
