"""`manage.py seed_demo` loads the demo county once, through the services, and the demo accounts work.

Loading takes a few seconds, so one test loads it and runs every check on it; each check is a function
of its own so a failure names what is wrong.
"""

import re
from collections import defaultdict
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from clues.models import (
    Channel,
    DisciplineForm,
    Finding,
    FindingStatus,
    HandlingResult,
    Lead,
    LeadStatus,
    PartnerDepartment,
    PersonDealt,
    ScopeStatus,
    TransferBatch,
    TransferItem,
    TransferStatus,
)
from clues.selectors.intake import with_duplicate_flag
from clues.services.public import public_receipt_lookup
from dashboards.models import QualitySettings, ScoreSource, TeamScore
from demo.clues import TEAM_ACCOUNTS
from demo.county import DEMO_PASSWORD
from demo.data import ACCOUNTS
from rectification.models import (
    Measure,
    MeasureKind,
    MeasureStatus,
    Problem,
    PublicationScope,
    PublicationStatus,
    Rectification,
    RectStatus,
    ReportKind,
    VersionStatus,
)
from rounds.models import (
    Announcement,
    AnnouncementStatus,
    Assignment,
    Milestone,
    MilestoneKind,
    Round,
    RoundKind,
    RoundStatus,
    Term,
    Unit,
    UnitType,
)
from teams.models import Cadre, MemberRole, Team, TeamMember
from xuncha import access
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.core.documents import documents_of
from xuncha.core.models import DocumentStatus
from xuncha.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_seed_demo(settings, tmp_path):
    # A fast hasher: the test checks that each account logs in, not the cost of PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.VAR_DIR = tmp_path  # where the receipt codes are written
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "青山县演示数据已载入" in out.getvalue()

    check_every_demo_account_logs_in_with_its_role()
    check_units_and_cadre_pool()
    check_round_stages()
    check_team_and_unit_accounts()
    check_leads_in_every_channel()
    check_findings_in_every_state()
    check_transfers_to_jiwei_and_zuzhibu()
    check_rectification_of_unit1()
    check_history_for_dashboards()
    codes = check_receipt_codes(out.getvalue(), tmp_path / "demo-receipt-codes.txt")
    check_running_twice_changes_nothing(codes)


def _member(username: str) -> TeamMember:
    return TeamMember.objects.select_related("team__round").get(
        cadre__user__username=username, round__status=RoundStatus.STATIONED
    )


def check_every_demo_account_logs_in_with_its_role():
    expected = {
        "office": Role.OFFICE, "leader": Role.LEADER, "zuzhang1": Role.TEAM, "zuyuan1": Role.TEAM,
        "zuyuan2": Role.TEAM, "unit1": Role.UNIT, "unit1lx": Role.UNIT, "jiwei": Role.JIWEI,
        "zuzhibu": Role.ZUZHIBU,
    }  # fmt: skip
    assert set(expected) <= set(ACCOUNTS)
    for username in ACCOUNTS:
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert user.name and user.email.endswith("@qingshan.example")
        assert not user.is_superuser and not user.is_staff
    for username, role in expected.items():
        assert User.objects.get(username=username).groups.filter(name=role).exists(), username


def check_units_and_cadre_pool():
    by_type = {t: Unit.objects.filter(unit_type=t).count() for t in UnitType.values}
    assert by_type[UnitType.DEPARTMENT] >= 35
    assert by_type[UnitType.TOWNSHIP] == 12
    assert by_type[UnitType.VILLAGE] >= 140
    assert by_type[UnitType.SOE] == 15
    assert by_type[UnitType.INSTITUTION] >= 3
    for name in ["县纪委监委", "县委组织部", "县财政局", "县审计局", "县信访局", "县自然资源局", "县住建局"]:
        assert Unit.objects.filter(name=name, unit_type=UnitType.DEPARTMENT).exists(), name
    assert not Unit.objects.filter(unit_type=UnitType.VILLAGE, parent__isnull=True).exists()
    assert (
        not Unit.objects.filter(unit_type=UnitType.VILLAGE)
        .exclude(parent__unit_type=UnitType.TOWNSHIP)
        .exists()
    )
    assert Unit.objects.filter(unit_type=UnitType.INSTITUTION, parent__unit_type=UnitType.DEPARTMENT).exists()

    assert Cadre.objects.count() >= 60
    assert Cadre.objects.filter(is_available=False).exists()
    homes = set(Cadre.objects.values_list("home_unit__name", flat=True))
    assert {"县纪委监委", "县委组织部", "县财政局", "县审计局"} <= homes

    term = Term.objects.get(is_current=True)
    assert term.start_date <= timezone.localdate() <= term.end_date


