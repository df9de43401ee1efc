"""Parse Kamerstuk references as people write them ("Kamerstukken II 2022/23, 31066, nr. 1270")."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EXAMPLE = "Kamerstukken II 2022/23, 31066, nr. 1270"

_REFERENCE = re.compile(
    r"""^
    (?:kamerstuk(?:ken)?\s*(?:ii|2)\b\.?\s*,?\s*)?             # "Kamerstukken II" (optional)
    (?:(?P<year1>\d{4})\s*[/-]\s*(?P<year2>\d{2}|\d{4})\s*,?\s*)?   # "2022/23" (optional)
    (?P<dossier>\d{1,3}(?:[ .]?\d{3})*)\s*,?\s*            # "31066", "31 066", "31.066"
    (?:nr\.?|nummer|no\.?|n°)\s*(?P<number>\d{1,5})         # "nr. 1270"
    \s*\.?$""",
    re.IGNORECASE | re.VERBOSE,
)
# "kst-31066-1270" or the whole URL of the publication.
_KST = re.compile(r"(?:^|/)kst-(?P<dossier>\d+)-(?P<number>\d+)(?:\.html)?$", re.IGNORECASE)


@dataclass(frozen=True)
class KamerstukReference:
    """The parts of a Kamerstuk reference: vergaderjaar (may be empty), dossier and sub-number."""

    year: str
    dossier: int
    number: int

    @property
    def url(self) -> str:
        """The official publication on zoek.officielebekendmakingen.nl."""
        return f"https://zoek.officielebekendmakingen.nl/kst-{self.dossier}-{self.number}.html"


def _invalid(text: str, reason: str = "") -> ValidationError:
    message = _("'%(value)s' is geen geldige Kamerstukverwijzing.") % {"value": text}
    if reason:
        message = f"{message} {reason}"
    return ValidationError(
        f"{message} " + _("Schrijf bijvoorbeeld: %(example)s.") % {"example": EXAMPLE},
        code="invalid",
    )


def _normalise_year(text: str, first: str, second: str) -> str:
    start = int(first)
    end = int(second) if len(second) == 4 else (start // 100) * 100 + int(second)
    if len(second) == 2 and end < start:  # "1999/00"
        end += 100
    if end != start + 1:
        raise _invalid(text, _("Een vergaderjaar loopt van het ene jaar naar het volgende."))
    return f"{start}/{end % 100:02d}"


def parse_kamerstuk_reference(text: str) -> KamerstukReference | None:
    """Parse a reference into its parts; None for empty input, ValidationError for nonsense."""
    text = " ".join((text or "").split())
    if not text:
        return None
    match = _KST.search(text)
    if match:
        return KamerstukReference("", int(match["dossier"]), int(match["number"]))
    match = _REFERENCE.match(text)
    if not match:
        raise _invalid(text)
    year = ""
    if match["year1"]:
        year = _normalise_year(text, match["year1"], match["year2"])
    dossier = int(re.sub(r"[ .]", "", match["dossier"]))
    number = int(match["number"])
    if dossier < 1 or number < 1:
        raise _invalid(text)
    return KamerstukReference(year, dossier, number)
