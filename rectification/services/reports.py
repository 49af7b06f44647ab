"""Half-monthly progress reports and the final report (双报告), 签字背书, 日常监督, and the two meetings.

    (no version) ──start──▶ 草稿 ──submit (报送)──▶ 已报送待签字 ──sign (签字背书)──▶ 已签字背书
                                                         │                              │
                                                         └──────correction──▶ new draft ◀┘

A version is edited only while a draft. Once submitted it is frozen; once signed it is sealed: its
SHA-256 covers `version_canonical(version)` (content, signer and time), and a PDF carries the seal. A
correction is a new version (number + 1) copied from the latest, with the reason; it is submitted and
signed again, and every version stays visible. Evidence copied into a correction is a new row pointing
to the same stored file, which is never changed or deleted while any version refers to it.

Each submitted version goes to both the discipline commission and the organization department (双报告)
and to the office, who read it and comment on it (日常监督); the unit's principal and liaison are told
of each comment.

The hearing at the end of the second month of concentrated rectification (the office records it) and
the special democratic life meeting (the unit records it, or the office) are `RectMeeting`s.
"""

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from xuncha import access
from xuncha.accounts.roles import Role
from xuncha.core.crypto import sm3_of_upload
from xuncha.core.documents import document_request
from xuncha.core.services import as_history_user, office_users
from xuncha.core.transitions import transition
from xuncha.core.uploads import check_upload
from xuncha.errors import DomainError
from xuncha.notifications.services import notify

from ..models import (
    MeetingKind,
    ProgressLevel,
    Rectification,
    RectMeeting,
    Report,
    ReportComment,
    ReportEntry,
    ReportEvidence,
    ReportKind,
    ReportVersion,
    VersionStatus,
)
from ..models.deadlines import second_month_end
from .signing import content_sha256, content_sm3, verify_signer
from .workflows import VERSION_FLOW  # noqa: F401  the status table

KIND_VERSION_PDF = "report_version_pdf"

ORG_OFFICE = "县委巡察办"
ORG_JIWEI = "县纪委监委"
ORG_ZUZHIBU = "县委组织部"
RECIPIENTS_LINE = "县纪委监委、县委组织部、县委巡察办"

EDIT_SIGNED_MESSAGE = "已报送的版本不能修改，如需更正请生成新版本"
SIGNED_TWICE_MESSAGE = "该版本已签字，不能重复签字"
CORRECTION_NOTE_MESSAGE = "请说明更正原因"


# --- helpers ------------------------------------------------------------------------------------------


def report_title(report: Report, unit_name: str) -> str:
    """The report's title as on the rendered PDF."""
    if report.kind == ReportKind.FINAL:
        return f"{unit_name}关于巡察整改情况的报告"
    return f"{unit_name}关于巡察整改进展情况的报告（第{report.period}期）"


def _link(report: Report, number: int | None = None) -> str:
    url = reverse("rectification:report_detail", args=[report.rectification_id, report.pk])
    return f"{url}?v={number}" if number else url


def _rect_of(report: Report) -> Rectification:
    return Rectification.objects.select_related("unit", "round").get(pk=report.rectification_id)


def _check_open(rect: Rectification) -> None:
    if not rect.fed_back:
        raise DomainError("反馈会尚未召开，还不能填报整改报告")
    if rect.is_closed:
        raise DomainError("整改已完成，报告不能再填报或更正")


def _check_unit_user(by, rect: Rectification, action: str) -> None:
    access.check(by, "write_report", rect, message=f"只有{rect.unit.name}的主要负责人或联络员可以{action}")


def _locked_version(version: ReportVersion) -> ReportVersion:
    return (
        ReportVersion.objects.select_for_update(of=("self",))
        .select_related("report__rectification__unit", "report__rectification__round")
        .get(pk=version.pk)
    )


def _entries(version: ReportVersion) -> list[ReportEntry]:
    return list(
        version.entries.select_related("measure__problem")
        .prefetch_related("evidence")
        .order_by("measure__problem__seq", "measure__seq", "pk")
    )


