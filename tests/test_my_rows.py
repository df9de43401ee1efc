"""'Mijn rijen': the rows of the signed-in user's teams, sortable, paged and filterable."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from measures import rounds
from measures.models import Workstream
from measures.services import save_object
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(bijlage):
    team = TeamFactory(name="Directie Invordering, team Betalingsregelingen")
    other = TeamFactory(name="Directie Invordering, team Verrekenen")
    rows = list(Workstream.objects.in_table_order())
    Workstream.objects.filter(pk__in=[r.pk for r in rows[:30]]).update(owner=team)
    Workstream.objects.filter(pk__in=[r.pk for r in rows[30:]]).update(owner=other)
    user = UserFactory(username="anna", role="Eigenaar")
    user.groups.add(team)
    return user


def _rows(response):
    return [row.record for row in response.context["table"].paginated_rows]


def test_my_rows_lists_only_my_teams_rows_with_a_link_to_each_edit_form(client, owner):
    client.force_login(owner)
    response = client.get(reverse("measures:my-rows"))
    assert response.status_code == 200
    table = response.context["table"]
    assert table.paginator.count == 30
    assert {r.owner.name for r in _rows(response)} == {
        "Directie Invordering, team Betalingsregelingen"
    }
    html = response.content.decode()
    first = _rows(response)[0]
    assert reverse("admin:measures_workstream_change", args=[first.pk]) in html
    assert "Pagina 1 van 2" in html  # 25 per page


def test_my_rows_shows_who_changed_a_row_last_and_its_state_in_the_round(client, owner):
    row = Workstream.objects.filter(owner__name__endswith="Betalingsregelingen").order_by("pk")[0]
    row.status_text = "Net bijgewerkt."
    save_object(row, expected_version=row.version, reason="Ronde", user=owner)
    coordinator = UserFactory(username="coordinator", role="Beleidsmedewerker")
    round_ = rounds.open_round(
        title="Voorjaar",
        deadline=timezone.localdate(),
        workstreams=[row],
        user=coordinator,
    )
    client.force_login(owner)
    response = client.get(reverse("measures:my-rows"), {"sort": "-updated_at"})
    top = _rows(response)[0]
    assert top.pk == row.pk
    html = response.content.decode()
    assert ", anna</td>" in html.replace("\n", "")
    item = round_.items.get()
    assert reverse("measures:round-item", args=[round_.pk, item.pk]) in html

    response = client.get(reverse("measures:my-rows"), {"round_state": "open"})
    assert [r.pk for r in _rows(response)] == [row.pk]


def test_my_rows_sorts_by_vm_number_and_filters_on_phase_and_text(client, owner):
    client.force_login(owner)
    response = client.get(reverse("measures:my-rows"), {"sort": "vm"})
    numbers = [r.first_vm for r in _rows(response) if r.first_vm is not None]
    assert numbers == sorted(numbers)
    response = client.get(reverse("measures:my-rows"), {"phase": "policy"})
    assert response.context["table"].paginator.count == (
        Workstream.objects.filter(owner__user=owner, phase__code="policy").count()
    )
    assert {r.phase.code for r in _rows(response)} == {"policy"}
    response = client.get(reverse("measures:my-rows"), {"q": "betalingsregeling"})
    assert _rows(response)
    for record in _rows(response):
        text = f"{record.ambition} {record.measure.name} {record.status_text}".lower()
        assert "betalingsregeling" in text


def test_bad_filters_on_my_rows_are_a_400_with_a_message_never_a_500(client, owner):
    client.force_login(owner)
    # (A NUL never reaches these filters: RefuseNulMiddleware answers first, a 400 too.)
    for query in ({"phase": "onbekend"}, {"round_state": "x"}, {"owner": "abc"}):
        response = client.get(reverse("measures:my-rows"), query)
        assert response.status_code == 400, query
        assert "Deze filters kloppen niet" in response.content.decode()
    assert client.get(reverse("measures:my-rows"), {"sort": "bestaat-niet"}).status_code == 200
    # A page past the end shows the last page; a page that is no number, the first.
    assert client.get(reverse("measures:my-rows"), {"page": "99"}).context["table"].page.number == 2
    assert client.get(reverse("measures:my-rows"), {"page": "x\x00"}).status_code == 400


def test_my_rows_asks_to_sign_in_and_says_so_when_i_own_nothing(client, owner):
    response = client.get(reverse("measures:my-rows"))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]
    client.force_login(UserFactory(username="zonder-team", role="Manager"))
    assert "U hoort bij geen team" in client.get(reverse("measures:my-rows")).content.decode()


def test_my_rows_needs_the_same_number_of_queries_for_few_or_many_rows(client, owner):
    client.force_login(owner)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("measures:my-rows"), {"q": "betalingsregeling"})
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("measures:my-rows"))
    assert len(few) == len(many)


def test_my_rows_pages_hold_25_rows_whatever_per_page_the_url_asks(client, owner):
    client.force_login(owner)
    for per_page in ("-1", "0", "abc", "100000"):
        response = client.get(reverse("measures:my-rows"), {"per_page": per_page})
        assert response.status_code == 200, per_page
        assert len(_rows(response)) == 25, per_page


def test_my_rows_sorted_by_target_date_shows_every_row_once_over_the_pages(client, owner):
    owned = Workstream.objects.filter(owner__user=owner)
    undated = list(owned.order_by("pk")[:10])
    Workstream.objects.filter(pk__in=[r.pk for r in undated]).update(target_date=None)
    client.force_login(owner)
    for sort in ("target_date", "-target_date"):
        seen = []
        for page in (1, 2):
            response = client.get(reverse("measures:my-rows"), {"sort": sort, "page": page})
            seen += _rows(response)
        assert sorted(r.pk for r in seen) == sorted(owned.values_list("pk", flat=True)), sort
        dates = [r.target_date for r in seen if r.target_date is not None]
        assert dates == sorted(dates, reverse=sort.startswith("-")), sort
        # Each row read in the second step still carries what the table shows.
        assert all(hasattr(r, "last_changed_by") for r in seen)
        assert any(r.first_vm for r in seen)
