"""Announcements (巡察公告): the office writes and publishes them; the public reads the published ones only."""

import datetime

import pytest
from django.urls import reverse

from rounds import services
from rounds.models import DEFAULT_ACCEPTED_SCOPE, Announcement, AnnouncementStatus, RoundKind
from rounds.tests.factories import AnnouncementFactory, AssignmentFactory, RoundFactory, UnitFactory
from teams.models import MemberRole
from teams.services import team_member_add
from teams.tests.factories import CadreFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _published(unit_name="青山县财政局", by=None, **kwargs):
    assignment = AssignmentFactory(unit=UnitFactory(name=unit_name), **kwargs)
    return services.announcement_publish(announcement=AnnouncementFactory(assignment=assignment), by=by)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --- the office -------------------------------------------------------------------------------------


def test_a_new_announcement_starts_from_the_onsite_period_and_the_usual_scope(client_for, office_user):
    assignment = AssignmentFactory(
        onsite_start=datetime.date(2026, 4, 3), onsite_end=datetime.date(2026, 5, 20)
    )
    form = (
        client_for(office_user).get(reverse("rounds:announcement_edit", args=[assignment.pk])).context["form"]
    )
    assert form["start_date"].value() == datetime.date(2026, 4, 3)
    assert form["end_date"].value() == datetime.date(2026, 5, 20)
    assert form["accepted_scope"].value() == DEFAULT_ACCEPTED_SCOPE


def test_office_saves_a_draft_then_edits_it(client_for, office_user):
    assignment = AssignmentFactory()
    client = client_for(office_user)
    data = {
        "start_date": "2026-04-01",
        "end_date": "2026-05-15",
        "phone": "",
        "mailbox": "",
        "email": "",
        "accepted_scope": DEFAULT_ACCEPTED_SCOPE,
    }
    assert client.post(reverse("rounds:announcement_edit", args=[assignment.pk]), data).status_code == 302
    announcement = Announcement.objects.get(assignment=assignment)
    assert announcement.status == AnnouncementStatus.DRAFT
    data["phone"] = "0731-7654321"
    client.post(reverse("rounds:announcement_edit", args=[assignment.pk]), data)
    announcement.refresh_from_db()
    assert announcement.phone == "0731-7654321"
    assert Announcement.objects.count() == 1


def test_an_announcement_ending_before_it_starts_is_refused(client_for, office_user):
    assignment = AssignmentFactory()
    response = client_for(office_user).post(
        reverse("rounds:announcement_edit", args=[assignment.pk]),
        {"start_date": "2026-05-01", "end_date": "2026-04-01", "phone": "1", "accepted_scope": "x"},
    )
    assert "受理截止日期不能早于受理开始日期" in response.content.decode()
    assert not Announcement.objects.exists()


def test_publish_requires_phone_and_mailbox_or_email(client_for, office_user):
    announcement = AnnouncementFactory(phone="", mailbox="", email="")
    client = client_for(office_user)
    url = reverse("rounds:announcement_publish", args=[announcement.assignment_id])

    assert "发布前须填写值班电话" in _messages(client.post(url, follow=True))
    Announcement.objects.filter(pk=announcement.pk).update(phone="0731-1234567")
    assert "发布前须至少填写邮政信箱或电子邮箱之一" in _messages(client.post(url, follow=True))
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.DRAFT

    Announcement.objects.filter(pk=announcement.pk).update(email="xc@qingshan.example")
    client.post(url)
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.PUBLISHED
    assert announcement.published_by == office_user and announcement.published_at is not None


def test_publish_records_the_history_user(client_for, office_user):
    announcement = AnnouncementFactory()
    client_for(office_user).post(reverse("rounds:announcement_publish", args=[announcement.assignment_id]))
    latest = announcement.history.order_by("-history_date", "-history_id").first()
    assert latest.status == AnnouncementStatus.PUBLISHED
    assert latest.history_user == office_user


def test_publishing_without_an_announcement_says_so(client_for, office_user):
    assignment = AssignmentFactory()
    response = client_for(office_user).post(
        reverse("rounds:announcement_publish", args=[assignment.pk]), follow=True
    )
    assert "尚未编写巡察公告" in _messages(response)


