"""Intake (受理): recording leads with attachments, the ledger and its duplicate flag, scope triage."""

import datetime
import hashlib

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clues.models import Channel, Lead, LeadAttachment, LeadStatus, OutOfScope, PartnerDepartment, ScopeStatus
from clues.selectors.intake import possible_duplicates
from clues.services.intake import lead_record, lead_triage, lead_update
from clues.services.public import lead_set_public_reply
from clues.tests.factories import LeadFactory
from rounds.models import Unit
from rounds.tests.factories import AssignmentFactory, UnitFactory
from teams.models import MemberRole
from teams.services import team_member_add
from teams.tests.factories import CadreFactory, TeamFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.errors import DomainError
from xuncha.notifications.models import Notification

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def member_of(team, role=MemberRole.MEMBER):
    user = UserFactory(roles=[Role.TEAM])
    team_member_add(team=team, cadre=CadreFactory(user=user), role=role)
    return user


@pytest.fixture
def assignment():
    return AssignmentFactory(unit=UnitFactory(name="青山县财政局"))


@pytest.fixture
def member(assignment):
    return member_of(assignment.team)


def _today():
    return timezone.localdate()


def _form(**overrides):
    data = {
        "channel": Channel.LETTER,
        "partner_department": "",
        "received_on": _today().isoformat(),
        "subject_name": "钱某某",
        "subject_post": "副局长",
        "subject_rank": "副科级",
        "summary": "",
        "content": "反映钱某某2025年违规发放津补贴12万元。",
        "reporter_name": "",
        "reporter_phone": "",
        "reporter_id_number": "",
        "reporter_work_unit": "",
    }
    data.update(overrides)
    return data


def _record(assignment, by, **overrides):
    data = {
        "channel": Channel.LETTER,
        "received_on": _today(),
        "subject_name": "钱某某",
        "content": "反映违规发放津补贴。",
    }
    data.update(overrides)
    return lead_record(assignment=assignment, data=data, attachments=[], by=by)


# --- recording ----------------------------------------------------------------------------------------


