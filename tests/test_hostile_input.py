"""Hostile input: any query string on any public URL, and hostile text in every field."""

import json
from urllib.parse import quote, urlencode

import pytest
from django.http import QueryDict
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import UserFactory
from tests.hostile import EMOJI, LONG_WORD, MARKUP, RTL, SCRIPT, hostile_workstream
from tests.public_urls import public_exports, public_urls

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["anonymous", "manager"])
def visitor(request, client, manager):
    """Each sweep as a visitor (the published bijlage) and as a manager (the live state)."""
    if request.param == "manager":
        client.force_login(manager)
    return client


# The filter names the overview and exports know (and will know), plus junk.
KNOWN_KEYS = [
    "phase",
    "theme",
    "vm",
    "q",
    "page",
    "per_page",
    "sort",
    "peildatum",
    "van",
    "tot",
    "format",
    "language",
    "next",
    "o",
]
NASTY_VALUES = [
    "",
    "implementation",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "\x00",
    "a\x00b",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "\u202e\u200f",
    "💶" * 50,
    "x" * 5000,
    "23 t/m 29",
    "29 t/m 23",
    "1 t/m 99999999",
    "2024-02-30",
    "0001-01-01",
    "9999-12-31",
]
keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=30))
values = st.one_of(st.sampled_from(NASTY_VALUES), st.text(max_size=80))
encoded_query = st.lists(st.tuples(keys, values), max_size=8).map(urlencode)
# Broken encodings and stray separators, as a person or a crawler might type them.
raw_query = st.text(alphabet="%&=+;?abcXYZ019-_.~ ", max_size=80).map(
    lambda s: quote(s, safe="%&=+;?-_.~")
)
repeated_keys = st.tuples(st.sampled_from(KNOWN_KEYS), st.lists(values, max_size=30)).map(
    lambda kv: urlencode([(kv[0], v) for v in kv[1]])
)
query_strings = st.one_of(encoded_query, raw_query, repeated_keys)


def _urls() -> list[str]:
    """One URL per public view (all measure pages share a view) and every export."""
    return [
        reverse("measures:overview"),
        "/maatregelen/verbeteren-informatie/",
        "/maatregelen/bestaat-niet/",
        reverse("healthz"),
        reverse("admin:login"),
        reverse("measures:measure-list"),
        reverse("login"),
        reverse("logout"),
        *public_exports(with_reports=False),
    ]


@pytest.mark.parametrize("url", _urls())
def test_no_query_string_makes_a_public_url_fail_with_a_server_error(visitor, public_data, url):
    # A PDF takes WeasyPrint ~0.5 s: fewer examples there keep the suite quick.
    _never_a_server_error(visitor, url, examples=8 if url.endswith(".pdf") else 20)


@pytest.mark.parametrize("url", ["/", "/export/bijlage.json", "/maatregelen/", "/inloggen/"])
def test_every_known_parameter_with_every_nasty_value_is_never_a_server_error(
    visitor, public_data, url
):
    # Hypothesis draws from these lists but need not pair them: it never tried
    # ?peildatum=9999-12-31, which was a 500. Every pair, deterministically.
    for key in KNOWN_KEYS:
        for value in NASTY_VALUES:
            response = visitor.get(url, {key: value})
            assert response.status_code < 500, (url, key, value)


def _every_key() -> list[str]:
    """The known keys and every filter the bijlage's query declares (measures/filters.py)."""
    from measures.filters import BijlageQuery

    return sorted(set(KNOWN_KEYS) | set(BijlageQuery.base_filters))


def _every_public_url() -> list[str]:
    """Every public route of the resolver (one measure page: they share a view), and the
    site's own pages outside the app."""
    measure_pages = [u for u in public_urls() if u.startswith("/maatregelen/") and u.count("/") > 2]
    others = [u for u in public_urls() if u not in measure_pages]
    site = [reverse(name) for name in ("healthz", "login", "logout", "admin:login")]
    return others + measure_pages[:1] + site