def _add_missing_entries(version: ReportVersion, rect: Rectification) -> None:
    """One entry per measure of the rectification: those added since (the plan changed) join in."""
    have = set(version.entries.values_list("measure_id", flat=True))
    missing = rect.measures.exclude(pk__in=have).order_by("problem__seq", "seq")
    ReportEntry.objects.bulk_create(
        [ReportEntry(version=version, measure=m, progress=ProgressLevel.ONGOING) for m in missing]
    )


def supervisors() -> list:
    """The staff of the discipline commission and of the organization department (双报告)."""
    return list(
        get_user_model()
        .objects.filter(groups__name__in=[Role.JIWEI, Role.ZUZHIBU], is_active=True)
        .distinct()
    )


def latest_version(report: Report) -> ReportVersion | None:
    return report.versions.order_by("-number").first()


# --- writing a version --------------------------------------------------------------------------------


def version_start(*, report: Report, by, correction_note: str = "") -> ReportVersion:
    """The draft to write in: the first version, the draft already open, or a correction (a new version
    copied from the latest submitted or signed one, with the reason)."""
    rect = _rect_of(report)
    _check_open(rect)
    _check_unit_user(by, rect, "填报整改报告")
    note = (correction_note or "").strip()
    with transaction.atomic():
        Report.objects.select_for_update().filter(pk=report.pk).first()  # one starter at a time
        latest = latest_version(report)
        if latest is None:
            version = ReportVersion.objects.create(
                report=report, number=1, status=VersionStatus.DRAFT, created_by=by
            )
        elif latest.status == VersionStatus.DRAFT:
            version = latest
        else:
            if not note:
                raise DomainError(CORRECTION_NOTE_MESSAGE)
            version = ReportVersion.objects.create(
                report=report,
                number=latest.number + 1,
                status=VersionStatus.DRAFT,
                summary=latest.summary,
                principal_report=latest.principal_report,
                correction_note=note[:300],
                created_by=by,
            )
            for old in _entries(latest):
                entry = ReportEntry.objects.create(
                    version=version, measure_id=old.measure_id, progress=old.progress, narrative=old.narrative
                )
                # The same stored file: a new row, never a copy or a change of the file.
                ReportEvidence.objects.bulk_create(
                    [
                        ReportEvidence(
                            entry=entry,
                            file=ev.file.name,
                            name=ev.name,
                            size=ev.size,
                            sha256=ev.sha256,
                            sm3=ev.sm3,
                            uploaded_by=ev.uploaded_by,
                        )
                        for ev in old.evidence.all()
                    ]
                )
        _add_missing_entries(version, rect)
    return version


def version_update(
    *, version: ReportVersion, summary: str, principal_report: str, entries: dict, by
) -> ReportVersion:
    """Save a draft: the summary, the principal's report, and per measure id (progress, narrative)."""
    with transaction.atomic():
        current = _locked_version(version)
        rect = current.report.rectification
        _check_unit_user(by, rect, "填报整改报告")
        if current.status != VersionStatus.DRAFT:
            raise DomainError(EDIT_SIGNED_MESSAGE)
        _check_open(rect)
        rows = {e.measure_id: e for e in _entries(current)}
        reasons = []
        for measure_id, (progress, _narrative) in (entries or {}).items():
            entry = rows.get(int(measure_id))
            if entry is None:
                reasons.append(f"措施（编号{measure_id}）不在本报告中")
            elif progress not in ProgressLevel.values:
                reasons.append(f"措施{entry.measure.number}的进展“{progress}”无效")
        if reasons:
            raise DomainError("报告未保存", reasons=reasons)
        current.summary = (summary or "").strip()
        current.principal_report = (principal_report or "").strip()
        current.save(update_fields=["summary", "principal_report"])
        changed = []
        for measure_id, (progress, narrative) in (entries or {}).items():
            entry = rows[int(measure_id)]
            entry.progress = progress
            entry.narrative = (narrative or "").strip()
            changed.append(entry)
        ReportEntry.objects.bulk_update(changed, ["progress", "narrative"])
    return current


