"""Feedback and rectification.

The office and the leadership see every rectification; a team member sees those of his team's
assignments (and the team's internal report). Once the feedback meeting is held, the unit's own users
see their unit's rectification — the fed-back problems, never the findings or the team's report — and
the discipline commission and the organization department see every one (日常监督).

Every decision on one rectification is taken from the user's standing to it (`rect_role`): the office
writes the feedback, reviews the plan, closes measures and publishes; the unit's principal and liaison
draft the plan and the reports (the principal alone signs); the supervisors and the office comment on
a report; the leadership and the team read. A draft report version is the unit's own.
"""

from xuncha.accounts.roles import Role

from ..registry import model, page, rule, scope
from ..roles import has_role, is_office, is_supervisor, sees_all_rounds
from .common import own_unit_ids, team_ids_of, team_role_of

RECT = "rectification.rectification"
UNIT_ROLES = ("principal", "unit")
INTERNAL_ROLES = ("office", "leader", "team")


# --- the rows -----------------------------------------------------------------------------------------


@scope(RECT)
def rectifications(user, qs):
    if sees_all_rounds(user):
        return qs
    fed_back = qs.filter(meeting_date__isnull=False)
    if is_supervisor(user):
        return fed_back
    return qs.filter(team_id__in=team_ids_of(user)) | fed_back.filter(unit_id__in=own_unit_ids(user))


def _visible_rects(user):
    return rectifications(user, model(RECT).objects.all())


def _through_rect(path: str):
    """A scope for a model reached from the rectification by `path`: the rows of the rectifications the
    user may see."""

    def rows(user, qs):
        if sees_all_rounds(user):
            return qs
        return qs.filter(**{f"{path}__in": _visible_rects(user)})

    return rows


for _label, _path in (
    ("rectification.problem", "rectification"),
    ("rectification.measure", "rectification"),
    ("rectification.commitment", "rectification"),
    ("rectification.report", "rectification"),
    ("rectification.rectmeeting", "rectification"),
    ("rectification.accountability", "rectification"),
):
    scope(_label)(_through_rect(_path))


def _unit_side(user, qs, rect_path: str):
    """Rows whose rectification is of a unit this user speaks for (principal or liaison)."""
    return qs.filter(**{f"{rect_path}__unit_id__in": own_unit_ids(user)}) | qs.filter(
        **{f"{rect_path}__unit__principal_user": user}
    )


@scope("rectification.reportversion")
def report_versions(user, qs):
    """Submitted and signed versions for whoever sees the rectification; a draft only for its unit."""
    visible = _through_rect("report__rectification")(user, qs)
    sent = visible.exclude(status="draft")
    if sees_all_rounds(user):  # the office and the leadership never read a unit's draft
        return sent
    return sent | _unit_side(user, visible.filter(status="draft"), "report__rectification")


@scope("rectification.reportevidence")
def report_evidence(user, qs):
    return qs.filter(entry__version__in=report_versions(user, model("rectification.ReportVersion").objects.all()))


@scope("rectification.publication")
def publications(user, qs):
    """The publications of the rectifications he sees (drafts: see `see_publication_drafts`), and every
    published one (党内公开, for any county user)."""
    return _through_rect("rectification")(user, qs) | qs.filter(status="published")


# --- one rectification ------------------------------------------------------------------------------


def rect_role(user, rect) -> str | None:
    """How this user stands to one rectification: 'office', 'leader', 'team', 'principal', 'unit',
    'supervisor' (纪委监委 / 组织部), or None. Every rectification rule decides from this one answer
    (kept on the user for the request, per rectification and whether it is fed back)."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache = getattr(user, "_rect_roles", None)
    if cache is None:
        cache = {}
        user._rect_roles = cache
    key = (rect.pk, rect.fed_back)
    if key not in cache:
        cache[key] = _rect_role(user, rect)
    return cache[key]


def _rect_role(user, rect) -> str | None:
    if is_office(user):
        return "office"
    if sees_all_rounds(user):
        return "leader"
    if rect.fed_back and rect.unit.principal_user_id == user.pk:
        return "principal"
    if rect.fed_back and own_unit_ids(user).filter(pk=rect.unit_id).exists():
        return "unit"
    if team_role_of(user, rect.team_id):
        return "team"
    if rect.fed_back and is_supervisor(user):
        return "supervisor"
    return None


def sees_internal(user, rect) -> bool:
    """The team's report and findings: the office, the leadership and the team — never the unit."""
    return rect_role(user, rect) in INTERNAL_ROLES