def check_round_stages():
    rounds = {r.number: r for r in Round.objects.all()}
    statuses = [r.status for r in rounds.values()]
    assert statuses.count(RoundStatus.DONE) >= 3
    assert statuses.count(RoundStatus.RECTIFYING) == 1
    assert statuses.count(RoundStatus.STATIONED) == 1
    assert statuses.count(RoundStatus.PREPARING) == 1
    assert Round.objects.get(status=RoundStatus.STATIONED).teams.count() == 7

    kinds = {r.kind for r in rounds.values()}
    assert {RoundKind.REGULAR, RoundKind.SPECIAL, RoundKind.ELEVATED, RoundKind.LOOKBACK} <= kinds
    lookback = Round.objects.get(kind=RoundKind.LOOKBACK)
    assert lookback.revisit_of == rounds[1]
    revisited = set(lookback.assignments.values_list("unit_id", flat=True))
    assert revisited and revisited <= set(rounds[1].assignments.values_list("unit_id", flat=True))

    for r in rounds.values():
        assert r.milestones.count() == 6
        # every team has one leader and at least one other member
        for team in r.teams.all():
            assert team.members.filter(role=MemberRole.LEADER).count() == 1
        if r.status != RoundStatus.PREPARING:
            assert r.transitions.exists()
            for team in r.teams.all():
                assert team.members.exclude(role=MemberRole.LEADER).count() >= 2
                assert team.assignments.exists()
            assert (
                not Announcement.objects.filter(assignment__round=r)
                .exclude(status=AnnouncementStatus.PUBLISHED)
                .exists()
            )
            assert Announcement.objects.filter(assignment__round=r).count() == r.assignments.count()

    # No cadre inspects his own unit; the grants were written by the services.
    for a in Assignment.objects.select_related("unit"):
        assert not TeamMember.objects.filter(team_id=a.team_id, cadre__home_unit=a.unit).exists()

    # The reminder task has a milestone due within three days; no actual date lies in the future.
    today = timezone.localdate()
    assert Milestone.objects.filter(
        planned_date__gte=today, planned_date__lte=today + timedelta(days=3), actual_date__isnull=True
    ).exists()
    assert not Milestone.objects.filter(actual_date__gt=today).exists()
    stationed = Round.objects.get(status=RoundStatus.STATIONED)
    assert stationed.milestones.get(kind=MilestoneKind.STATIONING).actual_date


def check_team_and_unit_accounts():
    leader, member, other = _member("zuzhang1"), _member("zuyuan1"), _member("zuyuan2")
    assert leader.role == MemberRole.LEADER and leader.team.number == 1
    assert leader.team.name == "第一巡察组"
    assert member.role == MemberRole.MEMBER and member.team_id == leader.team_id
    assert other.role == MemberRole.MEMBER and other.team_id != leader.team_id

    zuzhang1 = User.objects.get(username="zuzhang1")
    assert set(access.visible(zuzhang1, "rounds.Assignment")) == set(leader.team.assignments.all())

    unit1 = User.objects.get(username="unit1")
    unit = access.own_units(unit1).get()
    assert unit.principal_user == unit1 and unit.liaison_user.username == "unit1lx"
    assert unit.assignments.filter(round__status=RoundStatus.RECTIFYING).exists()