def evidence_add(*, entry: ReportEntry, files: Iterable, by) -> list[ReportEvidence]:
    """Attach evidence files to one measure's progress in a draft (each checked; its SHA-256 kept)."""
    files = [f for f in files or [] if f]
    if not files:
        raise DomainError("请选择要上传的佐证材料")
    digests = [(upload, check_upload(upload)) for upload in files]
    with transaction.atomic():
        current = _locked_version(entry.version)
        _check_unit_user(by, current.report.rectification, "上传佐证材料")
        if current.status != VersionStatus.DRAFT:
            raise DomainError(EDIT_SIGNED_MESSAGE)
        rows = []
        for upload, digest in digests:
            name = Path(upload.name or "").name[:200]
            evidence = ReportEvidence(
                entry=entry, name=name, size=upload.size, sha256=digest, sm3=sm3_of_upload(upload), uploaded_by=by
            )
            evidence.file.save(name, upload, save=False)
            evidence.save()
            rows.append(evidence)
    return rows


def evidence_remove(*, evidence: ReportEvidence, by) -> None:
    """Take an evidence file off a draft. The stored file goes only if no other version refers to it."""
    with transaction.atomic():
        current = _locked_version(evidence.entry.version)
        _check_unit_user(by, current.report.rectification, "删除佐证材料")
        if current.status != VersionStatus.DRAFT:
            raise DomainError(EDIT_SIGNED_MESSAGE)
        name = evidence.file.name
        storage = evidence.file.storage
        evidence.delete()
        if name and not ReportEvidence.objects.filter(file=name).exists():
            transaction.on_commit(lambda: storage.delete(name))


def submission_problems(version: ReportVersion) -> list[str]:
    """What still keeps a draft from being submitted, every reason."""
    reasons = []
    if not version.summary.strip():
        reasons.append("尚未填写整改工作情况")
    if not version.principal_report.strip():
        reasons.append("尚未填写主要负责人组织落实整改情况")
    for entry in _entries(version):
        if not entry.narrative.strip():
            reasons.append(f"措施{entry.measure.number}尚未填写进展情况")
    return reasons


def missing_half_monthly(rect: Rectification, today: date | None = None) -> list[Report]:
    """The half-monthly reports due by today that the unit has not submitted and the office has not waived."""
    today = today or timezone.localdate()
    return list(
        rect.reports.outstanding().filter(kind=ReportKind.HALF_MONTHLY, due_date__lte=today).order_by("due_date")
    )


FINAL_HELD_MESSAGE = "还有半月进展报告未报送，整改情况报告暂不能报送；请先补报，或由巡察办说明理由后免报"


def version_submit(*, version: ReportVersion, by) -> ReportVersion:
    """报送: the draft goes to the discipline commission, the organization department and the office.
    The final report waits while a half-monthly report due by today is missing (not submitted, not waived)."""
    with transaction.atomic():
        current = _locked_version(version)
        report = current.report
        rect = report.rectification
        _check_unit_user(by, rect, "报送整改报告")
        if current.status != VersionStatus.DRAFT:
            raise DomainError("该版本已报送，不能重复报送")
        _check_open(rect)
        reasons = submission_problems(current)
        if reasons:
            raise DomainError("报告未报送", reasons=reasons)
        if report.kind == ReportKind.FINAL:
            missing = missing_half_monthly(rect)
            if missing:
                raise DomainError(
                    FINAL_HELD_MESSAGE,
                    reasons=[f"{r}（报送截止{r.due_date:%Y-%m-%d}）尚未报送" for r in missing],
                )
        # Freeze each measure's number and wording with the version: the signature covers them.
        entries = list(_entries(current))
        for entry in entries:
            entry.measure_number, entry.measure_text = entry.measure.number, entry.measure.content
        bulk_update_with_history(
            entries, ReportEntry, ["measure_number", "measure_text"], default_user=by if by else None
        )
        now = timezone.now()

        def submitted(version, _):
            locked = Report.objects.select_for_update().get(pk=report.pk)
            if locked.submitted_at is None:
                locked.submitted_at = now
                as_history_user(locked, by)
                locked.save(update_fields=["submitted_at"])
            report.submitted_at = locked.submitted_at
            again = f"（第{version.number}版，更正：{version.correction_note}）" if version.number > 1 else ""
            notify(
                recipients=supervisors() + office_users(),
                title=f"{rect.unit.name}报送{report}{again}",
                body=f"{rect.unit.name}报送了{report}（报送截止{report.due_date:%Y-%m-%d}），请阅示并开展日常监督。",
                link=_link(report, version.number),
                dedupe_key=f"rect-report-submitted-{version.pk}",
            )

        transition(current, "submit", by=by, changes={"submitted_by": by, "submitted_at": now}, after=submitted)
    return current


