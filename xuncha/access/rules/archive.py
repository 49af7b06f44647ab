"""Archival rounds (历史录入) are read-only, and the import of past rounds is the office's.

A round imported from the office's workbook (`Round.archive_import` set) was created directly in its
final state; nothing of it — the round, its teams and members, assignments, findings, rectifications,
problems, measures, transfer figures — may be changed in the system afterwards, by anyone: the only way
to correct it is to import the corrected workbook again. `archival_refusal(obj, action)` answers that
for every object action but the read-only ones, and `xuncha.access.allows/require/check` and the
transition guard (`xuncha.core.transitions`) ask it, so the refusal holds in every view and service.
"""

from ..registry import model, page, rule
from ..roles import is_office, sees_all_rounds

# Object actions that read (a page, a document, a comparison): allowed on an archival round's objects.
READ_ACTIONS = frozenset(
    {
        "view",
        "team_view",
        "reveal",
        "own",
        "see_inspections",
        "see_history",
        "see_drafts",
        "see_internal",
        "see_publication_drafts",
        "view_report_docs",
        "view_feedback_docs",
        "view_document",
        "view_thematic",
        "report_pdf",
        "export_workbook",
    }
)

# The foreign keys through which an object reaches its round, tried in this order.
_PARENTS = ("round", "assignment", "rectification", "problem", "measure", "team", "batch", "item", "lead", "finding")
_MEMO = "_archival_import_id"

MESSAGE = "该轮次为历史录入的轮次（来源：{source}），只读，不能在系统中修改；如需更正，请修改原 Excel 后重新导入。"


def _relations(obj) -> dict[str, type]:
    return {f.name: f.related_model for f in obj._meta.concrete_fields if f.is_relation}


def _round_id(obj, memo: dict) -> int | None:
    """The id of the round an object belongs to, through the first of `_PARENTS` it has. A parent loaded
    with the object is used as it is; else its round is read once per request (`memo`)."""
    if obj._meta.label_lower == "rounds.round":
        return obj.pk
    relations = _relations(obj)
    for name in _PARENTS:
        related = relations.get(name)
        if related is None:
            continue
        if related._meta.label_lower == "rounds.round":
            return getattr(obj, f"{name}_id")
        parent = obj._state.fields_cache.get(name)
        if parent is not None:
            return _round_id(parent, memo)
        parent_id = getattr(obj, f"{name}_id")
        if parent_id is None:
            return None
        key = ("archival_parent", related._meta.label_lower, parent_id)
        if key not in memo:
            parent = related._default_manager.filter(pk=parent_id).first()
            memo[key] = _round_id(parent, memo) if parent is not None else None
        return memo[key]
    return None


def archive_import_id(obj, memo: dict | None = None) -> int | None:
    """The id of the import an object's round came from (None: not an archival round's object). `memo`
    (the user's per-request decisions) keeps what was read, so a list asks once per round."""
    if obj is None or not hasattr(obj, "_meta"):
        return None
    if _MEMO in obj.__dict__:
        return obj.__dict__[_MEMO]
    memo = {} if memo is None else memo
    if obj._meta.label_lower == "rounds.round":
        found = obj.archive_import_id
    else:
        round_id = _round_id(obj, memo)
        round = obj._state.fields_cache.get("round") if "round" in _relations(obj) else None
        if round is not None and round.pk == round_id:
            found = round.archive_import_id
        elif round_id is None:
            found = None
        else:
            key = ("archival_round", round_id)
            if key not in memo:
                memo[key] = (
                    model("rounds.Round").objects.filter(pk=round_id).values_list("archive_import_id", flat=True).first()
                )
            found = memo[key]
    obj.__dict__[_MEMO] = found
    return found


def archival_refusal(obj, action: str = "change", memo: dict | None = None) -> str | None:
    """Why `action` may not be done to `obj` because it belongs to an archival round, or None."""
    if action in READ_ACTIONS:
        return None
    import_id = archive_import_id(obj, memo)
    if import_id is None:
        return None
    source = (
        model("rounds.ArchiveImport").objects.filter(pk=import_id).values_list("file_name", flat=True).first()
        or "历史轮次导入"
    )
    return MESSAGE.format(source=source)


@page("archive.import")
def import_archive(user) -> bool:
    """Importing past rounds (历史轮次录入) is the office's."""
    return is_office(user)


@page("archive.imports")
def see_imports(user) -> bool:
    """The list of imports and their stored files: the office and the leadership (read-only)."""
    return sees_all_rounds(user)


@rule("rounds.round", "export_workbook")
def export_round_workbook(user, round) -> bool:
    """A round in the layout of the archive workbook: the office and the leadership."""
    return sees_all_rounds(user)
