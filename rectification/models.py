"""Feedback (反馈) and rectification (整改) of one inspected unit, under the "三双" rule.

One `Rectification` per assignment (a unit in a round) carries the whole after-inspection life:

    反馈准备 (the office assembles the report and the feedback from the approved findings)
      → 反馈会 recorded: the unit now sees its feedback (the `Problem` rows, never the team's findings)
      → 制定方案 (the unit drafts `Measure`s per problem; 双承诺 signed by the principal)
      → 方案待审 → (退回 → 制定方案) → 整改中 (half-monthly `Report`s, each a chain of `ReportVersion`s)
      → 已完成 (every measure closed or long-term; the office rates it).

A signed `ReportVersion` is frozen: its SHA-256 covers its canonical content, and a correction is a new
version signed again. Reminders are logged per recipient and item (`ReminderLog`) so that a daily run
sends each reminder once and a run that did not happen is caught up by the next one.
"""

from datetime import date

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


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


class Rectification(models.Model):
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
        from .deadlines import deadline_state

        return "" if self.is_closed else deadline_state(self.deadline, today)


class Problem(models.Model):
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


class MeasureKind(models.TextChoices):
    IMMEDIATE = "immediate", "立行立改"
    DEADLINE = "deadline", "限期整改"
    LONG_TERM = "long_term", "长期坚持"


class MeasureStatus(models.TextChoices):
    OPEN = "open", "整改中"
    CLOSED = "closed", "已销号"
    RETURNED = "returned", "退回重改"


class Measure(models.Model):
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
        from .deadlines import deadline_state

        return "" if self.status == MeasureStatus.CLOSED else deadline_state(self.deadline, today)


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


class Commitment(models.Model):
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


class ReportKind(models.TextChoices):
    HALF_MONTHLY = "half_monthly", "半月进展报告"
    FINAL = "final", "整改情况报告"


