"""Every write to terms, units, rounds, assignments and announcements goes through these functions."""

from .assignments import (  # noqa: F401
    announcement_publish,
    announcement_save,
    announcement_withdraw,
    assignment_create,
    assignment_delete,
    assignment_update,
)
from .rounds import (  # noqa: F401
    ROUND_ACTIONS,
    milestone_update,
    round_action_checks,
    round_create,
    round_transition,
    round_update,
    term_save,
)
from .unit_import import UnitImportError, units_import  # noqa: F401
from .units import unit_lineage, unit_save, unit_set_staff  # noqa: F401
