"""Login lockout (django-axes): the backend that refuses locked-out logins and the Dutch page."""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render


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
