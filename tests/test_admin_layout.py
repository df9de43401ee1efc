"""The admin as policy staff use it: the index by task, Dutch names, errors that lead to their
field, and a row list that keeps its width for the columns."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from measures.models import Workstream
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("beheer", "beheer@example.org", "x")
    client.force_login(user)
    return client


def test_the_admin_index_is_grouped_by_task_bijlage_first(admin_client):
    html = admin_client.get("/admin/").content.decode()
    captions = re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', html)
    assert captions == ["De bijlage bijwerken", "Referentiegegevens", "Gebruikers en beveiliging"]
    first = html.index("De bijlage bijwerken")
    assert html.index(">Rijen<", first) < html.index(">Rapportages<", first)
    assert html.index(">Rapportages<") < html.index("Referentiegegevens")


def test_django_axes_has_dutch_names(admin_client):
    html = admin_client.get("/admin/").content.decode()
    for dutch in ("Inlogpogingen", "Mislukte inlogpogingen", "Inlogregistraties"):
        assert f">{dutch}<" in html
    assert "Access attempts" not in html and "Access logs" not in html
    assert "inlogpoging" in admin_client.get("/admin/axes/accessattempt/").content.decode()


def test_saving_without_a_reason_leads_to_the_reason_field(bijlage, admin_client):
    row = Workstream.objects.get(pk=3)
    url = reverse("admin:measures_workstream_change", args=[row.pk])
    response = admin_client.post(url, form_data(admin_client.get(url), status_text="Nieuw."))
    assert response.status_code == 200
    html = response.content.decode()
    summary = html[
        html.index('class="error-summary"') : html.index(
            "</div>", html.index('class="error-summary"')
        )
    ]
    assert 'href="#id_change_reason"' in summary  # the summary links to the field
    # The page opens on the first invalid field: the browser focuses and scrolls there.
    assert html.count("autofocus") == 1
    field = re.search(r"<input[^>]*id=\"id_change_reason\"[^>]*>", html)
    assert field and "autofocus" in field.group()


def test_a_form_without_errors_has_no_summary_and_no_autofocus(bijlage, admin_client):
    row = Workstream.objects.get(pk=3)
    html = admin_client.get(reverse("admin:measures_workstream_change", args=[row.pk])).content
    assert b"error-summary" not in html and b"autofocus" not in html


def test_the_row_list_leaves_out_the_side_menu_for_its_columns(bijlage, admin_client):
    rows = admin_client.get(reverse("admin:measures_workstream_changelist")).content.decode()
    assert 'id="nav-sidebar"' not in rows
    assert 'id="changelist-filter"' in rows  # the filters stay
    assert rows.count('class="field-markers"') == 37  # the signals in one column
    index = admin_client.get("/admin/measures/workstream/3/change/").content.decode()
    assert 'id="nav-sidebar"' in index  # other pages keep it
