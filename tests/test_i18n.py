"""Two languages: Dutch by default, English selectable, every string translated."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

BASE_DIR = Path(settings.BASE_DIR)
PO_EN = BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
PO_NL = BASE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po"
NOT_SOURCE = (
    ".git",
    ".venv",
    "node_modules",
    "staticfiles",
    "vendor",
    "tmp",
    "bench",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "*.sqlite3",
    "*.mo",
)


def _msgids(po: polib.POFile) -> set[str]:
    return {entry.msgid for entry in po if not entry.obsolete}


def test_every_english_message_has_a_translation():
    po = polib.pofile(str(PO_EN))
    untranslated = [
        entry.msgid
        for entry in po
        if not entry.obsolete
        and (not all(entry.msgstr_plural.values()) if entry.msgid_plural else not entry.msgstr)
    ]
    fuzzy = [entry.msgid for entry in po if "fuzzy" in entry.flags]
    assert untranslated == [], "run `make translations` and translate these in locale/en"
    assert fuzzy == [], "fuzzy translations are not used: check and unmark them"


def test_the_committed_catalogues_hold_every_string_of_the_code_and_templates(tmp_path):
    """makemessages on a copy of the project finds no string that the committed .po lacks."""
    copy = tmp_path / "project"
    shutil.copytree(BASE_DIR, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "-l", "nl", "-v", "0"],
        cwd=copy,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "toeslagen_vm.settings"},
    )
    for committed in (PO_EN, PO_NL):
        fresh = copy / committed.relative_to(BASE_DIR)
        new = _msgids(polib.pofile(str(fresh))) - _msgids(polib.pofile(str(committed)))
        assert new == set(), f"{committed.relative_to(BASE_DIR)} lacks: run `make translations`"


def test_the_dutch_catalogue_may_stay_empty_because_the_source_strings_are_dutch():
    po = polib.pofile(str(PO_NL))
    assert _msgids(po) == _msgids(polib.pofile(str(PO_EN)))


@pytest.fixture
def client(manager_client):
    """The live pages in both languages: a signed-in manager's view."""
    return manager_client


@pytest.mark.django_db
def test_the_site_is_dutch_even_for_a_browser_that_prefers_english(client, bijlage):
    response = client.get(reverse("measures:overview"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert "Naar de inhoud" in html
    assert "Stand van zaken uitwerking" in html


@pytest.mark.django_db
def test_a_visitor_who_chooses_english_gets_the_page_in_english(client, bijlage):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("measures:overview")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("measures:overview")
    html = client.get(reverse("measures:overview")).content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    assert "Status of the work" in html
    assert "Improvement measure has been implemented" in html  # the legend
    assert "37 rows" in html
    # The data stays Dutch and says so, for screen readers (WCAG 3.1.2, language of parts).
    assert html.count('<td class="bijlage__explanation" lang="nl"') == 37
    # The switcher now offers Dutch, named in Dutch.
    assert 'value="nl" lang="nl">Nederlands</button>' in html


@pytest.mark.django_db
def test_the_language_switch_works_from_a_cached_page_without_a_csrf_token(bijlage):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    html = browser.get(reverse("measures:overview")).content.decode()
    assert "csrfmiddlewaretoken" not in html  # the page can be cached for everyone
    response = browser.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en">' in browser.get("/").content.decode()


@pytest.mark.django_db
def test_the_language_switch_never_redirects_to_another_site(client, bijlage):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_a_cache_in_between_keys_the_page_on_the_language_cookie_not_the_browser(bijlage):
    from django.test import Client

    browser = Client()
    dutch = browser.get(reverse("measures:overview"), HTTP_ACCEPT_LANGUAGE="en")
    assert dutch["Content-Language"] == "nl"
    vary = {name.strip() for name in dutch["Vary"].split(",")}
    assert "Cookie" in vary and "Accept-Language" not in vary
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert browser.get(reverse("measures:overview"))["Content-Language"] == "en"


@pytest.mark.django_db
def test_an_unknown_language_falls_back_to_dutch(client, bijlage):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    html = client.get(reverse("measures:overview")).content.decode()
    assert '<html lang="nl">' in html


@pytest.mark.django_db
def test_the_pdf_is_dutch_whatever_the_language_of_the_site(client, bijlage):
    """The bijlage goes to the Dutch parliament: headers, footer and metadata stay Dutch."""
    import io

    from pypdf import PdfReader

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/export/bijlage.pdf?theme=verrekening")
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert "Stand van zaken uitwerking" in text and "Pagina 1 van 1" in text
    assert "Status of the work" not in text and "Page 1" not in text
    assert reader.trailer["/Root"]["/Lang"] == "nl"


@pytest.mark.django_db
def test_the_filter_summary_names_the_phases_in_english_too(client, bijlage):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/?phase=implementation&theme=verrekening").content.decode()
    assert "Phase: Preparing implementation" in html
    assert "Voorbereiden implementatie" not in html


@pytest.mark.django_db
def test_the_dashboard_names_the_phases_in_english_too(client, public_data):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/dashboard/")
    if response.status_code == 404:
        pytest.skip("no dashboard in this build")
    html = response.content.decode()
    assert "Preparing implementation" in html
    assert "Voorbereiden implementatie" not in html
