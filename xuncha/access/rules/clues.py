"""Leads, findings and transfers.

Leads are confidential: the office sees all; a team member sees his team's; a competent department
sees the out-of-scope petitions handed to it (guardian grants written by `grants.sync_lead`); a
receiver sees the leads in batches sent to it. The leadership reads the ledger and the figures, not
the leads. An inspected unit never sees a lead (nothing grants it one). Findings: the office, the
leadership and the team.
"""

from ..grants import granted
from ..registry import model, scope
from ..roles import is_office, sees_all_rounds
from .common import team_ids_of


@scope("clues.transferbatch")
def batches(user, qs):
    if is_office(user):
        return qs
    return granted(user, "clues.view_transferbatch", qs)


@scope("clues.lead")
def leads(user, qs):
    if is_office(user):
        return qs
    handed = granted(user, "clues.view_lead", model("clues.Lead").objects.all()).values("pk")
    sent = batches(user, model("clues.TransferBatch").objects.all())
    transferred = model("clues.Lead").objects.filter(transfer__batch__in=sent).values("pk")
    return qs.filter(team_id__in=team_ids_of(user)) | qs.filter(pk__in=handed) | qs.filter(pk__in=transferred)


@scope("clues.finding")
def findings(user, qs):
    if sees_all_rounds(user):
        return qs
    return qs.filter(team_id__in=team_ids_of(user))
