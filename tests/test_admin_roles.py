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
    """What the issue says each role may do (written out, not read from the database)."""
    if role == "Functioneel beheerder":
        return True
    if app == "auth":
        return False
    if action == "view":
        return True
    if role == "Manager":
        return False
    # Beleidsmedewerker
    if action in ("add", "change"):
        return model in POLICY_EDITABLE
    return model in ("workstream", "letterlink")  # delete


def pages():
    for name, model in DOMAIN.items():
        yield "measures", name, model
    for name, model in AUTH.items():
        yield "auth", name, model


@pytest.mark.parametrize("role", ["Beleidsmedewerker", "Manager", "Functioneel beheerder"])
def test_every_admin_page_is_open_exactly_to_the_roles_that_may_use_it(bijlage, client, role):
    user = UserFactory(role=role)
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
    assert all(p.codename.startswith("view_") for p in manager.permissions.all())


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
