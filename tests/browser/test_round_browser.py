"""The reporting round in a browser: an owner answers for a row, a manager approves the report."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from measures import rounds
from measures.models import Report, RoundItemState, Workstream
from tests.factories import TeamFactory, UserFactory

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "een-lang-wachtwoord-voor-de-test"  # noqa: S105


def _user(username, role, team=None):
    user = UserFactory(username=username, role=role)
    user.set_password(PASSWORD)
    user.save()
    if team is not None:
        user.groups.add(team)
    return user


def _log_in(page, site, username):
    page.context.clear_cookies()
    page.goto(site + "/admin/login/?next=/mijn-rijen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_an_owner_updates_a_row_in_a_round_and_a_manager_approves_the_report(
    page, site, axe_source, console_errors
):
    team = TeamFactory(name="Directie Invordering, team Betalingsregelingen")
    row, other = Workstream.objects.in_table_order()[:2]
    Workstream.objects.filter(pk__in=[row.pk, other.pk]).update(owner=team)
    _user("anna", "Eigenaar", team)
    coordinator = _user("coordinator", "Beleidsmedewerker")
    _user("manager", "Manager")
    round_ = rounds.open_round(
        title="Voortgangsbrief voorjaar",
        deadline=timezone.localdate() + datetime.timedelta(days=7),
        workstreams=[row, other],
        user=coordinator,
    )

    # The owner finds the row under "Mijn rijen" and opens it in the round.
    _log_in(page, site, "anna")
    page.wait_for_url(site + "/mijn-rijen/")
    expect(page.locator("h1")).to_have_text("Mijn rijen")
    assert axe_violations(page, axe_source) == [], "mijn rijen"
    page.locator("table.my-rows tbody tr").first.get_by_role("link", name="Open").click()
    expect(page.locator("h1")).to_contain_text(row.measure.name)
    assert axe_violations(page, axe_source) == [], "row in the round"

    # "Rij is bijgewerkt" without a change is refused with a clear message.
    page.get_by_role("button", name="Rij is bijgewerkt").click()
    expect(page.get_by_role("alert")).to_contain_text("niet gewijzigd sinds de uitvraag")

    # She edits the row in its form, then reports it updated with a comment.
    item_url = page.url
    page.get_by_role("link", name="Rij wijzigen").click()
    page.get_by_role("textbox", name="Stand van zaken").fill("Het team heeft de regeling herzien.")
    reason = page.get_by_role("textbox", name="Reden van wijziging")
    reason.fill("Ronde voorjaar")
    with page.expect_navigation():
        reason.press("Enter")
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.goto(item_url)
    page.get_by_label("Opmerking").fill("Stand herzien na overleg")
    page.get_by_role("button", name="Rij is bijgewerkt").click()
    expect(page.locator(".flash")).to_contain_text("Opgeslagen")
    item = round_.items.get(workstream=row)
    assert item.state == RoundItemState.UPDATED and item.comment == "Stand herzien na overleg"
    rounds.confirm_unchanged(round_.items.get(workstream=other), item.changed_by)

    # The coordinator accepts both rows and makes the draft (tested through pages elsewhere).
    for each in round_.items.all():
        rounds.accept(each, coordinator)
    report = rounds.create_draft_report(round_, coordinator)

    # The manager approves it on the report's page.
    _log_in(page, site, "manager")
    page.goto(site + report.get_absolute_url())
    assert axe_violations(page, axe_source) == [], "draft report"
    page.get_by_role("button", name="Rapportage vaststellen").click()
    expect(page.locator(".flash")).to_contain_text("vastgesteld")
    expect(page.locator("dl.facts")).to_contain_text("manager")
    report.refresh_from_db()
    assert report.approved_by.username == "manager"
    assert Report.objects.get(pk=report.pk).state == "draft"
    # The progress page (the manager may read it) and the coordinator's form to open a round.
    page.goto(site + round_.get_absolute_url())
    expect(page.locator("h1")).to_have_text("Voortgangsbrief voorjaar")
    assert axe_violations(page, axe_source) == [], "round progress"
    _log_in(page, site, "coordinator")
    page.goto(site + "/rondes/nieuw/")
    assert axe_violations(page, axe_source) == [], "open a round"

    # The refused step answers 400 on purpose; the browser logs that. Nothing else.
    unexpected = [e for e in console_errors if "status of 400" not in e]
    assert len(console_errors) - len(unexpected) == 1
    assert unexpected == [], "\n".join(unexpected)
