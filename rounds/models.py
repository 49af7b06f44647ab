"""Terms, the unit registry, rounds and their milestones, assignments of teams to units, announcements."""

from django.conf import settings
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from xuncha.core.numerals import cn_number


class UnitType(models.TextChoices):
    DEPARTMENT = "department", "县直部门"
    TOWNSHIP = "township", "乡镇"
    VILLAGE = "village", "村/社区"
    SOE = "soe", "国有企业"
    INSTITUTION = "institution", "事业单位"
    OTHER = "other", "其他"


class Unit(models.Model):
    """A unit that can be inspected (被巡察单位), and also the home unit of a cadre."""

    name = models.CharField("单位名称", max_length=100, unique=True)
    unit_type = models.CharField("单位类型", max_length=20, choices=UnitType.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    principal_name = models.CharField("主要负责人", max_length=50, blank=True)
    principal_post = models.CharField("主要负责人职务", max_length=50, blank=True)
    principal_phone = models.CharField("主要负责人电话", max_length=30, blank=True)
    liaison_name = models.CharField("联络员", max_length=50, blank=True)
    liaison_phone = models.CharField("联络员电话", max_length=30, blank=True)
    office_phone = models.CharField("办公电话", max_length=30, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    principal_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="主要负责人账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    liaison_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="联络员账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人账号",
        blank=True,
        related_name="staffed_units",
        help_text="接收移交线索、归口办理信访件的部门经办人（纪委监委、组织部、信访局等）",
    )
    is_active = models.BooleanField("在用", default=True, db_index=True)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "被巡察单位"
        verbose_name_plural = "被巡察单位"
        ordering = ["unit_type", "name"]

    def __str__(self):
        return self.name

    @property
    def own_users(self) -> list:
        """The unit's own accounts (principal, liaison) that are set: who hear of its rectification."""
        return [u for u in (self.principal_user, self.liaison_user) if u is not None]


class UnitUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)


class UnitGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)


class Term(models.Model):
    """A term of the county committee (届): every unit is to be inspected once within it (全覆盖)."""

    name = models.CharField("届次", max_length=50, unique=True, help_text="例如：第十五届县委")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    is_current = models.BooleanField("本届", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "届"
        verbose_name_plural = "届"
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gt=models.F("start_date")), name="term_ends_after_start"),
            models.UniqueConstraint(fields=["is_current"], condition=models.Q(is_current=True), name="one_current_term"),
        ]

    def __str__(self):
        return self.name


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


class Round(models.Model):
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


class Milestone(models.Model):
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


class AssignmentMode(models.TextChoices):
    REGULAR = "regular", "常规"
    ELEVATED = "elevated", "提级"
    TARGETED = "targeted", "点穴式"
    EXTENDED = "extended", "延伸"


class Assignment(models.Model):
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


class Announcement(models.Model):
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