def test_member_records_a_lead_with_attachments_and_their_sha256(client_for, assignment, member):
    files = [
        SimpleUploadedFile("举报信.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("照片.png", PNG, content_type="image/png"),
    ]
    response = client_for(member).post(
        reverse("clues:lead_create", args=[assignment.pk]), {**_form(), "attachments": files}
    )
    lead = Lead.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("clues:lead_detail", args=[lead.pk])
    assert (lead.round, lead.unit, lead.team, lead.serial) == (
        assignment.round,
        assignment.unit,
        assignment.team,
        1,
    )
    assert lead.recorded_by == member
    assert (
        lead.summary == "反映钱某某2025年违规发放津补贴12万元。"
    )  # blank summary: the content's first 40 characters
    stored = {a.name: a.sha256 for a in LeadAttachment.objects.filter(lead=lead)}
    assert stored == {
        "举报信.pdf": hashlib.sha256(PDF).hexdigest(),
        "照片.png": hashlib.sha256(PNG).hexdigest(),
    }
    attachment = LeadAttachment.objects.get(name="举报信.pdf")
    download = client_for(member).get(reverse("clues:lead_attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_serial_numbers_run_per_team(assignment, member):
    first = _record(assignment, member)
    second = _record(assignment, member)
    other = AssignmentFactory()
    other_lead = _record(other, member_of(other.team))
    assert (first.serial, second.serial, other_lead.serial) == (1, 2, 1)
    assert second.number.endswith("线索第002号")


def test_a_disallowed_upload_is_refused_nothing_is_saved_and_the_text_is_kept(client_for, assignment, member):
    files = [
        SimpleUploadedFile("ok.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
    ]
    content = "被反映人在工程项目中收受好处费，请组织核查。"
    response = client_for(member).post(
        reverse("clues:lead_create", args=[assignment.pk]), {**_form(content=content), "attachments": files}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "不接受“virus.exe”这种类型的文件" in page
    assert content in page  # what was typed is still in the form
    assert "附件需要重新选择" in page
    assert not Lead.objects.exists()
    assert not LeadAttachment.objects.exists()


def test_an_oversized_upload_is_refused(client_for, assignment, member, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 4096, content_type="application/pdf")
    response = client_for(member).post(
        reverse("clues:lead_create", args=[assignment.pk]), {**_form(), "attachments": [big]}
    )
    assert "超过" in response.content.decode() and "big.pdf" in response.content.decode()
    assert not Lead.objects.exists()


def test_a_file_whose_content_does_not_match_its_name_is_refused(assignment, member):
    fake = SimpleUploadedFile("scan.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf")
    with pytest.raises(DomainError) as exc:
        lead_record(
            assignment=assignment,
            data={"channel": Channel.LETTER, "received_on": _today(), "content": "x"},
            attachments=[fake],
            by=member,
        )
    assert "内容与其扩展名不符" in exc.value.full_message()
    assert not Lead.objects.exists()


def test_partner_department_handover_requires_the_department(client_for, assignment, member):
    client = client_for(member)
    url = reverse("clues:lead_create", args=[assignment.pk])
    page = client.get(url + "?channel=handover").content.decode()
    assert "登记部门移送情况" in page
    response = client.post(url, _form(channel=Channel.HANDOVER))
    assert "部门移送的线索须选择移送部门" in response.content.decode()
    assert not Lead.objects.exists()
    client.post(url, _form(channel=Channel.HANDOVER, partner_department=PartnerDepartment.AUDIT))
    lead = Lead.objects.get()
    assert (lead.channel, lead.partner_department) == (Channel.HANDOVER, PartnerDepartment.AUDIT)
    with pytest.raises(DomainError):
        _record(assignment, member, channel=Channel.HANDOVER)


def test_a_future_date_is_refused(assignment, member):
    with pytest.raises(DomainError) as exc:
        _record(assignment, member, received_on=_today() + datetime.timedelta(days=1))
    assert "收到日期不能晚于今天" in exc.value.full_message()


def test_a_lead_received_before_the_term_began_needs_a_date_note(assignment, member):
    term = assignment.round.term
    before = term.start_date - datetime.timedelta(days=1)
    with pytest.raises(DomainError, match=f"早于{term}的开始日期（{term.start_date:%Y-%m-%d}）"):
        _record(assignment, member, received_on=before)
    assert not Lead.objects.exists()
    lead = lead_record(
        assignment=assignment,
        data={"channel": Channel.LETTER, "received_on": before, "content": "反映违规发放津补贴。"},
        by=member,
        date_note="上届巡察移交的遗留信访件",
    )
    assert lead.received_on == before
    assert lead.history.earliest().history_change_reason == "日期说明：上届巡察移交的遗留信访件"
    # A past date inside the term is fine without a note: records are entered later.
    assert _record(assignment, member, received_on=term.start_date).received_on == term.start_date


def test_the_lead_form_asks_for_the_date_note_when_the_date_is_before_the_term(client_for, assignment, member):
    term = assignment.round.term
    before = (term.start_date - datetime.timedelta(days=30)).isoformat()
    url = reverse("clues:lead_create", args=[assignment.pk])
    page = client_for(member).post(url, _form(received_on=before)).content.decode()
    assert "请填写日期说明" in page and not Lead.objects.exists()
    response = client_for(member).post(url, _form(received_on=before, date_note="系统启用前收到，补录"))
    assert response.status_code == 302
    lead = Lead.objects.get()
    # Editing it keeps asking while the date stays before the term.
    edit = reverse("clues:lead_edit", args=[lead.pk])
    page = client_for(member).post(edit, _form(received_on=before, content="更正")).content.decode()
    assert "请填写日期说明" in page
    lead.refresh_from_db()
    assert lead.content != "更正"


def test_only_the_team_and_the_office_record(
    client_for, assignment, member, office_user, leader_user, make_user
):
    url = reverse("clues:lead_create", args=[assignment.pk])
    other_member = member_of(TeamFactory(round=assignment.round))
    unit_user = make_user(Role.UNIT)
    assert client_for(other_member).get(url).status_code == 404
    assert client_for(unit_user).get(url).status_code == 404
    assert client_for(leader_user).get(url).status_code == 403  # reads the assignment, records nothing
    assert client_for(office_user).get(url).status_code == 200
    assert client_for(member).get(url).status_code == 200
    with pytest.raises(DomainError):
        _record(assignment, other_member)
    _record(assignment, office_user)
    assert Lead.objects.count() == 1


def test_editing_keeps_the_identity_when_left_blank_and_stops_after_hand_over(client_for, assignment, member):
    lead = lead_record(
        assignment=assignment,
        data={"channel": Channel.VISIT, "received_on": _today(), "content": "原内容"},
        identity={"reporter_name": "赵举报", "reporter_phone": "13800000000"},
        by=member,
    )
    client = client_for(member)
    page = client.get(reverse("clues:lead_edit", args=[lead.pk])).content.decode()
    assert (
        "赵举报" not in page and "13800000000" not in page
    )  # the stored identity is never put back in a page
    response = client.post(
        reverse("clues:lead_edit", args=[lead.pk]), _form(channel=Channel.VISIT, content="更正后的内容")
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.content == "更正后的内容"
    assert (lead.reporter_name, lead.reporter_phone, lead.reporter_named) == ("赵举报", "13800000000", True)

    department = UnitFactory(name="县信访局")
    lead_triage(
        lead=lead,
        scope=ScopeStatus.OUT_OF_SCOPE,
        category=OutOfScope.PERSONAL,
        handed_to=department,
        explanation="属个人诉求，已转县信访局办理。",
        by=member,
    )
    with pytest.raises(DomainError) as exc:
        lead_update(lead=lead, data={"content": "再改"}, by=member)
    assert "不能再修改" in exc.value.message


# --- the ledger ---------------------------------------------------------------------------------------


def test_the_list_filters_and_flags_possible_duplicates(client_for, assignment, member):
    a = _record(assignment, member, subject_name="钱某某", summary="违规发放津补贴")
    b = _record(assignment, member, subject_name="钱某某", summary="公车私用", channel=Channel.PHONE)
    c = _record(assignment, member, subject_name="孙某某", summary="违规招投标")
    # The same name in another round's unit is somebody else's business.
    elsewhere = AssignmentFactory()
    LeadFactory(assignment=elsewhere, subject_name="钱某某")

    assert {d.pk for d in possible_duplicates(a)} == {b.pk}
    assert possible_duplicates(c) == []

    client = client_for(member)
    response = client.get(reverse("clues:lead_list"))
    rows = {lead.pk: lead.is_duplicate for lead in response.context["page_obj"]}
    assert rows == {a.pk: True, b.pk: True, c.pk: False}
    assert response.content.decode().count("疑似重复</span>") == 2

    only_dupes = client.get(reverse("clues:lead_list"), {"duplicates": "on"}).context["page_obj"]
    assert {lead.pk for lead in only_dupes} == {a.pk, b.pk}
    by_channel = client.get(reverse("clues:lead_list"), {"channel": Channel.PHONE}).context["page_obj"]
    assert [lead.pk for lead in by_channel] == [b.pk]
    search = client.get(reverse("clues:lead_list"), {"q": "孙某"}).context["page_obj"]
    assert [lead.pk for lead in search] == [c.pk]

    detail = client.get(reverse("clues:lead_detail", args=[a.pk])).content.decode()
    assert reverse("clues:lead_detail", args=[b.pk]) in detail


def test_the_list_costs_the_same_queries_for_many_rows(client_for, assignment, member):
    client = client_for(member)
    for _ in range(3):
        _record(assignment, member)
    client.get(reverse("clues:lead_list"))
    cache.clear()  # counted cold: the list's count is cached until a lead changes
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("clues:lead_list"))
    for _ in range(15):
        _record(assignment, member, subject_name="")
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("clues:lead_list"))
    with CaptureQueriesContext(connection) as warm:
        client.get(reverse("clues:lead_list"))
    assert len(many) == len(few)
    assert len(warm) < len(many)  # the count and the filter options, from the cache


def test_the_list_is_paginated_by_twenty(client_for, assignment, member):
    for _ in range(21):
        _record(assignment, member)
    client = client_for(member)
    assert len(client.get(reverse("clues:lead_list")).context["page_obj"].object_list) == 20
    assert len(client.get(reverse("clues:lead_list"), {"page": 2}).context["page_obj"].object_list) == 1


def test_content_with_html_is_shown_as_text(client_for, assignment, member):
    lead = _record(assignment, member, content='<script>alert("x")</script>\n第二行<b>加粗</b>')
    page = client_for(member).get(reverse("clues:lead_detail", args=[lead.pk])).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "&lt;b&gt;加粗&lt;/b&gt;" in page


# --- triage -------------------------------------------------------------------------------------------


def test_in_scope_triage(client_for, assignment, member):
    lead = _record(assignment, member)
    response = client_for(member).post(
        reverse("clues:lead_triage", args=[lead.pk]), {"scope": ScopeStatus.IN_SCOPE}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.scope, lead.status) == (ScopeStatus.IN_SCOPE, LeadStatus.TRIAGED)


@pytest.mark.parametrize(
    "missing, message",
    [("handed_to", "请选择归口办理的部门"), ("explanation", "请填写向反映人所作的解释")],
)
def test_out_of_scope_needs_both_the_department_and_the_explanation(assignment, member, missing, message):
    lead = _record(assignment, member)
    kwargs = {
        "scope": ScopeStatus.OUT_OF_SCOPE,
        "category": OutOfScope.LAND,
        "handed_to": UnitFactory(name="县自然资源局"),
        "explanation": "征地补偿问题由县自然资源局依法办理。",
    }
    kwargs[missing] = None if missing == "handed_to" else "  "
    with pytest.raises(DomainError) as exc:
        lead_triage(lead=lead, by=member, **kwargs)
    assert message in exc.value.full_message()
    lead.refresh_from_db()
    assert (lead.scope, lead.status, lead.handed_to) == (ScopeStatus.PENDING, LeadStatus.REGISTERED, None)


def test_out_of_scope_through_the_page_keeps_what_was_typed(client_for, assignment, member):
    lead = _record(assignment, member)
    department = UnitFactory(name="县人民法院")
    response = client_for(member).post(
        reverse("clues:lead_triage", args=[lead.pk]),
        {
            "scope": ScopeStatus.OUT_OF_SCOPE,
            "category": OutOfScope.LITIGATION,
            "handed_to": department.pk,
            "explanation": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写向反映人所作的解释" in page
    assert f'<option value="{department.pk}" selected>' in page
    lead.refresh_from_db()
    assert lead.status == LeadStatus.REGISTERED


def test_out_of_scope_hands_over_grants_and_tells_the_department(assignment, member):
    staff = UserFactory(roles=[Role.DEPARTMENT])
    department = UnitFactory(name="县信访局")
    department.staff.add(staff)
    lead = _record(assignment, member)
    lead_triage(
        lead=lead,
        scope=ScopeStatus.OUT_OF_SCOPE,
        category=OutOfScope.PERSONAL,
        handed_to=department,
        explanation="您反映的个人诉求已转县信访局办理。",
        by=member,
    )
    lead.refresh_from_db()
    assert (lead.scope, lead.status, lead.handed_to) == (
        ScopeStatus.OUT_OF_SCOPE,
        LeadStatus.HANDED_OVER,
        department,
    )
    assert staff.has_perm("clues.view_lead", lead)
    note = Notification.objects.get(recipient=staff)
    assert note.link == reverse("clues:handover_detail", args=[lead.pk])


def test_the_inspected_unit_itself_cannot_be_the_competent_department(assignment, member):
    lead = _record(assignment, member)
    with pytest.raises(DomainError) as exc:
        lead_triage(
            lead=lead,
            scope=ScopeStatus.OUT_OF_SCOPE,
            category=OutOfScope.OTHER,
            handed_to=Unit.objects.get(pk=assignment.unit_id),
            explanation="转被巡察单位办理",
            by=member,
        )
    assert "是被巡察单位" in exc.value.full_message()


def test_triage_is_the_teams(client_for, assignment, member):
    lead = _record(assignment, member)
    other = member_of(TeamFactory(round=assignment.round))
    assert (
        client_for(other)
        .post(reverse("clues:lead_triage", args=[lead.pk]), {"scope": ScopeStatus.IN_SCOPE})
        .status_code
        == 404
    )
    with pytest.raises(DomainError):
        lead_triage(lead=lead, scope=ScopeStatus.IN_SCOPE, by=other)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.REGISTERED


# --- the reply to an online reporter ----------------------------------------------------------------------


def test_the_leader_sets_the_reply_to_a_public_report_and_a_member_may_not(client_for, assignment, member):
    leader = member_of(assignment.team, MemberRole.LEADER)
    lead = _record(assignment, member)
    Lead.objects.filter(pk=lead.pk).update(is_public_report=True)
    lead.refresh_from_db()
    assert (
        client_for(member).post(reverse("clues:lead_reply", args=[lead.pk]), {"reply": "x"}).status_code
        == 403
    )
    with pytest.raises(DomainError):
        lead_set_public_reply(lead=lead, reply="x", by=member)
    response = client_for(leader).post(
        reverse("clues:lead_reply", args=[lead.pk]), {"reply": "已转有关部门核查。"}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.public_reply == "已转有关部门核查。"
