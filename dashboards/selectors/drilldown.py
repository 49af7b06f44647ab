"""The drill-down list behind every number of the dashboards: the rows a metric counts, how each row is
shown, and which rows the user may open (the pages of the objects, each restricted by `xuncha.access`)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from clues.models import Category
from dashboards.selectors.dashboard_page import parse_pk
from dashboards.selectors.figures import Filters, Scope
from rounds.models import UnitType
from teams.models import Team
from xuncha import access


def _visible(queryset, ids) -> set[int]:
    return set(queryset.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def _span(a) -> str:
    if a.onsite_start and a.onsite_end:
        return f"{a.onsite_start:%Y-%m-%d} 至 {a.onsite_end:%Y-%m-%d}"
    return ""


def _dt(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d}" if value else ""


HIDDEN = "—"

# Per source: select_related, ordering, headers, and how a row is shown (cells, and its page if the user
# may open it). `visible` holds the pks of the page's rows the user may open.
LISTS = {
    "assignments": {
        "related": ("round", "team", "unit"),
        "order": ("round__number", "team__number", "unit__name"),
        "headers": ["被巡察单位", "单位类型", "轮次", "巡察组", "巡察方式", "进驻时间"],
        "cells": lambda a, seen: [a.unit.name, a.unit.get_unit_type_display(), a.round.short_name, a.team.name,
                                  a.get_mode_display(), _span(a)],
        "visible": lambda user, ids: _visible(access.visible(user, "rounds.Assignment"), ids),
        "url": lambda a: reverse("rounds:assignment_detail", args=[a.pk]),
    },
    "findings": {
        "related": ("round", "team", "unit", "category__parent"),
        "order": ("round__number", "team__number", "serial"),
        "headers": ["编号", "问题标题", "被巡察单位", "巡察组", "问题类别", "严重程度", "审定时间"],
        "cells": lambda f, seen: [f.number, f.title, f.unit.name, f"{f.round.short_name}{f.team.name}",
                                  str(f.category), f.get_severity_display(), _dt(f.approved_at)],
        "visible": lambda user, ids: _visible(access.visible(user, "clues.Finding"), ids),
        "url": lambda f: reverse("clues:finding_detail", args=[f.pk]),
    },
    "problems": {
        "related": ("rectification__round", "rectification__unit", "rectification__team", "category__parent"),
        "order": ("rectification__round__number", "rectification__unit__name", "seq"),
        "headers": ["被巡察单位", "序号", "反馈问题", "问题类别", "轮次", "巡察组", "巡察期间立行立改"],
        "cells": lambda p, seen: [p.rectification.unit.name, p.seq, p.title, str(p.category),
                                  p.rectification.round.short_name, p.rectification.team.name,
                                  "是" if p.fixed_on_site else ""],
        "visible": None,  # by the rectification: see `_openable`
        "url": lambda p: reverse("rectification:rect_detail", args=[p.rectification_id]),
        "rect": lambda p: p.rectification_id,
    },
    "measures": {
        "related": ("problem", "rectification__unit", "rectification__round"),
        "order": ("rectification__round__number", "rectification__unit__name", "problem__seq", "seq"),
        "headers": ["被巡察单位", "编号", "整改措施", "整改类型", "完成时限", "状态", "销号时间", "轮次"],
        "cells": lambda m, seen: [m.rectification.unit.name, m.number, m.content[:80], m.get_kind_display(),
                                  f"{m.deadline:%Y-%m-%d}", m.get_status_display(), _dt(m.closed_at),
                                  m.rectification.round.short_name],
        "visible": None,
        "url": lambda m: reverse("rectification:ledger", args=[m.rectification_id]),
        "rect": lambda m: m.rectification_id,
    },
    "transfers": {
        "related": ("lead__team__round", "lead__unit", "batch__receiver"),
        "order": ("batch__sent_at", "pk"),
        "headers": ["问题线索", "被巡察单位", "处置方式", "接收单位", "移交时间", "办理结果", "摘要"],
        "cells": lambda t, seen: [t.lead.number, t.lead.unit.name, t.lead.get_disposition_display(),
                                  t.batch.receiver.name, _dt(t.batch.sent_at), t.get_result_display() or "待反馈",
                                  t.lead.summary if seen else HIDDEN],
        "visible": None,  # by the lead: see `_openable`
        "url": lambda t: reverse("clues:lead_detail", args=[t.lead_id]),
    },
    "persons": {
        "related": ("item__lead__team__round", "item__lead__unit", "item__batch"),
        "order": ("item__batch__sent_at", "item_id", "pk"),
        "headers": ["姓名", "职务", "四种形态", "处理方式", "被巡察单位", "问题线索"],
        "cells": lambda p, seen: [p.name if seen else HIDDEN, p.post, p.get_form_display(),
                                  p.get_sanction_display(), p.item.lead.unit.name, p.item.lead.number],
        "visible": None,  # by the batch: see `_openable`
        "url": lambda p: reverse("clues:batch_detail", args=[p.item.batch_id]),
    },
    "units": {
        "related": ("parent",),
        "order": ("unit_type", "name"),
        "headers": ["单位名称", "单位类型", "上级单位", "巡察情况"],
        "cells": lambda u, seen: [u.name, u.get_unit_type_display(), u.parent.name if u.parent_id else "",
                                  "已巡察" if u.covered else "尚未巡察"],
        "visible": lambda user, ids: _visible(access.visible(user, "rounds.Unit"), ids),
        "url": lambda u: reverse("rounds:unit_detail", args=[u.pk]),
    },
}  # fmt: skip


def _openable(source: str, user, objects: list) -> set[int]:
    """The pks of the rows (of this page) whose own page the user may open — one query."""
    if source in ("problems", "measures"):
        rect_ids = {LISTS[source]["rect"](o) for o in objects}
        seen = _visible(access.visible(user, "rectification.Rectification"), rect_ids)
        return {o.pk for o in objects if LISTS[source]["rect"](o) in seen}
    if source == "transfers":
        seen = _visible(access.visible(user, "clues.Lead"), {o.lead_id for o in objects})
        return {o.pk for o in objects if o.lead_id in seen}
    if source == "persons":
        seen = _visible(access.visible(user, "clues.TransferBatch"), {o.item.batch_id for o in objects})
        return {o.pk for o in objects if o.item.batch_id in seen}
    return LISTS[source]["visible"](user, [o.pk for o in objects])


NOWRAP = ("编号", "序号", "时间", "时限", "问题线索", "轮次", "状态", "类型", "方式", "巡察组", "姓名")


def list_rows(source: str, user, objects: list) -> list[dict]:
    """The rows of a drill-down page: `cells` (values), `tds` (value, keep on one line), `url`, `css`."""
    spec = LISTS[source]
    nowrap = [any(word in h for word in NOWRAP) for h in spec["headers"]]
    openable = _openable(source, user, objects)
    rows = []
    for obj in objects:
        seen = obj.pk in openable
        cells = spec["cells"](obj, seen)
        row = {
            "cells": cells,
            "tds": list(zip(cells, nowrap, strict=True)),
            "css": "",
            "url": spec["url"](obj) if seen else None,
        }
        if source == "measures":
            row["css"] = obj.deadline_state()
        rows.append(row)
    return rows


def drill_filters(params, scope: Scope) -> tuple[Filters, list[tuple[str, str]]]:
    """The filters of ?team=&unit_type=&category=, with their labels for the title. Another team than a
    team member's own, a team of another term, an unknown type or category is 404: whether another
    team exists is not his to learn."""
    labels = []
    team_pk = parse_pk(params.get("team"))
    if team_pk is not None:
        if scope.team_ids is not None and team_pk not in scope.team_ids:
            raise access.NotFound("team")
        team = get_object_or_404(Team.objects.select_related("round"), pk=team_pk, round__term=scope.term)
        labels.append(("巡察组", f"{team.round.short_name}{team.name}"))
    unit_type = params.get("unit_type") or ""
    if unit_type:
        if unit_type not in UnitType.values:
            raise access.NotFound("unit_type")
        labels.append(("单位类型", UnitType(unit_type).label))
    category_pk = parse_pk(params.get("category"))
    if category_pk is not None:
        category = get_object_or_404(Category.objects.select_related("parent"), pk=category_pk)
        labels.append(("问题类别", str(category) + ("（含下级类别）" if category.parent_id is None else "")))
    return Filters(team=team_pk, unit_type=unit_type, category=category_pk), labels
