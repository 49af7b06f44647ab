"""The teams of a round (巡察组) and their members."""

from django.db import models
from simple_history.models import HistoricalRecords

from xuncha.access.querysets import RestrictedManager
from xuncha.core.concurrency import VersionedModel
from xuncha.core.numerals import cn_number

from .cadres import Cadre


class Team(VersionedModel):
    """An inspection team (巡察组) of one round."""

    round = models.ForeignKey("rounds.Round", verbose_name="轮次", on_delete=models.CASCADE, related_name="teams")
    number = models.PositiveSmallIntegerField("组号")
    note = models.TextField("任务分工说明", blank=True)

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "巡察组"
        verbose_name_plural = "巡察组"
        ordering = ["round", "number"]
        constraints = [models.UniqueConstraint(fields=["round", "number"], name="team_number_unique_in_round")]

    def __str__(self):
        return f"{self.round.short_name}{self.name}"

    @property
    def name(self) -> str:
        return f"第{cn_number(self.number)}巡察组"


class MemberRole(models.TextChoices):
    LEADER = "leader", "组长"
    DEPUTY = "deputy", "副组长"
    MEMBER = "member", "组员"


class TeamMember(VersionedModel):
    team = models.ForeignKey(Team, verbose_name="巡察组", on_delete=models.CASCADE, related_name="members")
    # The round is kept here too so the database itself refuses a cadre on two teams of one round.
    round = models.ForeignKey("rounds.Round", on_delete=models.CASCADE, related_name="+")
    cadre = models.ForeignKey(Cadre, verbose_name="巡察干部", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("职务", max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    duty = models.CharField("任务分工", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "巡察组成员"
        verbose_name_plural = "巡察组成员"
        constraints = [
            models.UniqueConstraint(fields=["round", "cadre"], name="cadre_on_one_team_per_round"),
            models.UniqueConstraint(
                fields=["team"], condition=models.Q(role="leader"), name="one_leader_per_team"
            ),
        ]

    def __str__(self):
        return f"{self.team} {self.get_role_display()} {self.cadre.name}"
