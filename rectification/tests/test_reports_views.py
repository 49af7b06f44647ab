"""The report pages per role (200 / 403 / 404), and the POSTs that change a report's state."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from rectification.models import (
    MeetingKind,
    ProgressLevel,
    RectMeeting,
    ReportComment,
    ReportEvidence,
    ReportVersion,
    VersionStatus,
)
from rectification.services import reports as services
from rectification.tests.test_reports_services import PDF, build_world, fill, hearing_ready, signed, submitted
from xuncha.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WHO = ["anon", "office", "leader", "member", "principal", "liaison", "jiwei", "zuzhibu", "stranger"]


def expect(default, **overrides):
    return {who: overrides.get(who, default) for who in WHO} | {"anon": overrides.get("anon", 302)}


READ = expect(200, stranger=404)
UNIT_WRITE = expect(403, principal=302, liaison=302, stranger=404)


@pytest.fixture
def w():
    return build_world()


def client_as(client, w, who):
    client.logout()
    if who != "anon":
        client.force_login(getattr(w, who))
    return client


def status_of(client, w, who, method, url, data=None):
    c = client_as(client, w, who)
    response = c.post(url, data or {}) if method == "post" else c.get(url)
    return response.status_code


def check(client, w, method, url, expected, data=None):
    got = {who: status_of(client, w, who, method, url, data) for who in WHO}
    assert got == expected


def test_read_pages_per_role(client, w):
    version = signed(w)
    rect, report = w.rect, w.report
    check(client, w, "get", reverse("rectification:report_list", args=[rect.pk]), READ)
    check(client, w, "get", reverse("rectification:report_detail", args=[rect.pk, report.pk]), READ)
    check(client, w, "get", reverse("rectification:report_detail", args=[rect.pk, report.pk]) + "?v=1", READ)
    check(
        client,
        w,
        "get",
        reverse("rectification:report_detail", args=[rect.pk, report.pk]) + "?v=9",
        expect(404, anon=302),
    )
    # A report of another rectification under this one's URL is not found.
    other = build_world()
    check(
        client,
        w,
        "get",
        reverse("rectification:report_detail", args=[rect.pk, other.report.pk]),
        expect(404, anon=302),
    )
    assert version.status == VersionStatus.SIGNED


def test_write_endpoints_per_role(client, w):
    rect, report = w.rect, w.report
    submitted(w)
    url = reverse("rectification:version_edit", args=[rect.pk, report.pk])
    # The latest is submitted: the unit's users are sent back to the report, others refused.
    check(client, w, "get", url, UNIT_WRITE)
    check(client, w, "post", reverse("rectification:version_submit", args=[rect.pk, report.pk]), UNIT_WRITE)
    check(
        client,
        w,
        "post",
        reverse("rectification:version_sign", args=[rect.pk, report.pk]),
        expect(403, principal=302, stranger=404),
        {"password": "wrong"},
    )
    check(
        client,
        w,
        "post",
        reverse("rectification:version_pdf", args=[rect.pk, report.pk, 1]),
        expect(302, leader=403, member=403, stranger=404),
    )
    check(
        client,
        w,
        "post",
        reverse("rectification:comment_add", args=[rect.pk, report.pk, 1]),
        expect(403, office=200, jiwei=200, zuzhibu=200, stranger=404),
        {"body": ""},
    )
    check(
        client,
        w,
        "get",
        reverse("rectification:meeting_add", args=[rect.pk, "hearing"]),
        expect(403, office=200, stranger=404),
    )
    check(
        client,
        w,
        "get",
        reverse("rectification:meeting_add", args=[rect.pk, "democratic_life"]),
        expect(403, office=200, principal=200, liaison=200, stranger=404),
    )
    check(
        client, w, "get", reverse("rectification:meeting_add", args=[rect.pk, "party"]), expect(404, anon=302)
    )
    check(
        client,
        w,
        "get",
        reverse("rectification:supervision"),
        expect(403, office=200, jiwei=200, zuzhibu=200),
    )
    # Last: a correction (it changes the latest version for the checks above).
    check(
        client,
        w,
        "post",
        reverse("rectification:version_new", args=[rect.pk, report.pk]),
        UNIT_WRITE,
        {"correction_note": "更正"},
    )
    assert report.versions.count() == 2


def test_the_unit_writes_submits_and_signs_through_the_pages(client, w, django_capture_on_commit_callbacks):
    rect, report = w.rect, w.report
    edit = reverse("rectification:version_edit", args=[rect.pk, report.pk])
    detail = reverse("rectification:report_detail", args=[rect.pk, report.pk])
    c = client_as(client, w, "liaison")
    response = c.get(edit)
    assert response.status_code == 200
    version = report.versions.get()
    assert version.status == VersionStatus.DRAFT and version.entries.count() == 3
    data = {
        "summary": "本期召开党组会议2次。",
        "principal_report": "主要负责人亲自部署。",
        f"progress_{w.m11.pk}": ProgressLevel.DONE,
        f"narrative_{w.m11.pk}": "已印发制度。",
        f"files_{w.m11.pk}": [SimpleUploadedFile("制度文件.pdf", PDF, content_type="application/pdf")],
        f"progress_{w.m12.pk}": ProgressLevel.ONGOING,
        f"narrative_{w.m12.pk}": "",
        f"progress_{w.m21.pk}": ProgressLevel.ONGOING,
        f"narrative_{w.m21.pk}": "已制定方案。",
        "action": "save",
    }
    response = c.post(edit, data)
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.summary == "本期召开党组会议2次。"
    assert ReportEvidence.objects.get().name == "制度文件.pdf"
    # Saving and submitting with a narrative missing: saved, not submitted, every reason shown.
    data.pop(f"files_{w.m11.pk}")
    data["action"] = "submit"
    response = c.post(edit, data, follow=True)
    assert "措施1.2尚未填写进展情况" in response.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    # A bad file refuses the whole save.
    bad = dict(data, action="save", summary="不应保存")
    bad[f"files_{w.m12.pk}"] = [SimpleUploadedFile("假.pdf", b"plain text", content_type="application/pdf")]
    response = c.post(edit, bad)
    assert response.status_code == 200 and "内容与其扩展名不符" in response.content.decode()
    version.refresh_from_db()
    assert version.summary == "本期召开党组会议2次。"
    data[f"narrative_{w.m12.pk}"] = "已补齐记录。"
    response = c.post(edit, data)
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED
    # The liaison cannot sign; the principal with a wrong password is refused.
    assert (
        c.post(
            reverse("rectification:version_sign", args=[rect.pk, report.pk]), {"password": PASSWORD}
        ).status_code
        == 403
    )
    p = client_as(client, w, "principal")
    page = p.get(detail).content.decode()
    assert 'data-testid="sign-card"' in page
    response = p.post(
        reverse("rectification:version_sign", args=[rect.pk, report.pk]), {"password": "x"}, follow=True
    )
    assert "密码不正确" in response.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        response = p.post(
            reverse("rectification:version_sign", args=[rect.pk, report.pk]), {"password": PASSWORD}
        )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.SIGNED and len(version.sha256) == 64
    page = p.get(detail).content.decode()
    assert version.sha256 in page and 'data-testid="seal"' in page and 'data-testid="doc-download"' in page
    assert 'data-testid="sign-card"' not in page and 'data-testid="correct-card"' in page


def test_a_post_to_edit_does_not_change_a_signed_version(client, w):
    version = signed(w)
    before = (version.summary, version.sha256)
    c = client_as(client, w, "principal")
    edit = reverse("rectification:version_edit", args=[w.rect.pk, w.report.pk])
    response = c.post(edit, {"summary": "改掉", "principal_report": "改掉", "action": "save"}, follow=True)
    assert "已报送的版本不能修改，如需更正请生成新版本" in response.content.decode()
    version.refresh_from_db()
    assert (version.summary, version.sha256) == before
    assert ReportVersion.objects.filter(report=w.report).count() == 1
    assert c.get(edit).status_code == 302


def test_a_correction_makes_version_2_and_both_stay_visible(client, w):
    first = signed(w)
    rect, report = w.rect, w.report
    detail = reverse("rectification:report_detail", args=[rect.pk, report.pk])
    c = client_as(client, w, "liaison")
    response = c.post(
        reverse("rectification:version_new", args=[rect.pk, report.pk]), {"correction_note": ""}, follow=True
    )
    assert "请说明更正原因" in response.content.decode()
    assert report.versions.count() == 1
    response = c.post(
        reverse("rectification:version_new", args=[rect.pk, report.pk]), {"correction_note": "数据有误"}
    )
    assert response.status_code == 302 and response.url.endswith("/edit/")
    second = report.versions.get(number=2)
    assert second.status == VersionStatus.DRAFT and second.correction_note == "数据有误"
    page = c.get(detail).content.decode()
    assert 'data-testid="version-switcher"' in page and "第1版" in page and "第2版" in page
    assert first.sha256 in c.get(detail + "?v=1").content.decode()
    # The supervisors see the signed version, not the unit's draft.
    j = client_as(client, w, "jiwei")
    assert first.sha256 in j.get(detail).content.decode()
    assert j.get(detail + "?v=2").status_code == 404
    fill(w, second, summary="更正后")
    services.version_submit(version=second, by=w.liaison)
    page = j.get(detail).content.decode()
    assert "更正后" in page and 'data-testid="version-switcher"' in page
    assert first.sha256 in j.get(detail + "?v=1").content.decode()


def test_supervisors_comment_and_the_leader_cannot(client, w):
    version = signed(w)
    url = reverse("rectification:comment_add", args=[w.rect.pk, w.report.pk, 1])
    for who, org in (("jiwei", "县纪委监委"), ("zuzhibu", "县委组织部"), ("office", "县委巡察办")):
        response = client_as(client, w, who).post(url, {"body": f"{org}的意见"})
        assert response.status_code == 302
    assert list(version.comments.values_list("author_org", flat=True)) == [
        "县纪委监委",
        "县委组织部",
        "县委巡察办",
    ]
    for who in ("leader", "member", "principal"):
        assert client_as(client, w, who).post(url, {"body": "意见"}).status_code == 403
    assert ReportComment.objects.count() == 3
    page = (
        client_as(client, w, "principal")
        .get(reverse("rectification:report_detail", args=[w.rect.pk, w.report.pk]))
        .content.decode()
    )
    assert "县纪委监委的意见" in page and 'data-testid="comment-submit"' not in page
    page = (
        client_as(client, w, "jiwei")
        .get(reverse("rectification:report_list", args=[w.rect.pk]))
        .content.decode()
    )
    assert "已签字背书" in page


def test_evidence_download_checks_who_may_see_it(client, w):
    version = services.version_start(report=w.report, by=w.liaison)
    [ev] = services.evidence_add(
        entry=version.entries.first(), files=[SimpleUploadedFile("纪要.pdf", PDF)], by=w.liaison
    )
    url = reverse("rectification:evidence_download", args=[ev.pk])
    # A draft's evidence: only the unit's users.
    check(client, w, "get", url, expect(404, anon=302, principal=200, liaison=200))
    fill(w, version)
    services.version_submit(version=version, by=w.liaison)
    check(client, w, "get", url, READ)
    response = client_as(client, w, "jiwei").get(url)
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_meetings_are_recorded_through_the_page(client, w):
    day = hearing_ready(w)
    url = reverse("rectification:meeting_add", args=[w.rect.pk, MeetingKind.HEARING])
    c = client_as(client, w, "office")
    response = c.post(
        url,
        {
            "date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "participants": "县纪委监委",
            "minutes": "听取汇报",
        },
    )
    assert response.status_code == 200 and "会议日期不能晚于今天" in response.content.decode()
    response = c.post(url, {"date": day.isoformat(), "participants": "县纪委监委", "minutes": "听取汇报"})
    assert response.status_code == 302
    assert RectMeeting.objects.get().kind == MeetingKind.HEARING
    response = client_as(client, w, "liaison").post(
        reverse("rectification:meeting_add", args=[w.rect.pk, MeetingKind.DEMOCRATIC_LIFE]),
        {"date": day.isoformat(), "participants": "班子成员", "minutes": "对照检查"},
    )
    assert response.status_code == 302
    assert (
        client_as(client, w, "liaison")
        .post(url, {"date": day.isoformat(), "participants": "x", "minutes": "y"})
        .status_code
        == 403
    )
    assert RectMeeting.objects.count() == 2
    page = (
        client_as(client, w, "jiwei")
        .get(reverse("rectification:report_list", args=[w.rect.pk]))
        .content.decode()
    )
    assert "听取汇报" in page and "对照检查" in page
    assert services.hearing_planned_date(w.rect).strftime("%Y-%m-%d") in page


def test_the_schedule_marks_overdue_reports_and_shows_states(client, w):
    # The meeting was 40 days ago: the first half-monthly reports are overdue.
    submitted(w)
    page = (
        client_as(client, w, "liaison")
        .get(reverse("rectification:report_list", args=[w.rect.pk]))
        .content.decode()
    )
    assert 'class="overdue"' in page and "已逾期" in page
    assert "已报送待签字" in page and "填写报告" in page


def test_supervision_lists_the_latest_sent_versions_with_filters_and_the_overdue(client, w):
    first = signed(w)
    services.version_start(report=w.report, by=w.liaison, correction_note="更正")  # a draft: not listed
    other = build_world()
    submitted(other)
    url = reverse("rectification:supervision")
    c = client_as(client, w, "jiwei")
    page = c.get(url).content.decode()
    assert page.count('data-testid="supervision-row"') == 2
    assert w.rect.unit.name in page and other.rect.unit.name in page
    assert 'data-testid="overdue-row"' in page  # reports due weeks ago and never submitted
    assert c.get(url + "?signed=yes").content.decode().count('data-testid="supervision-row"') == 1
    assert c.get(url + "?signed=no").content.decode().count('data-testid="supervision-row"') == 1
    assert (
        c.get(url + "?q=" + other.rect.unit.name).content.decode().count('data-testid="supervision-row"') == 1
    )
    services.comment_add(version=first, author=w.jiwei, body="意见")
    mine = c.get(url + "?commented=mine").content.decode()
    assert mine.count('data-testid="supervision-row"') == 1 and w.rect.unit.name in mine
    assert c.get(url + "?commented=not_mine").content.decode().count('data-testid="supervision-row"') == 1
    assert (
        client_as(client, w, "zuzhibu")
        .get(url + "?commented=mine")
        .content.decode()
        .count('data-testid="supervision-row"')
        == 0
    )


def test_a_hearing_far_from_its_planned_date_asks_for_a_note_on_the_form(client, w):
    planned = hearing_ready(w)
    early = (planned - datetime.timedelta(days=20)).isoformat()
    url = reverse("rectification:meeting_add", args=[w.rect.pk, MeetingKind.HEARING])
    c = client_as(client, w, "office")
    assert "日期说明" in c.get(url).content.decode()
    data = {"date": early, "participants": "县纪委监委", "minutes": "听取汇报"}
    response = c.post(url, data)
    assert response.status_code == 200 and "请填写日期说明" in response.content.decode()
    assert not RectMeeting.objects.exists()
    assert c.post(url, data | {"date_note": "配合县委巡视整改督查提前听取"}).status_code == 302
    page = c.get(reverse("rectification:report_list", args=[w.rect.pk])).content.decode()
    assert "日期说明：" in page and "配合县委巡视整改督查提前听取" in page
    # The democratic life meeting's form has no such field.
    life = reverse("rectification:meeting_add", args=[w.rect.pk, MeetingKind.DEMOCRATIC_LIFE])
    assert "日期说明" not in client_as(client, w, "liaison").get(life).content.decode()


def test_the_office_waives_a_missed_report_on_the_list_and_the_final_report_goes_through(client, w):
    missed = w.rect.reports.filter(kind="half_monthly", due_date__lte=timezone.localdate()).order_by("due_date")
    url = reverse("rectification:report_list", args=[w.rect.pk])
    office = client_as(client, w, "office")
    page = office.get(url).content.decode()
    assert page.count('data-testid="waive-open"') == missed.count()
    assert 'data-testid="waive-open"' not in client_as(client, w, "jiwei").get(url).content.decode()
    report = missed.first()
    waive = reverse("rectification:report_waive", args=[w.rect.pk, report.pk])
    assert client_as(client, w, "liaison").post(waive, {"reason": "x"}).status_code == 403
    office = client_as(client, w, "office")
    page = office.post(waive, {"reason": ""}, follow=True).content.decode()
    assert "请填写免报理由" in page
    page = office.post(waive, {"reason": "并入下期报送"}, follow=True).content.decode()
    assert f"已同意{report}免报" in page and 'data-testid="waived"' in page and "并入下期报送" in page
    report.refresh_from_db()
    assert report.waive_reason == "并入下期报送"
    # The unit's submit of the final report is refused in words while another is missing.
    version = services.version_start(report=w.final, by=w.liaison)
    fill(w, version)
    submit = reverse("rectification:version_submit", args=[w.rect.pk, w.final.pk])
    others = missed.exclude(pk=report.pk)
    if others.exists():
        page = client_as(client, w, "liaison").post(submit, follow=True).content.decode()
        assert "整改情况报告暂不能报送" in page
        for other in others:
            services.report_waive(report=other, reason="并入下期", by=w.office)
    client_as(client, w, "liaison").post(submit)
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED
