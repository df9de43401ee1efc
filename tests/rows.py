"""Rows of the live state, as every page and export builds them (for comparisons in tests)."""

from measures.sources import LiveSource


def live_rows():
    """Every row of the live database in table order."""
    return list(LiveSource().rows())


def report_rows(report):
    """A published report's rows, read back through the row type."""
    from measures.sources import ReportSource

    return list(ReportSource(report).rows())
