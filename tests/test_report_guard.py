"""The database itself refuses to change or delete a published report (measures.guards).

Every route below goes around ``Report.save``/``delete`` and the report queryset; only the
trigger stops them. The same tests run on SQLite and on PostgreSQL (DATABASE_URL).
"""

import datetime

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import Collector

from measures.guards import report_guard_installed
from measures.models import Report, ReportState
from measures.reports import publish_report
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    """A published report (of the empty bijlage: the guard does not care about its rows)."""
    return publish_report(ReportFactory(title="Bijlage gepubliceerd"))


def _unchanged(report):
    stored = Report.objects.get(pk=report.pk)
    assert stored.title == "Bijlage gepubliceerd"
    assert stored.state == ReportState.PUBLISHED
    assert stored.published_at == report.published_at


def _refused(action):
    with pytest.raises(IntegrityError, match="published report"), transaction.atomic():
        action()


def _table():
    return connection.ops.quote_name(Report._meta.db_table)


def test_the_guard_is_in_the_database_after_migrate():
    assert report_guard_installed(connection)


def test_migrate_puts_the_guard_back_when_a_table_rebuild_dropped_it():
    # SQLite rebuilds a table for most column changes, and drops its triggers with it.
    from measures.guards import reinstall_after_migrate, remove_report_guard

    remove_report_guard(connection)
    assert not report_guard_installed(connection)
    reinstall_after_migrate(None)  # what every ``migrate`` runs at its end (post_migrate)
    assert report_guard_installed(connection)


def test_base_manager_update_is_refused(published):
    _refused(lambda: Report._base_manager.filter(pk=published.pk).update(title="Vervalst"))
    _unchanged(published)


def test_base_manager_delete_is_refused(published):
    _refused(lambda: Report._base_manager.filter(pk=published.pk).delete())
    _unchanged(published)


def test_bulk_create_with_update_conflicts_is_refused(published):
    forged = Report(
        title="Vervalst",
        slug=published.slug,
        peildatum=published.peildatum,
        state=ReportState.DRAFT,
    )
    _refused(
        lambda: Report.objects.bulk_create(
            [forged],
            update_conflicts=True,
            unique_fields=["slug"],
            update_fields=["title", "state"],
        )
    )
    _unchanged(published)


def test_raw_sql_update_and_delete_are_refused(published):
    def update():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {_table()} SET title = %s WHERE id = %s", ["X", published.pk])

    def delete():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {_table()} WHERE id = %s", [published.pk])

    _refused(update)
    _refused(delete)
    _unchanged(published)


def test_the_deletion_collector_is_refused(published):
    def collect_and_delete():
        collector = Collector(using="default")
        collector.collect([published])
        collector.delete()

    _refused(collect_and_delete)
    _unchanged(published)


def test_raw_delete_is_refused(published):
    _refused(lambda: Report._base_manager.filter(pk=published.pk)._raw_delete("default"))
    _unchanged(published)


def test_deserialize_and_save_as_loaddata_does_is_refused(published):
    forged = Report.objects.get(pk=published.pk)
    forged.title = "Vervalst"
    forged.published_at = published.published_at + datetime.timedelta(days=1)
    data = serializers.serialize("json", [forged])

    def load():
        for obj in serializers.deserialize("json", data):
            obj.save()

    _refused(load)
    _unchanged(published)


def test_publishing_a_draft_and_changing_or_deleting_drafts_still_work():
    draft = ReportFactory(title="Concept")
    Report._base_manager.filter(pk=draft.pk).update(title="Concept, bijgewerkt")
    report = publish_report(Report.objects.get(pk=draft.pk))
    assert Report.objects.get(pk=draft.pk).is_published
    assert report.title == "Concept, bijgewerkt"

    other = ReportFactory()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table()} WHERE id = %s", [other.pk])
    assert not Report.objects.filter(pk=other.pk).exists()


def test_a_published_report_can_be_inserted_as_a_restore_does(published):
    (data,) = serializers.serialize("python", [Report.objects.get(pk=published.pk)])
    data["pk"] = published.pk + 1000
    data["fields"]["slug"] = "uit-de-backup"
    for obj in serializers.deserialize("python", [data]):
        obj.save()
    restored = Report.objects.get(slug="uit-de-backup")
    assert restored.is_published and restored.published_at == published.published_at


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_database_published_reports_included_and_keeps_the_guard():
    publish_report(ReportFactory())
    call_command("flush", interactive=False, verbosity=0)
    assert not Report.objects.exists()
    assert report_guard_installed(connection)
