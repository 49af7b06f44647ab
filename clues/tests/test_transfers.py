"""Transfers of leads in batches: who may make, send, see, acknowledge and report on them; the documents.

The helpers at the top (`make_world`, `confirmed_lead`, `sent_batch`) are shared with test_overdue and
test_figures.
"""

import datetime
import hashlib
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from clues.models import (
    Disposition,
    HandlingResult,
    LeadStatus,
    PersonDealt,
    ScopeStatus,
    TransferStatus,
)
from clues.services.dispositions import disposition_confirm, disposition_propose
from clues.services.transfers import (
    KIND_LETTER,
    KIND_LIST,
    batch_acknowledge,
    batch_create,
    batch_delete,
    batch_send,
    item_report_result,
)
from clues.tests.factories import LeadFactory
from rounds.services import unit_save
from rounds.tests.factories import AssignmentFactory, RoundFactory, UnitFactory
from teams.models import MemberRole
from teams.tests.factories import CadreFactory, TeamFactory, TeamMemberFactory
from tests.docx_checks import assert_fonts_fall_back, assert_page_numbers
from xuncha import access
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.core.models import DocumentStatus, GeneratedDocument
from xuncha.errors import DomainError
from xuncha.notifications.models import Notification

# --- shared helpers -----------------------------------------------------------------------------------


def make_team(round, *, leader=None, members=()):
    team = TeamFactory(round=round)
    if leader is not None:
        TeamMemberFactory(team=team, role=MemberRole.LEADER, cadre=CadreFactory(user=leader))
    for user in members:
        TeamMemberFactory(team=team, role=MemberRole.MEMBER, cadre=CadreFactory(user=user))
    return team


def make_world():
    """A round with a team (组长 zuzhang, member zuyuan) inspecting a unit (principal unit1); the county's
    纪委监委 (staff jiwei) and 组织部 (staff zuzhibu); the office; another team of another round."""
    w = SimpleNamespace()
    w.office = UserFactory(username="office", roles=[Role.OFFICE])
    w.leadership = UserFactory(username="lingdao", roles=[Role.LEADER])
    w.zuzhang = UserFactory(username="zuzhang1", roles=[Role.TEAM])
    w.zuyuan = UserFactory(username="zuyuan1", roles=[Role.TEAM])
    w.other_zuzhang = UserFactory(username="zuzhang2", roles=[Role.TEAM])
    w.unit_user = UserFactory(username="unit1", roles=[Role.UNIT])
    w.jiwei = UserFactory(username="jiwei", roles=[Role.JIWEI])
    w.zuzhibu = UserFactory(username="zuzhibu", roles=[Role.ZUZHIBU])
    w.round = RoundFactory()
    w.team = make_team(w.round, leader=w.zuzhang, members=[w.zuyuan])
    w.unit = UnitFactory(name="县住房和城乡建设局")
    w.unit.principal_user = w.unit_user
    unit_save(unit=w.unit)
    w.assignment = AssignmentFactory(team=w.team, unit=w.unit)
    w.other_round = RoundFactory()
    w.other_team = make_team(w.other_round, leader=w.other_zuzhang)
    w.other_assignment = AssignmentFactory(team=w.other_team)
    w.jiwei_unit = UnitFactory(name="县纪委监委")
    w.jiwei_unit.staff.add(w.jiwei)
    w.zuzhibu_unit = UnitFactory(name="县委组织部")
    w.zuzhibu_unit.staff.add(w.zuzhibu)
    return w


def in_scope_lead(assignment, **kwargs):
    return LeadFactory(assignment=assignment, scope=ScopeStatus.IN_SCOPE, status=LeadStatus.TRIAGED, **kwargs)


def confirmed_lead(w, disposition=Disposition.TO_JIWEI, *, assignment=None, leader=None, **kwargs):
    """A lead whose disposition the 组长 proposed and the office confirmed."""
    assignment = assignment or w.assignment
    lead = in_scope_lead(assignment, **kwargs)
    disposition_propose(
        lead=lead, disposition=disposition, reason="问题具体，可查性强", by=leader or w.zuzhang
    )
    return disposition_confirm(lead=lead, by=w.office)


def sent_batch(w, leads, *, receiver=None, deadline_days=30):
    batch = batch_create(
        receiver=receiver or w.jiwei_unit, leads=leads, deadline_days=deadline_days, note="", by=w.office
    )
    return batch_send(batch=batch, by=w.office)


@pytest.fixture
def w(db):
    return make_world()


