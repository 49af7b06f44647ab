"""Reads for the round, assignment and public announcement pages, already filtered by `access`.

Every queryset here costs the same few queries whatever the number of rows: counts are subqueries,
related rows are joined or prefetched, never fetched per row.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rounds.models import (
    INSPECTED_STATUSES,
    MILESTONE_ORDER,
    Announcement,
    AnnouncementStatus,
    Assignment,
    AssignmentMode,
    Milestone,
    Round,
    RoundKind,
    RoundStatus,
    Term,
    Unit,
)
from xuncha import access
from xuncha.core.numerals import cn_date

# A milestone whose planned date is this close (and not yet done) is shown yellow; past it, red.
DUE_SOON_DAYS = 7

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _count(qs: QuerySet, field: str):
    """A correlated COUNT subquery: one query for the whole list, no cross-product of joins."""
    return Coalesce(
        Subquery(
            qs.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _team_members():
    """The team members table (teams sits above rounds, so it is looked up by label)."""
    return access.model("teams.TeamMember")


def _member_order():
    """组长 first, then 副组长, then 组员: the order of the members' role choices."""
    roles = [value for value, _ in _team_members()._meta.get_field("role").choices]
    return Case(
        *(When(role=value, then=Value(i)) for i, value in enumerate(roles[:-1])),
        default=Value(len(roles) - 1),
        output_field=IntegerField(),
    )


def _parse_number(text: str) -> int | None:
    """'3', '第三轮', '十二' → the round number, if the search text names one."""
    text = text.strip().removeprefix("第").removesuffix("轮巡察").removesuffix("轮")
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


# --- rounds -----------------------------------------------------------------------------------------


def round_search(user, q: str) -> Q:
    """The rounds a search names: by theme, plan, term, the name of a unit the user may see inspected in
    it, or its number ('3', '第三轮')."""
    match = (
        Q(theme__icontains=q)
        | Q(plan_note__icontains=q)
        | Q(term__name__icontains=q)
        | Q(pk__in=access.visible(user, "rounds.Assignment").filter(unit__name__icontains=q).values("round_id"))
    )
    number = _parse_number(q)
    if number is not None:
        match |= Q(number=number)
    return match


def round_list(user) -> QuerySet:
    """The rounds the user may see, with the teams and units he may see counted (filtered by
    `RoundFilter` in the view)."""
    qs = access.visible(user, "rounds.Round").select_related("term", "revisit_of__term")
    return qs.annotate(
        team_count=_count(access.visible(user, "teams.Team"), "round"),
        unit_count=_count(access.visible(user, "rounds.Assignment"), "round"),
    ).order_by("-term__start_date", "-number")


def round_get(user, pk: int) -> Round:
    """The round, or 404 when the user may not see it."""
    return access.get_visible(user, Round.objects.select_related("term", "revisit_of__term", "created_by"), pk=pk)


def milestones_of(round: Round) -> list[Milestone]:
    return list(round.milestones.all())


def current_term() -> Term | None:
    return Term.objects.filter(is_current=True).first()


def next_round_number(term: Term | None) -> int:
    if term is None:
        return 1
    last = Round.objects.filter(term=term).order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def lookback_candidates(*, exclude: Round | None = None) -> QuerySet:
    """The earlier rounds a 回头看 may revisit: those whose teams have stationed (and, when a round is
    edited, the one it already revisits)."""
    allowed = Q(status__in=INSPECTED_STATUSES)
    if exclude is not None and exclude.revisit_of_id:
        allowed |= Q(pk=exclude.revisit_of_id)
    qs = Round.objects.filter(allowed).select_related("term")
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs.order_by("-term__start_date", "-number")


@dataclass(frozen=True)
class Step:
    value: str
    label: str
    state: str  # "done", "current" or ""


def stage_steps(round: Round) -> list[Step]:
    values = list(RoundStatus.values)
    current = values.index(round.status)
    return [
        Step(value, label, "done" if i < current else "current" if i == current else "")
        for i, (value, label) in enumerate(RoundStatus.choices)
    ]


