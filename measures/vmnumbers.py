"""Parse and render VM numbers the way the bijlage writes them ("VM 23 t/m 29, 31")."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Runs of this many consecutive numbers or more are written as "a t/m b".
RANGE_MIN_LENGTH = 4

_TOKEN = re.compile(r"^(\d{1,3})(?:\s*(?:t/m|tm|-|–)\s*(\d{1,3}))?$", re.IGNORECASE)


def format_vm_numbers(numbers, prefix: str = "VM ") -> str:
    """Render numbers as the seed does: [23..29] -> "VM 23 t/m 29", [1, 15] -> "VM 1, 15"."""
    values = sorted(set(numbers))
    if not values:
        return ""
    parts = []
    start = prev = values[0]
    for value in values[1:] + [None]:
        if value is not None and value == prev + 1:
            prev = value
            continue
        run = list(range(start, prev + 1))
        if len(run) >= RANGE_MIN_LENGTH:
            parts.append(f"{start} t/m {prev}")
        else:
            parts.extend(str(n) for n in run)
        if value is not None:
            start = prev = value
    return prefix + ", ".join(parts)


def parse_vm_numbers(text: str) -> list[int]:
    """Parse "VM 23 t/m 29, 31" or "8, VM 9" into a sorted list of ints; raise ValidationError."""
    text = (text or "").strip()
    if not text:
        return []
    numbers: set[int] = set()
    for raw in re.split(r"[,;]|\ben\b", text):
        token = re.sub(r"(?i)\bvm\.?", "", raw).strip()
        if not token:
            continue
        match = _TOKEN.match(token)
        if not match:
            raise ValidationError(
                _("'%(token)s' is geen VM-nummer. Schrijf bijvoorbeeld: 23 t/m 29, 31."),
                code="invalid",
                params={"token": raw.strip()},
            )
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first or last - first > 200 or first < 1:
            raise ValidationError(
                _("Het bereik '%(token)s' klopt niet. Schrijf bijvoorbeeld: 23 t/m 29."),
                code="invalid_range",
                params={"token": raw.strip()},
            )
        numbers.update(range(first, last + 1))
    return sorted(numbers)
