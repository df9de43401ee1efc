"""Operation: published downloads cached for good, a bounded PDF renderer, structured logs."""

import io
import json
import logging

import pytest
from django.test import Client

from measures import documents
from measures.exports import FORMATS

REPORT = "/rapportages/bijlage-oktober-2024/export/bijlage"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_published_report_s_download_is_rendered_once_and_then_served_from_the_cache(
    client, published_seed, monkeypatch, fmt
):
    first = client.get(f"{REPORT}.{fmt}")
    assert first.status_code == 200
    content = b"".join(first.streaming_content) if first.streaming else first.content

    def no_second_rendering(*args, **kwargs):
        raise AssertionError("a published report was rendered again")

    monkeypatch.setattr("measures.report_views.export_response", no_second_rendering)
    again = Client().get(f"{REPORT}.{fmt}")  # another visitor
    assert again.status_code == 200
    assert (b"".join(again.streaming_content) if again.streaming else again.content) == content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Content-Disposition"] == first["Content-Disposition"]
    if fmt == "html":
        assert again["Content-Security-Policy"] == documents.STANDALONE_CSP


def test_a_draft_s_download_is_not_cached(staff_client_for_drafts, monkeypatch):
    client, slug = staff_client_for_drafts
    assert client.get(f"/rapportages/{slug}/export/bijlage.json").status_code == 200
    calls = []
    original = __import__("measures.report_views", fromlist=["x"]).export_response
    monkeypatch.setattr(
        "measures.report_views.export_response",
        lambda *a, **k: calls.append(1) or original(*a, **k),
    )
    assert client.get(f"/rapportages/{slug}/export/bijlage.json").status_code == 200
    assert calls == [1]


@pytest.fixture
def staff_client_for_drafts(published_seed, client):
    from tests.factories import ReportFactory, UserFactory

    draft = ReportFactory(slug="concept-maart")
    client.force_login(UserFactory(username="beheer", is_staff=True, is_superuser=True))
    return client, draft.slug


def test_a_pdf_while_every_render_slot_is_taken_is_a_503_with_retry_after(
    client, published_seed, settings
):
    settings.PDF_WAIT_SECONDS = 0
    slots = documents.pdf_slots(settings.PDF_MAX_CONCURRENT)
    for _ in range(settings.PDF_MAX_CONCURRENT):
        assert slots.acquire(timeout=1)
    try:
        response = client.get("/export/bijlage.pdf?phase=implementation")
        changes = client.get("/wijzigingen.pdf")
    finally:
        for _ in range(settings.PDF_MAX_CONCURRENT):
            slots.release()
    for busy in (response, changes):
        assert busy.status_code == 503
        assert busy["Retry-After"] == str(settings.PDF_RETRY_AFTER_SECONDS)
        assert "te veel PDF-bestanden tegelijk" in busy.content.decode()
    # Freed again: the next request gets its PDF.
    response = client.get("/export/bijlage.pdf?phase=implementation")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_render_limit_is_one_pdf_at_a_time_per_process_by_default(settings):
    assert settings.PDF_MAX_CONCURRENT == 1


@pytest.fixture
def log_lines():
    """What the site logs to standard error, as parsed JSON lines."""
    handler = next(h for h in logging.getLogger("django").handlers if h.name == "stderr")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    handler.setStream(previous)


def test_a_server_error_logs_one_json_line_with_path_status_user_and_traceback(
    db, monkeypatch, log_lines
):
    from tests.factories import UserFactory

    def broken(request):
        raise RuntimeError("kapot")

    monkeypatch.setattr("measures.views.source_for_request", broken)
    client = Client(raise_request_exception=False)
    user = UserFactory(username="beheer", is_staff=True)
    client.force_login(user)
    client.cookies["secret"] = "koekje"
    response = client.get("/?password=geheim&q=x")
    assert response.status_code == 500
    errors = [line for line in log_lines() if line["level"] == "ERROR"]
    assert len(errors) == 1
    error = errors[0]
    assert error["path"] == "/" and error["method"] == "GET" and error["status"] == 500
    assert error["user_id"] == user.pk
    assert "RuntimeError: kapot" in error["traceback"]
    assert "geheim" not in json.dumps(errors) and "koekje" not in json.dumps(errors)
