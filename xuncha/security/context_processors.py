"""The password expiry banner: shown from PASSWORD_WARN_DAYS before the password expires."""

from . import passwords


def password_expiry(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"password_days_left": passwords.days_left(user)}
