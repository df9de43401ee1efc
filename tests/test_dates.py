"""One date format on the screen, the bijlage's own (09/02/2024), in Dutch and in English."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

OTHER_FORMATS = re.compile(r"\b\d{2}-\d{2}-\d{4}\b|\b\d{4}/\d{2}/\d{2}\b")


def visible(html: str) -> str:
    """The page's text without tags and attributes (datetime="…" holds ISO dates on purpose)."""
    return re.sub(r"<[^>]+>", " ", html)


def page(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return visible(response.content.decode())


@pytest.mark.parametrize("language", ["nl", "en"])
def test_table_filters_captions_and_reports_write_dates_as_the_bijlage(
    manager_client, published_seed, language
):
    overview = page(manager_client, "/?informed_from=2024-02-01", language)
    assert "09/02/2024" in overview  # the table's "TK geïnformeerd"
    assert "01/02/2024" in overview  # the filter's description and its field
    assert "24/10/2024" in overview  # a letter in the filter's choices
    caption = page(manager_client, "/?peildatum=2024-10-24", language)
    assert "24/10/2024" in caption
    reports = page(manager_client, "/rapportages/", language)
    assert "24/10/2024" in reports
    for text in (overview, caption, reports):
        assert not OTHER_FORMATS.search(text), OTHER_FORMATS.search(text).group()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_typed_date_is_day_first_in_english_too(manager_client, bijlage, language):
    manager_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    typed = manager_client.get("/", {"informed_to": "09/02/2024"})
    iso = manager_client.get("/", {"informed_to": "2024-02-09"})
    assert typed.status_code == iso.status_code == 200
    rows = re.compile(r'id="rij-(\d+)"')
    assert rows.findall(typed.content.decode()) == rows.findall(iso.content.decode())
    assert rows.findall(typed.content.decode())  # 9 February, not 2 September
    assert 'value="09/02/2024"' in iso.content.decode()


def test_the_filter_fields_take_what_people_type(manager_client, bijlage):
    html = manager_client.get("/").content.decode()
    assert '<input type="text" name="vm"' in html  # a number field refuses "VM 25"
    assert '<input type="text" name="informed_from"' in html
    assert "(dd/mm/jjjj)" in html


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_admin_writes_dates_as_the_bijlage(client, bijlage, language):
    user = get_user_model().objects.create_superuser("beheer", "beheer@example.org", "x")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    rows = visible(client.get("/admin/measures/workstream/").content.decode())
    assert "09/02/2024" in rows
    letters = client.get("/admin/measures/parliamentaryletter/").content.decode()
    assert "24/10/2024" in visible(letters)
    assert not OTHER_FORMATS.search(visible(letters))