# --- making a batch -----------------------------------------------------------------------------------


def test_office_makes_a_draft_batch_of_confirmed_transfer_leads(w):
    leads = [confirmed_lead(w), confirmed_lead(w, Disposition.TO_JIWEI)]
    batch = batch_create(receiver=w.jiwei_unit, leads=leads, deadline_days=20, note="请优先办理", by=w.office)
    assert batch.status == TransferStatus.DRAFT
    assert batch.round == w.round
    assert batch.year == timezone.localdate().year and batch.serial == 1
    assert batch.number == f"县巡移〔{batch.year}〕1号"
    assert sorted(batch.items.values_list("lead_id", flat=True)) == sorted(lead.pk for lead in leads)
    # Nothing is sent yet: the receiver sees nothing and the leads wait.
    assert not access.visible(w.jiwei, "clues.TransferBatch").exists()
    assert {lead.status for lead in leads} == {LeadStatus.CONFIRMED}
    second = batch_create(receiver=w.jiwei_unit, leads=[confirmed_lead(w)], note="", by=w.office)
    assert second.serial == 2


@pytest.mark.parametrize(
    "prepare",
    [
        pytest.param(lambda w: confirmed_lead(w, Disposition.VERIFY), id="verified-by-the-team"),
        pytest.param(lambda w: confirmed_lead(w, Disposition.HOLD), id="on-hold"),
        pytest.param(lambda w: in_scope_lead(w.assignment), id="no-disposition-yet"),
        pytest.param(
            lambda w: disposition_propose(
                lead=in_scope_lead(w.assignment),
                disposition=Disposition.TO_JIWEI,
                reason="涉嫌违纪",
                by=w.zuzhang,
            ),
            id="proposed-not-confirmed",
        ),
    ],
)
def test_a_batch_takes_only_confirmed_transfer_leads(w, prepare):
    lead = prepare(w)
    with pytest.raises(DomainError) as exc:
        batch_create(receiver=w.jiwei_unit, leads=[lead], note="", by=w.office)
    assert "尚未确认为移交" in exc.value.full_message()
    assert not lead.__class__.objects.filter(pk=lead.pk, transfer__isnull=False).exists()


def test_a_lead_goes_in_one_batch_only(w):
    lead = confirmed_lead(w)
    first = batch_create(receiver=w.jiwei_unit, leads=[lead], note="", by=w.office)
    with pytest.raises(DomainError) as exc:
        batch_create(receiver=w.zuzhibu_unit, leads=[lead], note="", by=w.office)
    assert first.number in exc.value.full_message()


def test_a_batch_holds_one_rounds_leads(w):
    ours = confirmed_lead(w)
    theirs = confirmed_lead(w, assignment=w.other_assignment, leader=w.other_zuzhang)
    with pytest.raises(DomainError) as exc:
        batch_create(receiver=w.jiwei_unit, leads=[ours, theirs], note="", by=w.office)
    assert "同一轮" in exc.value.full_message()


def test_only_the_office_makes_batches_and_only_for_a_receiver_with_staff(w):
    lead = confirmed_lead(w)
    for user in (w.zuzhang, w.jiwei, w.leadership):
        with pytest.raises(DomainError):
            batch_create(receiver=w.jiwei_unit, leads=[lead], note="", by=user)
    nobody = UnitFactory(name="县审计局")
    with pytest.raises(DomainError) as exc:
        batch_create(receiver=nobody, leads=[lead], note="", by=w.office)
    assert "经办人" in exc.value.full_message()


def test_a_draft_can_be_deleted_and_its_leads_batched_again(w):
    lead = confirmed_lead(w)
    batch = batch_create(receiver=w.zuzhibu_unit, leads=[lead], note="", by=w.office)
    batch_delete(batch=batch, by=w.office)
    again = batch_create(receiver=w.jiwei_unit, leads=[lead], note="", by=w.office)
    sent = batch_send(batch=again, by=w.office)
    with pytest.raises(DomainError):
        batch_delete(batch=sent, by=w.office)


# --- sending ------------------------------------------------------------------------------------------


