"""The audit trail: who changed what, when and why; differences per field; nobody edits it."""

import pytest
from django.urls import reverse

from measures.models import LetterLink, ParliamentaryLetter, Workstream
from tests.admin_forms import add_inline_form, form_data
from tests.factories import UserFactory


@pytest.fixture
def editor(client, db):
    user = UserFactory(username="bram", role="Beleidsmedewerker")
    client.force_login(user)
    return user


def row_url(row, page="change"):
    return reverse(f"admin:measures_workstream_{page}", args=[row.pk])


def test_the_history_page_of_a_row_shows_each_changed_field_old_and_new(bijlage, client, editor):
    row = Workstream.objects.get(pk=3)
    old_status = row.status_text
    data = form_data(
        client.get(row_url(row)),
        status_text="Geïmplementeerd per 1 november.",
        change_reason="Stand per november",
    )
    assert client.post(row_url(row), data).status_code == 302

    html = client.get(row_url(row, "history")).content.decode()
    assert "Stand per november" in html
    assert "bram" in html
    assert "Stand van zaken" in html
    assert old_status[:40] in html
    assert "Geïmplementeerd per 1 november." in html
    # Only the field that changed is listed as a difference, not the bookkeeping.
    record = row.history.first()
    delta = record.diff_against(record.prev_record)
    assert {c.field for c in delta.changes} == {"status_text"}


def test_a_letter_added_to_a_row_in_the_admin_is_in_the_history_with_its_user(
    bijlage, client, editor
):
    row = Workstream.objects.get(pk=3)
    letter = ParliamentaryLetter.objects.get(pk=4)
    assert not LetterLink.objects.filter(workstream=row, letter=letter).exists()
    data = form_data(client.get(row_url(row)), change_reason="Brief van oktober")
    add_inline_form(data, "letter_links", letter=str(letter.pk))
    response = client.post(row_url(row), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    link = LetterLink.objects.get(workstream=row, letter=letter)
    record = LetterLink.history.get(id=link.pk)
    assert record.history_type == "+"
    assert record.history_user == editor
    assert record.history_change_reason == "Brief van oktober"


def test_a_letter_removed_from_a_row_leaves_its_link_in_the_history(bijlage, client, editor):
    link = LetterLink.objects.select_related("workstream").first()
    row = link.workstream
    data = form_data(client.get(row_url(row)), change_reason="Verkeerde brief")
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("letter_links-") and key.endswith("-id") and value == str(link.pk)
    )
    data[f"letter_links-{index}-DELETE"] = "on"
    assert client.post(row_url(row), data).status_code == 302
    assert not LetterLink.objects.filter(pk=link.pk).exists()
    deleted = LetterLink.history.get(id=link.pk, history_type="-")
    assert deleted.history_user == editor
    assert deleted.history_change_reason == "Verkeerde brief"


def test_history_cannot_be_reverted_or_edited(bijlage, client):
    client.force_login(UserFactory(role="Functioneel beheerder"))
    row = Workstream.objects.get(pk=3)
    row._change_reason = "Oud"
    original = row.status_text
    row.status_text = "Tussenstand"
    row.save()
    old_record = row.history.last()
    url = reverse("admin:measures_workstream_simple_history", args=[row.pk, old_record.history_id])
    page = client.get(url)
    assert page.status_code == 200
    assert "Revert" not in page.content.decode()
    assert "Terugzetten" not in page.content.decode()
    assert 'name="_save"' not in page.content.decode()

    response = client.post(url, form_data(page, change_reason="terug"))
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.status_text == "Tussenstand" != original


def test_every_domain_model_keeps_history(db):
    from measures import models

    for model in [
        models.Theme,
        models.Phase,
        models.ITDependency,
        models.Ambition,
        models.Measure,
        models.VMNumber,
        models.ParliamentaryLetter,
        models.Workstream,
        models.LetterLink,
        models.Footnote,
        models.MeasureDependency,
    ]:
        assert hasattr(model, "history"), model


def test_a_mistyped_version_in_a_history_url_is_not_found_not_a_crash(bijlage, client):
    client.force_login(UserFactory(role="Functioneel beheerder"))
    url = reverse("admin:measures_workstream_simple_history", args=[3, "abc"])
    assert client.get(url).status_code == 404


def test_deleting_a_row_asks_for_a_reason_and_keeps_it_in_the_history(bijlage, client):
    client.force_login(UserFactory(role="Functioneel beheerder"))
    row = Workstream.objects.get(pk=3)

    refused = client.post(row_url(row, "delete"), {"post": "yes"})
    assert refused.status_code == 200
    assert "Reden van wijziging" in refused.content.decode()
    assert Workstream.objects.filter(pk=3).exists()

    response = client.post(row_url(row, "delete"), {"post": "yes", "change_reason": "Dubbel"})
    assert response.status_code == 302
    assert not Workstream.objects.filter(pk=3).exists()
    reasons = list(
        Workstream.history.filter(id=3)
        .order_by("history_date")
        .values_list("history_change_reason", flat=True)
    )
    assert reasons == ["Seed: bijlage oktober 2024", "Dubbel"]


def test_bulk_delete_asks_for_a_reason_and_writes_it_into_every_history_record(bijlage, client):
    editor = UserFactory(username="bea", role="Functioneel beheerder")
    client.force_login(editor)
    url = reverse("admin:measures_workstream_changelist")
    selection = {"action": "delete_selected", "_selected_action": ["3", "4", "5"]}

    page = client.post(url, selection)
    assert page.status_code == 200
    assert "Reden van wijziging" in page.content.decode()

    refused = client.post(url, {**selection, "post": "yes"})
    assert refused.status_code == 200
    assert "Dit veld is verplicht" in refused.content.decode()
    assert Workstream.objects.filter(pk__in=[3, 4, 5]).count() == 3

    done = client.post(url, {**selection, "post": "yes", "change_reason": "Samengevoegd"})
    assert done.status_code == 302
    assert not Workstream.objects.filter(pk__in=[3, 4, 5]).exists()
    deleted = Workstream.history.filter(id__in=[3, 4, 5], history_type="-")
    assert sorted(deleted.values_list("history_change_reason", flat=True)) == ["Samengevoegd"] * 3
    assert {record.history_user for record in deleted} == {editor}
