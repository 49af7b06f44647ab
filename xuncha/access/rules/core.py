"""Pages that belong to a role rather than to an object, the left navigation, and the documents every
app renders."""

from collections.abc import Callable
from typing import Any

from ..registry import page, rule
from ..roles import Role, has_role, is_leader, is_office, is_receiver, is_supervisor, sees_all_rounds


@page("office")
def office(user) -> bool:
    """The inspection office's own pages and writes."""
    return is_office(user)


@page("sees_all")
def sees_all(user) -> bool:
    """Pages for the office and the leadership (read-only for the leadership)."""
    return sees_all_rounds(user)


# --- the left navigation: which items a user is shown ----------------------------------------------


def _team(user) -> bool:
    """A team member's own items (the office's staff see the office's instead)."""
    return has_role(user, Role.TEAM) and not is_office(user)


@page("nav.dashboard", "nav.findings")
def nav_dashboard(user) -> bool:
    return is_office(user) or is_leader(user) or _team(user)


@page(
    "nav.rounds",
    "nav.coverage",
    "nav.units",
    "nav.cadres",
    "nav.figures",
    "nav.quality",
    "nav.common_problems",
)
def nav_office_and_leader(user) -> bool:
    return is_office(user) or is_leader(user)


@page("nav.assignments")
def nav_assignments(user) -> bool:
    return _team(user)


@page("nav.leads", "nav.dispositions")
def nav_leads(user) -> bool:
    return is_office(user) or _team(user)


@page("nav.transfers", "nav.handover")
def nav_transfers(user) -> bool:
    return is_office(user) or is_receiver(user)


@page("nav.rectification")
def nav_rectification(user) -> bool:
    return is_office(user) or is_leader(user) or _team(user) or is_supervisor(user)


@page("nav.supervision")
def nav_supervision(user) -> bool:
    return is_supervisor(user)


@page("nav.categories", "nav.terms")
def nav_office(user) -> bool:
    return is_office(user)


@page("nav.my_unit", "nav.unit_rectification")
def nav_unit(user) -> bool:
    return has_role(user, Role.UNIT)


# --- rendered documents (xuncha.core.documents) ----------------------------------------------------

# Per kind of document, who may see one and who may have one generated: the kind's questions about the
# document's subject, declared by the app that registers the kind (`xuncha.core.document_kinds.register`).
DOCUMENT_VIEWERS: dict[str, Callable[[Any, Any], bool]] = {}
DOCUMENT_GENERATORS: dict[str, Callable[[Any, Any], bool]] = {}


def document_viewers(kind: str, may_view: Callable[[Any, Any], bool]) -> None:
    DOCUMENT_VIEWERS[kind] = may_view


def document_generators(kind: str, may_generate: Callable[[Any, Any], bool]) -> None:
    DOCUMENT_GENERATORS[kind] = may_generate


def _asks(questions: dict, user, document) -> bool:
    question = questions.get(document.kind)
    if question is None:
        return False
    subject = document.subject
    return subject is not None and bool(question(user, subject))


@rule("core.generateddocument", "view")
def view_document(user, document) -> bool:
    """Whoever may see the subject (a batch, a rectification…) as the kind says may see its documents;
    nobody else, and no document of an unknown kind or lost subject."""
    return _asks(DOCUMENT_VIEWERS, user, document)


@rule("core.generateddocument", "retry")
def retry_document(user, document) -> bool:
    """Asking for a failed document again is generating it: whoever sees it and may generate that kind
    for its subject (the office for a transfer letter, not the receiving department; never the
    leadership, who only read)."""
    return view_document(user, document) and _asks(DOCUMENT_GENERATORS, user, document)