class _RecordingQuery(QueryDict):
    """request.GET that notes which keys a view looks up; going over all of them is "*"."""

    read = None  # set after __init__, which already looks keys up

    def _note(self, key):
        if self.read is not None:
            self.read.add(key)
        return key

    def __getitem__(self, key):
        return super().__getitem__(self._note(key))

    def get(self, key, default=None):
        return super().get(self._note(key), default)

    def getlist(self, key, default=None):
        return super().getlist(self._note(key), default)

    def __contains__(self, key):
        return super().__contains__(self._note(key))

    def __iter__(self):
        self._note("*")
        return super().__iter__()

    def lists(self):
        self._note("*")
        return super().lists()

    def urlencode(self, safe=None):
        self._note("*")
        return super().urlencode(safe)


def _keys_read(client, url, keys) -> set[str]:
    """The query keys the view of a URL reads, found by asking it once with all of them."""
    from django.core.handlers.wsgi import WSGIRequest

    seen = set()
    original = WSGIRequest.GET

    def recording(request):
        query = _RecordingQuery(request.META.get("QUERY_STRING", ""), mutable=False)
        query.read = seen
        return query

    WSGIRequest.GET = property(recording)
    try:
        client.get(url, {key: "" for key in keys})  # empty: no early refusal stops the reading
    finally:
        WSGIRequest.GET = original
    return seen


def test_every_public_url_with_every_key_and_every_nasty_value_is_never_a_server_error(
    client, public_data, monkeypatch
):
    # Deterministic: every route of the resolver × every key its view reads × every value (NUL
    # included: a 500 on PostgreSQL before RefuseNulMiddleware). Keys a view only goes over as a
    # whole (the cache key) are one key for it, "extra". Routes of one view that differ only in
    # the format (export/bijlage.csv, .xlsx, ...) share the sweep of the first and its PDF; the
    # others get every value on one key. WeasyPrint (reading our HTML, drawing the pages) is
    # stubbed; the view and the template still run for every probe (the PDF of hostile text
    # has its own test below).
    monkeypatch.setattr("measures.documents._write_pdf", lambda html: b"%PDF-1.7 stub")
    urls, keys = _every_public_url(), _every_key()
    assert "/wijzigingen/" in urls and any(u.endswith("wijzigingen.pdf") for u in urls)
    swept, done = {}, set()
    for url in urls:
        read = _keys_read(client, url, keys + ["extra"])
        swept[url] = sorted(read & set(keys) | ({"extra"} if "*" in read else set()))
        view = (resolve(url).func, tuple(swept[url]), url.endswith(".pdf"))
        for key in swept[url] if view not in done else swept[url][:1]:
            for value in NASTY_VALUES:
                response = client.get(url, {key: value})
                assert response.status_code < 500, (url, key, value)
        done.add(view)
    assert {"van", "tot"} <= set(swept["/wijzigingen/"])
    assert {"phase", "peildatum", "sort", "vm"} <= set(swept["/export/bijlage.pdf"])
    assert {"phase", "peildatum", "vm"} <= set(swept["/export/bijlage.csv"])


def _admin_list_parameters(admin_user):
    """(changelist URL, parameter names) of every model in the admin: its list filters'
    parameters, the search, the ordering and the page."""
    from django.contrib import admin
    from django.test import RequestFactory

    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        request = RequestFactory().get(url)
        request.user = admin_user
        changelist = model_admin.get_changelist_instance(request)
        names = {"q"}  # the search; ordering and paging are Django's own
        for spec in changelist.filter_specs:
            names |= set(spec.expected_parameters())
        yield url, sorted(names)


def _autocomplete_fields():
    from django.contrib import admin

    for model, model_admin in admin.site._registry.items():
        for field in model_admin.get_autocomplete_fields(None):
            yield {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field,
            }


