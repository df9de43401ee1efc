"""Signing in on the site itself (/inloggen/), not only through the admin, and out again."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LOGOUT = reverse("logout")
PASSWORD = "Een-lang-en-goed-wachtwoord-2024"


@pytest.fixture
def manager(db):
    """A manager without access to the admin: the site's login page is their way in."""
    user = UserFactory(username="marieke", role="Manager", is_staff=False)
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, password=PASSWORD, next_url="/maatregelen/"):
    return client.post(LOGIN, {"username": "marieke", "password": password, "next": next_url})


def test_the_header_offers_a_login_that_brings_you_back_to_the_page(client, published_seed):
    html = client.get("/maatregelen/?q=VM+25").content.decode()
    assert f'<a class="account__link" href="{LOGIN}?next=/maatregelen/%3Fq%3DVM%2B25">' in html
    assert "Inloggen</a>" in html
    assert "Uitloggen" not in html


def test_a_manager_signs_in_on_the_site_and_returns_where_they_were(client, manager, bijlage):
    form = client.get(f"{LOGIN}?next=/maatregelen/%3Fq%3DVM%2B25")
    html = form.content.decode()
    assert form.status_code == 200
    assert html.count("<h1") == 1 and "<h1>Inloggen</h1>" in html
    assert '<input type="hidden" name="next" value="/maatregelen/?q=VM+25">' in html
    assert 'autocomplete="current-password"' in html

    response = _login(client, next_url="/maatregelen/?q=VM+25")
    assert response.status_code == 302
    assert response["Location"] == "/maatregelen/?q=VM+25"
    assert client.session["_auth_user_id"] == str(manager.pk)
    page = client.get("/maatregelen/?q=VM+25").content.decode()
    assert "Ingelogd als marieke" in page
    assert f'href="{LOGOUT}?next=/maatregelen/%3Fq%3DVM%2B25">Uitloggen</a>' in page


def test_the_overview_from_the_cache_shows_who_is_signed_in(client, manager, bijlage):
    assert "Inloggen</a>" in client.get("/").content.decode()  # now in the cache
    _login(client)
    html = client.get("/").content.decode()
    assert "Ingelogd als marieke" in html
    assert "Inloggen</a>" not in html


def test_a_wrong_password_is_refused_with_a_dutch_message(client, manager):
    response = _login(client, password="fout")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in html
    assert 'role="alert"' in html
    assert '<input type="hidden" name="next" value="/maatregelen/">' in html
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "next_url",
    ["https://kwaadwillend.example/", "//kwaadwillend.example/pad", "https:kwaadwillend.example"],
)
def test_a_next_address_on_another_host_is_refused(client, manager, next_url):
    form = client.get(LOGIN, {"next": next_url}).content.decode()
    assert '<input type="hidden" name="next" value="">' in form
    response = _login(client, next_url=next_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("measures:overview")


def test_the_lockout_guards_the_site_login_too(client, manager):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, password="fout").status_code == 200
    assert _login(client, password="fout").status_code == 429
    response = _login(client)
    assert response.status_code == 429
    assert "Inloggen tijdelijk geblokkeerd" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logging_out_asks_first_then_returns_to_the_page(client, manager, bijlage):
    client.force_login(manager)
    page = client.get(LOGOUT, {"next": "/dashboard/"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "U bent ingelogd als marieke." in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<input type="hidden" name="next" value="/dashboard/">' in html

    response = client.post(LOGOUT, {"next": "/dashboard/"})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert "_auth_user_id" not in client.session
    # Signed out already: the page sends you on, and never to another host.
    assert client.get(LOGOUT, {"next": "https://kwaadwillend.example/"})["Location"] == "/"
    # A word that happens to be a name in the code is an address here, not a 500.
    assert client.get(LOGOUT, {"next": "implementation"}).status_code == 302


def test_the_login_page_speaks_english_on_request(client):
    client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    response = client.post(LOGIN, {"username": "niemand", "password": "fout"})
    html = response.content.decode()
    assert "<h1>Log in</h1>" in html
    assert "Please enter a correct username and password" in html
