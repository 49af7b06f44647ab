"""The plan pages: who gets 200 / 403 / 404 for each URL, and the POSTs that change the plan."""

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from rectification.models import Commitment, CommitmentKind, Measure, MeasureStatus, RectStatus
from rectification.services import plan
from rectification.tests.factories import MeasureFactory, RectificationFactory
from xuncha.notifications.models import Notification

from .test_plan_fixtures import make_world, new_measure

d = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db, office_user, leader_user, make_user):
    return make_world(office_user, leader_user, make_user)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

READERS = ("office", "leader", "member", "jiwei", "principal", "liaison")
UNIT = ("principal", "liaison")


def url(name, w, *extra):
    return reverse(f"rectification:{name}", args=[w.rect.pk, *extra])


def who(w, role):
    return getattr(w, role)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def sign_both_and_measure(w):
    for problem in (w.p1, w.p2):
        plan.measure_save(rect=w.rect, problem=problem, measure=new_measure(), by=w.liaison)
    for kind in CommitmentKind:
        c = plan.commitment_save(rect=w.rect, kind=kind, text="承诺", members="吴志刚", by=w.liaison)
        plan.commitment_sign(commitment=c, user=w.principal, password=w.password)


# --- who gets what -----------------------------------------------------------------------------------


def test_read_pages_answer_everyone_who_sees_the_rectification(w, client_for, client):
    for role in (*READERS, "outsider", "other_unit"):
        c = client_for(who(w, role))
        expected = 404 if role in ("outsider", "other_unit") else 200
        assert c.get(url("plan", w)).status_code == expected, role
        assert c.get(url("plan_export", w)).status_code == expected, role
    client.logout()
    assert client.get(url("plan", w)).status_code == 302


def test_write_pages_are_the_units(w, client_for):
    m = MeasureFactory(problem=w.p1)
    gets = [
        url("measure_add", w, w.p1.pk),
        url("measure_edit", w, m.pk),
        url("plan_import", w),
        url("commitment_edit", w, "principal"),
        url("commitment_edit", w, "leadership"),
    ]
    for role in READERS:
        c = client_for(who(w, role))
        for target in gets:
            assert c.get(target).status_code == (200 if role in UNIT else 403), (role, target)
    c = client_for(w.outsider)
    assert all(c.get(target).status_code == 404 for target in gets)


def test_posts_by_readers_are_refused(w, client_for):
    m = MeasureFactory(problem=w.p1)
    unit_posts = [
        url("measure_add", w, w.p1.pk),
        url("measure_edit", w, m.pk),
        url("measure_delete", w, m.pk),
        url("plan_import", w),
        url("commitment_edit", w, "principal"),
        url("plan_submit", w),
    ]
    for role in ("office", "leader", "member", "jiwei"):
        c = client_for(who(w, role))
        for target in unit_posts:
            assert c.post(target).status_code == 403, (role, target)
    for role in ("leader", "member", "jiwei", "principal", "liaison"):
        c = client_for(who(w, role))
        assert c.post(url("plan_approve", w)).status_code == 403, role
        assert c.post(url("plan_return", w), {"reason": "x"}).status_code == 403, role
    for role in ("office", "leader", "liaison", "jiwei"):
        c = client_for(who(w, role))
        assert c.post(url("commitment_sign", w, "principal"), {"password": w.password}).status_code == 403
    assert Measure.objects.filter(pk=m.pk).exists()
    w.rect.refresh_from_db()
    assert w.rect.status == RectStatus.PLANNING


def test_unknown_commitment_kind_and_foreign_objects_are_404(w, client_for):
    c = client_for(w.principal)
    assert c.get(url("commitment_edit", w, "other")).status_code == 404
    assert c.post(url("commitment_sign", w, "other"), {"password": w.password}).status_code == 404
    foreign = MeasureFactory()
    assert c.get(url("measure_edit", w, foreign.pk)).status_code == 404
    assert c.post(url("measure_delete", w, foreign.pk)).status_code == 404
    assert c.get(url("measure_add", w, foreign.problem.pk)).status_code == 404
    assert Measure.objects.filter(pk=foreign.pk).exists()


