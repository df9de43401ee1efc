"""URL configuration."""

from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from measures.auth import LogoutPageView

from .views import favicon, healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin).
    path("favicon.ico", favicon),
    # Django's set_language (as in django.conf.urls.i18n), without a CSRF token: the switcher
    # sits on pages that are served from the cache, where a token would belong to someone else.
    # Switching the language is all it can do, and `next` is checked against our own host.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # Signing in on the site itself (measures/auth.py); the admin keeps its own login page.
    path("inloggen/", LoginView.as_view(), name="login"),
    path("uitloggen/", LogoutPageView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("measures.urls")),
]
