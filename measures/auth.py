"""Signing in and out on the site, and the login lockout (django-axes) that guards every login.

Managers sign in with Django's own ``LoginView`` at ``/inloggen/`` (``registration/login.html``);
it authenticates through the backends below, so the lockout applies there as in the admin.
"""

import ipaddress

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib.auth.views import LogoutView
from django.http import HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' backend, except that logins without a request (tests, scripts) pass by.

    Every login through a web page has a request, so every web login is still guarded.
    """

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted_proxy(address) -> bool:
    """Whether an address is one of FORWARDED_ALLOW_IPS (gunicorn's --forwarded-allow-ips)."""
    for entry in settings.FORWARDED_ALLOW_IPS:
        if entry == "*":
            return True
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request) -> str:
    """The visitor's address, for the login lockout (django-axes' AXES_CLIENT_IP_CALLABLE).

    Behind the load balancer every request comes from the balancer's address, so locking on
    REMOTE_ADDR would lock everyone at once. When (and only when) the request comes from a
    trusted proxy, the client is the last address in X-Forwarded-For that is not itself a
    trusted proxy; anyone else's X-Forwarded-For is ignored, so it cannot dodge the lockout.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    remote_address = _address(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if remote_address is None or not forwarded or not _is_trusted_proxy(remote_address):
        return remote
    for hop in reversed(forwarded.split(",")):
        address = _address(hop)
        if address is None:
            break  # a garbled header: the proxy's own address, the safe side
        if not _is_trusted_proxy(address):
            return str(address)
    return remote


def lockout_response(request, original_response=None, credentials=None):
    """The Dutch lockout page, with the number of failures and the minutes to wait."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "axes/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


class LogoutPageView(LogoutView):
    """Django's ``LogoutView`` (logging out is a POST), with a page on GET that offers it.

    The header links here rather than holding the form itself: the overview comes from a cache,
    where a CSRF token in the page would belong to an earlier session.
    """

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        next_url = self.get_redirect_url()  # "" when it points to another host
        if not request.user.is_authenticated:
            # An address, never a view name: redirect("implementation") would try to reverse it.
            return HttpResponseRedirect(next_url or resolve_url(settings.LOGOUT_REDIRECT_URL))
        context = {"title": _("Uitloggen"), "next": next_url}
        return TemplateResponse(request, "registration/logout.html", context)