def check_leads_in_every_channel():
    assert set(Lead.objects.values_list("channel", flat=True)) == set(Channel.values)
    handed = Lead.objects.filter(channel=Channel.HANDOVER).values_list("partner_department", flat=True)
    assert set(handed) == set(PartnerDepartment.values)
    stationed = Lead.objects.filter(round__status=RoundStatus.STATIONED)
    assert stationed.filter(team__number=1).count() >= 8 and stationed.exclude(team__number=1).exists()
    assert stationed.filter(reporter_named=True).exists() and stationed.filter(reporter_named=False).exists()
    # Two leads on the same person: the list flags them.
    assert with_duplicate_flag(stationed).filter(is_duplicate=True).count() >= 2
    # Two out of scope, handed to 县信访局 with the explanation; one answered by xinfang.
    out = stationed.filter(scope=ScopeStatus.OUT_OF_SCOPE)
    assert out.count() == 2 and set(out.values_list("handed_to__name", flat=True)) == {"县信访局"}
    assert all(lead.explanation for lead in out)
    answered = out.get(status=LeadStatus.CLOSED)
    assert answered.handling_outcome and answered.history.filter(history_user__username="xinfang").exists()
    assert User.objects.get(username="xinfang").staffed_units.get().name == "县信访局"


def check_findings_in_every_state():
    team1 = Finding.objects.filter(round__status=RoundStatus.STATIONED, team__number=1)
    assert set(team1.values_list("status", flat=True)) == set(FindingStatus.values)
    assert team1.values("category").distinct().count() >= 5
    assert team1.filter(is_key=True).exists() and team1.filter(leads__isnull=False).exists()
    fixed = team1.filter(fixed_on_site=True)
    assert fixed.exists() and all(f.on_site_action for f in fixed)
    for username, (number, team, role) in TEAM_ACCOUNTS.items():
        member = TeamMember.objects.get(cadre__user__username=username, round__number=number)
        assert (member.team.number, member.role) == (team, role)
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None

    rectifying = Finding.objects.filter(round__status=RoundStatus.RECTIFYING)
    assert set(rectifying.values_list("status", flat=True)) == {FindingStatus.APPROVED}
    unit = access.own_units(User.objects.get(username="unit1")).get()
    own = rectifying.filter(unit=unit)
    assert own.count() >= 3 and own.values("category").distinct().count() >= 3
    assert all(f.approved_at.date() < timezone.localdate() for f in rectifying)
    units = rectifying.values("unit").distinct().count()
    assert units == Assignment.objects.filter(round__status=RoundStatus.RECTIFYING, team__number=1).count()


def check_transfers_to_jiwei_and_zuzhibu():
    today = timezone.localdate()
    jiwei, zuzhibu = User.objects.get(username="jiwei"), User.objects.get(username="zuzhibu")
    rectifying = TransferBatch.objects.filter(round__status=RoundStatus.RECTIFYING)  # the older are history
    case = rectifying.get(receiver__name="县纪委监委")
    assert case.sent_at and case.acknowledged_at and case.acknowledged_by == jiwei
    results = {item.result: item for item in case.items.all()}
    assert set(results) == {HandlingResult.CASE, HandlingResult.TALK, HandlingResult.CLOSE}
    assert results[HandlingResult.CASE].persons.get().form == DisciplineForm.THIRD
    assert results[HandlingResult.TALK].persons.get().form == DisciplineForm.FIRST
    assert not results[HandlingResult.CLOSE].persons.exists()

    overdue = rectifying.get(receiver__name="县委组织部")
    assert overdue.status in (TransferStatus.SENT, TransferStatus.ACKNOWLEDGED) and overdue.deadline < today
    assert not overdue.items.exclude(result="").exists()
    assert Notification.objects.filter(recipient__username="office", title__contains="未反馈办理结果").count() == 1
    # Each receiver sees the batches sent to it, this round's and the completed rounds'.
    assert case in access.visible(jiwei, "clues.TransferBatch") and overdue in access.visible(zuzhibu, "clues.TransferBatch")
    assert set(access.visible(jiwei, "clues.TransferBatch").values_list("receiver__name", flat=True)) == {"县纪委监委"}
    assert set(access.visible(zuzhibu, "clues.TransferBatch").values_list("receiver__name", flat=True)) == {"县委组织部"}
    # The 移交函 and 移交清单 were rendered in the seed, so they download at once.
    for batch in (case, overdue):
        assert list(documents_of(batch).values_list("status", flat=True)) == [DocumentStatus.DONE] * 2


