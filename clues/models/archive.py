"""What became of the leads of an archival round (历史录入), as the office's workbook records it: counts.

An archival round's leads were handled before the system was used; the workbook gives, per unit, how
many leads were transferred to the discipline commission, how many cases were opened and how many persons
were dealt with in each of the four forms. Those are counts, not leads: no lead, reporter or person is
invented to hold them. The dashboards add them to the figures of the transfers (see
`dashboards.selectors.figures`).
"""

from django.db import models
from simple_history.models import HistoricalRecords

from xuncha.access.querysets import RestrictedManager


class TransferOutcome(models.Model):
    """The transfer figures of one unit in one archival round (移交线索数, 立案数, 四种形态人数)."""

    assignment = models.OneToOneField(
        "rounds.Assignment", verbose_name="巡察任务", on_delete=models.CASCADE, related_name="transfer_outcome"
    )
    # Denormalised from the assignment, like a finding's, for the dashboards' filters.
    round = models.ForeignKey("rounds.Round", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("rounds.Unit", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    leads = models.PositiveIntegerField("移交纪委监委线索数", default=0)
    cases = models.PositiveIntegerField("立案数", default=0)
    form1 = models.PositiveIntegerField("第一种形态人数", default=0)
    form2 = models.PositiveIntegerField("第二种形态人数", default=0)
    form3 = models.PositiveIntegerField("第三种形态人数", default=0)
    form4 = models.PositiveIntegerField("第四种形态人数", default=0)

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "移交成效（历史录入）"
        verbose_name_plural = "移交成效（历史录入）"
        ordering = ["round", "unit__name"]

    def __str__(self):
        return f"{self.unit.name}移交成效"

    @property
    def persons(self) -> int:
        return self.form1 + self.form2 + self.form3 + self.form4
