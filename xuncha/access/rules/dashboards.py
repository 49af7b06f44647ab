"""The leadership dashboards, quality evaluation and common-problem analysis, and the workbench."""

from ..registry import page
from ..roles import Role, has_role, is_office, is_supervisor

# --- the workbench (工作台): which of its parts a user is shown ---------------------------------------


@page("workbench.office")
def workbench_office(user) -> bool:
    """The plans awaiting approval and the overdue reports."""
    return is_office(user)


@page("workbench.supervision")
def workbench_supervision(user) -> bool:
    """纪委监委 and 组织部: the latest reports submitted and the overdue ones."""
    return is_supervisor(user)


@page("workbench.team")
def workbench_team(user) -> bool:
    """A team member's assignments."""
    return has_role(user, Role.TEAM)


@page("workbench.unit")
def workbench_unit(user) -> bool:
    """An inspected unit's own users."""
    return has_role(user, Role.UNIT)
