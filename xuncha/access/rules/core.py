"""Pages that belong to a role rather than to an object, and the documents every app renders."""

from ..registry import page
from ..roles import is_office, sees_all_rounds


@page("office")
def office(user) -> bool:
    """The inspection office's own pages and writes."""
    return is_office(user)


@page("sees_all")
def sees_all(user) -> bool:
    """Pages for the office and the leadership (read-only for the leadership)."""
    return sees_all_rounds(user)
