"""Out-of-scope petitions handed to the competent department (归口管理): the department's staff see what was
handed to them, never anything else, and record the outcome."""

import pytest
from django.urls import reverse
from django.utils import timezone

from clues.models import Channel, LeadStatus, OutOfScope, ScopeStatus
from clues.services.intake import handover_record_outcome, lead_record, lead_triage
from rounds.tests.factories import AssignmentFactory, UnitFactory
from teams.models import MemberRole
from teams.services import team_member_add
from teams.tests.factories import CadreFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.errors import DomainError
from xuncha.notifications.models import Notification

pytestmark = pytest.mark.django_db


def member_of(team, role=MemberRole.MEMBER):
    user = UserFactory(roles=[Role.TEAM])
    team_member_add(team=team, cadre=CadreFactory(user=user), role=role)
    return user


def department_with_staff(name):
    staff = UserFactory(roles=[Role.DEPARTMENT])
    unit = UnitFactory(name=name)
    unit.staff.add(staff)
    return unit, staff


@pytest.fixture
def setting():
    assignment = AssignmentFactory(unit=UnitFactory(name="石门镇人民政府"))
    member = member_of(assignment.team)
    xinfang, staff = department_with_staff("县信访局")
    court, court_staff = department_with_staff("县人民法院")
    lead = lead_record(
        assignment=assignment,
        data={
            "channel": Channel.VISIT,
            "received_on": timezone.localdate(),
            "content": "本人宅基地纠纷多年未解决，请求协调。",
        },
        identity={"reporter_name": "郑来访"},
        by=member,
    )
    return {"lead": lead, "member": member, "xinfang": xinfang, "staff": staff, "court_staff": court_staff}


def _hand_over(setting, to=None):
    return lead_triage(
        lead=setting["lead"],
        scope=ScopeStatus.OUT_OF_SCOPE,
        category=OutOfScope.PERSONAL,
        handed_to=to or setting["xinfang"],
        explanation="您反映的宅基地纠纷属个人诉求，已转县信访局依法办理。",
        by=setting["member"],
    )


def test_nothing_is_seen_before_the_hand_over(setting, client_for):
    client = client_for(setting["staff"])
    assert client.get(reverse("clues:handover_detail", args=[setting["lead"].pk])).status_code == 404
    assert setting["lead"].number not in client.get(reverse("clues:handover_list")).content.decode()


def test_the_department_sees_the_petition_and_records_the_outcome(setting, client_for):
    lead = _hand_over(setting)
    client = client_for(setting["staff"])
    listing = client.get(reverse("clues:handover_list"))
    assert [row.pk for row in listing.context["page_obj"]] == [lead.pk]
    page = client.get(reverse("clues:handover_detail", args=[lead.pk])).content.decode()
    assert "宅基地纠纷多年未解决" in page
    assert "已转县信访局依法办理" in page  # the explanation given to the petitioner
    assert "郑来访" not in page
    assert "提交办理结果" in page

    response = client.post(
        reverse("clues:handover_detail", args=[lead.pk]), {"outcome": "已约谈双方，经调解达成协议。"}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.handling_outcome) == (LeadStatus.CLOSED, "已约谈双方，经调解达成协议。")
    # The team is told, and sees the outcome on its page.
    note = Notification.objects.get(recipient=setting["member"])
    assert note.link == reverse("clues:lead_detail", args=[lead.pk])
    team_page = (
        client_for(setting["member"]).get(reverse("clues:lead_detail", args=[lead.pk])).content.decode()
    )
    assert "经调解达成协议" in team_page


def test_an_empty_outcome_is_refused_and_the_petition_stays_open(setting, client_for):
    lead = _hand_over(setting)
    response = client_for(setting["staff"]).post(
        reverse("clues:handover_detail", args=[lead.pk]), {"outcome": " "}
    )
    assert response.status_code == 200
    lead.refresh_from_db()
    assert lead.status == LeadStatus.HANDED_OVER
    with pytest.raises(DomainError):
        handover_record_outcome(lead=lead, outcome="", by=setting["staff"])


def test_another_department_sees_nothing(setting, client_for):
    lead = _hand_over(setting)
    client = client_for(setting["court_staff"])
    assert client.get(reverse("clues:handover_detail", args=[lead.pk])).status_code == 404
    assert client.get(reverse("clues:lead_detail", args=[lead.pk])).status_code == 404
    assert client.post(reverse("clues:handover_detail", args=[lead.pk]), {"outcome": "x"}).status_code == 404
    with pytest.raises(DomainError):
        handover_record_outcome(lead=lead, outcome="x", by=setting["court_staff"])
    lead.refresh_from_db()
    assert lead.status == LeadStatus.HANDED_OVER


def test_the_department_cannot_act_as_the_team(setting, client_for):
    lead = _hand_over(setting)
    client = client_for(setting["staff"])
    assert client.get(reverse("clues:lead_edit", args=[lead.pk])).status_code == 403
    assert client.post(reverse("clues:lead_triage", args=[lead.pk]), {"scope": "in_scope"}).status_code == 403
    lead.refresh_from_db()
    assert lead.scope == ScopeStatus.OUT_OF_SCOPE


def test_a_change_of_mind_moves_the_grant(setting, client_for):
    _hand_over(setting)
    court = UnitFactory(name="县司法局")
    court_staff = UserFactory(roles=[Role.DEPARTMENT])
    court.staff.add(court_staff)
    lead = _hand_over(setting, to=court)
    assert (
        client_for(setting["staff"]).get(reverse("clues:handover_detail", args=[lead.pk])).status_code == 404
    )
    assert client_for(court_staff).get(reverse("clues:handover_detail", args=[lead.pk])).status_code == 200
    lead = lead_triage(lead=lead, scope=ScopeStatus.IN_SCOPE, by=setting["member"])
    assert (lead.status, lead.handed_to, lead.explanation) == (LeadStatus.TRIAGED, None, "")
    assert client_for(court_staff).get(reverse("clues:handover_detail", args=[lead.pk])).status_code == 404


def test_after_the_outcome_the_scope_is_settled(setting):
    lead = _hand_over(setting)
    handover_record_outcome(lead=lead, outcome="已办结", by=setting["staff"])
    with pytest.raises(DomainError):
        lead_triage(lead=lead, scope=ScopeStatus.IN_SCOPE, by=setting["member"])


def test_the_office_follows_every_handed_petition(setting, client_for, office_user):
    lead = _hand_over(setting)
    page = client_for(office_user).get(reverse("clues:handover_list")).content.decode()
    assert lead.number in page and "县信访局" in page
