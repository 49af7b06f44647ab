"""Terms, the unit registry, rounds and their milestones, assignments of teams to units, announcements."""

from .archive import ArchiveImport, ArchiveImportStatus
from .assignments import (
    DEFAULT_ACCEPTED_SCOPE,
    Announcement,
    AnnouncementStatus,
    Assignment,
    AssignmentGroupObjectPermission,
    AssignmentMode,
    AssignmentUserObjectPermission,
)
from .rounds import (
    INSPECTED_STATUSES,
    MILESTONE_ORDER,
    TEAM_EDITABLE_STATUSES,
    Milestone,
    MilestoneKind,
    Round,
    RoundKind,
    RoundStatus,
    RoundTransition,
)
from .terms import Term
from .units import Unit, UnitGroupObjectPermission, UnitType, UnitUserObjectPermission

__all__ = [
    "ArchiveImport",
    "ArchiveImportStatus",
    "DEFAULT_ACCEPTED_SCOPE",
    "INSPECTED_STATUSES",
    "MILESTONE_ORDER",
    "TEAM_EDITABLE_STATUSES",
    "Announcement",
    "AnnouncementStatus",
    "Assignment",
    "AssignmentGroupObjectPermission",
    "AssignmentMode",
    "AssignmentUserObjectPermission",
    "Milestone",
    "MilestoneKind",
    "Round",
    "RoundKind",
    "RoundStatus",
    "RoundTransition",
    "Term",
    "Unit",
    "UnitGroupObjectPermission",
    "UnitType",
    "UnitUserObjectPermission",
]
