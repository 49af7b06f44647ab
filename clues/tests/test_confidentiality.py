"""The reporter's identity and who may see a lead at all.

The identity is encrypted in the database, absent from every list and page, shown only to the team's 组长
and the office after an explicit reveal with a reason, and every reveal is logged. An inspected unit's
users and other teams get 404 for every lead URL.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clues.models import Channel, Lead, LeadAttachment, OutOfScope, RevealLog, ScopeStatus
from clues.services.intake import lead_record, lead_reveal_identity, lead_triage
from rounds.services import unit_save
from rounds.tests.factories import AssignmentFactory, UnitFactory
from teams.models import MemberRole
from teams.services import team_member_add
from teams.tests.factories import CadreFactory, TeamFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.errors import DomainError

pytestmark = pytest.mark.django_db

NAME = "周实名"
PHONE = "13912345678"
ID_NUMBER = "430100199001011234"
WORK_UNIT = "青山县某某中学"
IDENTITY = (NAME, PHONE, ID_NUMBER, WORK_UNIT)


def member_of(team, role=MemberRole.MEMBER):
    user = UserFactory(roles=[Role.TEAM])
    team_member_add(team=team, cadre=CadreFactory(user=user), role=role)
    return user


@pytest.fixture
def world(office_user):
    unit_user = UserFactory(roles=[Role.UNIT])
    unit = UnitFactory(name="青山县住建局")
    unit.principal_user = unit_user
    unit_save(unit=unit)
    assignment = AssignmentFactory(unit=unit)
    team = assignment.team
    leader = member_of(team, MemberRole.LEADER)
    member = member_of(team, MemberRole.MEMBER)
    other_team = TeamFactory(round=assignment.round)
    AssignmentFactory(team=other_team)
    other_leader = member_of(other_team, MemberRole.LEADER)
    lead = lead_record(
        assignment=assignment,
        data={
            "channel": Channel.LETTER,
            "received_on": timezone.localdate(),
            "subject_name": "吴某某",
            "content": "反映住建局吴某某在工程验收中吃拿卡要。",
        },
        identity={
            "reporter_name": NAME,
            "reporter_phone": PHONE,
            "reporter_id_number": ID_NUMBER,
            "reporter_work_unit": WORK_UNIT,
        },
        attachments=[SimpleUploadedFile("材料.pdf", b"%PDF-1.4 test", content_type="application/pdf")],
        by=member,
    )
    return {
        "lead": lead,
        "office": office_user,
        "leader": leader,
        "member": member,
        "other_leader": other_leader,
        "unit_user": unit_user,
    }


def _absent(page: str):
    for value in IDENTITY:
        assert value not in page, f"{value} leaked"


def _reveal(client, lead, reason="核实线索需联系举报人"):
    return client.post(reverse("clues:lead_reveal", args=[lead.pk]), {"reason": reason})


# --- at rest ------------------------------------------------------------------------------------------


def test_the_identity_is_encrypted_in_the_database(world):
    lead = world["lead"]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reporter_name, reporter_phone, reporter_id_number, reporter_work_unit FROM clues_lead WHERE id = %s",
            [lead.pk],
        )
        raw = cursor.fetchone()
    for stored, plain in zip(raw, IDENTITY, strict=True):
        assert stored and plain not in stored
    # Django code reads the plain text (the reveal needs it).
    assert Lead.objects.get(pk=lead.pk).reporter_name == NAME


def test_the_history_keeps_no_identity(world):
    lead = world["lead"]
    record = lead.history.first()
    assert not hasattr(record, "reporter_name")
    assert not hasattr(record, "reporter_phone")


# --- never in lists or pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["office", "leader", "member"])
def test_the_identity_is_absent_from_the_list_and_the_detail(world, client_for, who):
    client = client_for(world[who])
    lead = world["lead"]
    listing = client.get(reverse("clues:lead_list"))
    assert listing.status_code == 200
    assert lead.number in listing.content.decode()
    _absent(listing.content.decode())
    assert "实名" in listing.content.decode()
    detail = client.get(reverse("clues:lead_detail", args=[lead.pk]))
    assert detail.status_code == 200
    _absent(detail.content.decode())
    _absent(client.get(reverse("clues:lead_edit", args=[lead.pk])).content.decode())


def test_the_department_never_sees_the_identity(world, client_for):
    staff = UserFactory(roles=[Role.DEPARTMENT])
    department = UnitFactory(name="县信访局")
    department.staff.add(staff)
    lead_triage(
        lead=world["lead"],
        scope=ScopeStatus.OUT_OF_SCOPE,
        category=OutOfScope.PERSONAL,
        handed_to=department,
        explanation="已转县信访局依法办理。",
        by=world["member"],
    )
    client = client_for(staff)
    page = client.get(reverse("clues:handover_detail", args=[world["lead"].pk]))
    assert page.status_code == 200
    assert "吃拿卡要" in page.content.decode()
    _absent(page.content.decode())
    _absent(client.get(reverse("clues:handover_list")).content.decode())
    # The team's page is not his: he is sent to the department's view.
    assert client.get(reverse("clues:lead_detail", args=[world["lead"].pk])).url == reverse(
        "clues:handover_detail", args=[world["lead"].pk]
    )
    assert _reveal(client, world["lead"]).status_code == 302
    assert not RevealLog.objects.exists()


# --- the reveal ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader", "office"])
def test_the_leader_and_the_office_see_the_identity_after_a_logged_reveal(world, client_for, who):
    user = world[who]
    client = client_for(user)
    lead = world["lead"]
    before = client.get(reverse("clues:lead_detail", args=[lead.pk])).content.decode()
    _absent(before)
    assert "查看举报人信息" in before

    response = _reveal(client, lead, reason="约谈前核实反映人身份")
    page = response.content.decode()
    assert response.status_code == 200
    for value in IDENTITY:
        assert value in page
    assert response["Cache-Control"] == "no-store"
    log = RevealLog.objects.get()
    assert (log.lead, log.user, log.reason) == (lead, user, "约谈前核实反映人身份")
    assert "约谈前核实反映人身份" in page  # the log, on the page

    _reveal(client, lead, reason="第二次核实")
    assert RevealLog.objects.filter(lead=lead, user=user).count() == 2
    # Back on the lead, the identity is hidden again; the log shows who looked, and when.
    after = client.get(reverse("clues:lead_detail", args=[lead.pk])).content.decode()
    _absent(after)
    assert "第二次核实" in after


def test_a_member_reveal_is_refused_and_not_logged(world, client_for):
    client = client_for(world["member"])
    lead = world["lead"]
    assert "查看举报人信息" not in client.get(reverse("clues:lead_detail", args=[lead.pk])).content.decode()
    response = _reveal(client, lead)
    assert response.status_code == 302
    followed = client.get(response.url).content.decode()
    assert "举报人身份信息只有本组组长和巡察办可以查看" in followed
    _absent(followed)
    assert not RevealLog.objects.exists()
    with pytest.raises(DomainError):
        lead_reveal_identity(lead=lead, reason="想看看", by=world["member"])
    assert not RevealLog.objects.exists()


def test_a_reveal_needs_a_reason(world, client_for):
    response = _reveal(client_for(world["leader"]), world["lead"], reason="")
    assert response.status_code == 302
    assert not RevealLog.objects.exists()


def test_another_teams_leader_cannot_reach_the_lead(world, client_for):
    client = client_for(world["other_leader"])
    lead = world["lead"]
    assert client.get(reverse("clues:lead_detail", args=[lead.pk])).status_code == 404
    assert _reveal(client, lead).status_code == 404
    assert lead.number not in client.get(reverse("clues:lead_list")).content.decode()
    with pytest.raises(DomainError):
        lead_reveal_identity(lead=lead, reason="x", by=world["other_leader"])
    assert not RevealLog.objects.exists()


# --- who may reach a lead at all ---------------------------------------------------------------------------


def test_the_inspected_unit_gets_404_for_every_lead_url(world, client_for):
    client = client_for(world["unit_user"])
    lead = world["lead"]
    attachment = LeadAttachment.objects.get(lead=lead)
    urls = [
        reverse("clues:lead_list"),
        reverse("clues:lead_detail", args=[lead.pk]),
        reverse("clues:lead_edit", args=[lead.pk]),
        reverse("clues:lead_triage", args=[lead.pk]),
        reverse("clues:lead_reply", args=[lead.pk]),
        reverse("clues:lead_attachment", args=[attachment.pk]),
        reverse("clues:lead_create", args=[lead.assignment_id]),
        reverse("clues:handover_list"),
        reverse("clues:handover_detail", args=[lead.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert _reveal(client, lead).status_code == 404


def test_another_team_gets_404_for_the_lead_and_its_attachment(world, client_for):
    client = client_for(world["other_leader"])
    lead = world["lead"]
    attachment = LeadAttachment.objects.get(lead=lead)
    assert client.get(reverse("clues:lead_attachment", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("clues:lead_edit", args=[lead.pk])).status_code == 404
    assert client.post(reverse("clues:lead_triage", args=[lead.pk]), {"scope": "in_scope"}).status_code == 404


def test_anonymous_users_are_sent_to_log_in(world, client):
    response = client.get(reverse("clues:lead_detail", args=[world["lead"].pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url
