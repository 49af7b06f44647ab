"""Public reporting (开门巡察): the report form, the receipt code (only its hash kept), the code query,
and what holds abuse off (rate limits per address, upload limits, the trap field)."""

import datetime
import hashlib
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from clues.models import Channel, Lead, LeadStatus, OutOfScope, PublicStatus, ScopeStatus
from clues.services.intake import handover_record_outcome, lead_triage
from clues.services.public import lead_approve_public_outcome, lead_set_public_reply, public_receipt_lookup
from rounds.models import AnnouncementStatus
from rounds.services.assignments import announcement_publish
from rounds.tests.factories import AnnouncementFactory, AssignmentFactory, UnitFactory
from teams.models import MemberRole
from teams.services import team_member_add
from teams.tests.factories import CadreFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.core.crypto import keyed_digest
from xuncha.errors import DomainError
from xuncha.notifications.models import Notification

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r'data-testid="receipt-code"[^>]*>([A-Z0-9-]+)<')


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


def member_of(team, role=MemberRole.MEMBER):
    user = UserFactory(roles=[Role.TEAM])
    team_member_add(team=team, cadre=CadreFactory(user=user), role=role)
    return user


@pytest.fixture
def announcement():
    assignment = AssignmentFactory(unit=UnitFactory(name="青山县交通运输局"))
    today = timezone.localdate()
    ann = AnnouncementFactory(
        assignment=assignment,
        start_date=today - datetime.timedelta(days=3),
        end_date=today + datetime.timedelta(days=30),
    )
    return announcement_publish(announcement=ann, by=None)


@pytest.fixture
def team(announcement):
    team = announcement.assignment.team
    return {"leader": member_of(team, MemberRole.LEADER), "member": member_of(team)}


def _report(client, announcement, ip="10.0.0.1", **data):
    payload = {
        "content": "反映交通运输局李某某在道路养护工程中收受回扣。",
        "name": "",
        "phone": "",
        "website": "",
    }
    payload.update(data)
    return client.post(reverse("clues:public_report", args=[announcement.pk]), payload, REMOTE_ADDR=ip)


def _code(response) -> str:
    match = CODE_RE.search(response.content.decode())
    assert match, "no receipt code on the page"
    return match.group(1)


def _query(client, code, ip="10.0.0.9"):
    return client.post(reverse("clues:public_receipt"), {"code": code}, REMOTE_ADDR=ip)


def _all_database_text() -> str:
    """Every value of every row of every table, as text (the test database is small)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                chunks.extend(str(value) for value in row)
    return "\n".join(chunks)


# --- the form -------------------------------------------------------------------------------------------


def test_the_announcement_page_links_to_the_report_form(client, announcement):
    page = client.get(reverse("rounds:public_announcement_detail", args=[announcement.pk])).content.decode()
    assert reverse("clues:public_report", args=[announcement.pk]) in page
    assert "我要反映问题" in page


def test_the_form_is_public_but_only_for_a_published_announcement(client, announcement):
    assert client.get(reverse("clues:public_report", args=[announcement.pk])).status_code == 200
    draft = AnnouncementFactory()
    assert draft.status == AnnouncementStatus.DRAFT
    assert client.get(reverse("clues:public_report", args=[draft.pk])).status_code == 404
    assert _report(client, draft).status_code == 404
    assert not Lead.objects.exists()


def test_a_citizen_reports_and_gets_a_code_of_which_only_the_hash_is_kept(client, announcement, team, settings):
    settings.XUNCHA_CRYPTO = "intl"  # SHA-256; 国密 (HMAC-SM3) below
    response = _report(client, announcement, name="王群众", phone="13700001111")
    assert response.status_code == 200
    code = _code(response)
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}", code)
    assert response["Cache-Control"].startswith("max-age=0")

    lead = Lead.objects.get()
    assignment = announcement.assignment
    assert (lead.assignment, lead.unit, lead.team) == (assignment, assignment.unit, assignment.team)
    assert lead.channel == Channel.ONLINE and lead.is_public_report and lead.reporter_named
    assert lead.summary == "反映交通运输局李某某在道路养护工程中收受回扣。"[:40]
    assert lead.receipt_hash == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert lead.reporter_name == "王群众"

    everything = _all_database_text()
    assert code not in everything
    assert code.replace("-", "") not in everything
    assert "王群众" not in everything  # the identity is encrypted too
    assert "13700001111" not in everything


def test_the_team_is_told_in_its_inbox_without_the_identity(client, announcement, team):
    _report(client, announcement, name="王群众")
    lead = Lead.objects.get()
    for user in (team["leader"], team["member"]):
        note = Notification.objects.get(recipient=user)
        assert note.link == reverse("clues:lead_detail", args=[lead.pk])
        assert "青山县交通运输局" in note.title
        assert "王群众" not in note.title + note.body
    inbox = team["member"]
    assert Notification.objects.filter(recipient=inbox).count() == 1


def test_an_anonymous_report_is_anonymous(client, announcement):
    _report(client, announcement)
    lead = Lead.objects.get()
    assert not lead.reporter_named
    assert (lead.reporter_name, lead.reporter_phone) == ("", "")


# --- the code query ---------------------------------------------------------------------------------------


def test_the_code_shows_the_status_and_then_the_reply(client, announcement, team):
    code = _code(_report(client, announcement))
    page = _query(client, code).content.decode()
    assert "已受理" in page and "暂无答复" in page
    assert "收受回扣" not in page  # nothing of the report itself

    lead = Lead.objects.get()
    Lead.objects.filter(pk=lead.pk).update(status=LeadStatus.TRIAGED)
    assert "办理中" in _query(client, code.lower()).content.decode()

    lead_set_public_reply(lead=lead, reply="经核查，问题已移交有关部门处理。", by=team["leader"])
    Lead.objects.filter(pk=lead.pk).update(status=LeadStatus.CLOSED)
    page = _query(client, " " + code.replace("-", " ") + " ").content.decode()
    assert "已办结" in page
    assert "经核查，问题已移交有关部门处理。" in page
    assert public_receipt_lookup(code) == (PublicStatus.DONE.label, "经核查，问题已移交有关部门处理。", "")


def test_the_petitioner_hears_the_departments_outcome_once_the_team_approves_its_wording(
    client, client_for, announcement, team
):
    code = _code(_report(client, announcement, content="本人工伤赔偿纠纷多年未解决，请求协调。"))
    lead = Lead.objects.get()
    staff = UserFactory(roles=[Role.DEPARTMENT])
    department = UnitFactory(name="县人力资源和社会保障局")
    department.staff.add(staff)
    lead_triage(
        lead=lead,
        scope=ScopeStatus.OUT_OF_SCOPE,
        category=OutOfScope.PERSONAL,
        handed_to=department,
        explanation="属个人诉求，已转县人社局办理。",
        by=team["member"],
    )
    lead_set_public_reply(lead=lead, reply="您反映的问题已转县人社局办理。", by=team["leader"])
    handover_record_outcome(lead=lead, outcome="经调查，已督促用人单位于5月10日支付工伤赔偿金。经办人：孙某", by=staff)
    # The department's own words do not reach the reporter until the team approves the wording.
    page = _query(client, code).content.decode()
    assert "已办结" in page and "已转县人社局办理" in page
    assert "工伤赔偿金" not in page and 'data-testid="receipt-outcome"' not in page
    assert "请审定向举报人公开的办理结果" in Notification.objects.filter(recipient=team["leader"]).latest("id").body

    # The team page offers the department's text to approve; a member may not approve it.
    leader = client_for(team["leader"])
    detail = leader.get(reverse("clues:lead_detail", args=[lead.pk])).content.decode()
    assert 'data-testid="public-outcome"' in detail and "待审定" in detail and "经办人：孙某" in detail
    url = reverse("clues:lead_public_outcome", args=[lead.pk])
    assert client_for(team["member"]).post(url, {"text": "x"}).status_code == 403
    with pytest.raises(DomainError, match="请填写向举报人公开的办理结果"):
        lead_approve_public_outcome(lead=lead, text=" ", by=team["leader"])
    lead.refresh_from_db()
    leader = client_for(team["leader"])
    response = leader.post(
        url, {"text": "经调查，已督促用人单位支付工伤赔偿金。", "version": lead.version}, follow=True
    )
    assert "已审定办理结果" in response.content.decode()
    lead.refresh_from_db()
    assert lead.public_outcome_by == team["leader"] and lead.handling_outcome.endswith("经办人：孙某")
    assert lead.history.first().history_change_reason == "审定向举报人公开的办理结果"

    page = _query(client, code).content.decode()
    assert 'data-testid="receipt-outcome"' in page and "已督促用人单位支付工伤赔偿金" in page
    assert "孙某" not in page
    assert public_receipt_lookup(code).outcome == "经调查，已督促用人单位支付工伤赔偿金。"


def test_no_outcome_is_approved_before_the_department_reports(announcement, team, client):
    _report(client, announcement)
    lead = Lead.objects.get()
    with pytest.raises(DomainError, match="归口部门尚未反馈办理结果"):
        lead_approve_public_outcome(lead=lead, text="已办结", by=team["leader"])


def _without_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_a_wrong_code_says_the_same_whether_or_not_any_report_exists(client, announcement):
    wrong = "ABCD-EFGH-JKLM-NPQR"
    before = _query(client, wrong)
    assert "查询码不正确或不存在" in before.content.decode()
    real = _code(_report(client, announcement))
    assert real != wrong
    after = _query(client, wrong)
    assert _without_token(after.content.decode()) == _without_token(before.content.decode())
    # Malformed input gets the very same answer.
    assert "查询码不正确或不存在" in _query(client, "<script>").content.decode()
    assert "<script>" not in _query(client, "<script>").content.decode().split("</form>")[0].split("<form")[1]


def test_queries_are_rate_limited_per_address(client, announcement):
    code = _code(_report(client, announcement))
    for _ in range(20):
        assert (
            "查询码不正确或不存在" in _query(client, "AAAA-AAAA-AAAA-AAAA", ip="10.0.0.66").content.decode()
        )
    blocked = _query(client, code, ip="10.0.0.66").content.decode()
    assert "查询过于频繁" in blocked and "已受理" not in blocked
    assert "已受理" in _query(client, code, ip="10.0.0.67").content.decode()


# --- abuse ------------------------------------------------------------------------------------------------


def test_the_trap_field_pretends_success_and_keeps_nothing(client, announcement, team):
    response = _report(client, announcement, website="http://spam.example")
    assert response.status_code == 200
    fake = _code(response)
    assert not Lead.objects.exists()
    assert not Notification.objects.exists()
    assert public_receipt_lookup(fake) is None


def test_reports_are_rate_limited_per_address(client, announcement):
    for _ in range(5):
        assert _code(_report(client, announcement, ip="10.1.1.1"))
    refused = _report(client, announcement, ip="10.1.1.1", content="第六次提交")
    page = refused.content.decode()
    assert "提交过于频繁" in page
    assert "第六次提交" in page  # what he typed is kept
    assert Lead.objects.count() == 5
    assert _code(_report(client, announcement, ip="10.1.1.2"))
    assert Lead.objects.count() == 6


def test_upload_limits_of_the_public_form(client, announcement, settings):
    settings.PUBLIC_UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 2048, content_type="application/pdf")
    page = _report(client, announcement, attachments=[big]).content.decode()
    assert "big.pdf" in page and "超过" in page
    sheet = SimpleUploadedFile("a.xlsx", b"PK\x03\x04" + b"0" * 10)  # fine for a team, not from the public
    assert (
        "不接受“a.xlsx”这种类型的文件" in _report(client, announcement, attachments=[sheet]).content.decode()
    )
    four = [SimpleUploadedFile(f"{i}.txt", b"text") for i in range(4)]
    assert "最多上传3个附件" in _report(client, announcement, attachments=four).content.decode()
    assert not Lead.objects.exists()
    ok = [SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png")]
    assert _code(_report(client, announcement, attachments=ok))
    assert Lead.objects.get().attachments.get().sha256 == hashlib.sha256(b"\x89PNG\r\n\x1a\n0000").hexdigest()


def test_content_is_required_and_limited(client, announcement):
    assert "这个字段是必填项" in _report(client, announcement, content="").content.decode()
    assert "5000" in _report(client, announcement, content="字" * 5001).content.decode()
    assert not Lead.objects.exists()


def test_reports_close_with_the_announcement(client, announcement):
    announcement.end_date = timezone.localdate() - datetime.timedelta(days=1)
    announcement.start_date = announcement.end_date - datetime.timedelta(days=30)
    announcement.save()
    page = client.get(reverse("clues:public_report", args=[announcement.pk])).content.decode()
    assert "受理时间已于" in page and 'data-testid="report-form"' not in page
    _report(client, announcement)
    assert not Lead.objects.exists()


def test_html_in_a_public_report_is_text_for_the_team(client, announcement, team, client_for):
    _report(client, announcement, content='<img src=x onerror="alert(1)">反映问题')
    lead = Lead.objects.get()
    page = client_for(team["member"]).get(reverse("clues:lead_detail", args=[lead.pk])).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert '<img src=x onerror="alert(1)">' not in page


def test_under_gm_the_receipt_code_is_kept_as_hmac_sm3_and_old_sha256_codes_still_work(
    client, announcement, team, settings
):
    settings.XUNCHA_CRYPTO = "gm"
    code = _code(_report(client, announcement))
    lead = Lead.objects.get()
    normalised = code.replace("-", "")
    assert lead.receipt_hash == keyed_digest(b"receipt:" + normalised.encode())
    assert lead.receipt_hash != hashlib.sha256(normalised.encode()).hexdigest()
    assert public_receipt_lookup(code) is not None
    # A code given under "intl" (SHA-256) is still found after the switch to 国密.
    Lead.objects.filter(pk=lead.pk).update(receipt_hash=hashlib.sha256(normalised.encode()).hexdigest())
    assert public_receipt_lookup(code) is not None


# --- throttling: 429 with Retry-After, the client's address behind a trusted proxy ------------------------


def test_a_throttled_report_answers_429_with_retry_after(client, announcement):
    for _ in range(5):
        assert _report(client, announcement, ip="10.3.3.3").status_code == 200
    refused = _report(client, announcement, ip="10.3.3.3", content="第六次提交")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert "第六次提交" in refused.content.decode()


def test_successful_receipt_lookups_are_not_counted(client, announcement):
    code = _code(_report(client, announcement))
    for _ in range(30):
        assert _query(client, code, ip="10.0.0.70").status_code == 200
    for _ in range(20):
        _query(client, "AAAA-AAAA-AAAA-AAAA", ip="10.0.0.70")
    blocked = _query(client, code, ip="10.0.0.70")
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert "查询过于频繁" in blocked.content.decode()


def _report_via(client, announcement, *, peer, forwarded):
    payload = {"content": "反映问题。", "name": "", "phone": "", "website": ""}
    return client.post(
        reverse("clues:public_report", args=[announcement.pk]),
        payload,
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(client, announcement, settings):
    settings.XUNCHA_TRUSTED_PROXIES = ["127.0.0.1", "10.9.0.0/16"]
    # The whole county comes through the proxy: one citizen's limit does not block the next citizen.
    for _ in range(5):
        assert _report_via(client, announcement, peer="10.9.0.1", forwarded="203.0.113.5").status_code == 200
    assert _report_via(client, announcement, peer="10.9.0.1", forwarded="203.0.113.5").status_code == 429
    assert _report_via(client, announcement, peer="10.9.0.1", forwarded="203.0.113.6").status_code == 200
    # A client who writes his own X-Forwarded-For cannot pick a fresh address: the proxy appends the real one.
    spoofed = _report_via(client, announcement, peer="10.9.0.1", forwarded="198.51.100.1, 203.0.113.5")
    assert spoofed.status_code == 429


def test_without_a_trusted_proxy_the_header_is_ignored(client, announcement, settings):
    settings.XUNCHA_TRUSTED_PROXIES = []
    for k in range(5):
        assert _report_via(client, announcement, peer="10.8.0.1", forwarded=f"203.0.113.{k}").status_code == 200
    assert _report_via(client, announcement, peer="10.8.0.1", forwarded="203.0.113.99").status_code == 429
