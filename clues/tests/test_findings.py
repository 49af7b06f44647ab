"""Working papers (问题底稿): numbering, writing, evidence, linked leads, and who may see or write them."""

import datetime
import hashlib
import re
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clues.models import Finding, FindingEvidence, FindingStatus, Severity
from clues.services import findings as services
from clues.services.findings import (
    LOCKED_MESSAGE,
    finding_add_evidence,
    finding_create,
    finding_link_leads,
    finding_review,
    finding_update,
)
from clues.tests.factories import CategoryFactory, FindingFactory, LeadFactory
from rounds.services import unit_save
from rounds.tests.factories import AssignmentFactory, RoundFactory, TermFactory, UnitFactory
from teams.models import MemberRole
from teams.services import team_member_add
from teams.tests.factories import CadreFactory, TeamFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.core.crypto import sm3_hex
from xuncha.errors import DomainError

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% evidence of the allowance paid\n"


def pdf(name="证据.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def member_of(team, role=MemberRole.MEMBER):
    """A user with a login who serves on the team in that role."""
    user = UserFactory(roles=[Role.TEAM])
    team_member_add(team=team, cadre=CadreFactory(user=user), role=role)
    return user


@dataclass
class World:
    """Round 6 with team 1 (组长, 副组长, 组员) on unit A and team 2 on unit B; the unit's principal; the office."""

    round: object
    team: object
    leader: object
    deputy: object
    writer: object
    assignment: object
    other_team: object
    other_member: object
    other_assignment: object
    unit_user: object
    office: object
    county_leader: object
    area: object
    category: object


def build_world() -> World:
    # A term of its own, so round 6 cannot clash with rounds numbered by the factories' sequence.
    round = RoundFactory(term=TermFactory(name="第十六届县委"), number=6)
    team = TeamFactory(round=round, number=1)
    other_team = TeamFactory(round=round, number=2)
    unit_user = UserFactory(roles=[Role.UNIT])
    unit = UnitFactory(name="青山县财政局")
    unit.principal_user = unit_user
    unit_save(unit=unit)
    assignment = AssignmentFactory(team=team, unit=unit)
    other_assignment = AssignmentFactory(team=other_team)
    area = CategoryFactory(name="测试领域：群众身边腐败问题和不正之风", order=2)
    return World(
        round=round,
        team=team,
        leader=member_of(team, MemberRole.LEADER),
        deputy=member_of(team, MemberRole.DEPUTY),
        writer=member_of(team),
        assignment=assignment,
        other_team=other_team,
        other_member=member_of(other_team, MemberRole.LEADER),
        other_assignment=other_assignment,
        unit_user=unit_user,
        office=UserFactory(roles=[Role.OFFICE]),
        county_leader=UserFactory(roles=[Role.LEADER]),
        area=area,
        category=CategoryFactory(name="中央八项规定精神", parent=area, order=4),
    )


@pytest.fixture
def world(db):
    return build_world()


def data(world, **overrides):
    values = {
        "category": world.category,
        "title": "违规发放津补贴",
        "manifestation": "2025年以加班费名义发放津补贴12万元。",
        "basis": "违反《中国共产党纪律处分条例》第一百零三条。",
        "responsible_persons": "王某某（局长）",
        "severity": Severity.SERIOUS,
        "is_key": True,
        "fixed_on_site": False,
        "on_site_action": "",
    }
    values.update(overrides)
    return values


def write(world, by=None, **overrides):
    return finding_create(assignment=world.assignment, data=data(world, **overrides), by=by or world.writer)


def approve_all(world, finding):
    finding_review(finding=finding, action="submit", by=world.writer)
    finding_review(finding=finding, action="approve", by=world.deputy)
    finding_review(finding=finding, action="approve", by=world.leader)
    return finding_review(finding=finding, action="approve", by=world.office)


# --- numbering ----------------------------------------------------------------------------------------


def test_findings_are_numbered_per_team_and_year(world, monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: datetime.date(2026, 3, 10))
    first, second, third = (write(world) for _ in range(3))
    assert [f.serial for f in (first, second, third)] == [1, 2, 3]
    assert third.number == "〔2026〕6巡1组第03号"
    assert str(third) == "〔2026〕6巡1组第03号 违规发放津补贴"
    # Another team starts at 1, and so does a new year.
    other = finding_create(
        assignment=world.other_assignment, data=data(world), by=world.other_member
    )
    assert other.number == "〔2026〕6巡2组第01号"
    monkeypatch.setattr(services, "_today", lambda: datetime.date(2027, 1, 4))
    assert write(world).number == "〔2027〕6巡1组第01号"


def test_a_new_finding_takes_round_unit_and_team_from_its_assignment(world):
    finding = write(world)
    assert (finding.round, finding.unit, finding.team) == (world.round, world.assignment.unit, world.team)
    assert finding.status == FindingStatus.DRAFT
    assert finding.written_by == world.writer
    assert finding.year == datetime.date.today().year


# --- who may write ------------------------------------------------------------------------------------


def test_only_the_teams_members_and_the_office_write_its_findings(world):
    for outsider in (world.other_member, world.county_leader, world.unit_user):
        with pytest.raises(DomainError, match="第一巡察组成员或巡察办"):
            write(world, by=outsider)
    assert not Finding.objects.exists()
    assert write(world, by=world.office).written_by == world.office
    assert write(world, by=world.leader).team == world.team


def test_fixed_on_site_requires_what_was_done(world):
    with pytest.raises(DomainError) as exc:
        write(world, fixed_on_site=True, on_site_action="  ")
    assert "立行立改情况" in exc.value.full_message()
    finding = write(world, fixed_on_site=True, on_site_action="已清退违规发放的津补贴12万元。")
    assert finding.fixed_on_site and finding.on_site_action == "已清退违规发放的津补贴12万元。"


def test_an_inactive_category_or_an_area_with_sub_categories_is_refused(world):
    retired = CategoryFactory(parent=world.area, is_active=False)
    with pytest.raises(DomainError) as exc:
        write(world, category=retired)
    assert "已停用" in exc.value.full_message()
    with pytest.raises(DomainError) as exc:
        write(world, category=world.area)
    assert "请选择到具体类别" in exc.value.full_message()
    # An area without sub-categories (seed 003's four areas) is itself a category.
    assert write(world, category=CategoryFactory(scheme="测试体系")).category.scheme == "测试体系"


# --- evidence -----------------------------------------------------------------------------------------


def test_evidence_keeps_the_sha256_of_its_bytes(world):
    content = PDF + "违规发放明细".encode() * 100
    finding = finding_create(
        assignment=world.assignment, data=data(world), evidence_files=[pdf("发放明细.pdf", content)], by=world.writer
    )
    evidence = finding.evidence.get()
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.sm3 == sm3_hex(content)
    assert evidence.name == "发放明细.pdf" and evidence.size == len(content)
    assert evidence.uploaded_by == world.writer
    with evidence.file.open("rb") as stored:
        assert stored.read() == content


def test_a_disallowed_upload_refuses_the_whole_save(world):
    with pytest.raises(DomainError) as exc:
        finding_create(
            assignment=world.assignment,
            data=data(world),
            evidence_files=[pdf(), SimpleUploadedFile("脚本.html", b"<script>alert(1)</script>")],
            by=world.writer,
        )
    assert "不接受“脚本.html”这种类型的文件" in exc.value.full_message()
    assert not Finding.objects.exists() and not FindingEvidence.objects.exists()
    finding = write(world)
    with pytest.raises(DomainError, match="证据材料未通过检查"):
        finding_add_evidence(finding=finding, files=[SimpleUploadedFile("假的.pdf", b"MZ\x90\x00")], by=world.writer)
    assert not finding.evidence.exists()


def test_evidence_can_be_added_while_the_finding_is_written_only(world):
    finding = write(world)
    finding_add_evidence(finding=finding, files=[pdf("补充.pdf")], by=world.deputy)
    assert finding.evidence.count() == 1
    approve_all(world, finding)
    with pytest.raises(DomainError, match=LOCKED_MESSAGE):
        finding_add_evidence(finding=finding, files=[pdf("再补充.pdf")], by=world.writer)


# --- leads --------------------------------------------------------------------------------------------


def test_only_leads_of_the_same_assignment_can_be_linked(world):
    own = LeadFactory(assignment=world.assignment, summary="反映违规发放津补贴")
    foreign = LeadFactory(assignment=world.other_assignment, summary="反映公车私用")
    with pytest.raises(DomainError) as exc:
        finding_create(assignment=world.assignment, data=data(world), leads=[own, foreign], by=world.writer)
    assert "反映公车私用" in exc.value.full_message()
    finding = finding_create(assignment=world.assignment, data=data(world), leads=[own], by=world.writer)
    assert list(finding.leads.all()) == [own]
    second = LeadFactory(assignment=world.assignment)
    finding_link_leads(finding=finding, leads=[own, second], by=world.writer)
    assert set(finding.leads.all()) == {own, second}
    with pytest.raises(DomainError):
        finding_link_leads(finding=finding, leads=[foreign], by=world.writer)


# --- changing a finding -------------------------------------------------------------------------------


def test_a_draft_is_updated_and_the_history_keeps_the_change(world):
    finding = write(world)
    finding = finding_update(finding=finding, data={"title": "违规发放津补贴12万元"}, by=world.deputy)
    assert finding.title == "违规发放津补贴12万元"
    latest = finding.history.latest()
    assert latest.title == "违规发放津补贴12万元" and latest.history_user == world.deputy


def test_a_finding_under_review_or_approved_cannot_be_changed(world):
    finding = write(world)
    finding_review(finding=finding, action="submit", by=world.writer)
    with pytest.raises(DomainError, match="正在审核中"):
        finding_update(finding=finding, data={"title": "改"}, by=world.writer)
    finding_review(finding=finding, action="approve", by=world.deputy)
    finding_review(finding=finding, action="approve", by=world.leader)
    finding_review(finding=finding, action="approve", by=world.office)
    with pytest.raises(DomainError) as exc:
        finding_update(finding=finding, data={"title": "改"}, by=world.office)
    assert exc.value.message == LOCKED_MESSAGE
    finding.refresh_from_db()
    assert finding.title == "违规发放津补贴"


# --- the pages ----------------------------------------------------------------------------------------


def test_a_member_drafts_a_finding_from_a_lead(world, client_for):
    lead = LeadFactory(assignment=world.assignment, summary="反映违规发放津补贴")
    client = client_for(world.writer)
    url = reverse("clues:finding_create", args=[world.assignment.pk])
    page = client.get(url, {"lead": lead.pk})
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["leads"] == [lead.pk] and form.initial["title"] == "反映违规发放津补贴"
    html = page.content.decode()
    assert f'<optgroup label="三个聚焦 · {world.area.name}">' in html
    assert re.search(rf'name="leads" value="{lead.pk}"[^>]*checked', html)
    response = client.post(
        url,
        {
            "category": world.category.pk,
            "title": "违规发放津补贴",
            "severity": Severity.GRAVE,
            "responsible_persons": "王某某",
            "manifestation": "2025年违规发放津补贴12万元。",
            "basis": "违反《中国共产党纪律处分条例》第一百零三条。",
            "leads": [lead.pk],
            "evidence": [pdf("发放明细.pdf"), pdf("会议纪要.pdf", PDF + b"minutes")],
        },
    )
    finding = Finding.objects.get()
    assert response.status_code == 302 and response.url == reverse("clues:finding_detail", args=[finding.pk])
    assert list(finding.leads.all()) == [lead]
    assert finding.evidence.count() == 2 and finding.severity == Severity.GRAVE
    detail = client.get(response.url).content.decode()
    assert hashlib.sha256(PDF).hexdigest() in detail
    assert "发放明细.pdf" in detail and "反映违规发放津补贴" in detail


def test_the_category_select_offers_active_categories_grouped_by_area(world, client_for):
    retired = CategoryFactory(name="已停用的类别", parent=world.area, is_active=False)
    loose = CategoryFactory(scheme="测试体系", name="纠治群众身边腐败和不正之风方面")
    page = client_for(world.writer).get(reverse("clues:finding_create", args=[world.assignment.pk]))
    html = page.content.decode()
    choices = dict(page.context["form"].fields["category"].choices)
    assert choices[f"三个聚焦 · {world.area.name}"] == [(world.category.pk, "中央八项规定精神")]
    assert choices["测试体系"] == [(loose.pk, loose.name)]
    assert retired.name not in html


def test_a_rejected_form_keeps_what_was_typed(world, client_for):
    client = client_for(world.writer)
    response = client.post(
        reverse("clues:finding_create", args=[world.assignment.pk]),
        {
            "category": world.category.pk,
            "title": "违规发放津补贴",
            "severity": Severity.GENERAL,
            "manifestation": "写了很长的问题表现，不能丢。",
            "basis": "",
            "fixed_on_site": "on",
            "on_site_action": "",
            "evidence": [SimpleUploadedFile("木马.exe", b"MZ")],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "写了很长的问题表现，不能丢。" in html
    assert "请填写定性依据" in html and "立行立改的问题须填写立行立改情况" in html
    assert not Finding.objects.exists()
    # The shape is right but the file is not: the service refuses, and still nothing typed is lost.
    response = client.post(
        reverse("clues:finding_create", args=[world.assignment.pk]),
        {
            "category": world.category.pk,
            "title": "违规发放津补贴",
            "severity": Severity.GENERAL,
            "manifestation": "写了很长的问题表现，不能丢。",
            "basis": "违反规定。",
            "evidence": [SimpleUploadedFile("木马.exe", b"MZ")],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "不接受“木马.exe”这种类型的文件" in html
    assert "写了很长的问题表现，不能丢。" in html and "请重新选择证据材料" in html
    assert not Finding.objects.exists()


def test_html_in_a_finding_is_shown_as_text(world, client_for):
    finding = write(world, title="<b>标题</b>", manifestation="<script>alert('x')</script>\n第二行")
    html = client_for(world.writer).get(reverse("clues:finding_detail", args=[finding.pk])).content.decode()
    assert "<script>alert('x')</script>" not in html and "<b>标题</b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>第二行" in html
    assert "&lt;b&gt;标题&lt;/b&gt;" in html


def test_a_member_edits_a_draft_and_adds_evidence(world, client_for):
    finding = write(world)
    client = client_for(world.writer)
    url = reverse("clues:finding_edit", args=[finding.pk])
    assert client.get(url).status_code == 200
    post = data(world, title="违规发放津补贴12万元", category=world.category.pk, is_key="", evidence=[pdf("补充.pdf")])
    response = client.post(url, {k: v for k, v in post.items() if v not in (False, "")})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.title == "违规发放津补贴12万元" and not finding.is_key
    assert finding.evidence.get().name == "补充.pdf"


def test_an_approved_finding_cannot_be_opened_for_editing(world, client_for):
    finding = approve_all(world, write(world))
    client = client_for(world.writer)
    response = client.get(reverse("clues:finding_edit", args=[finding.pk]), follow=True)
    assert LOCKED_MESSAGE in response.content.decode()
    response = client.post(reverse("clues:finding_edit", args=[finding.pk]), data(world, title="改", category=world.category.pk))
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.title == "违规发放津补贴"


def test_evidence_is_downloaded_as_an_attachment_by_those_who_see_the_finding(world, client_for):
    finding = finding_create(
        assignment=world.assignment, data=data(world), evidence_files=[pdf("发放明细.pdf")], by=world.writer
    )
    url = reverse("clues:finding_evidence", args=[finding.evidence.get().pk])
    response = client_for(world.deputy).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    for outsider in (world.other_member, world.unit_user):
        assert client_for(outsider).get(url).status_code == 404


def test_another_team_and_the_unit_get_404_for_every_finding_url(world, client_for):
    finding = finding_create(
        assignment=world.assignment, data=data(world), evidence_files=[pdf()], by=world.writer
    )
    urls = [
        ("get", reverse("clues:finding_detail", args=[finding.pk])),
        ("get", reverse("clues:finding_edit", args=[finding.pk])),
        ("get", reverse("clues:finding_docx", args=[finding.pk])),
        ("get", reverse("clues:finding_evidence", args=[finding.evidence.get().pk])),
        ("post", reverse("clues:finding_review", args=[finding.pk, "submit"])),
        ("get", reverse("clues:finding_create", args=[world.assignment.pk])),
    ]
    for user in (world.other_member, world.unit_user):
        client = client_for(user)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404, (user, url)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DRAFT


def test_the_county_leadership_reads_findings_but_cannot_write(world, client_for):
    finding = write(world)
    client = client_for(world.county_leader)
    assert client.get(reverse("clues:finding_detail", args=[finding.pk])).status_code == 200
    assert client.get(reverse("clues:finding_edit", args=[finding.pk])).status_code == 403
    assert client.get(reverse("clues:finding_create", args=[world.assignment.pk])).status_code == 403
    assert client.post(reverse("clues:finding_review", args=[finding.pk, "submit"])).status_code == 403
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DRAFT


def test_the_leadership_does_not_see_the_leads_behind_a_finding(world, client_for):
    lead = LeadFactory(assignment=world.assignment, summary="反映局长违规发放津补贴")
    finding = finding_create(assignment=world.assignment, data=data(world), leads=[lead], by=world.writer)
    html = client_for(world.county_leader).get(reverse("clues:finding_detail", args=[finding.pk])).content.decode()
    assert "反映局长违规发放津补贴" not in html and "另有 1 条关联线索" in html
    html = client_for(world.writer).get(reverse("clues:finding_detail", args=[finding.pk])).content.decode()
    assert "反映局长违规发放津补贴" in html


def test_the_factory_finding_shows_in_its_teams_page(world, client_for):
    finding = FindingFactory(assignment=world.assignment, serial=7, year=2026)
    html = client_for(world.leader).get(reverse("clues:finding_detail", args=[finding.pk])).content.decode()
    assert "〔2026〕6巡1组第07号" in html
