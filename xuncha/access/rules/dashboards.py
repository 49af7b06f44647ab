"""The leadership dashboards, quality evaluation and common-problem analysis, and the workbench."""

from ..registry import model, page, rule, scope
from ..roles import Role, has_role, is_office, is_receiver, is_supervisor, sees_all_rounds

# --- 领导驾驶舱: the figures ---------------------------------------------------------------------------


@page("dashboards.figures")
def figures(user) -> bool:
    """The office and the leadership see every team's figures; a team member his teams' part (the
    inspected units, 纪委监委, 组织部 none)."""
    return sees_all_rounds(user) or has_role(user, Role.TEAM)


@page("dashboards.all_teams")
def all_teams(user) -> bool:
    """Whose figures are not restricted to his own teams."""
    return sees_all_rounds(user)


@scope("rounds.round", "figures")
def figure_rounds(user, qs):
    """The rounds whose dashboard a user may open: every round for the office and the leadership, the
    rounds his teams served in for a team member."""
    if sees_all_rounds(user):
        return qs
    if not has_role(user, Role.TEAM):
        return qs.none()
    return qs.filter(pk__in=model("teams.Team").objects.filter(members__cadre__user=user).values("round_id"))


# --- 巡察质量考评 and 共性问题分析 ------------------------------------------------------------------------


@page("dashboards.quality", "dashboards.common_problems", "dashboards.thematic_reports")
def evaluation(user) -> bool:
    """The office and the leadership read the evaluation of the teams and the analysis of common problems
    (the leadership read-only), and the 专题报告 drawn from it: not the teams, they are what is
    evaluated; the report names units and their problems."""
    return sees_all_rounds(user)


@page("dashboards.evaluate", "dashboards.thematic_report")
def evaluate(user) -> bool:
    """Only the office records the weights and the scores, and asks for a 专题报告."""
    return is_office(user)


# --- the workbench (工作台): which of its parts a user is shown ---------------------------------------


@page("workbench.office")
def workbench_office(user) -> bool:
    """The plans awaiting approval and the overdue reports."""
    return is_office(user)


@page("workbench.supervision")
def workbench_supervision(user) -> bool:
    """纪委监委 and 组织部: the latest reports submitted and the overdue ones."""
    return is_supervisor(user)


@page("workbench.receiver")
def workbench_receiver(user) -> bool:
    """纪委监委, 组织部 and the departments: the batches sent to them (待签收, results due, overdue) and
    the petitions handed to them. Not the office, which sends them."""
    return not is_office(user) and is_receiver(user)


@page("workbench.team")
def workbench_team(user) -> bool:
    """A team member's assignments."""
    return has_role(user, Role.TEAM)


@page("workbench.team_review")
def workbench_team_review(user) -> bool:
    """A team's 组长 or 副组长: the findings waiting for his review, the leads waiting for triage."""
    return _team_member(user).filter(role__in=("leader", "deputy")).exists()


@page("workbench.team_lead")
def workbench_team_lead(user) -> bool:
    """A team's 组长: the leads waiting for his disposition proposal."""
    return _team_member(user).filter(role="leader").exists()


def _team_member(user):
    return model("teams.TeamMember").objects.filter(cadre__user=user)


@page("workbench.unit")
def workbench_unit(user) -> bool:
    """An inspected unit's own users."""
    return has_role(user, Role.UNIT)


@rule("rounds.term", "view_thematic")
@rule("rounds.round", "view_thematic")
def view_thematic(user, subject) -> bool:
    """A 专题报告 of a term or a round: for whom may read the 专题报告 (it names units and their problems)."""
    return evaluation(user)


@rule("rounds.round", "view_dashboard_pdf")
def view_dashboard_pdf(user, round) -> bool:
    """The PDF of a round's whole dashboard (every team's figures), rendered in the background: for whom
    sees every team's figures; a team member downloads his own part directly."""
    return sees_all_rounds(user)
