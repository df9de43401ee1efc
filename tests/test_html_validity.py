"""The Nu Html Checker (vnu) finds no error and no warning in the HTML the site serves.

Every public page (from the URL resolver) in Dutch and English, the HTML downloads and the
admin's main pages are written to one folder and checked by ONE run of vnu: starting Java is
the slow part, the pages themselves take well under a second each.

vnu.jar comes from the npm registry (``vnu-jar`` in package.json) and Java from Debian
(``default-jre-headless``, installed by ``make test-system-packages`` when missing).
No message is filtered away: every error and warning vnu reports fails the test.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from measures.models import Report, Workstream
from tests.public_urls import public_exports, public_pages

pytestmark = pytest.mark.django_db

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _vnu_messages(folder: Path) -> list[dict]:
    """vnu's messages for every .html file in the folder, from one run of Java."""
    java = shutil.which("java")
    if not java:
        pytest.fail("java is missing: run `make test-system-packages` (default-jre-headless)")
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: run `make install` (npm ci)")
    # --exit-zero-always: the messages decide, read from the JSON report on stderr.
    result = subprocess.run(  # noqa: S603 -- fixed arguments, our own files
        [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(result.stderr)["messages"]


def _problems(messages: list[dict]) -> list[str]:
    """Errors (also a file vnu could not read) and warnings, one readable line each."""
    lines = []
    for message in messages:
        is_warning = message["type"] == "info" and message.get("subType") == "warning"
        if message["type"] in {"error", "non-document-error"} or is_warning:
            name = Path(message.get("url", "")).name
            extract = " ".join(message.get("extract", "").split())[:100]
            lines.append(f"{name}:{message.get('lastLine', '?')}: {message['message']} [{extract}]")
    return lines


def _save(folder: Path, name: str, response) -> None:
    assert response.status_code == 200, name
    assert response["Content-Type"].startswith("text/html"), name
    content = response.content
    if response.get("Content-Encoding") == "gzip":  # pragma: no cover -- the client asks none
        raise AssertionError(f"{name}: compressed without Accept-Encoding")
    (folder / name).write_bytes(content)


def _file_name(language: str, path: str) -> str:
    slug = path.strip("/").replace("/", "__").replace(".", "_") or "index"
    return f"{language}--{slug}.html"


def _html_downloads() -> list[str]:
    return [url for url in public_exports() if url.endswith(".html")]


def test_every_page_and_html_download_passes_the_nu_html_checker(public_data, tmp_path):
    pages = public_pages()
    downloads = _html_downloads()
    assert "/" in pages and "/dashboard/" in pages and downloads
    for language in ("nl", "en"):
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for path in pages + downloads:
            _save(tmp_path, _file_name(language, path), client.get(path))

    client = Client()
    _save(tmp_path, "admin--login.html", client.get(reverse("admin:login")))
    admin = get_user_model().objects.create_superuser("vnu", "vnu@example.org", "Geheim-123-vnu")
    client.force_login(admin)
    row = Workstream.objects.order_by("pk").first()
    report = Report.objects.order_by("pk").first()
    for name, url in (
        ("index", reverse("admin:index")),
        ("row-list", reverse("admin:measures_workstream_changelist")),
        ("row-change", reverse("admin:measures_workstream_change", args=[row.pk])),
        ("report-list", reverse("admin:measures_report_changelist")),
        ("report-change", reverse("admin:measures_report_change", args=[report.pk])),
    ):
        _save(tmp_path, f"admin--{name}.html", client.get(url))

    checked = len(list(tmp_path.glob("*.html")))
    assert checked == 2 * (len(pages) + len(downloads)) + 6
    problems = _problems(_vnu_messages(tmp_path))
    assert problems == [], f"{len(problems)} in {checked} files:\n" + "\n".join(problems)


def test_the_checker_reports_what_it_finds(tmp_path):
    """The test above would see a fault: vnu is really run and its report really read."""
    (tmp_path / "fault.html").write_text(
        '<!DOCTYPE html><html lang="nl"><head><title>t</title></head>'
        '<body><span aria-label="Nog niet geïnformeerd">-</span></body></html>',
        encoding="utf-8",
    )
    problems = _problems(_vnu_messages(tmp_path))
    assert len(problems) == 1
    assert "aria-label" in problems[0]