def check_receipt_codes(output: str, path) -> list[str]:
    codes = re.findall(r"\b[A-Z2-9]{4}(?:-[A-Z2-9]{4}){3}\b", output)
    assert "公开举报查询码" in output and len(codes) == 3
    kept = path.read_text(encoding="utf-8")
    assert all(code in kept for code in codes)
    found = [public_receipt_lookup(code) for code in codes]
    assert all(found)
    assert sorted(r.status for r in found) == sorted(["已受理", "办理中", "已办结"])
    done = next(r.reply for r in found if r.status == "已办结")
    assert done and "质保期" in done
    return codes


def check_rectification_of_unit1():
    """What issue 4 asks of the demo: a plan, commitments, two half-monthly reports (one signed), one
    overdue, measures in every state, rendered feedback documents and a published rectification."""
    today = timezone.localdate()
    rect = Rectification.objects.get(unit__principal_user__username="unit1")
    assert rect.status == RectStatus.IN_PROGRESS and rect.meeting_date < today < rect.deadline
    assert rect.commitments.filter(signed_at__isnull=False).count() == 2
    half = rect.reports.filter(kind=ReportKind.HALF_MONTHLY)
    assert half.filter(versions__status=VersionStatus.SIGNED).distinct().count() == 1
    assert half.filter(versions__status=VersionStatus.SUBMITTED).distinct().count() == 1
    overdue = [r for r in half if r.due_state(today) == "overdue"]
    assert len(overdue) == 1
    # The next one is still open. Half-monthly dates are the calendar's 15ths and month-ends, so whether it
    # is already within a week (yellow) depends on the day the demo is loaded.
    upcoming = [r for r in half if r.due_date > today][0]
    assert upcoming.submitted_at is None and upcoming.due_state(today) in ("", "due-soon")
    measures = list(rect.measures.all())
    states = {m.status for m in measures} | {m.deadline_state(today) for m in measures}
    assert {MeasureStatus.OPEN, MeasureStatus.CLOSED, MeasureStatus.RETURNED, "due-soon", "overdue"} <= states
    assert any(m.reopen_count for m in measures) and any(m.kind == MeasureKind.LONG_TERM for m in measures)
    docs = documents_of(rect)
    assert {d.kind for d in docs} == {
        "inspection_report_docx", "inspection_report_pdf", "feedback_docx", "feedback_pdf"
    }  # fmt: skip
    assert {d.status for d in docs} == {DocumentStatus.DONE}
    published = rect.publications.filter(status=PublicationStatus.PUBLISHED)
    assert published.filter(scope=PublicationScope.PUBLIC).exists()
    # The morning digest went to the unit's principal, once.
    assert Notification.objects.filter(recipient__username="unit1", title__startswith="整改提醒").count() == 1


