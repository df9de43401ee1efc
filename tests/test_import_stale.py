"""Issue 9, defect 4: re-importing an old export must never undo a colleague's later save."""

import tablib

from measures import services
from measures.models import Workstream
from measures.resources import WorkstreamResource
from tests.factories import UserFactory


def test_reimporting_an_old_export_after_a_colleague_saved_a_row_is_refused(bijlage):
    exported = WorkstreamResource().export().export("xlsx")

    colleague = UserFactory(username="anna", role="Beleidsmedewerker")
    row = Workstream.objects.get(pk=9)
    row.status_text = "Nieuwe stand van Anna."
    services.save_object(row, expected_version=row.version, reason="Anna", user=colleague)

    dataset = tablib.Dataset().load(exported, format="xlsx")
    result = WorkstreamResource().import_data(dataset, dry_run=False)

    assert result.has_errors() or result.has_validation_errors()
    row.refresh_from_db()
    assert row.status_text == "Nieuwe stand van Anna."
    assert row.version == 2