def test_sending_sets_the_deadline_transfers_the_leads_and_grants_only_the_receivers_staff(w):
    leads = [confirmed_lead(w), confirmed_lead(w)]
    batch = sent_batch(w, leads, deadline_days=15)
    today = timezone.localdate()
    assert batch.status == TransferStatus.SENT and batch.sent_by == w.office
    assert batch.deadline == today + datetime.timedelta(days=15)
    assert {lead.status for lead in leads} == {LeadStatus.CONFIRMED}  # the objects we hold are stale
    assert set(w.assignment.leads.values_list("status", flat=True)) == {LeadStatus.TRANSFERRED}
    assert list(access.visible(w.jiwei, "clues.TransferBatch")) == [batch]
    for user in (w.zuzhibu, w.unit_user, w.zuyuan, w.zuzhang, w.leadership):
        assert not access.visible(user, "clues.TransferBatch").exists(), user.username
    # The receiver sees the transferred leads through the batch; the other department does not.
    assert set(access.visible(w.jiwei, "clues.Lead").values_list("pk", flat=True)) == {
        lead.pk for lead in leads
    }
    assert not access.visible(w.zuzhibu, "clues.Lead").exists()
    note = Notification.objects.get(recipient=w.jiwei)
    assert batch.number in note.title and note.link == reverse("clues:batch_detail", args=[batch.pk])
    assert not Notification.objects.filter(recipient=w.zuzhibu).exists()


def test_a_batch_is_sent_once(w):
    batch = sent_batch(w, [confirmed_lead(w)])
    with pytest.raises(DomainError):
        batch_send(batch=batch, by=w.office)
    assert GeneratedDocument.objects.count() == 2


def test_zuzhibu_sees_only_the_batches_sent_to_it(w, client):
    to_jiwei = sent_batch(w, [confirmed_lead(w)])
    to_zuzhibu = sent_batch(w, [confirmed_lead(w, Disposition.TO_ZUZHIBU)], receiver=w.zuzhibu_unit)
    client.force_login(w.zuzhibu)
    page = client.get(reverse("clues:batch_list"))
    assert page.status_code == 200
    assert to_zuzhibu.number in page.content.decode() and to_jiwei.number not in page.content.decode()
    assert client.get(reverse("clues:batch_detail", args=[to_zuzhibu.pk])).status_code == 200
    assert client.get(reverse("clues:batch_detail", args=[to_jiwei.pk])).status_code == 404


def test_the_inspected_unit_and_the_team_get_nothing(w, client):
    batch = sent_batch(w, [confirmed_lead(w)])
    item = batch.items.get()
    for user in (w.unit_user, w.zuyuan, w.leadership):
        client.force_login(user)
        assert client.get(reverse("clues:batch_list")).status_code == 403, user.username
        assert client.get(reverse("clues:batch_detail", args=[batch.pk])).status_code == 404, user.username
        assert client.get(reverse("clues:item_result", args=[item.pk])).status_code == 404, user.username
        assert client.post(reverse("clues:batch_acknowledge", args=[batch.pk])).status_code == 404, (
            user.username
        )


