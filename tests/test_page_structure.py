"""Every public page is built for assistive technology: one h1, a language, labelled tables."""

import re
from html.parser import HTMLParser

import pytest

from tests.public_urls import public_pages

pytestmark = pytest.mark.django_db


SVG_NUMBER_ATTRIBUTES = {"x", "y", "width", "height", "cx", "cy", "r", "x1", "x2", "y1", "y2"}
SVG_NUMBER = re.compile(r"^-?\d+(\.\d+)?(px|%)?$")


class _Structure(HTMLParser):
    """Counts what a screen reader relies on."""

    def __init__(self):
        super().__init__()
        self.h1 = 0
        self.html_lang = None
        self.tables = 0
        self.captions = 0
        self.header_cells = 0
        self.header_cells_with_scope = 0
        self.main = 0
        self.images_without_alt = 0
        self._first_in_table = False
        self.bad_svg_numbers = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"svg", "rect", "text", "circle", "line", "g", "tspan"}:
            for name in SVG_NUMBER_ATTRIBUTES & set(attrs):
                if not SVG_NUMBER.match(attrs[name] or ""):
                    self.bad_svg_numbers.append(f"<{tag} {name}={attrs[name]!r}>")
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "main":
            self.main += 1
        elif tag == "img" and "alt" not in attrs:
            self.images_without_alt += 1
        elif tag == "table":
            self.tables += 1
            self._first_in_table = True
            return
        elif tag == "caption" and self._first_in_table:
            self.captions += 1
        elif tag == "th":
            self.header_cells += 1
            if attrs.get("scope") in {"col", "row", "colgroup", "rowgroup"}:
                self.header_cells_with_scope += 1
        self._first_in_table = False


def _structure(client, path) -> _Structure:
    response = client.get(path)
    assert response.status_code == 200, path
    parser = _Structure()
    parser.feed(response.content.decode())
    return parser


def test_every_public_page_has_exactly_one_h1_a_language_and_one_main(client, public_data):
    for path in public_pages():
        page = _structure(client, path)
        assert page.h1 == 1, path
        assert page.html_lang in {"nl", "en"}, path
        assert page.main == 1, path
        assert page.images_without_alt == 0, path
        # A number formatted for people ("52,5") breaks a chart: browsers drop the attribute.
        assert page.bad_svg_numbers == [], path


def test_every_table_has_a_caption_first_and_every_header_cell_a_scope(client, public_data):
    for path in public_pages():
        page = _structure(client, path)
        assert page.captions == page.tables, f"{path}: a table without <caption> as first child"
        assert page.header_cells == page.header_cells_with_scope, f"{path}: <th> without scope"


def test_the_pages_carry_the_chosen_language(client, public_data):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for path in public_pages()[:3]:
        assert _structure(client, path).html_lang == "en", path
