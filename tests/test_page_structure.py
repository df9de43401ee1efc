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
        self.description = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"svg", "rect", "text", "circle", "line", "g", "tspan"}:
            for name in SVG_NUMBER_ATTRIBUTES & set(attrs):
                if not SVG_NUMBER.match(attrs[name] or ""):
                    self.bad_svg_numbers.append(f"<{tag} {name}={attrs[name]!r}>")
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "meta" and attrs.get("name") == "description":
            self.description = attrs.get("content")
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
        # What a search engine shows under the title.
        assert page.description and len(page.description) > 50, path
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


def test_the_admin_sign_in_page_has_its_title_as_h1(client):
    page = _structure(client, "/admin/login/")
    assert page.h1 == 1


def test_a_row_not_yet_informed_says_so_to_a_screen_reader(client, public_data):
    html = client.get("/").content.decode()
    hidden = '<span class="visually-hidden">Nog niet geïnformeerd</span>'
    assert f'<span aria-hidden="true">-</span>{hidden}' in html
    assert "aria-label" not in html.split("<table", 1)[1].split("</table>", 1)[0]


def test_each_theme_heads_its_own_row_group(client, public_data):
    """Three header levels: the column headers, the theme over its row group (one <tbody> per
    theme, scope="rowgroup") and the ambition over its rows (scope="row")."""
    html = client.get("/").content.decode()
    table = html.split("<table", 1)[1].split("</table>", 1)[0]
    assert table.count('<th scope="rowgroup"') == 13 == table.count("<tbody>")
    assert 'scope="colgroup"' not in table
    assert '<th scope="row" class="bijlage__ambition"' in table
