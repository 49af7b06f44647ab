"""整改方案: the measures of each problem (the 整改台账), what the office did to them, and 双承诺."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from xuncha.access.querysets import RestrictedManager
from xuncha.core.concurrency import VersionedModel

from .deadlines import DUE_SOON_DAYS, deadline_state
from .feedback import Problem, Rectification


class MeasureKind(models.TextChoices):
    IMMEDIATE = "immediate", "立行立改"
    DEADLINE = "deadline", "限期整改"
    LONG_TERM = "long_term", "长期坚持"


class MeasureStatus(models.TextChoices):
    OPEN = "open", "整改中"
    CLOSED = "closed", "已销号"
    RETURNED = "returned", "退回重改"


class Measure(VersionedModel):
    """One rectification measure (整改措施) of a problem: a row of the 整改台账, closed item by item."""

    problem = models.ForeignKey(Problem, verbose_name="反馈问题", on_delete=models.CASCADE, related_name="measures")
    # Denormalised for the ledger's and the reminders' queries.
    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="measures")
    seq = models.PositiveSmallIntegerField("序号")
    content = models.TextField("整改措施")
    goal = models.CharField("整改目标", max_length=300)
    deadline = models.DateField("完成时限", db_index=True)
    kind = models.CharField("整改类型", max_length=12, choices=MeasureKind.choices, default=MeasureKind.DEADLINE)
    responsible_leader = models.CharField("责任领导", max_length=50)
    responsible_branch = models.CharField("责任党支部（股室）", max_length=100)
    responsible_person = models.CharField("责任人", max_length=50)
    status = models.CharField(
        "状态", max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.OPEN, db_index=True
    )
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopen_count = models.PositiveSmallIntegerField("反弹次数", default=0)

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "整改措施"
        verbose_name_plural = "整改措施"
        ordering = ["problem__seq", "seq"]
        constraints = [models.UniqueConstraint(fields=["problem", "seq"], name="measure_seq_unique")]

    def __str__(self):
        return f"{self.problem.seq}.{self.seq} {self.content[:30]}"

    @property
    def number(self) -> str:
        return f"{self.problem.seq}.{self.seq}"

    @property
    def is_done(self) -> bool:
        """Closed, or long-term (长期坚持): what lets the rectification close."""
        return self.status == MeasureStatus.CLOSED or self.kind == MeasureKind.LONG_TERM

    def deadline_state(self, today: date | None = None) -> str:
        """'overdue' (red), 'due-soon' (within 7 days, yellow) or '' — shown wherever a measure appears."""
        return "" if self.status == MeasureStatus.CLOSED else deadline_state(self.deadline, today)


def measure_deadline_q(state: str, today: date) -> Q:
    """`Measure.deadline_state` as a filter, for the database: a measure not closed is 'overdue' past its
    deadline and 'due-soon' within DUE_SOON_DAYS; any other `state` ('normal') is everything else."""
    open_ = ~Q(status=MeasureStatus.CLOSED)
    overdue = open_ & Q(deadline__lt=today)
    due_soon = open_ & Q(deadline__gte=today, deadline__lte=today + timedelta(days=DUE_SOON_DAYS))
    if state == "overdue":
        return overdue
    if state == "due-soon":
        return due_soon
    return ~(overdue | due_soon)


class MeasureEvent(models.Model):
    """What the office did to a measure: 销号, 退回, 反弹重开 — with the reason."""

    class Action(models.TextChoices):
        CLOSE = "close", "销号"
        RETURN = "return", "退回"
        REOPEN = "reopen", "反弹重开"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    reason = models.TextField("意见或理由", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "销号记录"
        verbose_name_plural = "销号记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.measure_id}"


class CommitmentKind(models.TextChoices):
    PRINCIPAL = "principal", "主要负责人承诺书"
    LEADERSHIP = "leadership", "领导班子承诺书"


class Commitment(VersionedModel):
    """双承诺: the principal and the leadership team each commit in writing, signed by the named user.

    Both are signed by the unit's principal account (the leadership team's on its behalf, naming its
    members). Signing freezes the text; its SHA-256 is kept.
    """

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField("类型", max_length=12, choices=CommitmentKind.choices)
    text = models.TextField("承诺内容")
    members = models.CharField("领导班子成员", max_length=300, blank=True, help_text="领导班子承诺书填写，用顿号分隔")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签署人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_name = models.CharField("签署人姓名", max_length=50, blank=True)
    signed_at = models.DateTimeField("签署时间", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    sm3 = models.CharField("SM3", max_length=64, blank=True)

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "整改承诺书"
        verbose_name_plural = "整改承诺书"
        ordering = ["rectification", "kind"]
        constraints = [models.UniqueConstraint(fields=["rectification", "kind"], name="commitment_once_per_kind")]

    def __str__(self):
        return self.get_kind_display()

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None
