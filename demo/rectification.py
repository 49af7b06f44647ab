"""The demo's feedback and rectification: 县农业农村局 (account `unit1`) in round 5, built through the
services at the dates they would have happened (a patched clock), so every stamp, signature hash and
history row is what the real flow writes.

What it shows: the 巡察报告 and 反馈意见 rendered (Word and PDF); the feedback meeting about six weeks
ago; a plan sent back once, then approved, with both commitments signed; half-monthly reports — the first
signed, the second submitted and awaiting the principal's signature, the third missed (overdue), the next
still to come (yellow once it is within a week); measures in every state (closed, open, due soon, overdue, returned, reopened after a
relapse, long-term); comments by the discipline commission and the organization department; the
democratic life meeting; a publication on the public page and one inside the party.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rectification.models import (
    CommitmentKind,
    Measure,
    MeasureKind,
    MeetingKind,
    ProgressLevel,
    Publication,
    PublicationScope,
    Report,
    ReportKind,
)
from rectification.services import closing, feedback, plan, publicity, reports
from rectification.services.reminders import rectification_reminder_sweep
from xuncha.core.documents import document_render, documents_of
from xuncha.core.models import DocumentStatus

PASSWORD = "demo12345"
UNIT = "县农业农村局"

# Measures per fed-back problem (matched by a word of its title): content, goal, days after the meeting
# the measure is due (None: the rectification's deadline), kind, leader, branch, person.
NOW, D, LT = MeasureKind.IMMEDIATE, MeasureKind.DEADLINE, MeasureKind.LONG_TERM
# fmt: off
MEASURES = {
    "耕地保护": [
        ("制定撂荒地复耕复种专项督导方案，局领导班子成员分片包干联系乡镇，每月通报复耕进度", "2025年撂荒地全部复耕复种", 30, D, "李建国", "种植业股", "周平"),
        ("将耕地保护和粮食安全责任制落实情况纳入乡镇年度考核", "形成常态化考核机制", None, LT, "李建国", "办公室", "孙丽"),
    ],
    "农机购置补贴": [
        ("对2023年以来的农机购置补贴逐台开展机具核验，追回违规补贴资金", "核验率100%，违规资金全部追回", 20, NOW, "王志强", "农机股", "陈刚"),
        ("修订农机购置补贴审核办法，实行“见机见人”核验和公示", "制度印发执行", 45, D, "王志强", "农机股", "陈刚"),
    ],
    "公务用车": [
        ("清退超标准接待费用，对违规使用公务用车的干部批评教育", "违规费用全部清退", 10, NOW, "张红梅", "办公室", "孙丽"),
        ("完善公务用车派车审批和公务接待清单制度", "派车、接待全部有审批有清单", 38, D, "张红梅", "办公室", "孙丽"),
    ],
    "干部选拔": [
        ("对2025年提拔的股级干部任职资格逐一复核，不符合条件的予以纠正", "复核结果报县委组织部", 49, D, "刘卫东", "人事股", "赵敏"),
    ],
    "高标准农田": [
        ("对3个高标准农田建设项目重新组织实地验收，对监理单位失职问题依合同追责", "重新验收并形成报告", 46, D, "王志强", "项目办", "吴斌"),
        ("建立项目监理日志抽查和竣工验收实地核查制度", "制度印发执行", 70, D, "王志强", "项目办", "吴斌"),
    ],
    "审计": [
        ("清理滞留项目资金，按进度拨付到位", "滞留资金全部拨付", 35, D, "李建国", "计划财务股", "郑洁"),
    ],
}

# Evidence attached to a report (first or second half of the month): the measure it backs, the file
# name and its text. Rendered as small PDFs so that they open.
EVIDENCE = {
    True: ("清退超标准接待费用", "违规接待费用清退凭证.pdf", "县农业农村局违规接待费用清退情况：已清退超标准接待费用1.2万元，收款凭证附后。"),
    False: ("对2023年以来的农机", "农机购置补贴机具核验台账.pdf", "农机购置补贴机具核验台账：核验机具326台，发现重复申报1台，追回补贴资金4.2万元。"),
}

# fmt: on

COMMITMENT_MEMBERS = "吴志刚、李建国、王志强、张红梅、刘卫东"


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """Run services as if at `moment`: timezone.now() (and so localdate(), auto_now_add) answers it."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _render(subject) -> None:
    """Render queued documents now, so they download at once (the worker finds nothing left to do)."""
    for pk in documents_of(subject).filter(status=DocumentStatus.QUEUED).values_list("pk", flat=True):
        document_render(document_id=pk)


