"""Repeated failed logins lock the user name from that address for a while (django-axes)."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

LOGIN = reverse("admin:login")
PASSWORD = "Een-lang-en-goed-wachtwoord-2024"


@pytest.fixture
def staff_user(db):
    user = UserFactory(username="carla", role="Beleidsmedewerker")
    user.set_password(PASSWORD)
    user.save()
    return user


def login(client, password):
    return client.post(LOGIN, {"username": "carla", "password": password, "next": "/admin/"})


def test_after_too_many_failed_logins_even_the_right_password_is_refused(client, staff_user):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "fout").status_code == 200
    response = login(client, "fout")
    assert response.status_code == 429

    response = login(client, PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Inloggen tijdelijk geblokkeerd" in html
    assert "30 minuten" in html
    assert "_auth_user_id" not in client.session


def test_a_few_mistakes_do_not_lock_anyone_out(client, staff_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "fout")
    response = login(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)


def test_the_lockout_is_tied_to_the_user_name_and_address(client, staff_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "fout")
    other = UserFactory(username="dirk", role="Manager")
    other.set_password(PASSWORD)
    other.save()
    response = client.post(LOGIN, {"username": "dirk", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302


def test_password_validators_refuse_a_weak_password(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("12345678")


def test_scripts_and_tests_can_still_log_in_without_a_request(client, staff_user):
    assert client.login(username="carla", password=PASSWORD)


def test_behind_the_load_balancer_one_client_s_failures_do_not_lock_another(client, staff_user):
    # Every request comes from the balancer (127.0.0.1, FORWARDED_ALLOW_IPS' default, as
    # gunicorn's --forwarded-allow-ips); the client is in X-Forwarded-For.
    def via_proxy(client_address, password):
        return client.post(
            LOGIN,
            {"username": "carla", "password": password, "next": "/admin/"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"{client_address}, 127.0.0.1",
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        via_proxy("198.51.100.7", "fout")
    assert via_proxy("198.51.100.7", PASSWORD).status_code == 429  # client A is locked
    assert via_proxy("203.0.113.9", PASSWORD).status_code == 302  # client B is not


def test_an_x_forwarded_for_from_outside_the_trusted_proxies_is_ignored(client, staff_user):
    # Someone connecting directly cannot dodge the lockout with a new address each time.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "carla", "password": "fout", "next": "/admin/"},
            REMOTE_ADDR="192.0.2.50",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}",
        )
    response = client.post(
        LOGIN,
        {"username": "carla", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="192.0.2.50",
        HTTP_X_FORWARDED_FOR="10.0.0.99",
    )
    assert response.status_code == 429


def test_the_login_list_filters_on_a_logout_date_and_on_no_logout_date(admin_client):
    """The admin's date filter of axes' login list: its own "no date" choice and a typed date
    both filter; a date before the year 1 in UTC is the admin's "wrong filter" answer."""
    import warnings

    from axes.models import AccessLog
    from django.utils import timezone

    now = timezone.now()
    AccessLog.objects.create(username="anna", ip_address="127.0.0.1", attempt_time=now)
    AccessLog.objects.create(username="bert", attempt_time=now, logout_time=now)
    url = reverse("admin:axes_accesslog_changelist")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # naive datetimes in the query
        for query in (
            {"logout_time__isnull": "True"},
            {"logout_time__isnull": "False"},
            {"attempt_time__gte": "2020-01-01", "attempt_time__lt": "9999-12-31"},
        ):
            response = admin_client.get(url, query)
            assert response.status_code == 200, query
            assert "e=1" not in response.get("Location", ""), query
    for isnull in (True, False):
        shown = admin_client.get(url, {"logout_time__isnull": str(isnull)}).context["cl"]
        in_database = AccessLog.objects.filter(logout_time__isnull=isnull).count()
        assert shown.result_count == in_database > 0
    response = admin_client.get(url, {"attempt_time__gte": "0001-01-01"})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")
