"""Language choice (Dutch unless the visitor chose another), and compression where it is safe."""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language.

    A Dutch government page is Dutch by default; English only after the visitor picks it
    (the language cookie set by ``set_language``).
    """

    def process_request(self, request):
        """Activate the chosen language, or the default."""
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SafeGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, for the HTML responses where compression leaks nothing.

    BREACH: when a compressed response holds a secret (the CSRF token) and also reflects what
    an attacker put in the request (a search term, a filter), the compressed length tells the
    attacker, guess by guess, how much of the secret they matched. So a response is compressed
    only if
    - it is the answer to a GET or HEAD (a POST answers with the token it checked);
    - no CSRF token was handed out while it was made: ``get_token()`` (every form with
      ``{% csrf_token %}``) makes CsrfViewMiddleware set the CSRF cookie on the response, and
      the body is checked for the form field too. The public pages have no form that posts;
      the sign-in form and the staff pages do;
    - the visitor is not signed in (a signed-in page also shows what is personal to the
      session, and the staff's pages are small next to the public bijlage);
    - it is HTML (the static files come compressed from WhiteNoise; the downloads are files).
    """

    def process_response(self, request, response):
        if request.method not in ("GET", "HEAD"):
            return response
        if response.streaming or settings.CSRF_COOKIE_NAME in response.cookies:
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        if b"csrfmiddlewaretoken" in response.content:
            return response
        return super().process_response(request, response)