@rule(RECT, "view")
def view_rect(user, rect) -> bool:
    return rect_role(user, rect) is not None


@rule(
    RECT,
    "edit_feedback",  # the feedback texts, its problems, the documents, the feedback meeting
    "approve_plan",
    "return_plan",
    "close_measures",  # 销号, 退回, 反弹重开
    "remind",  # 催办: tell the unit of its overdue and due items
    "close",  # 整改评估并办结
    "record_accountability",
    "publish",  # 拟定, 公开, 撤回
    "record_hearing",
    "waive_report",  # 免报 a missed half-monthly report
    "see_history",
)
def office_writes(user, rect) -> bool:
    return rect_role(user, rect) == "office"


@rule(RECT, "edit_plan", "write_report", "see_drafts")
def unit_writes(user, rect) -> bool:
    """The unit's principal and liaison: the plan, the commitments, the reports (and their drafts)."""
    return rect_role(user, rect) in UNIT_ROLES


@rule(RECT, "sign")
def sign(user, rect) -> bool:
    """双承诺 and 签字背书: the unit's principal himself."""
    return rect_role(user, rect) == "principal"


@rule(RECT, "record_democratic_life")
def record_democratic_life(user, rect) -> bool:
    return rect_role(user, rect) in ("office", *UNIT_ROLES)


@rule(RECT, "comment")
def comment(user, rect) -> bool:
    """日常监督: the discipline commission, the organization department and the office."""
    return rect_role(user, rect) in ("office", "supervisor")


@rule(RECT, "report_pdf")
def report_pdf(user, rect) -> bool:
    return rect_role(user, rect) in ("office", "supervisor", *UNIT_ROLES)


@rule(RECT, "see_internal", "view_report_docs")
def see_internal(user, rect) -> bool:
    """The team's report (巡察报告): the office, the leadership and the team — never the unit or the
    supervisors."""
    return sees_internal(user, rect)


@rule(RECT, "view_feedback_docs")
def view_feedback_docs(user, rect) -> bool:
    """The feedback opinions: whoever sees the rectification, the unit once the meeting is held."""
    role = rect_role(user, rect)
    return role in INTERNAL_ROLES or (role is not None and rect.fed_back)


@rule(RECT, "see_publication_drafts")
def see_publication_drafts(user, rect) -> bool:
    return rect_role(user, rect) in ("office", "leader")


# --- pages --------------------------------------------------------------------------------------------


@page("rectification.create")
def create(user) -> bool:
    """Prepare the feedback of an assignment (and see the office's to-do on the list)."""
    return is_office(user)


@page("rectification.supervision")
def supervision(user) -> bool:
    """整改监督: the discipline commission, the organization department and the office."""
    return is_office(user) or is_supervisor(user)


@page("rectification.speak_for_office")
def speak_for_office(user) -> bool:
    return is_office(user)


@page("rectification.speak_for_jiwei")
def speak_for_jiwei(user) -> bool:
    return has_role(user, Role.JIWEI)


@page("rectification.speak_for_zuzhibu")
def speak_for_zuzhibu(user) -> bool:
    return has_role(user, Role.ZUZHIBU)


# --- the objects of one rectification (the permissions of its workflows) --------------------------------


@rule("rectification.measure", "close", "return", "reopen")
def close_measure(user, measure) -> bool:
    return office_writes(user, measure.rectification)


@rule("rectification.publication", "publish", "withdraw")
def publish(user, publication) -> bool:
    return office_writes(user, publication.rectification)


@rule("rectification.reportversion", "submit")
def submit_version(user, version) -> bool:
    return unit_writes(user, version.report.rectification)


@rule("rectification.reportversion", "sign")
def sign_version(user, version) -> bool:
    return sign(user, version.report.rectification)


@rule("rectification.reportversion", "report_pdf")
def version_report_pdf(user, version) -> bool:
    """Rendering a version's PDF (again): as for the rectification's report files."""
    return report_pdf(user, version.report.rectification)


@rule("rectification.reportversion", "view_document")
def view_version_document(user, version) -> bool:
    """The PDF of a submitted or signed version (only those are rendered): whoever sees the rectification."""
    return view_rect(user, version.report.rectification)
