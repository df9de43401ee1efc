"""What managers asked for on the overview: each row's target date and last change, and for
staff a link to the row's edit form; none of it in the documents for parliament."""

import re

import pytest
from django.test import Client

from measures.models import Workstream
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _client(**user):
    client = Client()
    client.force_login(UserFactory(**user))
    return client


def _row(html: str, position: int) -> str:
    start = html.index(f'id="rij-{position}"')
    return html[start : html.index("</tr>", start)]


def test_staff_see_each_rows_target_date_last_change_and_edit_link(published_seed):
    html = _client(role="Beleidsmedewerker").get("/").content.decode()
    rows = Workstream.objects.in_table_order()
    assert html.count('class="row-extras"') == rows.count() == 37
    first = _row(html, 1)
    assert (
        'Laatst gewijzigd: <time datetime="2024-10-24T14:00:00+02:00">24/10/2024 14:00</time>'
        in first
    )
    assert f'href="/admin/measures/workstream/{rows[0].pk}/change/">Bewerken' in first
    dated = [row for row in rows if row.target_date]
    assert len(dated) == 2
    assert html.count("Streefdatum: <time") == 2
    position = list(rows).index(dated[0]) + 1
    assert (
        f'Streefdatum: <time datetime="{dated[0].target_date.isoformat()}">'
        f"{dated[0].target_date:%d/%m/%Y}</time>"
    ) in _row(html, position)


def test_a_manager_sees_the_dates_and_only_a_view_link_in_the_admin(published_seed):
    html = _client(role="Manager").get("/").content.decode()
    assert html.count("Laatst gewijzigd: ") == 37
    assert "Bewerken" not in html
    assert html.count("Bekijken in het beheer") == 37
    # Signed in without access to the admin: the dates, no link into it.
    outside = _client(role="Manager", is_staff=False).get("/").content.decode()
    assert outside.count("Laatst gewijzigd: ") == 37
    assert "/admin/measures/workstream/" not in outside


def test_visitors_see_the_published_target_dates_but_nothing_of_the_live_state(
    anonymous_client, published_seed
):
    html = anonymous_client.get("/").content.decode()
    assert html.count("Streefdatum: <time") == 2
    assert "Laatst gewijzigd" not in html
    assert "/admin/measures/workstream/" not in html


def test_the_documents_for_parliament_have_none_of_it(published_seed):
    client = _client(role="Beleidsmedewerker")
    for url in ("/export/bijlage.html", "/rapportages/", "/maatregelen/verbeteren-informatie/"):
        html = client.get(url).content.decode()
        assert 'class="row-extras"' not in html, url
        assert "Laatst gewijzigd" not in html, url
        assert not re.search(r"/admin/measures/workstream/\d+/change/", html), url
