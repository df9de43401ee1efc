"""Kamerstuk references are read as people write them and link to the official publication."""

import pytest
from django.core.exceptions import ValidationError

from measures.kamerstuk import KamerstukReference, parse_kamerstuk_reference
from measures.models import ParliamentaryLetter

FULL = KamerstukReference("2022/23", 31066, 1270)
BARE = KamerstukReference("", 31066, 1270)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kamerstukken II 2022/23, 31066, nr. 1270", FULL),
        ("Kamerstukken II 2022/23, 31066 nr. 1270", FULL),
        ("Kamerstukken II 2022/23, 31 066, nr. 1270", FULL),
        ("kamerstukken ii 2022-2023, 31066 nr 1270", FULL),
        ("Kamerstuk II 2022/2023, 31.066, nr. 1270.", FULL),
        ("  Kamerstukken   II 2022/23,31066,nr.1270 ", FULL),
        ("31066, nr. 1270", BARE),
        ("31 066 nr. 1270", BARE),
        ("kst-31066-1270", BARE),
        ("https://zoek.officielebekendmakingen.nl/kst-31066-1270.html", BARE),
    ],
)
def test_references_written_in_the_usual_ways_are_understood(text, expected):
    assert parse_kamerstuk_reference(text) == expected


@pytest.mark.parametrize("text", ["", "   ", None])
def test_an_empty_reference_means_the_letter_is_no_kamerstuk(text):
    assert parse_kamerstuk_reference(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "banaan",
        "31066",
        "nr. 1270",
        "Kamerstukken II 2022/23, nr. 1270",
        "Kamerstukken II 2022/24, 31066, nr. 1270",
        "31066 nr. abc",
    ],
)
def test_nonsense_is_refused_with_an_example_of_the_right_form(text):
    with pytest.raises(ValidationError) as excinfo:
        parse_kamerstuk_reference(text)
    message = excinfo.value.messages[0]
    assert "Kamerstukken II 2022/23, 31066, nr. 1270" in message
    assert text in message


def test_a_parsed_reference_links_to_the_official_publication():
    assert FULL.url == "https://zoek.officielebekendmakingen.nl/kst-31066-1270.html"
    letter = ParliamentaryLetter(
        kamerstuk_year="2022/23", kamerstuk_dossier=31066, kamerstuk_number=1270
    )
    assert letter.url == FULL.url
    assert letter.reference == "Kamerstukken II 2022/23, 31066 nr. 1270"
    assert parse_kamerstuk_reference(letter.reference) == FULL
