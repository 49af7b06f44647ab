"""Report versions, evidence, 签字背书, 日常监督 comments and the two meetings: the services and every refusal."""

import datetime
import shutil
import subprocess
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone

from rectification.documents.reports import render_version_pdf, version_context
from rectification.models import (
    Measure,
    MeetingKind,
    ProgressLevel,
    Rectification,
    RectStatus,
    ReportEvidence,
    ReportKind,
    ReportVersion,
    VersionStatus,
)
from rectification.models.deadlines import second_month_end
from rectification.selectors import queues
from rectification.selectors import reports as report_selectors
from rectification.services import reminders
from rectification.services import reports as services
from rectification.services.digests import backfill_sm3
from rectification.services.signing import content_sha256, content_sm3
from rectification.tests.factories import MeasureFactory, ProblemFactory, RectificationFactory
from rounds.services import unit_save
from teams.tests.factories import TeamMemberFactory
from xuncha import access
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import PASSWORD, UserFactory
from xuncha.core.crypto import sm3_hex as content_sm3_of_bytes
from xuncha.core.models import DocumentStatus, GeneratedDocument
from xuncha.errors import DomainError
from xuncha.notifications.models import Notification

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% meeting minutes of the party group\n"


def pdf(name="党组会议纪要.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class World:
    rect: object
    principal: object
    liaison: object
    office: object
    leader: object
    member: object
    jiwei: object
    zuzhibu: object
    stranger: object
    m11: object
    m12: object
    m21: object

    @property
    def report(self):
        return self.rect.reports.filter(kind=ReportKind.HALF_MONTHLY).order_by("due_date").first()

    @property
    def final(self):
        return self.rect.reports.get(kind=ReportKind.FINAL)


def build_world(**rect_kwargs) -> World:
    today = timezone.localdate()
    rect_kwargs.setdefault("meeting_date", today - datetime.timedelta(days=40))
    rect_kwargs.setdefault("deadline", today + datetime.timedelta(days=60))
    rect = RectificationFactory(status=RectStatus.IN_PROGRESS, **rect_kwargs)
    principal = UserFactory(roles=[Role.UNIT], name="王局长")
    liaison = UserFactory(roles=[Role.UNIT], name="李联络员")
    unit = rect.unit
    unit.principal_user = principal
    unit.liaison_user = liaison
    unit_save(unit=unit)
    member = UserFactory(roles=[Role.TEAM])
    TeamMemberFactory(team=rect.team, cadre__user=member)
    p1 = ProblemFactory(rectification=rect, seq=1, title="会议记录不全")
    p2 = ProblemFactory(rectification=rect, seq=2, title="公务接待超标")
    return World(
        rect=rect,
        principal=principal,
        liaison=liaison,
        office=UserFactory(roles=[Role.OFFICE]),
        leader=UserFactory(roles=[Role.LEADER]),
        member=member,
        jiwei=UserFactory(roles=[Role.JIWEI], name="纪委干部"),
        zuzhibu=UserFactory(roles=[Role.ZUZHIBU], name="组织部干部"),
        stranger=UserFactory(roles=[Role.UNIT]),
        m11=MeasureFactory(problem=p1, seq=1, content="健全会议记录制度"),
        m12=MeasureFactory(problem=p1, seq=2, content="补齐三年会议记录"),
        m21=MeasureFactory(problem=p2, seq=1, content="清退超标接待费用"),
    )


@pytest.fixture
def w():
    return build_world()


def fill(w, version, by=None, **overrides):
    values = {
        "summary": "本期召开党组会议2次，逐项推进整改。",
        "principal_report": "本人主持召开整改专题会议，逐项部署。",
        "entries": {
            w.m11.pk: (ProgressLevel.DONE, "已印发会议记录制度。"),
            w.m12.pk: (ProgressLevel.ONGOING, "已补齐2024年记录。"),
            w.m21.pk: (ProgressLevel.NOT_STARTED, "已制定清退方案。"),
        },
    }
    values.update(overrides)
    return services.version_update(version=version, by=by or w.liaison, **values)


def submitted(w, report=None):
    version = services.version_start(report=report or w.report, by=w.liaison)
    fill(w, version)
    return services.version_submit(version=version, by=w.liaison)


def signed(w, report=None):
    version = submitted(w, report)
    return services.version_sign(version=version, user=w.principal, password=PASSWORD)


# --- starting and writing -----------------------------------------------------------------------------


def test_the_first_version_is_a_draft_with_one_entry_per_measure(w):
    version = services.version_start(report=w.report, by=w.liaison)
    assert version.number == 1 and version.status == VersionStatus.DRAFT
    entries = list(version.entries.order_by("measure__problem__seq", "measure__seq"))
    assert [e.measure for e in entries] == [w.m11, w.m12, w.m21]
    assert {e.progress for e in entries} == {ProgressLevel.ONGOING}
    assert all(e.narrative == "" for e in entries)
    # Asking again gives the same draft; a measure added since joins it.
    m22 = MeasureFactory(problem=w.m21.problem, seq=2)
    again = services.version_start(report=w.report, by=w.principal)
    assert again.pk == version.pk
    assert again.entries.filter(measure=m22).exists()
    assert w.report.versions.count() == 1


@pytest.mark.parametrize("who", ["office", "leader", "member", "jiwei", "stranger"])
def test_only_the_units_users_write_a_report(w, who):
    with pytest.raises(DomainError, match="主要负责人或联络员"):
        services.version_start(report=w.report, by=getattr(w, who))
    version = services.version_start(report=w.report, by=w.liaison)
    with pytest.raises(DomainError):
        fill(w, version, by=getattr(w, who))
    with pytest.raises(DomainError):
        services.version_submit(version=version, by=getattr(w, who))
    with pytest.raises(DomainError):
        services.evidence_add(entry=version.entries.first(), files=[pdf()], by=getattr(w, who))


def test_no_report_before_the_meeting_or_after_closing(w):
    w.rect.status = RectStatus.CLOSED
    w.rect.save()
    with pytest.raises(DomainError, match="整改已完成"):
        services.version_start(report=w.report, by=w.liaison)
    w.rect.status = RectStatus.IN_PROGRESS
    w.rect.meeting_date = None
    w.rect.save()
    with pytest.raises(DomainError, match="反馈会尚未召开"):
        services.version_start(report=w.report, by=w.liaison)


def test_update_saves_the_draft_and_checks_the_progress_values(w):
    version = services.version_start(report=w.report, by=w.liaison)
    fill(w, version)
    version.refresh_from_db()
    assert version.summary.startswith("本期召开")
    entry = version.entries.get(measure=w.m11)
    assert (entry.progress, entry.narrative) == (ProgressLevel.DONE, "已印发会议记录制度。")
    with pytest.raises(DomainError) as exc:
        fill(w, version, entries={w.m11.pk: ("finished", "x"), 999999: (ProgressLevel.DONE, "y")})
    assert any("措施1.1" in r for r in exc.value.reasons)
    assert any("999999" in r for r in exc.value.reasons)
    assert version.entries.get(measure=w.m11).narrative == "已印发会议记录制度。"


def test_submit_lists_every_missing_part(w):
    version = services.version_start(report=w.report, by=w.liaison)
    fill(w, version, summary="", principal_report=" ", entries={w.m12.pk: (ProgressLevel.ONGOING, "")})
    with pytest.raises(DomainError) as exc:
        services.version_submit(version=version, by=w.liaison)
    reasons = exc.value.reasons
    assert "尚未填写整改工作情况" in reasons
    assert "尚未填写主要负责人组织落实整改情况" in reasons
    assert {"措施1.1尚未填写进展情况", "措施1.2尚未填写进展情况", "措施2.1尚未填写进展情况"} <= set(reasons)
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    assert w.report.submitted_at is None


def test_submit_goes_to_both_supervisors_and_the_office(w):
    other_jiwei = UserFactory(roles=[Role.JIWEI])
    version = submitted(w)
    assert version.status == VersionStatus.SUBMITTED and version.submitted_by == w.liaison
    report = w.report
    assert report.submitted_at == version.submitted_at
    for user in (w.jiwei, other_jiwei, w.zuzhibu, w.office):
        note = Notification.objects.get(recipient=user)
        assert "第1期半月进展报告" in note.title
        assert note.link.endswith(f"/reports/{report.pk}/?v=1")
    assert not Notification.objects.filter(recipient__in=[w.leader, w.member, w.principal]).exists()
    with pytest.raises(DomainError, match="已报送"):
        services.version_submit(version=version, by=w.liaison)
    with pytest.raises(DomainError, match="已报送的版本不能修改"):
        fill(w, version)


# --- evidence -----------------------------------------------------------------------------------------


def test_evidence_is_checked_kept_with_its_hash_and_removable_only_from_a_draft(
    w, django_capture_on_commit_callbacks
):
    version = services.version_start(report=w.report, by=w.liaison)
    entry = version.entries.get(measure=w.m11)
    [ev] = services.evidence_add(entry=entry, files=[pdf()], by=w.liaison)
    assert ev.name == "党组会议纪要.pdf" and ev.size == len(PDF) and len(ev.sha256) == 64
    with pytest.raises(DomainError, match="内容与其扩展名不符"):
        services.evidence_add(entry=entry, files=[pdf("假.pdf", b"not a pdf")], by=w.liaison)
    with pytest.raises(DomainError, match="请选择"):
        services.evidence_add(entry=entry, files=[], by=w.liaison)
    [extra] = services.evidence_add(entry=entry, files=[pdf("多余.pdf")], by=w.liaison)
    name = extra.file.name
    assert extra.file.storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_remove(evidence=extra, by=w.liaison)
    assert not ReportEvidence.objects.filter(pk=extra.pk).exists()
    assert not extra.file.storage.exists(name)  # uploaded to this draft only: gone with it
    fill(w, version)
    services.version_submit(version=version, by=w.liaison)
    with pytest.raises(DomainError, match="已报送的版本不能修改"):
        services.evidence_add(entry=entry, files=[pdf()], by=w.liaison)
    with pytest.raises(DomainError, match="已报送的版本不能修改"):
        services.evidence_remove(evidence=ev, by=w.liaison)
    assert ReportEvidence.objects.filter(pk=ev.pk).exists()


# --- 签字背书 -------------------------------------------------------------------------------------------


def test_the_principal_signs_and_the_hash_covers_the_canonical_content(w):
    version = services.version_start(report=w.report, by=w.liaison)
    services.evidence_add(entry=version.entries.get(measure=w.m11), files=[pdf()], by=w.liaison)
    fill(w, version)
    services.version_submit(version=version, by=w.liaison)
    sealed = services.version_sign(version=version, user=w.principal, password=PASSWORD)
    sealed = ReportVersion.objects.get(pk=sealed.pk)
    assert sealed.status == VersionStatus.SIGNED
    assert sealed.signed_by == w.principal and sealed.signer_name == "王局长"
    assert sealed.signed_at is not None
    canonical = services.version_canonical(sealed)
    assert sealed.sha256 == content_sha256(canonical)
    assert canonical["signer"] == "王局长"
    assert canonical["entries"][0]["measure"] == "1.1"
    assert canonical["entries"][0]["evidence"] == [ReportEvidence.objects.get().sha256]
    assert ReportEvidence.objects.get().sm3 == content_sm3_of_bytes(PDF)
    assert canonical["report"]["kind"] == ReportKind.HALF_MONTHLY and canonical["unit"] == w.rect.unit.name
    # A change to the content would not match the stored hash.
    sealed.summary += "（改）"
    assert content_sha256(services.version_canonical(sealed)) != sealed.sha256
    # The PDF is asked for, about this version.
    doc = GeneratedDocument.objects.get(kind=services.KIND_VERSION_PDF)
    assert doc.subject == sealed and doc.fmt == "pdf"
    # The measure's wording was frozen with the version: a later change to the plan keeps the seal valid.
    Measure.objects.filter(pk=w.m11.pk).update(content="改写后的措施", seq=9)
    sealed = ReportVersion.objects.get(pk=sealed.pk)
    assert content_sha256(services.version_canonical(sealed)) == sealed.sha256


def test_signing_refusals(w):
    version = services.version_start(report=w.report, by=w.liaison)
    fill(w, version)
    with pytest.raises(DomainError, match="请先报送"):
        services.version_sign(version=version, user=w.principal, password=PASSWORD)
    services.version_submit(version=version, by=w.liaison)
    with pytest.raises(DomainError, match="只有本单位主要负责人本人"):
        services.version_sign(version=version, user=w.liaison, password=PASSWORD)
    with pytest.raises(DomainError, match="只有本单位主要负责人本人"):
        services.version_sign(version=version, user=w.office, password=PASSWORD)
    with pytest.raises(DomainError, match="密码不正确"):
        services.version_sign(version=version, user=w.principal, password="wrong")
    with pytest.raises(DomainError, match="密码不正确"):
        services.version_sign(version=version, user=w.principal, password="")
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED and not version.sha256
    services.version_sign(version=version, user=w.principal, password=PASSWORD)
    with pytest.raises(DomainError, match="该版本已签字，不能重复签字"):
        services.version_sign(version=version, user=w.principal, password=PASSWORD)


def test_a_unit_without_a_principal_account_cannot_sign(w):
    version = submitted(w)
    unit = w.rect.unit
    unit.principal_user = None
    unit.save()
    with pytest.raises(DomainError, match="尚未设置主要负责人账号"):
        services.version_sign(version=version, user=w.principal, password=PASSWORD)


def test_a_signed_version_is_never_changed(w):
    version = signed(w)
    before = (version.summary, version.sha256, version.signed_at)
    with pytest.raises(DomainError, match="已报送的版本不能修改，如需更正请生成新版本"):
        fill(w, version, summary="改过的内容")
    with pytest.raises(DomainError, match="已报送的版本不能修改"):
        services.evidence_add(entry=version.entries.first(), files=[pdf()], by=w.liaison)
    version.refresh_from_db()
    assert (version.summary, version.sha256, version.signed_at) == before
    # version_start does not hand out the signed version for editing: a correction needs its reason.
    with pytest.raises(DomainError, match="请说明更正原因"):
        services.version_start(report=w.report, by=w.liaison)
    assert w.report.versions.count() == 1


def test_a_correction_is_a_new_version_and_both_stay(w, django_capture_on_commit_callbacks):
    first = services.version_start(report=w.report, by=w.liaison)
    [ev] = services.evidence_add(entry=first.entries.get(measure=w.m11), files=[pdf()], by=w.liaison)
    fill(w, first)
    services.version_submit(version=first, by=w.liaison)
    first = services.version_sign(version=first, user=w.principal, password=PASSWORD)
    first_hash = first.sha256
    second = services.version_start(report=w.report, by=w.principal, correction_note="措施1.2进展填写有误")
    assert second.number == 2 and second.status == VersionStatus.DRAFT
    assert second.correction_note == "措施1.2进展填写有误"
    assert second.summary == first.summary and second.principal_report == first.principal_report
    copied = second.entries.get(measure=w.m11)
    assert (copied.progress, copied.narrative) == (ProgressLevel.DONE, "已印发会议记录制度。")
    [copy] = copied.evidence.all()
    assert copy.pk != ev.pk and copy.file.name == ev.file.name and copy.sha256 == ev.sha256
    # Editing and trimming the correction leaves the signed version and its file alone.
    fill(w, second, summary="更正后的整改工作情况")
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_remove(evidence=copy, by=w.liaison)
    assert ev.file.storage.exists(ev.file.name)  # the signed version's file stays
    first.refresh_from_db()
    assert first.summary == "本期召开党组会议2次，逐项推进整改。" and first.sha256 == first_hash
    assert content_sha256(services.version_canonical(first)) == first_hash
    services.version_submit(version=second, by=w.liaison)
    second = services.version_sign(version=second, user=w.principal, password=PASSWORD)
    assert list(w.report.versions.values_list("number", "status")) == [
        (1, VersionStatus.SIGNED),
        (2, VersionStatus.SIGNED),
    ]
    assert second.sha256 != first_hash


def test_a_correction_of_a_submitted_version_and_the_old_one_cannot_be_signed(w):
    first = submitted(w)
    second = services.version_start(report=w.report, by=w.liaison, correction_note="补充佐证材料")
    assert second.number == 2
    with pytest.raises(DomainError, match="已有更正版本"):
        services.version_sign(version=first, user=w.principal, password=PASSWORD)
    # While the correction is a draft, asking again gives it back.
    assert services.version_start(report=w.report, by=w.liaison, correction_note="x").pk == second.pk


# --- 日常监督 -------------------------------------------------------------------------------------------


def test_comments_by_the_discipline_commission_the_organization_department_and_the_office(w):
    version = signed(w)
    Notification.objects.all().delete()
    c1 = services.comment_add(version=version, author=w.jiwei, body="请加快清退超标接待费用。")
    c2 = services.comment_add(version=version, author=w.zuzhibu, body="请说明班子成员分工。")
    c3 = services.comment_add(version=version, author=w.office, body="佐证材料不全。")
    assert [c.author_org for c in (c1, c2, c3)] == ["县纪委监委", "县委组织部", "县委巡察办"]
    assert list(version.comments.values_list("body", flat=True)) == [
        "请加快清退超标接待费用。",
        "请说明班子成员分工。",
        "佐证材料不全。",
    ]
    for user in (w.principal, w.liaison):
        assert Notification.objects.filter(recipient=user).count() == 3
    assert Notification.objects.filter(recipient=w.principal, title__contains="县纪委监委").exists()


def test_comment_refusals(w):
    draft = services.version_start(report=w.report, by=w.liaison)
    with pytest.raises(DomainError, match="草稿尚未报送"):
        services.comment_add(version=draft, author=w.jiwei, body="意见")
    fill(w, draft)
    version = services.version_submit(version=draft, by=w.liaison)
    for who in ("leader", "member", "principal", "liaison", "stranger"):
        with pytest.raises(DomainError, match="只有县纪委监委、县委组织部和县委巡察办"):
            services.comment_add(version=version, author=getattr(w, who), body="意见")
    with pytest.raises(DomainError, match="请填写监督意见"):
        services.comment_add(version=version, author=w.jiwei, body="  ")
    assert not version.comments.exists()


# --- the hearing and the democratic life meeting ----------------------------------------------------


def hearing_ready(w) -> datetime.date:
    """Move the feedback meeting to the first of the month two months back: the hearing's planned date
    (集中整改第二个月月末) is then the end of last month, a past date near which a hearing is recorded."""
    today = timezone.localdate()
    first = today.replace(day=1)
    back = (first - datetime.timedelta(days=1)).replace(day=1)
    w.rect.meeting_date = (back - datetime.timedelta(days=1)).replace(day=1)
    w.rect.save(update_fields=["meeting_date"])
    planned = services.hearing_planned_date(w.rect)
    assert planned == first - datetime.timedelta(days=1)
    return planned


def test_meetings_are_recorded_by_whom_they_belong_to(w):
    day = hearing_ready(w)
    hearing = services.meeting_add(
        rect=w.rect,
        kind=MeetingKind.HEARING,
        date=day,
        participants="县纪委监委、县委组织部、巡察办",
        minutes="听取整改进展情况。",
        by=w.office,
    )
    assert hearing.kind == MeetingKind.HEARING and hearing.recorded_by == w.office
    assert hearing.history.first().history_user == w.office
    assert Notification.objects.filter(recipient=w.principal, title__contains="听取整改进展").exists()
    life = services.meeting_add(
        rect=w.rect,
        kind=MeetingKind.DEMOCRATIC_LIFE,
        date=day,
        participants="领导班子成员",
        minutes="逐一对照检查。",
        by=w.liaison,
    )
    assert life.recorded_by == w.liaison
    assert Notification.objects.filter(recipient=w.office, title__contains="民主生活会").exists()
    services.meeting_add(
        rect=w.rect,
        kind=MeetingKind.DEMOCRATIC_LIFE,
        date=day,
        participants="领导班子成员",
        minutes="巡察办代为登记。",
        by=w.office,
    )
    assert w.rect.meetings.count() == 3
    assert services.hearing_planned_date(w.rect) == second_month_end(w.rect.meeting_date)


def test_meeting_refusals(w):
    today = timezone.localdate()
    ok = {"participants": "班子成员", "minutes": "纪要"}
    for who in ("liaison", "principal", "leader", "member", "jiwei"):
        with pytest.raises(DomainError, match="只有巡察办可以登记"):
            services.meeting_add(rect=w.rect, kind=MeetingKind.HEARING, date=today, by=getattr(w, who), **ok)
    for who in ("leader", "member", "jiwei", "stranger"):
        with pytest.raises(DomainError, match="只有被巡察单位或巡察办"):
            services.meeting_add(
                rect=w.rect, kind=MeetingKind.DEMOCRATIC_LIFE, date=today, by=getattr(w, who), **ok
            )
    with pytest.raises(DomainError, match="会议类型无效"):
        services.meeting_add(rect=w.rect, kind="party", date=today, by=w.office, **ok)
    with pytest.raises(DomainError) as exc:
        services.meeting_add(
            rect=w.rect,
            kind=MeetingKind.HEARING,
            date=today + datetime.timedelta(days=1),
            participants=" ",
            minutes="",
            by=w.office,
        )
    assert exc.value.reasons == ["会议日期不能晚于今天", "请填写参加人员", "请填写会议纪要"]
    with pytest.raises(DomainError) as exc:
        services.meeting_add(rect=w.rect, kind=MeetingKind.HEARING, date=None, by=w.office, **ok)
    assert exc.value.reasons == ["请填写会议日期"]
    with pytest.raises(DomainError) as exc:
        services.meeting_add(
            rect=w.rect,
            kind=MeetingKind.HEARING,
            date=w.rect.meeting_date - datetime.timedelta(days=1),
            by=w.office,
            **ok,
        )
    assert "不能早于反馈会日期" in exc.value.reasons[0]
    w.rect.status = RectStatus.CLOSED
    w.rect.save()
    with pytest.raises(DomainError, match="整改已完成"):
        services.meeting_add(rect=w.rect, kind=MeetingKind.HEARING, date=today, by=w.office, **ok)
    assert not w.rect.meetings.exists()


def test_a_hearing_far_from_the_end_of_the_second_month_needs_a_date_note(w):
    planned = hearing_ready(w)
    ok = {"participants": "县纪委监委、县委组织部、巡察办", "minutes": "听取整改进展情况。"}
    early = planned - datetime.timedelta(days=services.HEARING_TOLERANCE_DAYS + 1)
    with pytest.raises(DomainError, match=f"比集中整改第二个月月末（{planned:%Y-%m-%d}）早11天；确需在该日期召开的，请填写日期说明"):
        services.meeting_add(rect=w.rect, kind=MeetingKind.HEARING, date=early, by=w.office, **ok)
    assert not w.rect.meetings.exists()
    # Within the tolerance no note is asked for (and a note given is not kept).
    near = planned - datetime.timedelta(days=services.HEARING_TOLERANCE_DAYS)
    assert services.meeting_add(
        rect=w.rect, kind=MeetingKind.HEARING, date=near, by=w.office, date_note="无需说明", **ok
    ).date_note == ""
    # With the reason: recorded for its past date, the reason kept on the meeting and in its history.
    hearing = services.meeting_add(
        rect=w.rect, kind=MeetingKind.HEARING, date=early, by=w.office, date_note="县委常委会安排提前听取", **ok
    )
    assert hearing.date == early and hearing.date_note == "县委常委会安排提前听取"
    assert hearing.history.first().history_change_reason == "日期说明：县委常委会安排提前听取"
    # The democratic life meeting has no planned date.
    life = services.meeting_add(
        rect=w.rect, kind=MeetingKind.DEMOCRATIC_LIFE, date=early, by=w.liaison, participants="班子", minutes="对照检查"
    )
    assert life.date == early


# --- 免报, and the final report held back while a half-monthly report is missing ----------------------------


def test_the_final_report_waits_for_every_half_monthly_report_due_or_its_waiver(w):
    due = list(w.rect.reports.filter(kind=ReportKind.HALF_MONTHLY, due_date__lte=timezone.localdate()).order_by("due_date"))
    assert len(due) >= 2  # the feedback meeting was 40 days ago
    first, *rest = due
    signed(w, first)
    version = services.version_start(report=w.final, by=w.liaison)
    fill(w, version)
    with pytest.raises(DomainError, match="还有半月进展报告未报送，整改情况报告暂不能报送") as exc:
        services.version_submit(version=version, by=w.liaison)
    assert exc.value.reasons == [f"{r}（报送截止{r.due_date:%Y-%m-%d}）尚未报送" for r in rest]
    # The office waives the missing ones, with the reason; the unit is told.
    with pytest.raises(DomainError, match="只有巡察办可以批准免报"):
        services.report_waive(report=rest[0], reason="x", by=w.liaison)
    with pytest.raises(DomainError, match="请填写免报理由"):
        services.report_waive(report=rest[0], reason=" ", by=w.office)
    with pytest.raises(DomainError, match="已报送，不需要免报"):
        services.report_waive(report=first, reason="x", by=w.office)
    with pytest.raises(DomainError, match="整改情况报告必须报送"):
        services.report_waive(report=w.final, reason="x", by=w.office)
    future = w.rect.reports.filter(kind=ReportKind.HALF_MONTHLY, due_date__gt=timezone.localdate()).first()
    with pytest.raises(DomainError, match="尚未到报送截止日期"):
        services.report_waive(report=future, reason="x", by=w.office)
    for report in rest:
        waived = services.report_waive(report=report, reason="单位主要负责人调整，该期并入下期报送", by=w.office)
        assert waived.waived_by == w.office and waived.due_state() == ""
        assert waived.history.first().history_change_reason.startswith("免报：单位主要负责人调整")
    with pytest.raises(DomainError, match="已免报"):
        services.report_waive(report=rest[0], reason="再免一次", by=w.office)
    assert Notification.objects.filter(recipient=w.principal, title__contains="免报").count() == len(rest)
    assert services.version_submit(version=version, by=w.liaison).status == VersionStatus.SUBMITTED


def test_a_waived_report_is_owed_nowhere_any_more(w):
    """Once waived, a missed report leaves every list of what the unit owes: the office's overdue queue and
    card, the unit's reports to fill, the 催办 text, the reminders (one rule: Report.objects.outstanding)."""
    missed = w.rect.reports.filter(kind=ReportKind.HALF_MONTHLY, due_date__lt=timezone.localdate()).first()
    owed = {
        "overdue queue": lambda: queues.report_queue(w.office, "overdue"),
        "to fill": lambda: queues.report_queue(w.liaison, "to_fill"),
        "overdue card": lambda: report_selectors.overdue_reports(Rectification.objects.filter(pk=w.rect.pk)),
    }
    for what, listing in owed.items():
        assert missed in list(listing()), what
    assert str(missed) in "\n".join(reminders.remind_items(w.rect, timezone.localdate()))
    services.report_waive(report=missed, reason="该期并入下期报送", by=w.office)
    for what, listing in owed.items():
        assert missed not in list(listing()), what
    assert str(missed) not in "\n".join(reminders.remind_items(w.rect, timezone.localdate()))


# --- the PDF ------------------------------------------------------------------------------------------


def test_the_pdf_of_a_signed_version_bears_the_signer_and_the_hash(w):
    for missing in services.missing_half_monthly(w.rect):
        services.report_waive(report=missing, reason="并入整改情况报告", by=w.office)
    version = signed(w, w.final)
    context = version_context(version)
    assert context["signed"] and context["title"] == f"{w.rect.unit.name}关于巡察整改情况的报告"
    content = render_version_pdf(version)
    assert content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
        flat = "".join(text.split())
        assert "关于巡察整改情况的报告" in flat
        assert "县纪委监委、县委组织部、县委巡察办" in flat
        assert "主要负责人组织落实整改情况" in flat
        assert "王局长" in flat and "签字确认，对报告真实性负责" in flat
        # The seal's heading says 签字背书 once; the line under it names the signer, not the label again.
        assert "签字背书签字背书" not in flat and "签字背书：" not in flat
        assert "签字人：王局长（主要负责人）" in flat
        assert version.sha256 in flat
        assert "已印发会议记录制度" in flat


def test_the_pdf_of_an_unsigned_version_says_so_and_the_document_renders(
    w, django_capture_on_commit_callbacks
):
    version = submitted(w)
    html = render_to_string("rectification/pdf/report_version.html", version_context(version))
    assert "未签字" in html and "SHA-256" not in html
    assert "关于巡察整改进展情况的报告（第1期）" in html
    with django_capture_on_commit_callbacks(execute=True):
        doc = services.version_pdf_request(version=version, by=w.jiwei)
    doc.refresh_from_db()  # Celery runs inline in tests
    assert doc.status == DocumentStatus.DONE and doc.sha256
    signed_html = render_to_string(
        "rectification/pdf/report_version.html",
        version_context(services.version_sign(version=version, user=w.principal, password=PASSWORD)),
    )
    version.refresh_from_db()
    assert "签字人：王局长（主要负责人）于" in signed_html and f"SHA-256：{version.sha256}" in signed_html
    assert "未签字" not in signed_html


def test_pdf_request_refusals_and_who_may_view_it(w):
    draft = services.version_start(report=w.report, by=w.liaison)
    with pytest.raises(DomainError, match="草稿"):
        services.version_pdf_request(version=draft, by=w.liaison)
    fill(w, draft)
    version = services.version_submit(version=draft, by=w.liaison)
    with pytest.raises(DomainError):
        services.version_pdf_request(version=version, by=w.leader)
    with pytest.raises(DomainError):
        services.version_pdf_request(version=version, by=w.stranger)
    for who in ("office", "leader", "member", "jiwei", "zuzhibu", "principal", "liaison"):
        assert access.allows(getattr(w, who), "view_document", version), who
    assert not access.allows(w.stranger, "view_document", version)


# --- 国密: SM3 beside the SHA-256 -------------------------------------------------------------------------


def test_a_signed_version_keeps_its_sha256_and_gains_an_sm3_and_old_ones_are_backfilled(w):
    version = services.version_start(report=w.report, by=w.liaison)
    fill(w, version)
    services.version_submit(version=version, by=w.liaison)
    sealed = ReportVersion.objects.get(
        pk=services.version_sign(version=version, user=w.principal, password=PASSWORD).pk
    )
    canonical = services.version_canonical(sealed)
    assert sealed.sha256 == content_sha256(canonical)
    assert sealed.sm3 == content_sm3(canonical) and len(sealed.sm3) == 64 and sealed.sm3 != sealed.sha256
    seal = render_to_string("rectification/_report_seal.html", {"version": sealed})
    assert f'data-testid="seal-sm3">{sealed.sm3}<' in seal

    # A version sealed before 国密 (no SM3) gains it, its SHA-256 untouched.
    ReportVersion.objects.filter(pk=sealed.pk).update(sm3="")
    result = backfill_sm3()
    assert result.filled == 1 and not result.mismatched
    again = ReportVersion.objects.get(pk=sealed.pk)
    assert (again.sha256, again.sm3) == (sealed.sha256, sealed.sm3)
    assert again.history.first().sm3 == sealed.sm3

    # Content changed behind the seal: reported, no SM3 vouches for it.
    ReportVersion.objects.filter(pk=sealed.pk).update(sm3="", summary="篡改后的内容")
    result = backfill_sm3()
    assert result.filled == 0 and result.mismatched == [f"整改报告版本 #{sealed.pk}"]
    assert ReportVersion.objects.get(pk=sealed.pk).sm3 == ""


def test_reports_versions_and_entries_keep_their_history(w):
    version = services.version_start(report=w.report, by=w.liaison)
    fill(w, version)
    services.version_submit(version=version, by=w.liaison)
    version = ReportVersion.objects.get(pk=version.pk)
    assert version.history.count() >= 2  # created, then submitted
    assert version.history.first().status == VersionStatus.SUBMITTED
    entry = version.entries.first()
    assert entry.history.exists()
    assert w.report.history.filter(submitted_at__isnull=False, history_user=w.liaison).exists()
    # Who did it is recorded.
    assert version.history.filter(history_user=w.liaison).exists()
