"""The one-time initial passwords between their creation and the 账号开通通知单.

A generated password is never stored in clear: it is kept only in the creator's session, encrypted
(`xuncha.core.crypto`), for ten minutes, so that the page that shows it once and the download of the
notice can use it; the download removes it. Nothing of it goes into a stored document."""

import json
import time

from xuncha.core.crypto import DecryptionError, decrypt, encrypt

SESSION_KEY = "people.onboarding"
TTL_SECONDS = 10 * 60


def handoff_put(session, entries: list[dict]) -> None:
    """Keep the new accounts' entries (name, username, password, unit, role, post) for the notice."""
    payload = {"at": time.time(), "shown": False, "entries": entries}
    session[SESSION_KEY] = encrypt(json.dumps(payload, ensure_ascii=False))


def _load(session) -> dict | None:
    token = session.get(SESSION_KEY)
    if not token:
        return None
    try:
        payload = json.loads(decrypt(token))
    except (ValueError, DecryptionError):  # not JSON, or the key changed since: gone
        payload = None
    if not payload or time.time() - payload.get("at", 0) > TTL_SECONDS:
        session.pop(SESSION_KEY, None)
        return None
    return payload


def handoff_show(session) -> tuple[list[dict], bool]:
    """(entries, first time): the passwords are shown on the first look only; later looks get the
    entries without them (the notice can still be downloaded until it expires)."""
    payload = _load(session)
    if payload is None:
        return [], False
    first = not payload["shown"]
    if first:
        payload["shown"] = True
        session[SESSION_KEY] = encrypt(json.dumps(payload, ensure_ascii=False))
    entries = payload["entries"] if first else [{**e, "password": ""} for e in payload["entries"]]
    return entries, first


def handoff_take(session) -> list[dict]:
    """The entries with their passwords, for the notice; removed from the session."""
    payload = _load(session)
    session.pop(SESSION_KEY, None)
    return payload["entries"] if payload else []


def handoff_pending(session) -> bool:
    return _load(session) is not None