def test_withdraw_takes_it_off_the_public_pages(client, client_for, office_user):
    announcement = _published()
    detail = client_for(office_user).get(
        reverse("rounds:assignment_detail", args=[announcement.assignment_id])
    )
    withdraw_url = reverse("rounds:announcement_withdraw", args=[announcement.assignment_id])
    assert withdraw_url in detail.content.decode() and "data-confirm" in detail.content.decode()
    client.post(withdraw_url)
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.WITHDRAWN
    client.logout()
    assert client.get(reverse("rounds:public_announcement_detail", args=[announcement.pk])).status_code == 404


def test_leader_cannot_publish_or_edit(client_for, leader_user):
    announcement = AnnouncementFactory()
    client = client_for(leader_user)
    assert (
        client.post(reverse("rounds:announcement_publish", args=[announcement.assignment_id])).status_code
        == 403
    )
    assert (
        client.get(reverse("rounds:announcement_edit", args=[announcement.assignment_id])).status_code == 403
    )
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.DRAFT


# --- the public -------------------------------------------------------------------------------------


def test_public_list_shows_published_only_and_needs_no_login(client):
    published = _published("青山县财政局")
    AnnouncementFactory(assignment=AssignmentFactory(unit=UnitFactory(name="青山县草稿局")))
    withdrawn = _published("青山县撤回局")
    services.announcement_withdraw(announcement=withdrawn, by=None)
    response = client.get(reverse("rounds:public_announcements"))
    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == [published]
    page = response.content.decode()
    assert f"县委{published.assignment.team.name}进驻青山县财政局开展巡察的公告" in page
    assert "青山县草稿局" not in page and "青山县撤回局" not in page


def test_public_list_searches_by_unit_and_filters_by_round(client):
    a = _published("青山县财政局")
    b = _published("青山县教育局")
    assert list(client.get(reverse("rounds:public_announcements"), {"q": "教育"}).context["page_obj"]) == [b]
    by_round = client.get(reverse("rounds:public_announcements"), {"round": a.assignment.round_id})
    assert list(by_round.context["page_obj"]) == [a]


def test_public_list_is_newest_first(client):
    older = _published("青山县财政局")
    newer = _published("青山县教育局")
    Announcement.objects.filter(pk=older.pk).update(
        published_at=newer.published_at - datetime.timedelta(days=3)
    )
    assert list(client.get(reverse("rounds:public_announcements")).context["page_obj"]) == [newer, older]


def test_a_draft_is_404_on_the_public_detail(client):
    draft = AnnouncementFactory()
    assert client.get(reverse("rounds:public_announcement_detail", args=[draft.pk])).status_code == 404


def test_public_detail_composes_the_official_text_and_shows_nothing_internal(client):
    round = RoundFactory(kind=RoundKind.SPECIAL, theme="房地产领域")
    team = TeamFactory(round=round, number=2)
    team_member_add(team=team, cadre=CadreFactory(name="王秘密"), role=MemberRole.LEADER)
    assignment = AssignmentFactory(team=team, unit=UnitFactory(name="青山县住建局"), note="内部备注勿公开")
    announcement = AnnouncementFactory(
        assignment=assignment,
        start_date=datetime.date(2026, 4, 1),
        end_date=datetime.date(2026, 5, 15),
        phone="0731-1234567",
        mailbox="青山县邮政1号信箱",
        email="",
    )
    services.announcement_publish(announcement=announcement, by=None)
    response = client.get(reverse("rounds:public_announcement_detail", args=[announcement.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "县委第二巡察组进驻青山县住建局开展巡察的公告" in page
    assert (
        "根据县委巡察工作统一部署，县委第二巡察组于2026年4月1日至2026年5月15日对青山县住建局开展房地产领域专项巡察。"
        in page
    )
    assert "巡察期间设立值班电话：0731-1234567；邮政信箱：青山县邮政1号信箱。" in page
    assert "电子邮箱" not in page  # none given, so none announced
    assert "受理时间截止2026年5月15日。" in page
    assert "此类问题将按规定交由有关部门办理。" in page and "办理。。" not in page
    assert "王秘密" not in page and "内部备注勿公开" not in page


def test_public_list_costs_the_same_queries_for_three_times_the_announcements(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("rounds:public_announcements")

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        AnnouncementFactory(status=AnnouncementStatus.PUBLISHED)
    few = count()
    for _ in range(6):
        AnnouncementFactory(status=AnnouncementStatus.PUBLISHED)
    assert count() == few