def test_office_creates_and_sends_a_batch_through_the_pages(w, client, django_capture_on_commit_callbacks):
    lead = confirmed_lead(w)
    client.force_login(w.office)
    page = client.get(reverse("clues:batch_create"))
    assert page.status_code == 200 and lead.number in page.content.decode()
    response = client.post(
        reverse("clues:batch_create"),
        {"receiver": w.jiwei_unit.pk, "deadline_days": 30, "note": "", "leads": [lead.pk]},
    )
    batch = w.jiwei_unit.received_batches.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "clues:batch_detail", args=[batch.pk]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("clues:batch_send", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == TransferStatus.SENT
    page = client.get(reverse("clues:batch_detail", args=[batch.pk]))
    assert page.content.decode().count('data-status="done"') == 2


def test_a_refused_batch_keeps_what_was_chosen(w, client):
    lead = confirmed_lead(w)
    client.force_login(w.office)
    response = client.post(
        reverse("clues:batch_create"),
        {"receiver": "", "deadline_days": 45, "note": "<b>急</b>", "leads": [lead.pk]},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'value="{lead.pk}" id="lead-{lead.pk}" checked' in body
    assert "&lt;b&gt;急&lt;/b&gt;" in body and 'value="45"' in body


def test_only_the_office_may_send_or_create(w, client):
    batch = batch_create(receiver=w.jiwei_unit, leads=[confirmed_lead(w)], note="", by=w.office)
    for user in (w.jiwei, w.zuzhang):
        client.force_login(user)
        assert client.get(reverse("clues:batch_create")).status_code == 403
        assert client.post(reverse("clues:batch_send", args=[batch.pk])).status_code == 403
    batch.refresh_from_db()
    assert batch.status == TransferStatus.DRAFT


# --- the receiver -------------------------------------------------------------------------------------


def test_only_the_receivers_staff_acknowledge(w, client):
    batch = sent_batch(w, [confirmed_lead(w)])
    for user in (w.zuzhibu, w.office):
        with pytest.raises(DomainError):
            batch_acknowledge(batch=batch, by=user)
    client.force_login(w.office)
    assert client.post(reverse("clues:batch_acknowledge", args=[batch.pk])).status_code == 403
    client.force_login(w.zuzhibu)
    assert client.post(reverse("clues:batch_acknowledge", args=[batch.pk])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == TransferStatus.SENT
    client.force_login(w.jiwei)
    assert client.post(reverse("clues:batch_acknowledge", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert batch.status == TransferStatus.ACKNOWLEDGED and batch.acknowledged_by == w.jiwei
    assert Notification.objects.filter(recipient=w.office, title__contains="已签收").exists()


def test_results_with_persons_close_final_leads_and_report_the_batch(w):
    case_lead, hold_lead = confirmed_lead(w), confirmed_lead(w)
    batch = sent_batch(w, [case_lead, hold_lead])
    batch_acknowledge(batch=batch, by=w.jiwei)
    case_item, hold_item = batch.items.get(lead=case_lead), batch.items.get(lead=hold_lead)
    item_report_result(
        item=case_item,
        result=HandlingResult.CASE,
        note="经初核，决定立案审查",
        persons=[
            {"name": "钱某某", "post": "副局长", "form": 3, "sanction": "party", "detail": "留党察看一年"}
        ],
        by=w.jiwei,
    )
    case_lead.refresh_from_db()
    batch.refresh_from_db()
    assert case_lead.status == LeadStatus.CLOSED
    assert batch.status == TransferStatus.ACKNOWLEDGED  # one lead still without a result
    person = PersonDealt.objects.get()
    assert (person.item, person.name, person.form, person.sanction) == (case_item, "钱某某", 3, "party")
    assert not Notification.objects.filter(recipient=w.office, title__contains="办理结果").exists()

    item_report_result(item=hold_item, result=HandlingResult.HOLD, note="暂存待查", by=w.jiwei)
    hold_lead.refresh_from_db()
    batch.refresh_from_db()
    assert hold_lead.status == LeadStatus.TRANSFERRED
    assert batch.status == TransferStatus.REPORTED and batch.reported_at is not None
    assert Notification.objects.filter(recipient=w.office, title__contains="办理结果").count() == 1


def test_a_result_can_be_updated_and_the_persons_are_replaced(w):
    lead = confirmed_lead(w)
    item = sent_batch(w, [lead]).items.get()
    item_report_result(item=item, result=HandlingResult.PRELIMINARY, note="正在初核", by=w.jiwei)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.TRANSFERRED
    item_report_result(
        item=item,
        result=HandlingResult.CASE,
        note="立案",
        persons=[
            {"name": "甲", "form": 2, "sanction": "government"},
            {"name": "乙", "form": 1, "sanction": "talk"},
        ],
        by=w.jiwei,
    )
    item_report_result(
        item=item,
        result=HandlingResult.CASE,
        note="立案",
        persons=[{"name": "甲", "form": 3, "sanction": "party"}],
        by=w.jiwei,
    )
    assert list(PersonDealt.objects.values_list("name", "form")) == [("甲", 3)]
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CLOSED


def test_a_result_needs_a_note_and_complete_persons(w):
    item = sent_batch(w, [confirmed_lead(w)]).items.get()
    with pytest.raises(DomainError) as exc:
        item_report_result(
            item=item, result=HandlingResult.CASE, note=" ", persons=[{"name": "甲"}], by=w.jiwei
        )
    text = exc.value.full_message()
    assert "办理情况" in text and "四种形态" in text and "处理方式" in text
    item.refresh_from_db()
    assert item.result == "" and not PersonDealt.objects.exists()
    with pytest.raises(DomainError):
        item_report_result(item=item, result=HandlingResult.CASE, note="立案", by=w.zuzhibu)


def test_receiver_reports_a_result_with_persons_through_the_page(w, client):
    lead = confirmed_lead(w)
    batch = sent_batch(w, [lead])
    item = batch.items.get()
    client.force_login(w.jiwei)
    page = client.get(reverse("clues:item_result", args=[item.pk]))
    assert page.status_code == 200
    data = {
        "result": "case",
        "note": "立案审查",
        "persons-TOTAL_FORMS": "2",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "0",
        "persons-MAX_NUM_FORMS": "50",
        "persons-0-name": "钱某某",
        "persons-0-post": "副局长",
        "persons-0-form": "3",
        "persons-0-sanction": "party",
        "persons-0-detail": "撤销党内职务",
        "persons-1-name": "",
    }
    # A person without a form is refused and what was typed stays.
    refused = client.post(reverse("clues:item_result", args=[item.pk]), {**data, "persons-0-form": ""})
    assert refused.status_code == 200
    # (具体处理 is a text area: long text has room.)
    assert "请选择四种形态" in refused.content.decode() and ">\n撤销党内职务</textarea>" in refused.content.decode()
    assert not PersonDealt.objects.exists()
    response = client.post(reverse("clues:item_result", args=[item.pk]), data)
    assert response.status_code == 302
    assert PersonDealt.objects.get().name == "钱某某"
    batch.refresh_from_db()
    assert batch.status == TransferStatus.REPORTED and batch.acknowledged_by == w.jiwei
    # The office cannot report for the receiver.
    client.force_login(w.office)
    assert client.get(reverse("clues:item_result", args=[item.pk])).status_code == 403


def test_batch_detail_costs_the_same_queries_for_more_leads(w, client, django_assert_max_num_queries):
    def count(n):
        batch = sent_batch(w, [confirmed_lead(w) for _ in range(n)])
        for item in batch.items.all():
            item_report_result(
                item=item,
                result="case",
                note="立案",
                persons=[{"name": "甲", "form": 1, "sanction": "talk"}],
                by=w.jiwei,
            )
        client.force_login(w.jiwei)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("clues:batch_detail", args=[batch.pk])).status_code == 200
        return len(ctx.captured_queries)

    assert count(1) == count(6)


# --- the overdue colours on the list -------------------------------------------------------------------


def test_the_list_marks_overdue_red_and_due_soon_yellow(w, client):
    overdue = sent_batch(w, [confirmed_lead(w)])
    soon = sent_batch(w, [confirmed_lead(w)])
    later = sent_batch(w, [confirmed_lead(w)])
    today = timezone.localdate()
    type(overdue).objects.filter(pk=overdue.pk).update(deadline=today - datetime.timedelta(days=1))
    type(soon).objects.filter(pk=soon.pk).update(deadline=today + datetime.timedelta(days=5))
    type(later).objects.filter(pk=later.pk).update(deadline=today + datetime.timedelta(days=20))
    client.force_login(w.office)
    body = client.get(reverse("clues:batch_list")).content.decode()
    rows = {b.number: body.split(b.number)[0].rsplit("<tr", 1)[1] for b in (overdue, soon, later)}
    assert 'class="overdue"' in rows[overdue.number]
    assert 'class="due-soon"' in rows[soon.number]
    assert 'class=""' in rows[later.number]
    only_overdue = client.get(reverse("clues:batch_list"), {"due": "overdue"}).content.decode()
    assert overdue.number in only_overdue and soon.number not in only_overdue


# --- the documents ------------------------------------------------------------------------------------


def _docx_text(document: GeneratedDocument) -> str:
    with document.file.open("rb") as handle:
        content = handle.read()
    word = Document(io.BytesIO(content))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_sending_renders_the_letter_and_the_list_without_the_reporter(w, django_capture_on_commit_callbacks):
    lead = confirmed_lead(
        w,
        reporter_named=True,
        reporter_name="举报人王秘密",
        reporter_phone="13900001111",
        reporter_work_unit="县财政局",
        summary="<script>alert(1)</script>违规发放津补贴",
    )
    batch = batch_create(receiver=w.jiwei_unit, leads=[lead], note="", by=w.office)
    with django_capture_on_commit_callbacks(execute=True):
        batch_send(batch=batch, by=w.office)
    documents = {d.kind: d for d in GeneratedDocument.objects.all()}
    assert set(documents) == {KIND_LETTER, KIND_LIST}
    for document in documents.values():
        assert document.status == DocumentStatus.DONE, document.error
        assert document.subject == batch
        with document.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == document.sha256
        text = _docx_text(document)
        assert "县纪委监委" in text
        for secret in ("举报人王秘密", "13900001111", "县财政局"):
            assert secret not in text
    letter, listing = _docx_text(documents[KIND_LETTER]), _docx_text(documents[KIND_LIST])
    assert (
        "关于移交问题线索的函" in letter
        and "1件问题线索" in letter
        and "县委巡察工作领导小组办公室" in letter
    )
    deadline = batch.__class__.objects.get(pk=batch.pk).deadline
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in letter
    for heading in ("序号", "线索编号", "被巡察单位", "被反映人及职务", "问题摘要", "处置建议"):
        assert heading in listing
    assert lead.number in listing and "钱某某（副局长）" in listing and "移交纪委监委" in listing
    assert "<script>alert(1)</script>违规发放津补贴" in listing  # literal text, as typed


def test_the_letter_sets_the_east_asian_fonts(w, django_capture_on_commit_callbacks):
    batch = batch_create(receiver=w.jiwei_unit, leads=[confirmed_lead(w)], note="", by=w.office)
    with django_capture_on_commit_callbacks(execute=True):
        batch_send(batch=batch, by=w.office)
    document = GeneratedDocument.objects.get(kind=KIND_LETTER)
    with document.file.open("rb") as handle:
        word = Document(io.BytesIO(handle.read()))
    title = next(p for p in word.paragraphs if p.text == "关于移交问题线索的函")
    run = title.runs[0]
    assert run.font.size.pt == 22
    assert (
        run._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "方正小标宋简体"
    )
    body = next(p for p in word.paragraphs if p.text.startswith("根据县委巡察工作安排"))
    assert body.runs[0].font.size.pt == 16
    assert (
        body.runs[0]._element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        == "仿宋_GB2312"
    )
    assert round(word.sections[0].page_width.mm) == 210


def test_the_letter_and_the_list_print_right_without_the_gb2312_fonts(w, django_capture_on_commit_callbacks):
    """Fonts declared with the fallbacks Windows/WPS ship, numbered pages, and the letter's signature
    block kept on the page of its last paragraph (a note of the office's own is the last paragraph)."""
    batch = batch_create(
        receiver=w.jiwei_unit, leads=[confirmed_lead(w)], note="请于月底前反馈。", by=w.office
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch_send(batch=batch, by=w.office)
    for kind in (KIND_LETTER, KIND_LIST):
        with GeneratedDocument.objects.get(kind=kind).file.open("rb") as handle:
            content = handle.read()
        used = assert_fonts_fall_back(content)
        assert {"方正小标宋简体", "仿宋_GB2312"} <= used
        assert_page_numbers(content)
        if kind == KIND_LETTER:
            letter = Document(io.BytesIO(content))
    paragraphs = letter.paragraphs
    last = next(i for i, p in enumerate(paragraphs) if p.text == "请于月底前反馈。")
    signature = next(
        i for i, p in enumerate(paragraphs) if p.text == "县委巡察工作领导小组办公室" and i > last
    )
    assert paragraphs[signature + 1].text.endswith("日")  # the date under the signature
    # From the last paragraph down to the signature, each is kept with the next: the date and the
    # signature never start a page alone.
    assert all(p.paragraph_format.keep_with_next for p in paragraphs[last : signature + 1])
    assert not paragraphs[signature + 1].paragraph_format.keep_with_next


def test_only_who_sees_the_batch_downloads_its_documents(w, client, django_capture_on_commit_callbacks):
    batch = batch_create(receiver=w.jiwei_unit, leads=[confirmed_lead(w)], note="", by=w.office)
    with django_capture_on_commit_callbacks(execute=True):
        batch_send(batch=batch, by=w.office)
    document = GeneratedDocument.objects.get(kind=KIND_LIST)
    url = reverse("core:document_download", args=[document.pk])
    for user in (w.office, w.jiwei):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user.username
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == document.sha256
    for user in (w.zuzhibu, w.unit_user, w.zuzhang, w.leadership):
        client.force_login(user)
        assert client.get(url).status_code == 404, user.username
        assert client.get(reverse("core:document_status", args=[document.pk])).status_code == 404


def test_what_users_typed_is_shown_as_text_to_the_receiver(w, client):
    lead = confirmed_lead(
        w, summary="<script>alert(1)</script>摘要", content="<img src=x onerror=alert(2)>内容"
    )
    batch = sent_batch(w, [lead])
    client.force_login(w.jiwei)
    body = client.get(reverse("clues:batch_detail", args=[batch.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;摘要" in body and "<script>alert(1)" not in body
    assert "&lt;img src=x onerror=alert(2)&gt;内容" in body and "<img src=x" not in body
    result = client.get(reverse("clues:item_result", args=[batch.items.get().pk])).content.decode()
    assert "<script>alert(1)" not in result and "<img src=x" not in result
