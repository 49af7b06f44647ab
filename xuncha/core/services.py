"""Small helpers every app's services share."""

from django.contrib.auth import get_user_model

from xuncha.accounts.roles import Role


def as_history_user(obj, by) -> None:
    """Outside a request (a task, a test, the demo) the history would record nobody; name the user."""
    if by is not None and getattr(by, "is_authenticated", False):
        obj._history_user = by


def office_users() -> list:
    """The active staff of the inspection office, who are told of what needs the office (an address
    book, not an access decision: who may act is `xuncha.access`'s question)."""
    return list(get_user_model().objects.filter(groups__name=Role.OFFICE, is_active=True).distinct())

