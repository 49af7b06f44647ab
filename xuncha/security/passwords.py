"""Password rules (等保 level 3), as Django password validators with Chinese messages, and expiry.

Configured in settings.AUTH_PASSWORD_VALIDATORS, so every form that sets a password (the change page,
the account pages' reset, Django's admin) applies them. `HistoryValidator.password_changed` runs on
every saved password change (Django calls it from `User.save()` after `set_password`): it keeps the new
hash in the history and sets `password_changed_at`, from which the expiry is counted.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import PasswordHistory
from .sessions import end_sessions

CLASSES = (
    ("小写字母", str.islower),
    ("大写字母", str.isupper),
    ("数字", str.isdigit),
    ("符号", lambda c: not c.isalnum()),
)


class ComplexityValidator:
    """At least `min_length` characters, of at least `min_classes` of the four classes."""

    def __init__(self, min_length: int = 8, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password, user=None):
        errors = []
        if len(password) < self.min_length:
            errors.append(ValidationError(f"密码至少 {self.min_length} 位。", code="password_too_short"))
        used = sum(1 for _, test in CLASSES if any(test(c) for c in password))
        if used < self.min_classes:
            errors.append(
                ValidationError(
                    f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。",
                    code="password_too_simple",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return (
            f"至少 {self.min_length} 位，包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"
        )


class UsernameValidator:
    """Not the login name, not a part of it, and not containing it."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower() if user is not None else ""
        if not username:
            return
        lowered = password.lower()
        if lowered == username or lowered in username or (len(username) >= 3 and username in lowered):
            raise ValidationError("密码不能与登录名相同，也不能包含登录名。", code="password_too_similar")

    def get_help_text(self):
        return "不能与登录名相同或包含登录名。"


class CommonValidator(CommonPasswordValidator):
    """Not one of the 20,000 most common passwords (Django's list), in the page's words."""

    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                "密码过于常见，容易被猜中，请换一个。", code="password_too_common"
            ) from None

    def get_help_text(self):
        return "不能是常见的弱密码。"


def history_count() -> int:
    return int(getattr(settings, "PASSWORD_HISTORY_COUNT", 5))


class HistoryValidator:
    """Not one of the user's last PASSWORD_HISTORY_COUNT passwords (their hashes are kept, never the
    passwords)."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        hashes = list(
            PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: history_count()]
        )
        if user.password and user.password not in hashes:
            hashes.append(user.password)  # a password set before the history was kept
        if any(check_password(password, encoded) for encoded in hashes if encoded):
            raise ValidationError(
                f"不能使用最近 {history_count()} 次用过的密码，请换一个新密码。", code="password_reused"
            )

    def password_changed(self, password, user=None):
        if user is None or user.pk is None or not user.has_usable_password():
            return
        now = timezone.now()
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[: history_count()]
        PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep)).delete()
        get_user_model().objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now
        # Logout everywhere: whoever changed it (the user on 修改密码, the office's reset) — the change
        # page then keeps the browser it was made in.
        end_sessions(user)

    def get_help_text(self):
        return f"不能与最近 {history_count()} 次用过的密码相同。"


# --- expiry ---------------------------------------------------------------------------------------


def expires_at(user) -> datetime.datetime | None:
    """When the user's password expires (None: expiry is off)."""
    days = int(getattr(settings, "PASSWORD_EXPIRY_DAYS", 90))
    if days <= 0 or not getattr(user, "is_authenticated", False):
        return None
    since = user.password_changed_at or user.date_joined
    return since + datetime.timedelta(days=days)


def is_expired(user) -> bool:
    when = expires_at(user)
    return when is not None and timezone.now() >= when


def days_left(user) -> int | None:
    """Whole days until the password expires, when within the warning period; else None."""
    when = expires_at(user)
    if when is None:
        return None
    left = when - timezone.now()
    warn = int(getattr(settings, "PASSWORD_WARN_DAYS", 7))
    if left.total_seconds() <= 0 or left > datetime.timedelta(days=warn):
        return None
    return max(left.days, 0)
