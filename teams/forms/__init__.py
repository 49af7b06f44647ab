"""Forms of the cadre pool and the team pages."""

from .cadres import CadreForm
from .teams import CadreChoiceField, TeamMemberAddForm, TeamMemberForm, TeamNoteForm

__all__ = ["CadreChoiceField", "CadreForm", "TeamMemberAddForm", "TeamMemberForm", "TeamNoteForm"]
