"""No lost updates: of two people saving the same row, the second is refused and told why."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from measures import services
from measures.models import Workstream
from tests.admin_forms import form_data
from tests.factories import UserFactory, WorkstreamFactory

ROOT = Path(__file__).resolve().parent.parent


def logged_in(username, role="Beleidsmedewerker"):
    client = Client()
    client.force_login(UserFactory(username=username, role=role))
    return client


def test_the_second_of_two_concurrent_forms_is_refused_and_shows_what_the_first_changed(
    bijlage,
):
    row = Workstream.objects.get(pk=3)
    url = reverse("admin:measures_workstream_change", args=[row.pk])
    anna, bram = logged_in("anna"), logged_in("bram")

    # Both open the same row.
    form_anna = form_data(anna.get(url))
    form_bram = form_data(bram.get(url))
    assert form_anna["expected_version"] == form_bram["expected_version"] == "1"

    # Anna saves first.
    form_anna.update(status_text="Stand volgens Anna.", change_reason="Update Anna")
    assert anna.post(url, form_anna).status_code == 302

    # Bram saves second, from his stale form.
    form_bram.update(
        status_text="Stand volgens Bram.", target_date="2026-01-01", change_reason="Update Bram"
    )
    response = bram.post(url, form_bram)

    assert response.status_code == 200
    html = response.content.decode()
    assert "gewijzigd door anna" in html
    assert "niet opgeslagen" in html
    assert "Stand van zaken" in html and "Stand volgens Anna." in html

    row.refresh_from_db()
    assert row.status_text == "Stand volgens Anna."
    assert row.target_date is None
    assert row.version == 2
    assert not row.history.filter(history_change_reason="Update Bram").exists()


def test_reloading_after_a_refusal_gives_a_form_that_can_be_saved(bijlage):
    row = Workstream.objects.get(pk=3)
    url = reverse("admin:measures_workstream_change", args=[row.pk])
    anna, bram = logged_in("anna"), logged_in("bram")
    stale = form_data(bram.get(url))
    assert anna.post(url, form_data(anna.get(url), change_reason="Anna")).status_code == 302
    assert bram.post(url, {**stale, "change_reason": "Bram"}).status_code == 200
    fresh = form_data(bram.get(url), status_text="Bram, opnieuw.", change_reason="Bram")
    assert bram.post(url, fresh).status_code == 302
    row.refresh_from_db()
    assert (row.status_text, row.version) == ("Bram, opnieuw.", 3)


def test_the_service_refuses_a_save_from_an_old_version_and_writes_nothing(db):
    row = WorkstreamFactory(status_text="Begin")
    first = Workstream.objects.get(pk=row.pk)
    second = Workstream.objects.get(pk=row.pk)
    first.status_text = "Eerste"
    services.save_object(first, expected_version=1, reason="een")
    second.status_text = "Tweede"
    with pytest.raises(services.ConcurrentEditError) as excinfo:
        services.save_object(second, expected_version=1, reason="twee")
    assert "Stand van zaken" in excinfo.value.message
    assert "Eerste" in excinfo.value.message
    row.refresh_from_db()
    assert (row.status_text, row.version) == ("Eerste", 2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="real concurrent transactions need PostgreSQL"
)
def test_two_simultaneous_saves_of_one_version_let_exactly_one_through():
    row = WorkstreamFactory(status_text="Begin")
    barrier = threading.Barrier(2)
    outcomes = []

    def save(text):
        try:
            copy = Workstream.objects.get(pk=row.pk)
            copy.status_text = text
            barrier.wait()
            services.save_object(copy, expected_version=1, reason=text)
            outcomes.append("saved")
        except services.ConcurrentEditError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(t,)) for t in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    row.refresh_from_db()
    assert row.version == 2


def test_a_row_edited_under_its_measure_from_a_stale_page_is_refused_too(bijlage):
    from measures.models import Measure

    measure = Measure.objects.get(slug="verbeteren-informatie")
    url = reverse("admin:measures_measure_change", args=[measure.pk])
    anna, bram = logged_in("anna"), logged_in("bram")
    stale = form_data(bram.get(url), change_reason="Bram")
    row = Workstream.objects.get(pk=int(stale["workstreams-0-id"]))
    fresh = form_data(anna.get(url), change_reason="Anna")
    fresh["workstreams-0-status_text"] = "Anna was eerst."
    assert anna.post(url, fresh).status_code == 302

    stale["workstreams-0-status_text"] = "Bram overschrijft."
    response = bram.post(url, stale)
    assert response.status_code == 200
    assert "gewijzigd door anna" in response.content.decode()
    row.refresh_from_db()
    assert row.status_text == "Anna was eerst."


@pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="the SQLite lock; PostgreSQL is tested above"
)
def test_on_sqlite_two_processes_saving_one_row_at_once_give_a_conflict_not_a_lock_error(
    tmp_path,
):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def manage(*args):
        subprocess.run(
            [sys.executable, "manage.py", *args, "-v", "0"], env=env, check=True, cwd=ROOT
        )

    manage("migrate")
    manage("loaddata", "bijlage_2024")
    start_at = str(time.time() + 3)
    processes = [
        subprocess.Popen(
            [sys.executable, "tests/concurrent_save.py", "3", text, start_at],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for text in ("Anna", "Bram")
    ]
    outcomes = sorted(p.communicate(timeout=60)[0].strip() for p in processes)
    assert outcomes == ["refused", "saved"]


ADMINISTERED = {"theme", "phase", "itdependency"}


@pytest.mark.parametrize(
    ("model", "field", "anna_value", "bram_value"),
    [
        ("measure", "description", "Omschrijving van Anna.", "Omschrijving van Bram."),
        ("ambition", "name", "Ambitie volgens Anna", "Ambitie volgens Bram"),
        ("footnote", "text", "Voetnoot van Anna.", "Voetnoot van Bram."),
        ("parliamentaryletter", "title", "Brief volgens Anna", "Brief volgens Bram"),
        ("measuredependency", "note", "Noot van Anna", "Noot van Bram"),
        ("theme", "name", "Thema volgens Anna", "Thema volgens Bram"),
        ("phase", "short_label", "Fase van Anna", "Fase van Bram"),
        ("itdependency", "description", "Toelichting van Anna", "Toelichting van Bram"),
    ],
)
def test_two_people_saving_the_same_object_the_second_is_refused_with_what_changed(
    bijlage, model, field, anna_value, bram_value
):
    from django.apps import apps

    obj = apps.get_model("measures", model).objects.order_by("pk").first()
    url = reverse(f"admin:measures_{model}_change", args=[obj.pk])
    # Themes, phases and IT dependencies are the functional administrators' to keep.
    role = "Functioneel beheerder" if model in ADMINISTERED else "Beleidsmedewerker"
    anna, bram = logged_in("anna", role), logged_in("bram", role)
    form_anna, form_bram = form_data(anna.get(url)), form_data(bram.get(url))
    assert form_anna["expected_version"] == "1"

    response = anna.post(url, {**form_anna, field: anna_value, "change_reason": "Anna"})
    assert response.status_code == 302
    response = bram.post(url, {**form_bram, field: bram_value, "change_reason": "Bram"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "gewijzigd door anna" in html and "niets overschreven" in html
    assert anna_value in html
    obj.refresh_from_db()
    assert getattr(obj, field) == anna_value
    assert obj.version == 2
