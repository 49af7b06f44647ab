"""Quality evaluation of the teams (巡察质量考评): the weights the office sets, and the scores entered by
the leadership group, the office and the inspected units. The indicators are computed from the data
(`dashboards.selectors.quality`), never stored."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from xuncha.core.concurrency import VersionedModel


class QualitySettings(VersionedModel):
    """One row: the weights of the three scores (default 70% / 20% / 10%) and the threshold below which a
    team is flagged for a talk (约谈)."""

    leadership_weight = models.DecimalField(
        "领导小组评分权重（%）", max_digits=5, decimal_places=2, default=Decimal("70"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    office_weight = models.DecimalField(
        "巡察办评分权重（%）", max_digits=5, decimal_places=2, default=Decimal("20"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    unit_weight = models.DecimalField(
        "被巡察单位评分权重（%）", max_digits=5, decimal_places=2, default=Decimal("10"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    talk_threshold = models.DecimalField(
        "约谈线（综合得分低于此分）", max_digits=5, decimal_places=2, default=Decimal("75"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "考评设置"
        verbose_name_plural = "考评设置"

    def __str__(self):
        return "巡察质量考评设置"

    @classmethod
    def current(cls) -> "QualitySettings":
        # The one row is made with a fixed key: twenty first requests at once make one (the others find it).
        return cls.objects.order_by("pk").first() or cls.objects.get_or_create(pk=1)[0]


class ScoreSource(models.TextChoices):
    LEADERSHIP = "leadership", "巡察工作领导小组"
    OFFICE = "office", "巡察办"
    UNIT = "unit", "被巡察单位"


class TeamScore(VersionedModel):
    """A score (0–100) of one team's work in its round, from one source. The units' score is the mean of
    the scores given by each inspected unit (one row per unit, `unit` set)."""

    team = models.ForeignKey(
        "teams.Team", verbose_name="巡察组", on_delete=models.CASCADE, related_name="scores"
    )
    source = models.CharField("评分主体", max_length=12, choices=ScoreSource.choices)
    unit = models.ForeignKey(
        "rounds.Unit",
        verbose_name="评分单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    score = models.DecimalField(
        "评分", max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    note = models.CharField("评价意见", max_length=300, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "巡察组评分"
        verbose_name_plural = "巡察组评分"
        ordering = ["team", "source", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "source"],
                condition=models.Q(unit__isnull=True),
                name="team_score_once_per_source",
            ),
            models.UniqueConstraint(
                fields=["team", "unit"],
                condition=models.Q(unit__isnull=False),
                name="team_score_once_per_unit",
            ),
        ]

    def __str__(self):
        return f"{self.team} · {self.get_source_display()} · {self.score}"
