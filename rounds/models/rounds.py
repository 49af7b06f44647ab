"""Rounds of inspection (巡察轮次), their stage history and their milestones."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from xuncha.access.querysets import RestrictedManager
from xuncha.core.concurrency import VersionedModel
from xuncha.core.numerals import cn_number

from .terms import Term


class RoundKind(models.TextChoices):
    REGULAR = "regular", "常规巡察"
    SPECIAL = "special", "专项巡察"
    MOBILE = "mobile", "机动巡察"
    ELEVATED = "elevated", "提级巡察"
    LOOKBACK = "lookback", "回头看"


class RoundStatus(models.TextChoices):
    PREPARING = "preparing", "筹备"
    MOBILIZING = "mobilizing", "动员部署"
    STATIONED = "stationed", "进驻"
    REPORTING = "reporting", "报告"
    FEEDBACK = "feedback", "反馈"
    RECTIFYING = "rectifying", "整改"
    DONE = "done", "完成"


# Statuses from which the units of a round count as inspected for coverage (the team has stationed).
INSPECTED_STATUSES = (
    RoundStatus.STATIONED,
    RoundStatus.REPORTING,
    RoundStatus.FEEDBACK,
    RoundStatus.RECTIFYING,
    RoundStatus.DONE,
)

# Teams can be formed and changed until the team has finished its on-site work.
TEAM_EDITABLE_STATUSES = (RoundStatus.PREPARING, RoundStatus.MOBILIZING, RoundStatus.STATIONED)


class Round(VersionedModel):
    """One round of inspection (第X轮巡察) in a term."""

    term = models.ForeignKey(Term, verbose_name="届次", on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField("轮次")
    kind = models.CharField("巡察类型", max_length=20, choices=RoundKind.choices, default=RoundKind.REGULAR)
    theme = models.CharField("专项主题", max_length=100, blank=True, help_text="专项巡察必填，例如：房地产领域")
    revisit_of = models.ForeignKey(
        "self",
        verbose_name="回头看的轮次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lookbacks",
    )
    planned_start = models.DateField("计划开始")
    planned_end = models.DateField("计划结束")
    status = models.CharField(
        "状态", max_length=20, choices=RoundStatus.choices, default=RoundStatus.PREPARING, db_index=True
    )
    plan_note = models.TextField("巡察工作方案要点", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # Set on a round imported from a workbook (历史录入): the import that last wrote it. Such a round was
    # created in its final state and is read-only except by a re-import (rounds.models.archive).
    archive_import = models.ForeignKey(
        "rounds.ArchiveImport",
        verbose_name="历史录入来源",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rounds",
    )

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "巡察轮次"
        verbose_name_plural = "巡察轮次"
        ordering = ["-term__start_date", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="round_number_unique_in_term"),
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")), name="round_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.term.name}第{cn_number(self.number)}轮巡察"

    @property
    def short_name(self) -> str:
        return f"第{cn_number(self.number)}轮"

    @property
    def is_archival(self) -> bool:
        """Imported from the office's workbook (历史录入): read-only, shown with its source."""
        return self.archive_import_id is not None


class RoundTransition(models.Model):
    """Who moved a round from one stage to the next, and when."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=RoundStatus.choices)
    to_status = models.CharField(max_length=20, choices=RoundStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "轮次状态变更"
        verbose_name_plural = "轮次状态变更"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class MilestoneKind(models.TextChoices):
    MOBILIZATION = "mobilization", "动员部署会"
    STATIONING = "stationing", "进驻"
    REPORT_GROUP = "report_group", "汇报领导小组"
    REPORT_FIVE = "report_five", "五人小组听取汇报"
    FEEDBACK = "feedback", "反馈会"
    RECTIFY_DEADLINE = "rectify_deadline", "整改期限"


MILESTONE_ORDER = [k.value for k in MilestoneKind]


class Milestone(VersionedModel):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField("节点", max_length=30, choices=MilestoneKind.choices)
    planned_date = models.DateField("计划日期", null=True, blank=True)
    actual_date = models.DateField("实际日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "工作节点"
        verbose_name_plural = "工作节点"
        constraints = [models.UniqueConstraint(fields=["round", "kind"], name="one_milestone_of_a_kind")]
        indexes = [models.Index(fields=["planned_date", "actual_date"])]

    def __str__(self):
        return f"{self.round} · {self.get_kind_display()}"

    @property
    def history_label(self) -> str:
        return f"工作节点：{self.get_kind_display()}"

    @property
    def order(self) -> int:
        return MILESTONE_ORDER.index(self.kind)
