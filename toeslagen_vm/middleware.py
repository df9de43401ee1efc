"""Middleware of the site: the content security policy, the language choice, messages made when
used, compression where it is safe, a NUL in the address, a busy PDF renderer."""

import threading
from functools import cache, partial
from urllib.parse import unquote_plus

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _

# What a view or response sets to get a policy of its own from django-csp (its decorators).
_OWN_POLICY = tuple(
    f"_csp_{kind}{suffix}" for kind in ("config", "update", "replace") for suffix in ("", "_ro")
)


@cache
def _site_policies() -> tuple:
    """(header, value, exemption attribute, excluded path prefixes) for the policy and its
    report-only twin, built by django-csp from the settings, once per process."""
    policies = []
    for header, setting, exempt, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro", True),
    ):
        prefixes = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
        policies.append((header, build_policy(report_only=report_only), exempt, prefixes))
    return tuple(policies)


@receiver(setting_changed)
def _forget_site_policies(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _site_policies.cache_clear()


class SitePolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the site's one policy built once per process.

    django-csp builds the header on every response (a dataclass ``asdict`` and a string join,
    for the policy and for its report-only twin): about an eighth of the time a cached page
    takes. This site has one policy (``CONTENT_SECURITY_POLICY``), no nonce and no per-view
    policy, so that string is the same every time. Whatever does ask for more (a view with
    django-csp's ``@csp_update`` and its kin, a template that reads ``request.csp_nonce``, a
    debug page) goes through django-csp unchanged. A header the view set itself (a download
    with its own ``<style>``, ``measures.documents``) is kept, as django-csp keeps it.
    """

    def process_response(self, request, response):
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _OWN_POLICY)
        ):
            return super().process_response(request, response)
        for header, value, exempt, prefixes in _site_policies():
            if (
                value
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(prefixes)
            ):
                response[header] = value
        # As django-csp: a nonce asked for after the header is written is an error, not a
        # nonce missing from the header.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class ChosenLanguageMiddleware:
    """The language the visitor chose (the language cookie that ``set_language`` sets), else
    Dutch; never the browser's Accept-Language.

    A Dutch government page is Dutch by default; English only after the visitor picks it. So
    the answer varies with the cookie, not with Accept-Language (which Django's
    LocaleMiddleware would put in ``Vary``), and a cache in between must key on ``Cookie``.
    The site has no language prefix in its addresses, the rest of LocaleMiddleware's work.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        translation.activate(chosen if chosen in self.supported else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class MessagesWhenUsedMiddleware(MessageMiddleware):
    """Django's MessageMiddleware, with the message store made when a view or template first
    uses it.

    Django makes it (a cookie store, a session store, a signer) on every request. A page from
    the cache never uses it, and making it was about a tenth of serving one (27 µs of 300). A
    view that adds a message and a page that shows them (the ``messages`` context processor)
    turn the lazy object into the store; only then is anything written to the response.
    Messages left from an earlier request stay where they are, as with Django's own.
    """

    def process_request(self, request):
        request._messages = SimpleLazyObject(partial(default_storage, request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)


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

    A page from the page cache (the overview) names its cache key in ``response.cache_key``;
    that key changes with everything the page shows (data version, language, day, query), so
    the compressed bytes are kept per key in this process and a cached page is compressed once,
    not on every request (compressing the 73 KiB overview cost 0.8 ms, more than the rest of
    serving it from the cache). Django's random bytes in the gzip header (against BREACH) are
    not needed for these pages: they hold no secret.
    """

    MEMO_SIZE = 256  # compressed pages kept per process (the overview's are ~10 KiB)

    def __init__(self, get_response):
        super().__init__(get_response)
        self._compressed = {}
        self._lock = threading.Lock()

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
        # The body is read only for a client that takes gzip; the others get the Vary header.
        accepts_gzip = re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if accepts_gzip and b"csrfmiddlewaretoken" in response.content:
            return response
        key = getattr(response, "cache_key", None)
        compressed = self._compressed.get(key) if key and accepts_gzip else None
        if compressed is None:
            response = super().process_response(request, response)
            if key and response.get("Content-Encoding") == "gzip":
                with self._lock:
                    if len(self._compressed) >= self.MEMO_SIZE:
                        self._compressed.pop(next(iter(self._compressed)))
                    self._compressed[key] = response.content
            return response
        # As GZipMiddleware answers, with the bytes it made for this page before.
        patch_vary_headers(response, ("Accept-Encoding",))
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        response.headers["Content-Encoding"] = "gzip"
        return response


class RefuseNulMiddleware:
    """A NUL character anywhere in the address is a 400 with a Dutch message, before any view.

    No page, filter or search of this site has a use for one, and PostgreSQL refuses it in
    every text value (a 500 at whichever query first meets it). One check here covers every
    view, the admin's list filters, searches and autocomplete included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = unquote_plus(request.META.get("QUERY_STRING", ""))
        if "\x00" in request.path_info or "\x00" in query:
            from measures.messages import message_response

            message = _(
                "Het adres bevat een ongeldig teken (een NUL-teken). Controleer de link of "
                "typ het adres opnieuw."
            )
            return message_response(request, message, status=400)
        return self.get_response(request)


class RendererBusyMiddleware:
    """A PDF request while every PDF slot of this process is taken: 503, Retry-After, Dutch."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from measures.documents import RendererBusy
        from measures.messages import message_response

        if not isinstance(exception, RendererBusy):
            return None
        seconds = settings.PDF_RETRY_AFTER_SECONDS
        message = _(
            "Er worden nu te veel PDF-bestanden tegelijk gemaakt. Probeer het over "
            "%(seconds)s seconden opnieuw."
        ) % {"seconds": seconds}
        response = message_response(request, message, status=503, title=_("Even geduld"))
        response["Retry-After"] = str(seconds)
        return response
