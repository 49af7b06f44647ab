"""One way to change a status: a table of transitions per model, and `transition()` to make one.

A model's workflow is declared once, beside its services::

    RECT_FLOW = Workflow("rectification.rectification", [
        Transition("submit_plan", {S.PLANNING, S.PLAN_RETURNED}, S.PLAN_SUBMITTED, "提交整改方案",
                   permission="submit_plan"),
        ...
    ])

and every change of that status goes through::

    transition(rect, "submit_plan", by=user, reason="")

which, in one transaction: locks the row and reads its status afresh (a double click or a colleague's
change in between is refused, never applied twice); finds the transition for (action, current status)
or refuses in words; asks `xuncha.access` whether `by` may (`permission` names an access action on the
object; None means the system, for tasks); records the change in the object's history with the
reason; and calls `after` (the service's notifications, in the same transaction). A test asserts that
no other code assigns a status field.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field

from django.db import transaction
from django.db.models import Model

from xuncha import access
from xuncha.errors import DomainError

from .services import as_history_user

REASON_MAX = 100  # django-simple-history's history_change_reason column


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    label: str  # the verb the user reads: 提交, 审核通过, 退回…
    permission: str | None = None  # the access action checked on the object; None: the system's
    reason_required: bool = False

    def __init__(self, action, sources, target, label, *, permission=None, reason_required=False):
        object.__setattr__(self, "action", str(action))
        sources = [sources] if isinstance(sources, str) else sources
        object.__setattr__(self, "sources", frozenset(str(s) for s in sources))
        object.__setattr__(self, "target", str(target))
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "permission", permission)
        object.__setattr__(self, "reason_required", reason_required)


@dataclass
class Workflow:
    """The transitions of one status field of one model."""

    label: str  # "clues.lead"
    transitions: list[Transition]
    field: str = "status"
    _by_key: dict = dc_field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.label = self.label.lower()
        for t in self.transitions:
            for source in t.sources:
                key = (t.action, source)
                if key in self._by_key:
                    raise ValueError(f"{self.label}.{self.field}: two transitions for {key}")
                self._by_key[key] = t
        WORKFLOWS[(self.label, self.field)] = self

    def find(self, action: str, source: str) -> Transition | None:
        return self._by_key.get((str(action), str(source)))

    def actions(self) -> set[str]:
        return {t.action for t in self.transitions}

    def available(self, obj: Model, user) -> list[Transition]:
        """The transitions this user may make on the object now (for the buttons of a page)."""
        current = str(getattr(obj, self.field))
        return [
            t
            for t in self.transitions
            if current in t.sources and (t.permission is None or access.allows(user, t.permission, obj))
        ]


WORKFLOWS: dict[tuple[str, str], Workflow] = {}


def workflow_of(obj_or_model, field: str = "status") -> Workflow:
    label = obj_or_model._meta.label_lower
    try:
        return WORKFLOWS[(label, field)]
    except KeyError:
        raise LookupError(f"no workflow declared for {label}.{field}") from None


def _display(obj: Model, field: str, value: str) -> str:
    choices = dict(obj._meta.get_field(field).flatchoices)
    return str(choices.get(value, value))


def _versioned(model) -> bool:
    return any(f.name == "version" for f in model._meta.concrete_fields)


def transition(
    obj: Model,
    action: str,
    *,
    by,
    reason: str = "",
    field: str = "status",
    changes: dict | None = None,
    after: Callable[[Model, Transition], None] | None = None,
    message: str | None = None,
    version: int | None = None,
) -> Model:
    """Make one transition of `obj`'s `field`; returns the object as saved.

    `changes` are other fields the same step sets (a date, who signed); `after(obj, transition)` runs
    inside the transaction once the row is saved (notifications, an event row). `by=None` is the system
    (a task): only transitions without a permission may be made by it. `message` replaces the refusal's
    wording when the current status does not allow the action. `version`: the object's version the
    user's page showed (a versioned model, `xuncha.core.concurrency`); when the row moved on since, the
    action is refused, so a repeated click of a step that may follow itself (退回 a returned measure)
    acts once."""
    wf = workflow_of(obj, field)
    reason = (reason or "").strip()
    # An archival round (历史录入) was created in its final state and is read-only: no status of it or of
    # anything under it changes, not even by the system.
    refusal = access.archival_refusal(obj, "transition")
    if refusal:
        raise DomainError(refusal)
    with transaction.atomic():
        model = type(obj)
        locked = model._default_manager.select_for_update().filter(pk=obj.pk)
        if version is not None and _versioned(model):
            row = locked.values_list(field, "version").first()
            current, seen = row if row is not None else (None, None)
        else:
            current, seen = locked.values_list(field, flat=True).first(), None
        if current is None:
            raise DomainError("该记录已不存在")
        if seen is not None and seen != version:
            setattr(obj, field, current)
            raise DomainError(
                f"该记录在您打开页面之后已被办理或修改（当前状态为“{_display(obj, field, current)}”），"
                "本次操作未执行，请查看最新情况后再办理"
            )
        t = wf.find(action, current)
        if t is None:
            setattr(obj, field, current)
            if message:
                raise DomainError(message)
            wanted = next((x.label for x in wf.transitions if x.action == str(action)), str(action))
            raise DomainError(f"当前状态为“{_display(obj, field, current)}”，不能{wanted}")
        if t.permission is not None:
            if by is None:
                raise DomainError(f"{t.label}须由有权限的人员办理")
            access.require(by, t.permission, obj, message=f"无权{t.label}")
        if t.reason_required and not reason:
            raise DomainError(f"{t.label}须填写理由")
        setattr(obj, field, t.target)
        update_fields = [field]
        for name, value in (changes or {}).items():
            setattr(obj, name, value)
            update_fields.append(name)
        as_history_user(obj, by)
        obj._change_reason = (reason or t.label)[:REASON_MAX]
        obj.save(update_fields=update_fields)
        if after is not None:
            after(obj, t)
    return obj


def transition_each(objs: Iterable[Model], action: str, *, by, reason: str = "", **kwargs) -> list[Model]:
    """The same transition on several objects, each locked, checked and recorded on its own."""
    return [transition(obj, action, by=by, reason=reason, **kwargs) for obj in objs]