def milestone_state(m: Milestone, today: date) -> tuple[str, str]:
    """(css class, label) of a milestone: done, overdue (red), due within 7 days (yellow), later, undated."""
    if m.actual_date:
        return "", "已完成"
    if not m.planned_date:
        return "", "未定"
    if m.planned_date < today:
        return "overdue", f"逾期{(today - m.planned_date).days}天"
    if m.planned_date <= today + timedelta(days=DUE_SOON_DAYS):
        days = (m.planned_date - today).days
        return "due-soon", "今天到期" if days == 0 else f"{days}天后到期"
    return "", "未到期"


def round_milestones(round: Round, *, today: date | None = None) -> list[Milestone]:
    """The round's milestones in the order of the work, each with `.css` and `.state` for the table."""
    today = today or timezone.localdate()
    milestones = sorted(round.milestones.all(), key=lambda m: MILESTONE_ORDER.index(m.kind))
    finished = round.status == RoundStatus.DONE
    for m in milestones:
        if finished and not m.actual_date:
            m.css, m.state = "", "未记录"  # nothing is due in a finished round
        else:
            m.css, m.state = milestone_state(m, today)
    return milestones


def round_teams(user, round: Round) -> list:
    """The teams of the round the user may see, with members (leader first) and assigned units."""
    visible_assignments = access.visible(user, "rounds.Assignment").select_related("unit").order_by("unit__name")
    teams = (
        access.visible(user, "teams.Team")
        .filter(round=round)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=_team_members()
                .objects.select_related("cadre__home_unit", "cadre__user")
                .annotate(role_order=_member_order())
                .order_by("role_order", "cadre__name"),
            ),
            Prefetch("assignments", queryset=visible_assignments, to_attr="visible_assignments"),
        )
        .order_by("number")
    )
    teams = list(teams)
    for team in teams:
        members = list(team.members.all())
        team.leader = next((m for m in members if m.role_order == 0), None)
        team.member_count = len(members)
    return teams


def round_assignments(user, round: Round) -> list[Assignment]:
    """The round's assignments the user may see (a team member: his own team's only)."""
    rows = list(
        access.visible(user, "rounds.Assignment")
        .filter(round=round)
        .select_related("team", "unit", "announcement")
        .order_by("team__number", "unit__name")
    )
    for a in rows:
        a.ann = getattr(a, "announcement", None)
    return rows


def round_transitions(round: Round) -> QuerySet:
    return round.transitions.select_related("by").order_by("at", "id")


# --- assignments ------------------------------------------------------------------------------------


def assignment_list(user) -> QuerySet:
    """The assignments the user may see (filtered by `AssignmentFilter` in the view)."""
    qs = access.visible(user, "rounds.Assignment").select_related("round__term", "team", "unit", "announcement")
    return qs.order_by("-round__term__start_date", "-round__number", "team__number", "unit__name")


def assignment_get(user, pk: int) -> Assignment:
    """The assignment, or 404 when the user may not see it (another team's assignment)."""
    assignment = access.get_visible(
        user,
        Assignment.objects.select_related(
            "round__term", "round__revisit_of__term", "team", "unit__parent", "announcement__published_by"
        ),
        pk=pk,
    )
    assignment.ann = getattr(assignment, "announcement", None)
    return assignment


def announcement_of(assignment: Assignment) -> Announcement | None:
    """The assignment's announcement, read afresh (None while not yet written)."""
    return Announcement.objects.filter(assignment=assignment).first()


def team_members(team) -> list:
    return list(
        team.members.select_related("cadre__home_unit")
        .annotate(role_order=_member_order())
        .order_by("role_order", "cadre__name")
    )


def round_filter_choices(user) -> QuerySet:
    return access.visible(user, "rounds.Round").select_related("term").order_by("-term__start_date", "-number")


def team_filter_choices(user, *, round=None) -> QuerySet:
    qs = access.visible(user, "teams.Team").select_related("round__term")
    if round:
        qs = qs.filter(round=round)
    return qs.order_by("-round__term__start_date", "-round__number", "number")


