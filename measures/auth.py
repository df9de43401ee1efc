"""Signing in and out on the site, and the login lockout (django-axes) that guards every login.

Managers sign in with Django's own ``LoginView`` at ``/inloggen/`` (``registration/login.html``);
it authenticates through the backends below, so the lockout applies there as in the admin.
"""

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
