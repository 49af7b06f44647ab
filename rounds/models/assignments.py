"""Assignments of teams to units (巡察任务) and their public announcements (巡察公告)."""

from django.conf import settings
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from xuncha.access.querysets import RestrictedManager
from xuncha.core.concurrency import VersionedModel

from .rounds import Round
from .units import Unit


class AssignmentMode(models.TextChoices):
    REGULAR = "regular", "常规"
    ELEVATED = "elevated", "提级"
    TARGETED = "targeted", "点穴式"
    EXTENDED = "extended", "延伸"
    LOOKBACK = "lookback", "回头看"


class Assignment(VersionedModel):
    """A team is sent to a unit in a round (巡察任务)."""

    round = models.ForeignKey(Round, verbose_name="轮次", on_delete=models.CASCADE, related_name="assignments")
    team = models.ForeignKey(
        "teams.Team", verbose_name="巡察组", on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey(Unit, verbose_name="被巡察单位", on_delete=models.PROTECT, related_name="assignments")
    mode = models.CharField("巡察方式", max_length=20, choices=AssignmentMode.choices, default=AssignmentMode.REGULAR)
    onsite_start = models.DateField("进驻开始", null=True, blank=True)
    onsite_end = models.DateField("进驻结束", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "巡察任务"
        verbose_name_plural = "巡察任务"
        ordering = ["round", "team__number", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="unit_once_per_round")]

    def __str__(self):
        return f"{self.team.name}巡察{self.unit.name}"


class AssignmentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Assignment, on_delete=models.CASCADE)


class AssignmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Assignment, on_delete=models.CASCADE)


class AnnouncementStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


DEFAULT_ACCEPTED_SCOPE = (
    "巡察组主要受理反映被巡察单位领导班子及其成员、下一级党组织主要负责人和重要岗位领导干部问题的来信来电来访，"
    "重点是违反政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律等方面的问题。"
    "根据巡察工作职责，巡察组不受理不属于巡察受理范围的个人诉求、征地拆迁、涉法涉诉等问题，"
    "此类问题将按规定交由有关部门办理。"
)


class Announcement(VersionedModel):
    """The public announcement (巡察公告) of one assignment: how the public can reach the team."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="announcement")
    start_date = models.DateField("受理开始")
    end_date = models.DateField("受理截止")
    phone = models.CharField("值班电话", max_length=50)
    mailbox = models.CharField("邮政信箱", max_length=100, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    accepted_scope = models.TextField("受理范围", default=DEFAULT_ACCEPTED_SCOPE)
    status = models.CharField(
        "状态", max_length=20, choices=AnnouncementStatus.choices, default=AnnouncementStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "巡察公告"
        verbose_name_plural = "巡察公告"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="announcement_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.assignment.round}{self.assignment.team.name}进驻{self.assignment.unit.name}公告"