# --- 签字背书 -------------------------------------------------------------------------------------------


def _iso(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def _frozen_order(entry: ReportEntry) -> tuple[int, ...]:
    """Entries in the order of their measure numbers as submitted (1.2 before 1.10), so a later
    renumbering of the plan does not change what was signed."""
    number = entry.measure_number or entry.measure.number
    return tuple(int(part) for part in number.split(".") if part.isdigit())


def version_canonical(version: ReportVersion) -> dict:
    """What the signature covers: the report, the unit, the version's whole content with each evidence
    file's SHA-256, the signer and the time. `signing.content_sha256` of this is the stored hash."""
    report = version.report
    rect = report.rectification
    return {
        "report": {"kind": report.kind, "period": report.period, "due_date": report.due_date.isoformat()},
        "unit": rect.unit.name,
        "version": version.number,
        "correction_note": version.correction_note,
        "summary": version.summary,
        "principal_report": version.principal_report,
        "entries": [
            {
                "measure": entry.measure_number or entry.measure.number,
                "content": entry.measure_text or entry.measure.content,
                "progress": entry.progress,
                "narrative": entry.narrative,
                "evidence": [ev.sha256 for ev in entry.evidence.all()],
            }
            for entry in sorted(_entries(version), key=_frozen_order)
        ],
        "signer": version.signer_name,
        "signed_at": _iso(version.signed_at),
    }


def version_sign(*, version: ReportVersion, user, password: str) -> ReportVersion:
    """签字背书: the principal re-enters his password; the version is sealed with its SHA-256 and the
    PDF bearing the seal is asked for."""
    with transaction.atomic():
        current = _locked_version(version)
        report = current.report
        rect = report.rectification
        verify_signer(user=user, password=password, rect=rect)
        if current.status == VersionStatus.SIGNED:
            raise DomainError(SIGNED_TWICE_MESSAGE)
        if current.status != VersionStatus.SUBMITTED:
            raise DomainError("草稿尚未报送，请先报送再签字背书")
        if report.versions.filter(number__gt=current.number).exists():
            raise DomainError("该版本已有更正版本，请对最新版本签字背书")
        signed = {"signed_by": user, "signer_name": user.display_name, "signed_at": timezone.now().replace(microsecond=0)}
        for name, value in signed.items():
            setattr(current, name, value)
        canonical = version_canonical(current)
        signed["sha256"] = content_sha256(canonical)
        signed["sm3"] = content_sm3(canonical)

        def sealed(version, _):
            _request_pdf(version, by=user)
            notify(
                recipients=supervisors() + office_users(),
                title=f"{rect.unit.name}{report}（第{version.number}版）已签字背书",
                body=f"主要负责人{version.signer_name}已签字背书，对报告真实性负责。",
                link=_link(report, version.number),
                dedupe_key=f"rect-report-signed-{version.pk}",
            )

        transition(current, "sign", by=user, changes=signed, after=sealed)
    return current


def _request_pdf(version: ReportVersion, *, by):
    report = version.report
    title = f"{report_title(report, report.rectification.unit.name)}（第{version.number}版）"
    return document_request(subject=version, kind=KIND_VERSION_PDF, title=title, by=by)


def version_pdf_request(*, version: ReportVersion, by):
    """Render a submitted or signed version (again) as PDF."""
    report = version.report
    rect = report.rectification
    if not access.allows(by, "view", rect):
        raise access.Forbidden("无权生成该报告文件")
    access.check(by, "report_pdf", rect, message="只有巡察办、监督单位和被巡察单位可以生成报告文件")
    if version.status == VersionStatus.DRAFT:
        raise DomainError("草稿尚未报送，不生成报告文件")
    return _request_pdf(version, by=by)


# --- 日常监督 -------------------------------------------------------------------------------------------


def author_org(user) -> str:
    """Whose voice a comment is: the office, the discipline commission or the organization department."""
    if access.allows(user, "rectification.speak_for_office"):
        return ORG_OFFICE
    if access.allows(user, "rectification.speak_for_jiwei"):
        return ORG_JIWEI
    if access.allows(user, "rectification.speak_for_zuzhibu"):
        return ORG_ZUZHIBU
    return ""


def comment_add(*, version: ReportVersion, author, body: str) -> ReportComment:
    """A supervision comment on a submitted or signed version; the unit's principal and liaison are told."""
    report = version.report
    rect = report.rectification
    org = author_org(author)
    if not org or not access.allows(author, "view", rect):
        raise access.Forbidden("只有县纪委监委、县委组织部和县委巡察办可以提出监督意见")
    text = (body or "").strip()
    if not text:
        raise DomainError("请填写监督意见")
    with transaction.atomic():
        current = _locked_version(version)
        if current.status == VersionStatus.DRAFT:
            raise DomainError("草稿尚未报送，不能提出监督意见")
        comment = ReportComment.objects.create(version=current, author=author, author_org=org, body=text)
        unit = rect.unit
        notify(
            recipients=unit.own_users,
            title=f"{org}对{report}（第{current.number}版）提出监督意见",
            body=text[:500],
            link=_link(report, current.number),
            dedupe_key=f"rect-report-comment-{comment.pk}",
        )
    return comment


# --- 免报: the office waives a missed half-monthly report ---------------------------------------------------


def report_waive(*, report: Report, reason: str, by) -> Report:
    """The office waives a half-monthly report the unit has not submitted (免报), with the reason; the
    unit is told, the report leaves the overdue lists and no longer holds the final report back."""
    rect = _rect_of(report)
    access.check(by, "waive_report", rect, message="只有巡察办可以批准免报半月进展报告")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写免报理由")
    if len(reason) > 200:
        raise DomainError("免报理由不能超过200字")
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.kind != ReportKind.HALF_MONTHLY:
            raise DomainError("只有半月进展报告可以免报，整改情况报告必须报送")
        if current.submitted_at:
            raise DomainError(f"{current}已报送，不需要免报")
        if current.waived_at:
            raise DomainError(f"{current}已免报")
        if current.due_date > timezone.localdate():
            raise DomainError(f"{current}尚未到报送截止日期（{current.due_date:%Y-%m-%d}），不能免报")
        current.waived_at = timezone.now()
        current.waived_by = by
        current.waive_reason = reason
        as_history_user(current, by)
        current._change_reason = f"免报：{reason}"[:100]
        current.save(update_fields=["waived_at", "waived_by", "waive_reason"])
        notify(
            recipients=rect.unit.own_users,
            title=f"巡察办同意{current}免报",
            body=f"{rect.unit.name}：{current}（报送截止{current.due_date:%Y-%m-%d}）经巡察办同意免报。理由：{reason}",
            link=reverse("rectification:report_list", args=[rect.pk]),
            dedupe_key=f"rect-report-waived-{current.pk}",
        )
    return current


# --- the hearing and the democratic life meeting --------------------------------------------------------


def hearing_planned_date(rect: Rectification) -> date | None:
    """集中整改第二个月月末, counted from the feedback meeting."""
    return second_month_end(rect.meeting_date) if rect.meeting_date else None


# Who may record each meeting: an access action on the rectification (the hearing is the office's).
MEETING_ACTIONS = {
    MeetingKind.HEARING: "record_hearing",
    MeetingKind.DEMOCRATIC_LIFE: "record_democratic_life",
}


# How far the hearing may fall from 集中整改第二个月月末 before the office must say why.
HEARING_TOLERANCE_DAYS = 10


def hearing_date_warning(rect: Rectification, day: date | None) -> str:
    """A warning when the hearing's date is far from the end of the second month after feedback ("" if not)."""
    planned = hearing_planned_date(rect)
    if planned is None or day is None or abs((day - planned).days) <= HEARING_TOLERANCE_DAYS:
        return ""
    when = "早" if day < planned else "晚"
    return (
        f"听取整改进展的日期（{day:%Y-%m-%d}）比集中整改第二个月月末（{planned:%Y-%m-%d}）"
        f"{when}{abs((day - planned).days)}天；确需在该日期召开的，请填写日期说明"
    )


def meeting_add(
    *,
    rect: Rectification,
    kind: str,
    date: date | None,
    participants: str,
    minutes: str,
    by,
    date_note: str = "",
) -> RectMeeting:
    """Record the hearing (the office) or the special democratic life meeting (the unit or the office).

    A meeting may be recorded afterwards for its past date. The hearing falls near the end of the second
    month after feedback: further than HEARING_TOLERANCE_DAYS from it, `date_note` must say why (kept on
    the meeting and in its history)."""
    if kind not in MeetingKind.values:
        raise DomainError("会议类型无效")
    label = MeetingKind(kind).label
    who = "巡察办" if kind == MeetingKind.HEARING else "被巡察单位或巡察办"
    access.check(by, MEETING_ACTIONS[kind], rect, message=f"只有{who}可以登记{label}")
    if not rect.fed_back:
        raise DomainError("反馈会尚未召开，不能登记整改会议")
    if rect.is_closed:
        raise DomainError("整改已完成，不能再登记整改会议")
    reasons = []
    if date is None:
        reasons.append("请填写会议日期")
    elif date > timezone.localdate():
        reasons.append("会议日期不能晚于今天")
    elif date < rect.meeting_date:
        reasons.append(f"会议日期不能早于反馈会日期（{rect.meeting_date:%Y-%m-%d}）")
    if not (participants or "").strip():
        reasons.append("请填写参加人员")
    if not (minutes or "").strip():
        reasons.append("请填写会议纪要")
    if reasons:
        raise DomainError(f"{label}未登记", reasons=reasons)
    date_note = (date_note or "").strip()
    if len(date_note) > 200:
        raise DomainError("日期说明不能超过200字")
    warning = hearing_date_warning(rect, date) if kind == MeetingKind.HEARING else ""
    if warning and not date_note:
        raise DomainError(warning)
    with transaction.atomic():
        meeting = RectMeeting(
            rectification=rect,
            kind=kind,
            date=date,
            participants=participants.strip(),
            minutes=minutes.strip(),
            date_note=date_note if warning else "",
            recorded_by=by,
        )
        as_history_user(meeting, by)
        if warning:
            meeting._change_reason = f"日期说明：{date_note}"[:100]
        meeting.save()
        link = reverse("rectification:report_list", args=[rect.pk])
        if access.allows(by, "write_report", rect):
            recipients = office_users()
        else:
            recipients = rect.unit.own_users
        notify(
            recipients=recipients,
            title=f"已登记{rect.unit.name}{label}（{date:%Y-%m-%d}）",
            body=meeting.minutes[:500],
            link=link,
            dedupe_key=f"rect-meeting-{meeting.pk}",
        )
    return meeting