def assignable_teams(round: Round) -> QuerySet:
    return round.teams.order_by("number")


def assignable_units(round: Round, *, keep: Unit | None = None) -> QuerySet:
    """Active units not yet assigned in the round (plus the one an assignment being edited has).

    A 回头看 may only revisit the units of the round it looks back on."""
    free = Q(is_active=True) & ~Q(pk__in=Assignment.objects.filter(round=round).values("unit_id"))
    if round.kind == RoundKind.LOOKBACK and round.revisit_of_id:
        free &= Q(pk__in=Assignment.objects.filter(round_id=round.revisit_of_id).values("unit_id"))
    if keep is not None:
        free |= Q(pk=keep.pk)
    return Unit.objects.filter(free).select_related("parent").order_by("unit_type", "name")


# --- the public announcements -------------------------------------------------------------------------


def published_announcements() -> QuerySet:
    """What the public reads (filtered by `PublicFilter` in the view)."""
    qs = Announcement.objects.filter(status=AnnouncementStatus.PUBLISHED).select_related(
        "assignment__round__term", "assignment__team", "assignment__unit"
    )
    return qs.order_by("-published_at", "-id")


def public_rounds() -> QuerySet:
    """The rounds that have at least one published announcement (for the public filter)."""
    return (
        Round.objects.filter(assignments__announcement__status=AnnouncementStatus.PUBLISHED)
        .select_related("term")
        .distinct()
        .order_by("-term__start_date", "-number")
    )


def published_announcement_get(pk: int) -> Announcement:
    return get_object_or_404(
        Announcement.objects.select_related(
            "assignment__round__term", "assignment__team", "assignment__unit"
        ),
        pk=pk,
        status=AnnouncementStatus.PUBLISHED,
    )


def inspection_label(assignment: Assignment) -> str:
    """How the announcement names the inspection: 常规巡察, 房地产领域专项巡察, 提级巡察, 巡察“回头看”…"""
    mode_labels = {
        AssignmentMode.ELEVATED: "提级巡察",
        AssignmentMode.TARGETED: "点穴式巡察",
        AssignmentMode.EXTENDED: "延伸巡察",
    }
    if assignment.mode in mode_labels:
        return mode_labels[assignment.mode]
    round = assignment.round
    if round.kind == RoundKind.SPECIAL:
        return f"{round.theme.strip()}专项巡察" if round.theme.strip() else "专项巡察"
    if round.kind == RoundKind.LOOKBACK:
        return "巡察“回头看”"
    return round.get_kind_display()



def announcement_title(announcement: Announcement) -> str:
    a = announcement.assignment
    return f"县委{a.team.name}进驻{a.unit.name}开展巡察的公告"


def announcement_text(announcement: Announcement) -> dict:
    """The public text of an announcement, composed from its fields. Nothing internal goes in:
    no member names, no notes, no who-published."""
    a = announcement.assignment
    channels = [f"值班电话：{announcement.phone.strip()}"]
    if announcement.mailbox.strip():
        channels.append(f"邮政信箱：{announcement.mailbox.strip()}")
    if announcement.email.strip():
        channels.append(f"电子邮箱：{announcement.email.strip()}")
    scope = re.sub(r"[。．.\s]+$", "", announcement.accepted_scope.strip())
    published = timezone.localdate(announcement.published_at) if announcement.published_at else None
    return {
        "title": announcement_title(announcement),
        "paragraphs": [
            f"根据县委巡察工作统一部署，县委{a.team.name}于{cn_date(announcement.start_date)}至"
            f"{cn_date(announcement.end_date)}对{a.unit.name}开展{inspection_label(a)}。"
            f"巡察期间设立{'；'.join(channels)}。",
            f"{scope}。" if scope else "",
            f"受理时间截止{cn_date(announcement.end_date)}。",
        ],
        "signature": f"县委{a.team.name}",
        "date": cn_date(published) if published else "",
    }