class Report(models.Model):
    """A report the unit owes on a due date: every half month (the 15th and the month's last day) from the
    feedback meeting to the deadline, and the final report at the deadline. Its content is in versions."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField("类型", max_length=14, choices=ReportKind.choices)
    period = models.PositiveSmallIntegerField("期数", help_text="半月报告的第几期；整改情况报告为 0")
    due_date = models.DateField("报送截止", db_index=True)
    submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "整改报告"
        verbose_name_plural = "整改报告"
        ordering = ["rectification", "due_date", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["rectification", "kind", "due_date"], name="report_once_per_due_date")
        ]

    def __str__(self):
        if self.kind == ReportKind.FINAL:
            return "整改情况报告"
        return f"第{self.period}期半月进展报告"

    def due_state(self, today: date | None = None) -> str:
        from .deadlines import deadline_state

        return "" if self.submitted_at else deadline_state(self.due_date, today)


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送待签字"
    SIGNED = "signed", "已签字背书"


class ReportVersion(models.Model):
    """One version of a report. Editable while a draft; frozen once submitted; sealed once signed
    (签字背书: its SHA-256 over the canonical content, the signer and the time). A correction is a new
    version; all versions stay visible."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField("版本")
    status = models.CharField(
        "状态", max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT, db_index=True
    )
    summary = models.TextField("整改工作情况", blank=True)
    principal_report = models.TextField("主要负责人组织落实情况", blank=True)
    correction_note = models.CharField("更正说明", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签字人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_name = models.CharField("签字人姓名", max_length=50, blank=True)
    signed_at = models.DateTimeField("签字时间", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)

    class Meta:
        verbose_name = "报告版本"
        verbose_name_plural = "报告版本"
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="version_number_unique")]

    def __str__(self):
        return f"{self.report}（第{self.number}版）"

    @property
    def editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class ProgressLevel(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    ONGOING = "ongoing", "推进中"
    DONE = "done", "已完成"


class ReportEntry(models.Model):
    """A report version's word on one measure: how far it got, what was done."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="entries")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="entries")
    progress = models.CharField(
        "进展", max_length=12, choices=ProgressLevel.choices, default=ProgressLevel.ONGOING
    )
    narrative = models.TextField("进展情况", blank=True)
    # The measure as it stood when the version was submitted: what the signature covers, even if the
    # plan is changed (and renumbered) later.
    measure_number = models.CharField("措施序号（报送时）", max_length=12, blank=True)
    measure_text = models.TextField("整改措施（报送时）", blank=True)

    class Meta:
        verbose_name = "措施进展"
        verbose_name_plural = "措施进展"
        ordering = ["measure__problem__seq", "measure__seq"]
        constraints = [models.UniqueConstraint(fields=["version", "measure"], name="entry_once_per_measure")]

    def __str__(self):
        return f"{self.version} · {self.measure_id}"


class ReportEvidence(models.Model):
    """An evidence file for one measure's progress in one version (frozen with the version)."""

    entry = models.ForeignKey(ReportEntry, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("佐证材料", upload_to="rectification/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class ReportComment(models.Model):
    """日常监督: the discipline commission, the organization department or the office comment on a report."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_org = models.CharField("单位", max_length=20)
    body = models.TextField("监督意见")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "监督意见"
        verbose_name_plural = "监督意见"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.author_org}：{self.body[:20]}"


class MeetingKind(models.TextChoices):
    HEARING = "hearing", "集中整改第二个月月末听取整改进展"
    DEMOCRATIC_LIFE = "democratic_life", "整改专题民主生活会"


class RectMeeting(models.Model):
    """The hearing at the end of the second month, and the special democratic life meeting."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField("会议", max_length=20, choices=MeetingKind.choices)
    date = models.DateField("日期")
    participants = models.TextField("参加人员")
    minutes = models.TextField("会议纪要")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "整改会议"
        verbose_name_plural = "整改会议"
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.date}）"


class AccountabilityReason(models.TextChoices):
    INEFFECTIVE = "ineffective", "整改不力"
    PERFUNCTORY = "perfunctory", "敷衍整改"
    FALSE = "false", "虚假整改"


class Accountability(models.Model):
    """问责 for 整改不力, 敷衍整改 or 虚假整改: against the unit or a person, with the measure taken."""

    class Target(models.TextChoices):
        UNIT = "unit", "单位"
        PERSON = "person", "个人"

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="accountabilities")
    target = models.CharField("问责对象类型", max_length=10, choices=Target.choices)
    target_name = models.CharField("问责对象", max_length=100)
    target_post = models.CharField("职务", max_length=100, blank=True)
    reason = models.CharField("问责情形", max_length=12, choices=AccountabilityReason.choices)
    facts = models.TextField("主要事实")
    action = models.CharField("问责方式", max_length=100, help_text="例如：诫勉谈话、通报批评、党纪处分")
    decided_on = models.DateField("问责日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "整改问责"
        verbose_name_plural = "整改问责"
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return f"{self.target_name}（{self.get_reason_display()}）"


class PublicationScope(models.TextChoices):
    PARTY = "party", "党内公开"
    PUBLIC = "public", "社会公开"


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "待审核"
    PUBLISHED = "published", "已公开"
    WITHDRAWN = "withdrawn", "已撤回"


class Publication(models.Model):
    """双公开: the rectification's status as published inside the party and to society (no personal data)."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="publications")
    scope = models.CharField("公开范围", max_length=10, choices=PublicationScope.choices)
    title = models.CharField("标题", max_length=200)
    text = models.TextField("公开内容")
    status = models.CharField(
        "状态", max_length=12, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField("公开时间", null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.CharField("撤回理由", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "整改公开"
        verbose_name_plural = "整改公开"
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return self.title


class ReminderLog(models.Model):
    """One reminder item sent to one person (in that day's digest). Unique, so no item goes twice."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    day = models.DateField()
    notification = models.ForeignKey(
        "notifications.Notification", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="reminder_item_once")]

    def __str__(self):
        return self.key
