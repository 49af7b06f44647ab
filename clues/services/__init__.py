"""Every write to leads, findings and transfers goes through the modules of this package."""

from xuncha import access


def require(by, action: str, obj, *, message: str):
    """`access.require` as a service asks it: a refusal is always `access.Forbidden(message)` (a
    DomainError in the service's words), also when `by` may not even see the object — a service answers
    its caller (a view, a task, the demo, a test) with a reason, never with a 404. Views fetch the object
    through `access.get_visible` first, so a page still answers 404 for what the user may not see."""
    if not access.allows(by, action, obj):
        raise access.Forbidden(message)
    return obj
