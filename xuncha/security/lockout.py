"""Login lockout with django-axes: 5 failures for one login name, or LOGIN_ADDRESS_FAILURE_LIMIT from one
client address, within LOGIN_LOCKOUT_MINUTES lock it for that long.

axes compares one limit with the worst count over its lockout parameters (["username", "ip_address"]);
the handler counts an address as locked only at its own, higher limit (an office behind one NAT address
has many users), and the lockout is answered by the login page with the lockout message."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render


def user_limit() -> int:
    return int(settings.AXES_FAILURE_LIMIT)


def address_limit() -> int:
    return int(getattr(settings, "LOGIN_ADDRESS_FAILURE_LIMIT", 30))


def lockout_minutes() -> int:
    return int(getattr(settings, "LOGIN_LOCKOUT_MINUTES", 30))


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        per_user = user_limit()
        worst = 0
        parameters = get_lockout_parameters(request, credentials)
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=False
        ):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if parameter == "ip_address":
                # Scaled onto the login name's limit: the address is locked at its own limit.
                count = per_user if count >= address_limit() else min(count, per_user - 1)
            worst = max(worst, count)
        return worst


def lockout_response(request, original_response=None, credentials=None):
    """The login page, with the lockout message instead of the form's error (HTTP 429)."""
    username = get_client_username(request, credentials) or ""
    return render(
        request,
        "registration/login.html",
        {
            "locked": True,
            "lockout_minutes": lockout_minutes(),
            "form": None,
            "username": username,
            "oidc_enabled": getattr(settings, "OIDC_ENABLED", False),
        },
        status=429,
    )
