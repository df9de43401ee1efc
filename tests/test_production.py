"""Production hardening: env-driven settings, deploy checks, CSP and the health check."""

import re
import runpy
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse

SETTINGS_FILE = Path(settings.BASE_DIR) / "toeslagen_vm" / "settings.py"
STRONG_KEY = "x7!Qm2#pL9vR4@tZ8&kW1^nB6*cY3%hD5$jF0(sG_aE-uI+oP=lK"


def _settings_from_env(monkeypatch, **env) -> dict:
    """The settings module as it loads with this environment (the real one stays untouched)."""
    for name in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_PRODUCTION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(SETTINGS_FILE))
    return {name: value for name, value in namespace.items() if name.isupper()}


def _production(monkeypatch, **env) -> dict:
    return _settings_from_env(
        monkeypatch, DJANGO_PRODUCTION="true", DJANGO_SECRET_KEY=STRONG_KEY, **env
    )


def test_production_refuses_to_start_with_debug_on(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        _settings_from_env(
            monkeypatch,
            DJANGO_PRODUCTION="true",
            DJANGO_DEBUG="true",
            DJANGO_SECRET_KEY=STRONG_KEY,
        )


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        _settings_from_env(monkeypatch, DJANGO_PRODUCTION="true")


def test_production_turns_on_secure_cookies_hsts_ssl_redirect_and_hashed_static_files(
    monkeypatch,
):
    prod = _production(monkeypatch)
    assert prod["DEBUG"] is False
    assert prod["SECURE_SSL_REDIRECT"] is True
    assert prod["SESSION_COOKIE_SECURE"] and prod["CSRF_COOKIE_SECURE"]
    assert prod["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert prod["STORAGES"]["staticfiles"]["BACKEND"].endswith(
        "CompressedManifestStaticFilesStorage"
    )
    assert "SECURE_PROXY_SSL_HEADER" not in prod


def test_a_proxy_in_front_is_configured_from_the_environment(monkeypatch):
    prod = _production(
        monkeypatch,
        DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_HSTS_SECONDS="0",
    )
    assert prod["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert prod["SECURE_SSL_REDIRECT"] is False
    assert prod["SECURE_HSTS_SECONDS"] == 0


def test_the_deploy_check_reports_nothing_with_production_settings(monkeypatch):
    prod = _production(monkeypatch)
    # Set by the browser tests' conftest for Playwright; never in a deployment.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    # Only what production changes; the app registry and database stay as they are.
    overrides = {
        name: value
        for name, value in prod.items()
        if name not in {"DATABASES", "INSTALLED_APPS", "MIDDLEWARE", "CACHES", "TEMPLATES"}
        and getattr(settings, name, object()) != value
    }
    with override_settings(**overrides):
        call_command("check", deploy=True, fail_level="WARNING", verbosity=0)


def test_the_deploy_check_would_complain_about_the_local_defaults():
    from django.core.management.base import SystemCheckError

    with pytest.raises(SystemCheckError):
        call_command("check", deploy=True, fail_level="WARNING", verbosity=0)


@pytest.mark.django_db
def test_the_health_check_answers_200_when_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_health_check_answers_503_when_the_database_does_not(client):
    broken = mock.MagicMock()
    broken.__enter__.return_value.execute.side_effect = OperationalError("connection refused")
    with mock.patch("toeslagen_vm.views.connection") as connection:
        connection.cursor.return_value = broken
        response = client.get(reverse("healthz"))
    assert response.status_code == 503


@pytest.mark.django_db
def test_the_health_check_is_not_redirected_to_https_for_the_load_balancer(client):
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert client.get(reverse("healthz")).status_code == 200
        assert client.get(reverse("measures:overview")).status_code == 301


@pytest.mark.django_db
def test_every_page_sends_a_content_security_policy_without_unsafe_inline(client, bijlage):
    response = client.get(reverse("measures:overview"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "img-src 'self' data:" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def _through_policy_middleware(view, middleware_class=None):
    from django.test import RequestFactory

    from toeslagen_vm.middleware import SitePolicyMiddleware

    request = RequestFactory().get("/")
    middleware = (middleware_class or SitePolicyMiddleware)(view)
    middleware.process_request(request)
    return middleware.process_response(request, view(request))


def _policy_headers(response) -> dict:
    names = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
    return {name: response.get(name) for name in names}


def test_the_policy_built_once_is_django_csps_own_and_follows_the_settings():
    from csp.utils import build_policy
    from django.http import HttpResponse

    def page(request):
        return HttpResponse("pagina")

    response = _through_policy_middleware(page)
    assert response["Content-Security-Policy"] == build_policy()
    assert "Content-Security-Policy-Report-Only" not in response
    stricter = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(
        CONTENT_SECURITY_POLICY=stricter, CONTENT_SECURITY_POLICY_REPORT_ONLY=stricter
    ):
        response = _through_policy_middleware(page)
        assert response["Content-Security-Policy"] == "default-src 'none'"
        assert response["Content-Security-Policy-Report-Only"] == "default-src 'none'"
    assert _through_policy_middleware(page)["Content-Security-Policy"] == build_policy()


def test_a_view_that_asks_django_csp_for_more_gets_what_django_csp_gives():
    from csp.constants import NONCE, SELF
    from csp.decorators import csp_exempt, csp_update
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    @csp_update({"style-src": ["'unsafe-inline'"]})
    def styled(request):
        return HttpResponse("pagina")

    @csp_exempt()
    def exempt(request):
        return HttpResponse("pagina")

    def own_header(request):
        response = HttpResponse("document")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    def with_nonce(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    expected = {
        styled: "style-src 'self' 'unsafe-inline'",
        exempt: None,
        own_header: "default-src 'none'",
    }
    for view, part in expected.items():
        headers = _policy_headers(_through_policy_middleware(view))
        assert headers == _policy_headers(_through_policy_middleware(view, CSPMiddleware))
        if part is None:
            assert headers["Content-Security-Policy"] is None
        else:
            assert part in headers["Content-Security-Policy"]
    nonce_policy = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=nonce_policy):
        assert "'nonce-" in _through_policy_middleware(with_nonce)["Content-Security-Policy"]


def test_no_template_has_inline_script_or_style_attributes():
    """The strict CSP would block them, so the page would silently lose behaviour or look."""
    offenders = []
    for template in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=", text):
            offenders.append(str(template))
        if "{% extends" in text and "<style" in text:
            offenders.append(f"{template} (<style> element in a page)")
        if re.search(r"\son[a-z]+=", text):
            offenders.append(f"{template} (event handler attribute)")
    assert offenders == []
