"""The access check every write of rounds and teams starts with."""

from xuncha import access


def require_by(by, action: str, obj=None, *, message: str) -> None:
    """Refuse (access.Forbidden, a DomainError with `message`) unless `by` may do `action` (to `obj`).

    `by=None` is the system: a task, a data migration, a test's setup, which act for nobody."""
    if by is not None:
        access.require(by, action, obj, message=message)