def test_a_rectification_not_yet_fed_back_is_hidden_from_the_unit(w, client_for):
    w.rect.meeting_date = None
    w.rect.status = RectStatus.PREPARING
    w.rect.save()
    assert client_for(w.principal).get(url("plan", w)).status_code == 404
    response = client_for(w.office).get(url("plan", w))
    assert response.status_code == 200 and "反馈会召开后" in response.content.decode()


# --- the page ----------------------------------------------------------------------------------------


def test_plan_page_marks_due_soon_and_overdue_measures(db, client_for, office_user):
    today = timezone.localdate()
    rect = RectificationFactory(
        meeting_date=today - datetime.timedelta(days=30), deadline=today + datetime.timedelta(days=60)
    )
    soon = MeasureFactory(
        problem__rectification=rect, deadline=today + datetime.timedelta(days=3), content="快到期"
    )
    late = MeasureFactory(
        problem__rectification=rect, deadline=today - datetime.timedelta(days=1), content="已过期"
    )
    MeasureFactory(
        problem__rectification=rect, deadline=today - datetime.timedelta(days=5), status=MeasureStatus.CLOSED
    )
    MeasureFactory(problem__rectification=rect, deadline=today + datetime.timedelta(days=30), content="还早")
    c = client_for(office_user)
    html = c.get(reverse("rectification:plan", args=[rect.pk])).content.decode()
    assert html.count('<tr class="due-soon"') == 1 and html.count('<tr class="overdue"') == 1
    assert 'badge badge-due-soon">7日内到期</span>' in html and 'badge badge-overdue">已逾期</span>' in html
    assert soon.content in html and late.content in html

    html = c.get(reverse("rectification:plan", args=[rect.pk]) + "?due=overdue").content.decode()
    assert late.content in html and soon.content not in html and "还早" not in html
    html = c.get(reverse("rectification:plan", args=[rect.pk]) + "?due=soon").content.decode()
    assert soon.content in html and late.content not in html
    html = c.get(reverse("rectification:plan", args=[rect.pk]) + "?q=还早").content.decode()
    assert "还早" in html and late.content not in html
    html = c.get(reverse("rectification:plan", args=[rect.pk]) + "?status=returned").content.decode()
    assert "没有符合条件的整改措施" in html


def test_buttons_follow_role_and_state(w, client_for):
    plan.commitment_save(rect=w.rect, kind=CommitmentKind.PRINCIPAL, text="承诺", by=w.liaison)
    principal_html = client_for(w.principal).get(url("plan", w)).content.decode()
    liaison_html = client_for(w.liaison).get(url("plan", w)).content.decode()
    office_html = client_for(w.office).get(url("plan", w)).content.decode()
    leader_html = client_for(w.leader).get(url("plan", w)).content.decode()
    for html in (principal_html, liaison_html):
        assert 'data-testid="plan-submit"' in html and 'data-testid="measure-add"' in html
        assert "导出Excel模板" in html and 'data-testid="plan-import"' in html
        assert "问题2尚未制定整改措施" in html
    assert 'data-testid="commitment-sign-form"' in principal_html
    assert 'name="password"' in principal_html and 'name="password"' not in liaison_html
    for html in (office_html, leader_html):
        assert 'data-testid="plan-submit"' not in html and 'data-testid="measure-add"' not in html
        assert 'data-testid="commitment-sign-form"' not in html and "导出台账（Excel）" in html
    assert 'data-testid="plan-review"' not in office_html

    sign_both_and_measure(w)
    plan.plan_submit(rect=w.rect, by=w.liaison)
    assert 'data-testid="plan-review"' in client_for(w.office).get(url("plan", w)).content.decode()
    assert 'data-testid="plan-review"' not in client_for(w.leader).get(url("plan", w)).content.decode()
    html = client_for(w.liaison).get(url("plan", w)).content.decode()
    assert 'data-testid="plan-submit"' not in html and "等待巡察办审核" in html


