"""The kinds of rendered document: how each is rendered, and who may see it (declared to `xuncha.access`).

An app registers each kind once, next to its renderer (e.g. `clues.documents.transfers`), from a module
its `tasks` imports: Celery's autodiscovery imports those in every worker, and the web process finds a
kind it has not seen yet by importing the apps' `tasks` modules once (`known`).

Who may see a document of a kind is its subject's question: by default whoever may see the subject
(`access.allows(user, "view", subject)`), or another action on the subject (`view_action=`), an
access rule of the subject's model. The decision is the access rule of `core.generateddocument`
(`xuncha.access.rules.core`); this module only declares it.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

from xuncha import access
from xuncha.access.rules.core import document_generators, document_viewers

from .models import GeneratedDocument

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    label: str
    render: Callable[[GeneratedDocument], bytes]
    can_view: Callable[[object, object], bool]
    can_generate: Callable[[object, object], bool]
    fmt: str = "docx"


_REGISTRY: dict[str, DocumentKind] = {}
_discovered = False


def _subject_allows(action: str, user, subject) -> bool:
    return access.allows(user, action, subject)


def _page_allows(page: str, user, subject) -> bool:
    return access.allows(user, page)


def register(
    kind: str,
    *,
    label: str,
    render: Callable[[GeneratedDocument], bytes],
    generate_action: str = "",
    generate_page: str = "",
    view_action: str = "view",
    fmt: str = "docx",
) -> DocumentKind:
    """Declare a kind of document. Registering the same kind again replaces it (module reloads).
    Who may generate it (and so ask for a failed one again) is the access rule of the service that asks
    for it: an action on the subject (`generate_action`) or a page rule (`generate_page`), exactly one."""
    if bool(generate_action) == bool(generate_page):
        raise ValueError(f"文书类型 {kind}：须指定 generate_action 或 generate_page 之一")
    can_view = functools.partial(_subject_allows, view_action)
    can_generate = (
        functools.partial(_subject_allows, generate_action)
        if generate_action
        else functools.partial(_page_allows, generate_page)
    )
    entry = DocumentKind(
        kind=kind, label=label, render=render, can_view=can_view, can_generate=can_generate, fmt=fmt
    )
    _REGISTRY[kind] = entry
    document_viewers(kind, can_view)
    document_generators(kind, can_generate)
    return entry


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("tasks")


def known(kind: str) -> bool:
    """Whether the kind is registered (the apps' `tasks` modules imported once to find it)."""
    if kind not in _REGISTRY:
        _discover()
    return kind in _REGISTRY


def kind_of(kind: str) -> DocumentKind:
    if not known(kind):
        raise LookupError(f"未登记的文书类型：{kind}")
    return _REGISTRY[kind]
