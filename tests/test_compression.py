"""HTML is sent compressed where that leaks nothing (BREACH): to anonymous GETs of pages
without a CSRF token. Pages with a form that posts, and signed-in pages, go uncompressed."""

import gzip

import pytest

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_the_public_pages_are_sent_compressed_and_still_read_the_same(client, public_data):
    plain = client.get("/")
    response = client.get("/", **GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert len(response.content) < len(plain.content) / 4
    assert gzip.decompress(response.content) == plain.content
    for path in ("/dashboard/", "/rapportages/", "/export/bijlage.html"):
        assert client.get(path, **GZIP)["Content-Encoding"] == "gzip", path


def test_a_page_with_a_csrf_token_is_not_compressed(client, public_data):
    response = client.get("/inloggen/", **GZIP)
    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")
    response = client.get("/admin/login/", **GZIP)
    assert not response.has_header("Content-Encoding")


def test_a_signed_in_visitor_gets_uncompressed_pages(manager_client, public_data):
    response = manager_client.get("/", **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_a_post_is_never_answered_compressed(client, public_data):
    response = client.post("/inloggen/", {"username": "x", "password": "y"}, **GZIP)
    assert not response.has_header("Content-Encoding")


def test_downloads_other_than_html_are_left_alone(client, public_data):
    response = client.get("/export/bijlage.csv", **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_a_client_that_does_not_take_gzip_gets_plain_html_that_says_it_varies(client, public_data):
    response = client.get("/")
    assert not response.has_header("Content-Encoding")
    assert "Accept-Encoding" in response["Vary"]
    assert b"</html>" in response.content


def test_a_cached_page_is_compressed_once_per_data_version_and_reads_the_same(client, public_data):
    from unittest import mock

    from django.middleware import gzip as django_gzip

    from measures.cache import bump_data_version

    plain = client.get("/").content
    with mock.patch.object(
        django_gzip, "compress_string", wraps=django_gzip.compress_string
    ) as compress:
        first = client.get("/", **GZIP)
        second = client.get("/", **GZIP)
        assert compress.call_count == 1
        assert second["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in second["Vary"]
        assert second["Content-Length"] == str(len(second.content))
        assert gzip.decompress(second.content) == gzip.decompress(first.content) == plain
        bump_data_version()  # any change: the page is made and compressed again
        third = client.get("/", **GZIP)
        assert compress.call_count == 2
        assert gzip.decompress(third.content) == plain