# --- measures ----------------------------------------------------------------------------------------


def test_add_edit_and_delete_a_measure(w, client_for):
    c = client_for(w.liaison)
    data = {
        "content": "开展专项排查",
        "goal": "问题清零",
        "deadline": "2026-08-31",
        "kind": "deadline",
        "responsible_leader": "李建国",
        "responsible_branch": "耕地保护股",
        "responsible_person": "郑洁",
    }
    response = c.post(url("measure_add", w, w.p1.pk), data)
    assert response.status_code == 302
    m = Measure.objects.get()
    assert (m.problem, m.seq, m.content) == (w.p1, 1, "开展专项排查")

    response = c.post(url("measure_add", w, w.p1.pk), data | {"deadline": "2026-10-31"})
    assert response.status_code == 200 and "不能晚于整改期限（2026-09-30）" in response.content.decode()
    assert Measure.objects.count() == 1

    response = c.post(url("measure_edit", w, m.pk), data | {"goal": "全部整改到位"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.goal == "全部整改到位" and m.history.first().history_user == w.liaison

    response = c.post(url("measure_delete", w, m.pk))
    assert response.status_code == 302 and not Measure.objects.exists()


def test_measure_pages_after_submission_send_back_to_the_plan(w, client_for):
    sign_both_and_measure(w)
    plan.plan_submit(rect=w.rect, by=w.liaison)
    m = Measure.objects.first()
    c = client_for(w.principal)
    response = c.get(url("measure_add", w, w.p1.pk))
    assert response.status_code == 302 and "整改方案已报送，不能修改" in texts(response)
    response = c.post(url("measure_delete", w, m.pk))
    assert response.status_code == 302 and Measure.objects.filter(pk=m.pk).exists()
    assert "整改方案已报送，不能修改" in texts(response)
    assert c.get(url("plan_import", w)).status_code == 302
    assert c.get(url("commitment_edit", w, "principal")).status_code == 302


# --- the Excel ledger --------------------------------------------------------------------------------


def test_export_and_import_through_the_pages(w, client_for):
    for problem in (w.p1, w.p2):
        plan.measure_save(rect=w.rect, problem=problem, measure=new_measure(), by=w.liaison)
    c = client_for(w.jiwei)
    response = c.get(url("plan_export", w))
    assert response["Content-Type"] == XLSX
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert "%E6%95%B4%E6%94%B9%E5%8F%B0%E8%B4%A6.xlsx" in response["Content-Disposition"]  # 整改台账.xlsx
    content = response.content

    c = client_for(w.liaison)
    response = c.post(url("plan_import", w), {"file": SimpleUploadedFile("台账.xlsx", content, XLSX)})
    assert response.status_code == 302 and "已导入2条整改措施。" in texts(response)
    assert Measure.objects.count() == 2

    book = load_workbook(io.BytesIO(content))
    book["整改台账"]["F3"] = "不是日期"
    book["整改台账"]["A4"] = 9
    buffer = io.BytesIO()
    book.save(buffer)
    before = list(Measure.objects.values_list("pk", flat=True))
    response = c.post(
        url("plan_import", w), {"file": SimpleUploadedFile("台账.xlsx", buffer.getvalue(), XLSX)}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-errors"' in html
    assert "第3行：完成时限不是日期" in html and "第4行：问题序号 9 不存在" in html
    assert "问题2“惠农资金监管不严”没有整改措施" in html
    assert list(Measure.objects.values_list("pk", flat=True)) == before

    response = c.post(
        url("plan_import", w), {"file": SimpleUploadedFile("台账.pdf", b"%PDF-1.4", "application/pdf")}
    )
    assert response.status_code == 200 and "请上传 Excel 文件" in response.content.decode()
    response = c.post(
        url("plan_import", w), {"file": SimpleUploadedFile("台账.xlsx", b"PK\x03\x04junk", XLSX)}
    )
    assert response.status_code == 200 and "文件无法读取" in response.content.decode()
    response = c.post(url("plan_import", w), {})
    assert response.status_code == 200 and Measure.objects.count() == 2


# --- 双承诺 -------------------------------------------------------------------------------------------


def test_commitment_draft_edit_and_sign(w, client_for):
    c = client_for(w.liaison)
    response = c.get(url("commitment_edit", w, "leadership"))
    assert response.status_code == 200 and "把自己摆进去" in response.content.decode()
    response = c.post(url("commitment_edit", w, "leadership"), {"text": "班子承诺", "members": ""})
    assert response.status_code == 200 and not Commitment.objects.exists()
    response = c.post(
        url("commitment_edit", w, "leadership"), {"text": "班子承诺", "members": "吴志刚、李建国"}
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get(kind=CommitmentKind.LEADERSHIP)
    assert commitment.members == "吴志刚、李建国"

    p = client_for(w.principal)
    response = p.post(url("commitment_sign", w, "leadership"), {"password": "wrong"})
    assert response.status_code == 302 and "密码不正确，未签字" in texts(response)
    commitment.refresh_from_db()
    assert not commitment.is_signed
    response = p.post(url("commitment_sign", w, "principal"), {"password": w.password})
    assert any("请先起草" in t for t in texts(response))
    response = p.post(url("commitment_sign", w, "leadership"), {"password": w.password})
    assert "已签署领导班子承诺书。" in texts(response)
    commitment.refresh_from_db()
    assert commitment.is_signed and commitment.signed_by == w.principal

    html = client_for(w.office).get(url("plan", w)).content.decode()
    assert commitment.sha256[:16] in html and "吴志刚" in html
    c = client_for(w.liaison)  # one test client: log the liaison in again
    response = c.post(url("commitment_edit", w, "leadership"), {"text": "改", "members": "甲"})
    assert "承诺书已签署，不能修改" in response.content.decode()
    assert Commitment.objects.get(pk=commitment.pk).text == "班子承诺"


# --- submit, approve, return -------------------------------------------------------------------------


def test_submit_return_and_approve_through_the_pages(w, client_for):
    u = client_for(w.liaison)
    response = u.post(url("plan_submit", w))
    assert any("问题1尚未制定整改措施" in t and "领导班子承诺书尚未签署" in t for t in texts(response))
    w.rect.refresh_from_db()
    assert w.rect.status == RectStatus.PLANNING

    sign_both_and_measure(w)
    response = u.post(url("plan_submit", w))
    assert "整改方案已报送巡察办审核。" in texts(response)
    w.rect.refresh_from_db()
    assert w.rect.status == RectStatus.PLAN_SUBMITTED

    o = client_for(w.office)
    response = o.post(url("plan_return", w), {"reason": ""})
    assert any("请填写退回理由" in t for t in texts(response))
    w.rect.refresh_from_db()
    assert w.rect.status == RectStatus.PLAN_SUBMITTED
    o.post(url("plan_return", w), {"reason": "措施过于笼统"})
    w.rect.refresh_from_db()
    assert w.rect.status == RectStatus.PLANNING and w.rect.plan_return_reason == "措施过于笼统"
    html = client_for(w.principal).get(url("plan", w)).content.decode()
    assert 'data-testid="return-reason"' in html and "措施过于笼统" in html

    client_for(w.principal).post(url("plan_submit", w))
    o = client_for(w.office)
    response = o.post(url("plan_approve", w))
    assert response.status_code == 302
    w.rect.refresh_from_db()
    assert w.rect.status == RectStatus.IN_PROGRESS and w.rect.plan_approved_by == w.office
    assert Notification.objects.filter(recipient=w.principal, title="整改方案已审核通过").exists()
    response = o.post(url("plan_approve", w))
    assert any("没有待审核的方案" in t for t in texts(response))
