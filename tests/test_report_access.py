"""Published reports are exact (their letter as it was) and drafts need the view right."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from measures.models import ParliamentaryLetter, Report
from measures.reports import publish_report
from tests.factories import ReportFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_documents_of_a_published_report_keep_the_letter_as_it_was_published():
    letter = ParliamentaryLetter.objects.create(
        date=datetime.date(2025, 3, 1),
        kamerstuk_year="2024/25",
        kamerstuk_dossier=31066,
        kamerstuk_number=1400,
    )
    report = publish_report(ReportFactory(slug="maart-2025", letter=letter))
    # The letter is edited afterwards (a typo fixed in its date and number).
    ParliamentaryLetter.objects.filter(pk=letter.pk).update(
        date=datetime.date(2025, 3, 2), kamerstuk_number=9999
    )
    for fmt in ("html", "docx"):
        response = Client().get(reverse("measures:report-export", args=[report.slug, fmt]))
        assert response.status_code == 200
    html = Client().get(reverse("measures:report-export", args=[report.slug, "html"]))
    text = html.content.decode()
    assert "Kamerbrief van 1 maart 2025" in text
    assert "31066 nr. 1400" in text
    assert "2 maart 2025" not in text and "9999" not in text


@pytest.fixture
def draft():
    return ReportFactory(title="Concept voorjaar 2025", slug="concept-voorjaar")


def _draft_urls(slug):
    return [
        reverse("measures:report-detail", args=[slug]),
        reverse("measures:report-export", args=[slug, "csv"]),
        reverse("measures:report-export", args=[slug, "html"]),
        reverse("measures:report-changes", args=[slug]),
        reverse("measures:changes") + f"?van={slug}",
    ]


def test_staff_without_a_role_see_no_draft_report_nor_its_exports(draft):
    client = Client()
    client.force_login(UserFactory(username="zonder-groep"))  # is_staff, no group
    listing = client.get(reverse("measures:report-list")).content.decode()
    assert "Concept voorjaar 2025" not in listing
    for url in _draft_urls(draft.slug):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["Beleidsmedewerker", "Manager", "Functioneel beheerder"])
def test_the_roles_with_the_view_right_see_drafts_and_their_exports(draft, role):
    client = Client()
    client.force_login(UserFactory(username=f"met-{role}", role=role))
    assert "Concept voorjaar 2025" in client.get(reverse("measures:report-list")).content.decode()
    for url in _draft_urls(draft.slug):
        assert client.get(url).status_code == 200, url
    assert Report.objects.visible_to(None).count() == 0