def test_every_admin_list_filter_and_autocomplete_with_every_nasty_value_is_never_a_server_error(
    client, public_data
):
    admin_user = UserFactory(username="beheer", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    lists = list(_admin_list_parameters(admin_user))
    assert ("/admin/measures/workstream/", "delay_reason__exact") in {
        (url, name) for url, names in lists for name in names
    }
    for url, names in lists:
        for name in names:
            for value in NASTY_VALUES:
                response = client.get(url, {name: value})
                assert response.status_code < 500, (url, name, value)
    fields = list(_autocomplete_fields())
    assert fields
    for field in fields:
        for key in ("term", "page"):
            for value in NASTY_VALUES:
                response = client.get(reverse("admin:autocomplete"), {**field, key: value})
                assert response.status_code < 500, (field, key, value)


def test_a_nul_in_the_address_is_a_dutch_400_before_any_view(client, public_data):
    for url in (
        "/wijzigingen/?van=%00",
        "/wijzigingen.pdf?tot=a%00b",
        "/rapportages/%00/",
        "/rapportages/bijlage-oktober-2024/export/bijlage.pdf?x%00=1",
        "/admin/measures/workstream/?delay_reason__exact=%00",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "ongeldig teken" in response.content.decode(), url


def test_no_query_string_makes_a_report_page_or_download_fail_with_a_server_error(
    client, public_data
):
    known = set(_urls())
    # All measure pages share one view, tested above; the rest are the reports' pages.
    report_urls = [u for u in public_urls() if u not in known and not u.startswith("/maatregelen/")]
    for url in report_urls:
        _never_a_server_error(client, url, examples=5 if url.endswith(".pdf") else 10)


def _never_a_server_error(client, url, examples):
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(query=query_strings)
    def check(query):
        response = client.get(f"{url}?{query}")
        assert response.status_code < 500, (url, query)

    check()


def test_hostile_text_is_shown_escaped_and_whole_on_the_overview(manager_client, db):
    client = manager_client
    hostile_workstream()
    html = client.get(reverse("measures:overview")).content.decode()
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;window.__pwned = true;&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert 'href="javascript:' not in html
    for text in (EMOJI, LONG_WORD, "مرحبا بالعالم"):
        assert text in html


def test_hostile_text_survives_the_json_export_unchanged(manager_client, db):
    client = manager_client
    row = hostile_workstream()
    payload = json.loads(client.get(reverse("measures:export-json")).content)
    exported = payload["rows"][0]
    assert exported["explanation"] == row.explanation
    assert exported["status_text"] == row.status_text
    assert SCRIPT in exported["explanation"] and MARKUP in exported["explanation"]
    assert RTL in exported["status_text"]


def _export(client, fmt: str):
    response = client.get(f"/export/bijlage.{fmt}")
    assert response.status_code == 200
    return response


def test_hostile_text_is_escaped_in_the_standalone_html_export(manager_client, db):
    client = manager_client
    hostile_workstream()
    html = _export(client, "html").content.decode()
    assert "<script>window.__pwned" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned = true;&lt;/script&gt;" in html
    for text in (EMOJI, LONG_WORD, "مرحبا بالعالم"):
        assert text in html
    assert "overflow-wrap: break-word" in html  # the long word wraps in the file too


def test_hostile_text_is_legible_in_the_pdf_and_the_long_word_wraps_on_the_page(manager_client, db):
    client = manager_client
    import io
    import re

    from pypdf import PdfReader

    hostile_workstream()
    pdf = PdfReader(io.BytesIO(_export(client, "pdf").content))
    text = "".join(page.extract_text() for page in pdf.pages)
    flat = re.sub(r"\s+", "", text)
    assert "<script>window.__pwned=true;</script>" in flat  # shown as text, not swallowed
    assert LONG_WORD in flat  # whole, only broken over lines
    assert "Betalingsregeling" in text
    width = float(pdf.pages[0].mediabox.width)
    assert width > float(pdf.pages[0].mediabox.height)  # landscape, nothing pushed it wider
