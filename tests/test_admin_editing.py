"""Editing in the admin: rows, VM numbers as text, Kamerstukken, consistency rules, actions."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import LetterLink, Measure, ParliamentaryLetter, Phase, Workstream
from tests.admin_forms import form_data
from tests.factories import (
    ParliamentaryLetterFactory,
    UserFactory,
    VMNumberFactory,
    WorkstreamFactory,
    phase,
)

CHANGELIST = reverse("admin:measures_workstream_changelist")


@pytest.fixture
def editor(client, db):
    """A logged-in policy officer (Beleidsmedewerker)."""
    user = UserFactory(username="anna", role="Beleidsmedewerker")
    client.force_login(user)
    return user


def change_url(obj):
    return reverse(f"admin:measures_{obj._meta.model_name}_change", args=[obj.pk])


# --- changelist ----------------------------------------------------------------------------


def test_the_row_list_shows_phase_icon_and_text_vm_numbers_markers_and_last_letter(
    bijlage, client, editor
):
    html = client.get(CHANGELIST).content.decode()
    assert 'class="phase-icon phase-icon--implementation"' in html
    assert "Voorbereiden implementatie" in html
    assert "VM 23 t/m 29" in html
    assert "on hold" in html
    assert "IV-afhankelijk" in html
    assert "24/10/2024" in html  # the last letter of the seed


def test_the_row_list_needs_the_same_number_of_queries_however_many_rows(db, client, editor):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CHANGELIST).status_code == 200
        return len(queries)

    for _ in range(3):
        LetterLink.objects.create(
            workstream=WorkstreamFactory(), letter=ParliamentaryLetterFactory()
        )
    few = count()
    for _ in range(12):
        row = WorkstreamFactory()
        VMNumberFactory(measure=row.measure)
        LetterLink.objects.create(workstream=row, letter=ParliamentaryLetterFactory())
    assert count() == few


@pytest.mark.parametrize("term", ["VM 25", "vm25", "25"])
def test_searching_for_a_vm_number_finds_the_rows_of_that_measure(bijlage, client, editor, term):
    response = client.get(CHANGELIST, {"q": term})
    rows = list(response.context["cl"].result_list)
    assert rows
    assert all(25 in row.measure.numbers for row in rows)


def test_searching_for_text_finds_rows_by_their_status(bijlage, client, editor):
    response = client.get(CHANGELIST, {"q": "capaciteitstekort"})
    rows = list(response.context["cl"].result_list)
    assert rows and all("capaciteitstekort" in row.status_text.lower() for row in rows)


# --- the row form --------------------------------------------------------------------------


def test_a_row_is_saved_with_the_reason_and_its_version_goes_up(bijlage, client, editor):
    row = Workstream.objects.get(pk=3)
    url = change_url(row)
    data = form_data(client.get(url), status_text="Nieuwe stand.", change_reason="Peildatum")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    row.refresh_from_db()
    assert row.status_text == "Nieuwe stand."
    assert row.version == 2
    record = row.history.first()
    assert record.history_change_reason == "Peildatum"
    assert record.history_user == editor


def test_the_saved_message_waits_through_a_cached_page_for_the_next_page_that_shows_it(
    bijlage, client, editor
):
    """The message store is made only when used: a page from the cache in between (which shows
    no messages) leaves the message for the next page that does."""
    row = Workstream.objects.get(pk=3)
    url = change_url(row)
    data = form_data(client.get(url), status_text="Nieuwe stand.", change_reason="Peildatum")
    response = client.post(url, data)
    assert response.status_code == 302
    client.get(reverse("measures:overview"))  # rendered and cached
    assert client.get(reverse("measures:overview")).status_code == 200  # from the cache
    page = client.get(response["Location"]).content.decode()
    assert "met succes gewijzigd" in page
    assert "met succes gewijzigd" not in client.get(response["Location"]).content.decode()


def test_a_row_is_not_saved_without_a_reason(bijlage, client, editor):
    row = Workstream.objects.get(pk=3)
    url = change_url(row)
    data = form_data(client.get(url), status_text="Nieuwe stand.")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "change_reason" in response.context["adminform"].form.errors
    row.refresh_from_db()
    assert row.status_text != "Nieuwe stand."


def test_rows_can_be_edited_under_their_measure(bijlage, client, editor):
    measure = Measure.objects.get(slug="verbeteren-informatie")
    url = change_url(measure)
    data = form_data(client.get(url), change_reason="Stand bijgewerkt")
    prefix = "workstreams"
    first = Workstream.objects.get(pk=int(data[f"{prefix}-0-id"]))
    data[f"{prefix}-0-status_text"] = "Via de maatregel bijgewerkt."
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    first.refresh_from_db()
    assert first.status_text == "Via de maatregel bijgewerkt."
    assert first.version == 2
    assert first.history.first().history_change_reason == "Stand bijgewerkt"


def test_the_row_form_offers_autocomplete_and_the_fieldsets_staff_think_in(bijlage, client, editor):
    response = client.get(change_url(Workstream.objects.get(pk=3)))
    html = response.content.decode()
    for legend in ["Inhoud", "Stand van zaken", "Planning en afhankelijkheden", "Tweede Kamer"]:
        assert legend in html
    assert html.count("admin-autocomplete") >= 3  # ambition, measure, letter


# --- consistency rules ---------------------------------------------------------------------


def test_an_implemented_row_cannot_be_on_hold(db):
    row = WorkstreamFactory.build(phase=phase("implemented"), on_hold=True, delay_reason="other")
    row.theme.save()
    with pytest.raises(ValidationError) as excinfo:
        row.full_clean(exclude=["theme", "ambition", "measure"])
    assert "geïmplementeerde maatregel kan niet on hold" in str(excinfo.value)


def test_a_row_on_hold_needs_a_reason_of_delay(db):
    row = WorkstreamFactory(on_hold=False)
    row.on_hold = True
    with pytest.raises(ValidationError) as excinfo:
        row.full_clean()
    assert "reden van vertraging nodig" in str(excinfo.value.message_dict["delay_reason"])
    row.delay_reason = "capacity"
    row.full_clean()


def test_a_delay_for_another_reason_is_explained_in_the_status(db):
    row = WorkstreamFactory(status_text="")
    row.delay_reason = "other"
    with pytest.raises(ValidationError) as excinfo:
        row.full_clean()
    assert "status_text" in excinfo.value.message_dict


def test_the_rules_hold_in_the_admin_too(bijlage, client, editor):
    row = Workstream.objects.get(pk=3)
    url = change_url(row)
    data = form_data(
        client.get(url),
        phase=str(phase("implemented").pk),
        on_hold="on",
        delay_reason="capacity",
        change_reason="test",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "kan niet on hold staan" in response.content.decode()


def test_a_letter_date_cannot_lie_in_the_future(db):
    letter = ParliamentaryLetter(date=datetime.date.today() + datetime.timedelta(days=2))
    with pytest.raises(ValidationError) as excinfo:
        letter.full_clean()
    assert "toekomst" in str(excinfo.value.message_dict["date"])


# --- VM numbers as text --------------------------------------------------------------------


def test_vm_numbers_are_entered_as_the_bijlage_writes_them(bijlage, client, editor):
    measure = Measure.objects.get(slug="verbeteren-informatie")
    url = change_url(measure)
    response = client.get(url)
    assert response.context["adminform"].form["vm_numbers_text"].value() == "23 t/m 29"
    data = form_data(response, vm_numbers_text="23 t/m 29, 45", change_reason="VM 45 erbij")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert measure.numbers == [23, 24, 25, 26, 27, 28, 29, 45]
    added = measure.vm_numbers.get(number=45).history.first()
    assert added.history_change_reason == "VM 45 erbij"


def test_a_vm_number_of_another_measure_is_refused_with_its_name(bijlage, client, editor):
    measure = Measure.objects.get(slug="verbeteren-informatie")
    url = change_url(measure)
    data = form_data(client.get(url), vm_numbers_text="23 t/m 29, 4", change_reason="fout")
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["vm_numbers_text"]
    assert "VM 4 hoort al bij de maatregel 'Integrale klantbehandeling'" in errors[0]
    assert measure.numbers == list(range(23, 30))


def test_vm_numbers_in_nonsense_form_are_refused(bijlage, client, editor):
    measure = Measure.objects.get(slug="verbeteren-informatie")
    url = change_url(measure)
    data = form_data(client.get(url), vm_numbers_text="drie", change_reason="fout")
    response = client.post(url, data)
    assert "23 t/m 29, 31" in str(response.context["adminform"].form.errors["vm_numbers_text"])


# --- letters ---------------------------------------------------------------------------------


def test_a_kamerstuk_reference_is_typed_as_text_and_stored_in_parts(bijlage, client, editor):
    url = reverse("admin:measures_parliamentaryletter_add")
    response = client.post(
        url,
        {
            "date": "2024-11-01",
            "title": "Voortgangsbrief",
            "reference_text": "Kamerstukken II 2024/25, 31 066, nr. 1400",
            "change_reason": "Nieuwe brief",
        },
    )
    assert response.status_code == 302
    letter = ParliamentaryLetter.objects.get(title="Voortgangsbrief")
    assert (letter.kamerstuk_year, letter.kamerstuk_dossier, letter.kamerstuk_number) == (
        "2024/25",
        31066,
        1400,
    )
    html = client.get(reverse("admin:measures_parliamentaryletter_changelist")).content.decode()
    assert 'href="https://zoek.officielebekendmakingen.nl/kst-31066-1400.html"' in html


def test_a_nonsense_reference_is_refused_with_an_example(bijlage, client, editor):
    response = client.post(
        reverse("admin:measures_parliamentaryletter_add"),
        {"date": "2024-11-01", "reference_text": "brief van dinsdag", "change_reason": "x"},
    )
    assert response.status_code == 200
    assert "Kamerstukken II 2022/23, 31066, nr. 1270" in str(
        response.context["adminform"].form.errors["reference_text"]
    )
    assert not ParliamentaryLetter.objects.filter(date="2024-11-01").exists()


# --- actions ---------------------------------------------------------------------------------


def run_action(client, action, rows, **fields):
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(r.pk) for r in rows], **fields}
    return client.post(CHANGELIST, data)


def test_informing_parliament_for_selected_rows_asks_for_the_letter_first(bijlage, client, editor):
    rows = list(Workstream.objects.filter(pk__in=[3, 4]))
    response = run_action(client, "inform_parliament", rows)
    assert response.status_code == 200
    assert "Kamerbrief" in response.content.decode()
    assert not LetterLink.objects.filter(workstream__in=rows, letter__date="2024-11-15").exists()


def test_informing_parliament_with_a_new_letter_links_it_to_every_selected_row(
    bijlage, client, editor
):
    rows = list(Workstream.objects.filter(pk__in=[3, 4]))
    response = run_action(
        client,
        "inform_parliament",
        rows,
        apply="1",
        date="2024-11-15",
        reference="Kamerstukken II 2024/25, 31066, nr. 1401",
        change_reason="Voortgangsbrief verstuurd",
    )
    assert response.status_code == 302
    letter = ParliamentaryLetter.objects.get(date="2024-11-15")
    assert letter.kamerstuk_number == 1401
    links = LetterLink.objects.filter(letter=letter)
    assert {link.workstream_id for link in links} == {3, 4}
    for link in links:
        record = link.history.first()
        assert record.history_change_reason == "Voortgangsbrief verstuurd"
        assert record.history_user == editor


def test_informing_parliament_with_a_future_letter_is_refused(bijlage, client, editor):
    rows = list(Workstream.objects.filter(pk__in=[3]))
    future = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    response = run_action(
        client, "inform_parliament", rows, apply="1", date=future, change_reason="x"
    )
    assert response.status_code == 200
    assert "toekomst" in response.content.decode()
    assert not ParliamentaryLetter.objects.filter(date=future).exists()


def test_setting_the_phase_of_selected_rows_records_the_reason(bijlage, client, editor):
    rows = list(Workstream.objects.filter(pk__in=[3, 4]))
    implemented = Phase.objects.get(code="implemented")
    response = run_action(
        client, "set_phase", rows, apply="1", phase=str(implemented.pk), change_reason="Live"
    )
    assert response.status_code == 302
    for row in Workstream.objects.filter(pk__in=[3, 4]):
        assert row.phase == implemented
        assert row.history.first().history_change_reason == "Live"
        assert row.history.first().history_user == editor


def test_setting_implemented_on_a_row_on_hold_changes_no_row_at_all(bijlage, client, editor):
    on_hold = Workstream.objects.get(pk=2)
    assert on_hold.on_hold
    other = Workstream.objects.get(pk=3)
    before = other.phase_id
    implemented = Phase.objects.get(code="implemented")
    response = run_action(
        client,
        "set_phase",
        [on_hold, other],
        apply="1",
        phase=str(implemented.pk),
        change_reason="Live",
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.phase_id == before
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("geen enkele rij gewijzigd" in m for m in messages)


def test_the_row_autocomplete_pages_through_the_rows_in_table_order(bijlage, client, editor):
    """A footnote's or letter link's row is picked from a paged list: every row once, in the
    bijlage's order, however the database returns an unordered query."""
    import warnings

    from django.core.paginator import UnorderedObjectListWarning

    client.force_login(editor)
    params = {"app_label": "measures", "model_name": "footnote", "field_name": "workstream"}
    seen = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        for page in (1, 2):
            response = client.get(reverse("admin:autocomplete"), {**params, "page": page})
            assert response.status_code == 200
            seen += [int(result["id"]) for result in response.json()["results"]]
    assert seen == list(Workstream.objects.in_table_order().values_list("pk", flat=True))
