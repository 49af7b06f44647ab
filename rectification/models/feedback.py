"""The rectification of one unit and the problems fed back to it (反馈)."""

from datetime import date

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from xuncha.access.querysets import RestrictedManager
from xuncha.core.concurrency import VersionedModel

from .deadlines import deadline_state


class RectStatus(models.TextChoices):
    PREPARING = "preparing", "反馈准备"
    PLANNING = "planning", "制定方案"
    PLAN_SUBMITTED = "plan_submitted", "方案待审核"
    IN_PROGRESS = "in_progress", "整改中"
    CLOSED = "closed", "已完成"


class Rating(models.TextChoices):
    GOOD = "good", "好"
    FAIR_GOOD = "fair_good", "较好"
    FAIR = "fair", "一般"
    POOR = "poor", "差"


class Rectification(VersionedModel):
    """The feedback to and the rectification of one unit in one round."""

    assignment = models.OneToOneField(
        "rounds.Assignment", verbose_name="巡察任务", on_delete=models.PROTECT, related_name="rectification"
    )
    # Denormalised from the assignment for filtering and access checks (never changes).
    round = models.ForeignKey("rounds.Round", verbose_name="轮次", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("rounds.Unit", verbose_name="被巡察单位", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("teams.Team", verbose_name="巡察组", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "状态", max_length=20, choices=RectStatus.choices, default=RectStatus.PREPARING, db_index=True
    )

    # --- feedback (反馈) ---
    report_summary = models.TextField(
        "巡察报告总体评价", blank=True, help_text="写入巡察报告开头：被巡察单位基本情况和总体评价"
    )
    feedback_intro = models.TextField("反馈意见导语", blank=True, help_text="写入反馈意见开头")
    demands = models.TextField("整改要求", help_text="每行一条，写入反馈意见“整改要求”部分")
    deadline = models.DateField("整改期限", db_index=True)
    meeting_date = models.DateField("反馈会日期", null=True, blank=True)
    meeting_place = models.CharField("反馈会地点", max_length=100, blank=True)
    meeting_attendees = models.TextField("参会人员", blank=True)
    meeting_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # --- the plan (整改方案) ---
    plan_submitted_at = models.DateTimeField("方案报送时间", null=True, blank=True)
    plan_approved_at = models.DateTimeField("方案审核通过时间", null=True, blank=True)
    plan_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    plan_return_reason = models.TextField("方案退回理由", blank=True)

    # --- closing (整改评估) ---
    closed_at = models.DateTimeField("完成时间", null=True, blank=True)
    rating = models.CharField("整改评估", max_length=12, choices=Rating.choices, blank=True)
    rating_note = models.TextField("评估意见", blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "整改"
        verbose_name_plural = "整改"
        ordering = ["-round__planned_start", "unit__name"]

    def __str__(self):
        return f"{self.unit.name}（{self.round.short_name}）整改"

    @property
    def fed_back(self) -> bool:
        """The feedback meeting is held: the unit's users see their feedback from now on."""
        return self.meeting_date is not None

    @property
    def plan_editable(self) -> bool:
        return self.status == RectStatus.PLANNING

    @property
    def is_closed(self) -> bool:
        return self.status == RectStatus.CLOSED

    def deadline_state(self, today: date | None = None) -> str:
        return "" if self.is_closed else deadline_state(self.deadline, today)


class Problem(VersionedModel):
    """A problem fed back to the unit (反馈问题): the words the unit sees, taken from an approved finding."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="problems")
    finding = models.ForeignKey(
        "clues.Finding", verbose_name="来源问题底稿", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seq = models.PositiveSmallIntegerField("序号")
    category = models.ForeignKey(
        "clues.Category", verbose_name="问题类别", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("问题", max_length=200)
    description = models.TextField("具体表现")
    fixed_on_site = models.BooleanField("巡察期间已立行立改", default=False)

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "反馈问题"
        verbose_name_plural = "反馈问题"
        ordering = ["rectification", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["rectification", "seq"], name="problem_seq_unique"),
            models.UniqueConstraint(
                fields=["rectification", "finding"], name="problem_finding_once", condition=models.Q(finding__isnull=False)
            ),
        ]

    def __str__(self):
        return f"{self.seq}. {self.title}"
