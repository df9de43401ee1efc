"""Each role can do exactly what it may in the admin: every page, for every role."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from measures import models
from tests.factories import UserFactory

DOMAIN = {
    "theme": models.Theme,
    "phase": models.Phase,
    "itdependency": models.ITDependency,
    "ambition": models.Ambition,
    "measure": models.Measure,
    "vmnumber": models.VMNumber,
    "parliamentaryletter": models.ParliamentaryLetter,
    "workstream": models.Workstream,
    "letterlink": models.LetterLink,
    "footnote": models.Footnote,
    "measuredependency": models.MeasureDependency,
}
AUTH = {"user": User, "group": Group}

POLICY_EDITABLE = {
    "workstream",
    "measure",
    "vmnumber",
    "ambition",
    "parliamentaryletter",
    "letterlink",
    "footnote",
    "measuredependency",
}


def allowed(role, app, model, action):
    """What the issue says each role may do (written out, not read from the database).

    An owner ("Eigenaar") is checked on a row their team owns: they change it, nothing else.
    """
    if role == "Functioneel beheerder":
        return True
    if app == "auth":
        return False
    if action == "view":
        return True
    if role == "Manager":
        return False
    if role == "Eigenaar":
        return model == "workstream" and action == "change"
    # Beleidsmedewerker
    if action in ("add", "change"):
        return model in POLICY_EDITABLE
    return model in ("workstream", "letterlink")  # delete


def pages():
    for name, model in DOMAIN.items():
        yield "measures", name, model
    for name, model in AUTH.items():
        yield "auth", name, model


@pytest.mark.parametrize(
    "role", ["Beleidsmedewerker", "Manager", "Functioneel beheerder", "Eigenaar"]
)
def test_every_admin_page_is_open_exactly_to_the_roles_that_may_use_it(bijlage, client, role):
    user = UserFactory(role=role)
    if role == "Eigenaar":
        team = Group.objects.create(name="Directie Invordering, team Betalingsregelingen")
        user.groups.add(team)
        models.Workstream.objects.filter(
            pk=models.Workstream.objects.order_by("pk").first().pk
        ).update(owner=team)
    client.force_login(user)
    failures = []
    for app, name, model in pages():
        obj = model.objects.order_by("pk").first()
        assert obj is not None, name
        may_view = allowed(role, app, name, "view")
        may_change = allowed(role, app, name, "change")
        checks = [
            ("changelist", reverse(f"admin:{app}_{name}_changelist"), may_view),
            ("add", reverse(f"admin:{app}_{name}_add"), allowed(role, app, name, "add")),
            ("change", reverse(f"admin:{app}_{name}_change", args=[obj.pk]), may_view),
            ("history", reverse(f"admin:{app}_{name}_history", args=[obj.pk]), may_view),
            (
                "delete",
                reverse(f"admin:{app}_{name}_delete", args=[obj.pk]),
                allowed(role, app, name, "delete"),
            ),
        ]
        for page, url, expected in checks:
            response = client.get(url)
            wanted = 200 if expected else 403
            if response.status_code != wanted:
                failures.append(f"{name} {page}: {response.status_code}, expected {wanted}")
                continue
            if page == "change" and expected:
                # View-only: the page opens, but offers no save and no reason field.
                has_save = 'name="_save"' in response.content.decode()
                if has_save != may_change:
                    failures.append(f"{name} change: save button {has_save}, may {may_change}")
            if page == "changelist" and expected:
                add_url = reverse(f"admin:{app}_{name}_add")
                shows_add = f'href="{add_url}"' in response.content.decode()
                if shows_add != allowed(role, app, name, "add"):
                    failures.append(f"{name} changelist: add button {shows_add}")
    assert not failures, "\n".join(failures)


def test_the_roles_exist_in_a_fresh_database(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Beleidsmedewerker",
        "Manager",
        "Functioneel beheerder",
    }
    manager = Group.objects.get(name="Manager")
    # Managers read, and approve (vaststellen) a report someone else prepared.
    assert {
        p.codename for p in manager.permissions.all() if not p.codename.startswith("view_")
    } == {"approve_report"}
    owner = Group.objects.get(name="Eigenaar")
    assert {p.codename for p in owner.permissions.all() if not p.codename.startswith("view_")} == {
        "change_workstream"
    }


def test_a_measure_that_rows_refer_to_cannot_be_deleted_even_by_the_functional_manager(
    bijlage, client
):
    client.force_login(UserFactory(role="Functioneel beheerder"))
    measure = models.Measure.objects.filter(workstreams__isnull=False).first()
    url = reverse("admin:measures_measure_delete", args=[measure.pk])
    response = client.get(url)
    assert "Kan verbetermaatregel" in response.content.decode() or response.context["protected"]
    client.post(url, {"post": "yes"})
    assert models.Measure.objects.filter(pk=measure.pk).exists()


def test_policy_staff_see_no_delete_action_for_measures(bijlage, client):
    client.force_login(UserFactory(role="Beleidsmedewerker"))
    response = client.get(reverse("admin:measures_measure_changelist"))
    assert "delete_selected" not in response.content.decode()
    response = client.get(reverse("admin:measures_workstream_changelist"))
    assert "delete_selected" in response.content.decode()


def test_managers_cannot_import_rows_but_can_export_them(bijlage, client):
    client.force_login(UserFactory(role="Manager"))
    assert client.get(reverse("admin:measures_workstream_import")).status_code == 403
    assert client.get(reverse("admin:measures_workstream_export")).status_code == 200


def test_a_letter_that_rows_refer_to_cannot_be_deleted(bijlage, client):
    from measures.models import ParliamentaryLetter

    client.force_login(UserFactory(role="Functioneel beheerder"))
    letter = ParliamentaryLetter.objects.filter(links__isnull=False).first()
    client.post(
        reverse("admin:measures_parliamentaryletter_delete", args=[letter.pk]), {"post": "yes"}
    )
    assert ParliamentaryLetter.objects.filter(pk=letter.pk).exists()


# --- owners: members of the owning team change their own rows, and only those ---------------


@pytest.fixture
def two_teams(bijlage):
    """Two teams owning a row each, an owner in the first team and a coordinator."""
    betalingen = Group.objects.create(name="Directie Invordering, team Betalingsregelingen")
    verrekenen = Group.objects.create(name="Directie Invordering, team Verrekenen")
    own, other = models.Workstream.objects.order_by("pk")[:2]
    models.Workstream.objects.filter(pk=own.pk).update(owner=betalingen)
    models.Workstream.objects.filter(pk=other.pk).update(owner=verrekenen)
    owner = UserFactory(username="eigenaar", role="Eigenaar")
    owner.groups.add(betalingen)
    return {
        "own": models.Workstream.objects.get(pk=own.pk),
        "other": models.Workstream.objects.get(pk=other.pk),
        "owner": owner,
        "coordinator": UserFactory(username="coordinator", role="Beleidsmedewerker"),
        "team": betalingen,
        "other_team": verrekenen,
    }


def _post_row(client, row, **changes):
    from tests.admin_forms import form_data

    url = reverse("admin:measures_workstream_change", args=[row.pk])
    return client.post(url, form_data(client.get(url), **changes))


def test_an_owner_changes_their_teams_row_but_another_teams_row_is_read_only(two_teams, client):
    client.force_login(two_teams["owner"])
    own, other = two_teams["own"], two_teams["other"]

    response = _post_row(client, own, status_text="Bijgewerkt door het team.", change_reason="x")
    assert response.status_code == 302
    assert models.Workstream.objects.get(pk=own.pk).status_text == "Bijgewerkt door het team."

    page = client.get(reverse("admin:measures_workstream_change", args=[other.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    before = other.status_text
    data = {"status_text": "Overgenomen!", "change_reason": "x", "expected_version": 1}
    response = client.post(reverse("admin:measures_workstream_change", args=[other.pk]), data)
    assert response.status_code == 403
    assert models.Workstream.objects.get(pk=other.pk).status_text == before


def test_an_owner_cannot_hand_their_row_to_another_team(two_teams, client):
    client.force_login(two_teams["owner"])
    own = two_teams["own"]
    page = client.get(reverse("admin:measures_workstream_change", args=[own.pk])).content.decode()
    assert 'name="owner"' not in page  # shown, not editable
    response = _post_row(client, own, owner=two_teams["other_team"].pk, change_reason="weg")
    assert response.status_code == 302
    assert models.Workstream.objects.get(pk=own.pk).owner == two_teams["team"]


def test_the_row_service_refuses_an_owner_outside_the_team_whatever_page_calls_it(two_teams):
    from django.core.exceptions import PermissionDenied

    from measures import services

    other = two_teams["other"]
    other.status_text = "Via de service"
    with pytest.raises(PermissionDenied):
        services.save_object(
            other, expected_version=other.version, reason="x", user=two_teams["owner"]
        )
    own = two_teams["own"]
    own.owner = two_teams["other_team"]
    with pytest.raises(PermissionDenied):
        services.save_object(own, expected_version=own.version, reason="x", user=two_teams["owner"])
    assert models.Workstream.objects.get(pk=other.pk).status_text != "Via de service"


def test_a_coordinator_changes_any_row_and_gives_it_an_owner(two_teams, client):
    client.force_login(two_teams["coordinator"])
    other = two_teams["other"]
    response = _post_row(
        client,
        other,
        owner=two_teams["team"].pk,
        status_text="Door de coördinator.",
        change_reason="Herverdeling",
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.owner == two_teams["team"]
    assert other.status_text == "Door de coördinator."


def test_the_owner_choices_are_teams_never_roles(two_teams, client):
    client.force_login(two_teams["coordinator"])
    page = client.get(reverse("admin:measures_workstream_change", args=[two_teams["own"].pk]))
    choices = {
        str(label) for _value, label in page.context["adminform"].form.fields["owner"].choices
    }
    assert "Directie Invordering, team Verrekenen" in choices
    assert not choices & {"Beleidsmedewerker", "Manager", "Functioneel beheerder", "Eigenaar"}


def test_an_owner_cannot_import_and_a_bulk_action_on_another_teams_row_changes_nothing(
    two_teams, client
):
    client.force_login(two_teams["owner"])
    assert client.get(reverse("admin:measures_workstream_import")).status_code == 403
    own, other = two_teams["own"], two_teams["other"]
    phase = models.Phase.objects.get(code="implemented")
    response = client.post(
        reverse("admin:measures_workstream_changelist"),
        {
            "action": "set_phase",
            "_selected_action": [own.pk, other.pk],
            "apply": "1",
            "phase": phase.pk,
            "change_reason": "Alles af",
        },
        follow=True,
    )
    assert "ander team" in response.content.decode()
    assert not models.Workstream.objects.filter(pk__in=[own.pk, other.pk], phase=phase).exists()
