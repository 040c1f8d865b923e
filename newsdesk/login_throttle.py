"""Password guessing on the admin's login, refused by django-axes (settings: ``AXES_*``, README).

Failed logins are counted in the database (so every app server sees the same count) per user
name and client address, the address being the one the API's rate limits and the request log
use. At the limit that pair is locked out for the cool-off, a correct password included; a
successful login before then clears the count. Each failure and lockout is logged (the ``axes``
loggers) and kept as an access failure record, shown in the admin.
"""

from __future__ import annotations

import ipaddress

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.contrib import admin
from django.template.response import TemplateResponse

from newsdesk.middleware import client_address

LOCKOUT_TEMPLATE = "admin/locked_out.html"


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses any login of a locked-out user name and address; authenticates nobody itself.

    ``authenticate()`` called by code with no request (the test client's ``login()``, a shell)
    comes from no client, so there is nothing to count; every login form passes its request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str | None:
    """The client address as an IP address; the direct peer's when a forwarded value is not one."""
    address = client_address(request)
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return request.META.get("REMOTE_ADDR") or None


def lockout_response(request, original_response=None, credentials=None):
    """The admin's own page saying why the login is refused and for how long (429, with Retry-After)."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    context = {
        **admin.site.each_context(request),
        "title": "Login locked",
        "username": (credentials or {}).get("username") or request.POST.get("username", ""),
        "cool_off_minutes": minutes,
    }
    response = TemplateResponse(request, LOCKOUT_TEMPLATE, context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response.render()
