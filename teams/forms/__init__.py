"""Forms of the cadre pool and the team pages."""

from .cadres import CadreFilter, CadreForm
from .teams import CadreChoiceField, TeamMemberAddForm, TeamMemberForm, TeamNoteForm

__all__ = ["CadreChoiceField", "CadreFilter", "CadreForm", "TeamMemberAddForm", "TeamMemberForm", "TeamNoteForm"]