def _pdf_file(name: str, text: str) -> SimpleUploadedFile:
    from weasyprint import HTML

    html = (
        f"<html><body style=\"font-family: 'Noto Serif CJK SC'; font-size: 14pt\"><p>{text}</p></body></html>"
    )
    return SimpleUploadedFile(name, HTML(string=html).write_pdf(), content_type="application/pdf")


def _measures_for(problem) -> list[tuple]:
    for word, specs in MEASURES.items():
        if word in problem.title:
            return specs
    return [("召开专题会议研究整改，逐项制定整改措施", "问题整改到位", 40, D, "吴志刚", "办公室", "孙丽")]


class RectDemo:
    def __init__(self, demo):
        self.demo = demo
        self.today: date = demo.today
        self.users = demo.users
        self.office = self.users["office"]
        self.principal = self.users["unit1"]
        self.liaison = self.users["unit1lx"]
        self.meeting = self.today - timedelta(days=44)
        self.deadline = self.meeting + timedelta(days=62)

    def build(self):
        round5 = self.demo.rounds[5]
        assignment = round5.assignments.get(unit__name=UNIT)
        with clock(_at(self.meeting - timedelta(days=6), 9)):
            rect = feedback.rectification_create(
                assignment=assignment,
                deadline=self.deadline,
                demands=(
                    "县农业农村局党组要切实履行巡察整改主体责任，党组书记作为第一责任人，对整改直接部署、直接参与、直接督办\n"
                    "研究制定整改方案，逐项列出具体问题、整改措施、整改目标、整改时限，明确责任领导、责任股室、责任人员，形成整改台账，逐一对账销号\n"
                    "落实“三双”要求：主要负责人和领导班子双承诺，向县纪委监委、县委组织部双报告，党内和社会双公开\n"
                    "集中整改期间每半个月报送一次整改进展情况，整改情况报告由主要负责人签字背书"
                ),
                report_summary=(
                    "县农业农村局党组能够贯彻落实党中央关于“三农”工作的决策部署，粮食生产和农民增收保持稳定。"
                    "巡察也发现，局党组在落实耕地保护责任、惠农资金监管、作风建设和选人用人等方面还存在一些问题。"
                ),
                by=self.office,
            )
            feedback.feedback_render(rect=rect, by=self.office)
            _render(rect)
        with clock(_at(self.meeting, 15)):
            rect = feedback.meeting_record(
                rect=rect,
                date=self.meeting,
                place="县农业农村局三楼会议室",
                attendees="县委第一巡察组全体成员，县委巡察办、县纪委监委第三纪检监察室、县委组织部干部监督室负责同志，县农业农村局领导班子成员、各股室负责人",
                by=self.office,
            )
        self.rect = rect
        self.draft_plan()
        self.reports()
        self.verify()
        self.publish()
        rectification_reminder_sweep(self.today)
        return rect

    # --- 整改方案 and 双承诺 --------------------------------------------------------------------

    def draft_plan(self) -> None:
        rect = self.rect
        with clock(_at(self.meeting + timedelta(days=5), 16)):
            for problem in rect.problems.order_by("seq"):
                for content, goal, days, kind, leader, branch, person in _measures_for(problem):
                    due = (
                        self.deadline
                        if days is None
                        else min(self.meeting + timedelta(days=days), self.deadline)
                    )
                    plan.measure_save(
                        rect=rect,
                        problem=problem,
                        measure=Measure(
                            content=content, goal=goal, deadline=due, kind=kind, responsible_leader=leader,
                            responsible_branch=branch, responsible_person=person,
                        ),
                        by=self.liaison,
                    )  # fmt: skip
            for kind in (CommitmentKind.PRINCIPAL, CommitmentKind.LEADERSHIP):
                commitment = plan.commitment_save(
                    rect=rect,
                    kind=kind,
                    text=plan.commitment_default_text(rect, kind),
                    members=COMMITMENT_MEMBERS if kind == CommitmentKind.LEADERSHIP else "",
                    by=self.liaison,
                )
                plan.commitment_sign(commitment=commitment, user=self.principal, password=PASSWORD)
            plan.plan_submit(rect=rect, by=self.liaison)
        with clock(_at(self.meeting + timedelta(days=7), 11)):
            plan.plan_return(
                rect=rect,
                reason="“干部选拔任用程序不规范”问题的整改措施只有复核，缺少完善选人用人制度的长效措施，请补充后重新报送。",
                by=self.office,
            )
        with clock(_at(self.meeting + timedelta(days=8), 17)):
            problem = rect.problems.get(title__contains="干部选拔")
            plan.measure_save(
                rect=rect,
                problem=problem,
                measure=Measure(
                    content="修订局党组选人用人工作规程，严格执行民主推荐、考察和任职资格审查", goal="规程印发执行",
                    deadline=self.deadline, kind=MeasureKind.LONG_TERM, responsible_leader="刘卫东",
                    responsible_branch="人事股", responsible_person="赵敏",
                ),
                by=self.liaison,
            )  # fmt: skip
            plan.plan_submit(rect=rect, by=self.liaison)
        with clock(_at(self.meeting + timedelta(days=9), 10)):
            plan.plan_approve(rect=rect, by=self.office)

    # --- 双报告 and 签字背书 ------------------------------------------------------------------

    def _fill(self, report: Report, when: date, summary: str, done_before: date) -> None:
        with clock(_at(when, 16)):
            version = reports.version_start(report=report, by=self.liaison)
            entries = {}
            for entry in version.entries.select_related("measure"):
                measure = entry.measure
                if measure.deadline <= done_before:
                    entries[measure.pk] = (
                        ProgressLevel.DONE,
                        f"已完成，达到“{measure.goal}”的目标。{measure.responsible_branch}已将相关文件和工作台账整理归档。",
                    )
                else:
                    entries[measure.pk] = (
                        ProgressLevel.ONGOING,
                        f"{measure.responsible_branch}牵头，{measure.responsible_leader}同志督办，已完成阶段性工作，"
                        f"正按“{measure.goal}”的目标推进，预计{measure.deadline.month}月{measure.deadline.day}日前完成。",
                    )
            evidence = EVIDENCE.get(when.day <= 15)
            if evidence:
                entry = next(
                    e for e in version.entries.select_related("measure") if evidence[0] in e.measure.content
                )
                reports.evidence_add(entry=entry, files=[_pdf_file(*evidence[1:])], by=self.liaison)
            reports.version_update(
                version=version,
                summary=summary,
                principal_report=(
                    "本人作为整改第一责任人，主持召开党组会议研究部署整改工作，逐项审定整改措施，"
                    "对重点问题直接督办，每周听取一次整改进展汇报。"
                ),
                entries=entries,
                by=self.liaison,
            )
            reports.version_submit(version=version, by=self.liaison)
        return version

    def reports(self) -> None:
        rect = self.rect
        half = list(rect.reports.filter(kind=ReportKind.HALF_MONTHLY).order_by("due_date"))
        past = [r for r in half if r.due_date < self.today]
        first, second = past[-3], past[-2]  # the last past report is left missing: overdue
        v1 = self._fill(
            first,
            first.due_date - timedelta(days=1),
            "按照整改方案，立行立改事项已全部启动，违规接待费用已清退。",
            first.due_date,
        )
        with clock(_at(first.due_date, 9, 30)):
            reports.version_sign(version=v1, user=self.principal, password=PASSWORD)
            _render(v1)
        with clock(_at(first.due_date + timedelta(days=2), 10)):
            reports.comment_add(
                version=v1, author=self.users["jiwei"],
                body="请在下期报告中附上违规补贴资金追回的银行回单和对相关责任人的处理意见。",
            )  # fmt: skip
        v2 = self._fill(
            second,
            second.due_date,
            "农机购置补贴机具核验已完成，追回违规补贴资金4.2万元；公务用车和接待制度已修订。",
            second.due_date,
        )
        with clock(_at(second.due_date + timedelta(days=1), 15)):
            reports.comment_add(
                version=v2, author=self.users["zuzhibu"],
                body="干部任职资格复核请于月底前将复核结果书面报县委组织部干部监督室。",
            )  # fmt: skip
        with clock(_at(self.meeting + timedelta(days=30), 15)):
            reports.meeting_add(
                rect=rect,
                kind=MeetingKind.DEMOCRATIC_LIFE,
                date=self.meeting + timedelta(days=30),
                participants="局党组书记吴志刚，党组成员李建国、王志强、张红梅、刘卫东；县纪委监委、县委组织部派员列席",
                minutes="会议对照巡察反馈意见，逐条查摆问题，班子成员逐一开展批评和自我批评，明确分管领域整改责任。",
                by=self.liaison,
            )

    # --- 对账销号 ---------------------------------------------------------------------------

    def verify(self) -> None:
        rect = self.rect
        measures = {m.content[:8]: m for m in rect.measures.all()}

        def m(prefix: str):
            return next(v for k, v in measures.items() if k.startswith(prefix[:8]))

        with clock(_at(self.meeting + timedelta(days=25), 11)):
            closing.measure_close(
                measure=m("对2023年以来的农机"), by=self.office, reason="核验台账和资金追回凭证齐全。"
            )
            closing.measure_close(measure=m("清退超标准接待费用"), by=self.office, reason="清退凭证已核对。")
            closing.measure_close(measure=m("清理滞留项目资金"), by=self.office, reason="拨付凭证已核对。")
        with clock(_at(self.meeting + timedelta(days=40), 10)):
            closing.measure_reopen(
                measure=m("清理滞留项目资金"), by=self.office,
                reason="县审计局回访发现又有2个项目资金滞留超过三个月，问题反弹。",
            )  # fmt: skip
            closing.measure_return(
                measure=m("完善公务用车派车审批"), by=self.office,
                reason="报送的制度仍未明确公务接待清单的审核人，请补充完善后再申请销号。",
            )  # fmt: skip

    # --- 双公开 -----------------------------------------------------------------------------

    def publish(self) -> None:
        rect = self.rect
        with clock(_at(self.meeting + timedelta(days=32), 10)):
            for scope, title in (
                (PublicationScope.PUBLIC, "县农业农村局关于巡察整改进展情况的通报"),
                (PublicationScope.PARTY, "县农业农村局巡察整改进展情况（党内公开）"),
            ):
                publication = publicity.publication_save(
                    rect=rect,
                    publication=Publication(
                        rectification=rect,
                        scope=scope,
                        title=title,
                        text=publicity.publication_default_text(rect),
                    ),
                    by=self.users["office2"],  # drafted by one office user, approved by another
                )
                publicity.publication_publish(publication=publication, by=self.office)


def build_rectification(demo):
    """Add the feedback and rectification of 县农业农村局 to the county `demo` (built, with its clues)."""
    return RectDemo(demo).build()