def check_history_for_dashboards():
    """What issue 5 asks of the demo: completed rounds with problems in many categories, some common to
    many units and some coming back for a unit inspected again, closed rectifications (one of which
    comes back), transfers that led to cases, and teams of visibly different quality."""
    done = list(Round.objects.filter(status=RoundStatus.DONE).order_by("number"))
    approved = Finding.objects.filter(round__in=done, status=FindingStatus.APPROVED)
    categories = {r.number: approved.filter(round=r).values("category").distinct().count() for r in done}
    assert sum(n >= 8 for n in categories.values()) >= 3, categories
    assert not approved.filter(category__parent__isnull=True).exists()  # filed under sub-categories
    assert not Finding.objects.filter(round__in=done).exclude(status=FindingStatus.APPROVED).exists()

    # Units inspected twice with findings both times; a category found in at least 3 units of a round.
    start = {r.pk: r.planned_start for r in Round.objects.all()}
    rows = list(approved.values_list("unit_id", "round_id", "category_id"))
    rounds_of = defaultdict(set)
    units_of = defaultdict(set)
    for unit, rnd, category in rows:
        rounds_of[unit].add(rnd)
        units_of[(rnd, category)].add(unit)
    assert sum(len(r) >= 2 for r in rounds_of.values()) >= 3
    assert max(len(u) for u in units_of.values()) >= 3

    # Every unit of a completed round has a closed, rated rectification, its measures all closed, of
    # the three kinds, a few reopened after a relapse; one unit's closed problem came back later.
    rects = Rectification.objects.filter(round__in=done)
    assert rects.count() == Assignment.objects.filter(round__in=done).count()
    assert set(rects.values_list("status", flat=True)) == {RectStatus.CLOSED}
    assert not rects.filter(rating="").exists() and rects.values("rating").distinct().count() >= 3
    measures = Measure.objects.filter(rectification__in=rects)
    assert set(measures.values_list("status", flat=True)) == {MeasureStatus.CLOSED}
    assert set(measures.values_list("kind", flat=True)) == set(MeasureKind.values)
    assert measures.filter(reopen_count__gt=0).count() >= 2
    problems = Problem.objects.filter(rectification__in=rects).values_list(
        "rectification__unit_id", "rectification__round_id", "category_id"
    )
    later = {(u, c, start[r]) for u, r, c in rows}
    assert any(
        (u, c, s) in later for u, r, c in problems for s in {start[x] for x in rounds_of[u]} if s > start[r]
    )
    assert 0 < Problem.objects.filter(rectification__in=rects).count() <= approved.count()

    # Leads transferred from the completed rounds, some leading to 立案 and persons dealt with.
    items = TransferItem.objects.filter(batch__round__in=done)
    assert items.filter(result=HandlingResult.CASE, batch__receiver__name="县纪委监委").count() >= 5
    assert not items.filter(result="").exists()
    forms = set(PersonDealt.objects.filter(item__in=items).values_list("form", flat=True))
    assert len(forms) >= 3, forms

    # Teams differ: findings per unit, and the weighted score (QualitySettings' defaults) of at least one
    # team falls below the talk threshold.
    per_unit, totals = {}, {}
    field = QualitySettings._meta.get_field
    weights = {
        ScoreSource.LEADERSHIP: field("leadership_weight").default,
        ScoreSource.OFFICE: field("office_weight").default,
        ScoreSource.UNIT: field("unit_weight").default,
    }
    for team in Team.objects.filter(round__in=done):
        units = team.assignments.count()
        per_unit[team.pk] = approved.filter(team=team).count() / units
        scores = defaultdict(list)
        for source, score in TeamScore.objects.filter(team=team).values_list("source", "score"):
            scores[source].append(score)
        assert len(scores[ScoreSource.LEADERSHIP]) == len(scores[ScoreSource.OFFICE]) == 1
        assert len(scores[ScoreSource.UNIT]) == units
        means = {source: sum(s) / len(s) for source, s in scores.items()}
        totals[team.pk] = sum(means[s] * w for s, w in weights.items()) / sum(weights.values())
    assert max(per_unit.values()) >= 2 * min(per_unit.values()), per_unit
    threshold = field("talk_threshold").default
    assert min(totals.values()) < threshold <= max(totals.values()), totals
    returned = {
        team: Finding.objects.filter(team=team, reviews__action="return").distinct().count()
        / approved.filter(team=team).count()
        for team in per_unit
    }
    assert max(returned.values()) >= 0.4 and min(returned.values()) <= 0.1, returned


def check_running_twice_changes_nothing(codes):
    counts = (Unit.objects.count(), Cadre.objects.count(), Round.objects.count(), User.objects.count())
    leads = (Lead.objects.count(), Finding.objects.count(), TransferBatch.objects.count())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "已载入" in out.getvalue()
    assert all(code in out.getvalue() for code in codes)  # the codes are shown again
    assert (
        Unit.objects.count(),
        Cadre.objects.count(),
        Round.objects.count(),
        User.objects.count(),
    ) == counts
    assert (Lead.objects.count(), Finding.objects.count(), TransferBatch.objects.count()) == leads
