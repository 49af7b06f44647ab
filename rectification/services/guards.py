"""The services' access guard: `access.require` answered in the service's own words.

A service is called by views, tasks, the demo and other services; its refusal is always a DomainError
with the message the user reads (`access.Forbidden`), also for one who may not even see the object
(the views have answered 404 for those before calling)."""

from xuncha import access


def require(by, action: str, obj, *, message: str):
    try:
        return access.require(by, action, obj, message=message)
    except access.NotFound:
        raise access.Forbidden(message) from None
