"""English: the same dates as the Dutch screen (09/02/2024), never month first."""

from toeslagen_vm.formats.nl.formats import (  # noqa: F401 -- Django reads them from here
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
)
