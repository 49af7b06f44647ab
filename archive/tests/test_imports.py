import pytest
from django.urls import reverse

from archive import layout as L
from archive.documents.workbook import export_rounds
from archive.services.imports import archive_confirm, archive_upload
from archive.tests.world import World, sheets_two_rounds, upload, workbook_bytes
from clues.models import Category, Finding, TransferOutcome
from dashboards.selectors.common_problems import _recurring, resolve_scope
from dashboards.selectors.figures import Scope, breakdown, figures, metric_queryset
from dashboards.selectors.quality import team_quality
from rectification.models import Measure, MeasureStatus, Problem
from rectification.services import closing  # noqa: F401  (registers the measures' workflow)
from rounds.models import ArchiveImport, ArchiveImportStatus, Assignment, Round, RoundStatus
from rounds.tests.factories import RoundFactory
from teams.models import Team, TeamMember
from xuncha import access
from xuncha.core.transitions import transition
from xuncha.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return World()


def test_dry_run_then_confirm(world, office_user):
    imp = archive_upload(file=upload(workbook_bytes(sheets_two_rounds())), by=office_user)
    assert imp.summary["errors"] == [], imp.summary["errors"]
    assert imp.status == ArchiveImportStatus.CHECKED
    assert not Round.objects.exists()
    tally = imp.summary["tally"]
    assert tally["轮次"]["created"] == 2
    assert tally["整改措施"]["created"] == 5
    before, after = imp.summary["before"][str(world.term.pk)], imp.summary["after"][str(world.term.pk)]
    assert (before["units_covered"], after["units_covered"]) == (0, 2)
    assert (before["findings"], after["findings"]) == (0, 4)
    archive_confirm(record=imp, token=imp.token, by=office_user)
    r1 = Round.objects.get(number=1)
    assert r1.status == RoundStatus.DONE and r1.is_archival


def _import(world, office_user, sheets=None):
    imp = archive_upload(file=upload(workbook_bytes(sheets or sheets_two_rounds())), by=office_user)
    assert imp.summary["errors"] == [], imp.summary["errors"]
    return archive_confirm(record=imp, token=imp.token, by=office_user)


def test_archival_rounds_count_on_the_dashboards(world, office_user):
    _import(world, office_user)
    values = figures(Scope(world.term))
    assert values["units"] == 3 and values["units_covered"] == 2
    assert values["findings"] == 4 and values["problems"] == 4
    assert values["to_jiwei"] == 2 and values["cases"] == 1
    assert values["persons"] == 2 and values["persons_form1"] == 1 and values["persons_form2"] == 1
    assert values["measures"] == 5
    # closed 3 + long-term 1 of 5
    assert values["completion_rate"] == 80.0
    by_round = {r.label: r.values for r in breakdown(Scope(world.term), "round")}
    assert by_round["第一轮"]["cases"] == 1 and by_round["第二轮"]["cases"] == 0
    assert metric_queryset("findings", Scope(world.term)).count() == 4


def _errors(world, office_user, sheets) -> list[str]:
    imp = archive_upload(file=upload(workbook_bytes(sheets)), by=office_user)
    assert imp.status == ArchiveImportStatus.FAILED
    return [f"{e['sheet']}|{e['column']}|{e['message']}" for e in imp.summary["errors"]]


def test_row_errors_save_nothing(world, office_user):
    sheets = sheets_two_rounds()
    sheets[L.ROUNDS][1][3] = "2021-12-01"  # before the term
    sheets[L.TEAMS][1][4] = "孙七、王五"  # 王五 is on 第一巡察组 of round 1 already
    sheets[L.UNITS].append([1, "第二巡察组", "县财政局", "常规"])  # the same unit twice in round 1
    sheets[L.UNITS].append([1, "第二巡察组", "县水力局", "常规"])  # a typo
    sheets[L.TEAMS].append([1, "第三巡察组", "张叁", "", ""])  # unknown cadre
    sheets[L.PROBLEMS].append([1, "县教育局", 2, "问题", "不存在的类别", "限期整改"])
    sheets[L.MEASURES].append([1, "县教育局", 9, "没有问题的措施", "", "2022-10-01", "未销号", ""])
    errors = _errors(world, office_user, sheets)
    text = "\n".join(errors)
    assert "日期超出第十五届县委的任期" in text
    assert "王五在第十五届县委第一轮已是第一巡察组成员" in text
    assert "县财政局在第十五届县委第一轮中出现两次" in text
    assert "系统中没有单位“县水力局”；最接近的名称：县水利局" in text
    assert "干部库中没有“张叁”；最接近的名称：张三" in text
    assert "问题类别“不存在的类别”不在问题分类中" in text
    assert "县教育局没有序号为“9”的反馈问题" in text
    assert not Round.objects.exists() and not Finding.objects.exists()


def test_a_round_run_in_the_system_is_never_overwritten(world, office_user):
    RoundFactory(term=world.term, number=1)
    errors = _errors(world, office_user, sheets_two_rounds())
    assert any("是在系统中办理的轮次，不能用导入覆盖" in e for e in errors)


def test_reimport_updates_in_place(world, office_user):
    _import(world, office_user)
    counts = (Round.objects.count(), Team.objects.count(), Finding.objects.count(), Problem.objects.count(),
              Measure.objects.count(), TransferOutcome.objects.count())  # fmt: skip
    sheets = sheets_two_rounds()
    sheets[L.MEASURES][4][6] = "已销号"
    sheets[L.MEASURES][4][7] = "2023-09-01"
    sheets[L.PROBLEMS][0][3] = "政府采购程序不规范，未公开招标"
    imp = _import(world, office_user, sheets)
    after = (Round.objects.count(), Team.objects.count(), Finding.objects.count(), Problem.objects.count(),
             Measure.objects.count(), TransferOutcome.objects.count())  # fmt: skip
    assert after == counts
    assert imp.summary["tally"]["整改措施"]["updated"] == 1
    assert imp.summary["tally"]["反馈问题"]["updated"] == 1
    m = Measure.objects.get(content="建立采购台账定期核查机制")
    assert m.status == MeasureStatus.CLOSED
    assert Round.objects.get(number=2).archive_import == imp
    assert Finding.objects.filter(manifestation="政府采购程序不规范，未公开招标").count() == 1


def test_round_trip_export_then_import_changes_nothing(world, office_user):
    _import(world, office_user)
    rounds = list(Round.objects.select_related("term", "revisit_of"))
    content = export_rounds(rounds)
    history = {m: m.history.count() for m in (Team, TeamMember, Assignment, Finding, Problem, Measure, TransferOutcome)}
    imp = archive_upload(file=upload(content, "导出.xlsx"), by=office_user)
    assert imp.summary["errors"] == [], imp.summary["errors"]
    imp = archive_confirm(record=imp, token=imp.token, by=office_user)
    for sheet, counts in imp.summary["tally"].items():
        assert counts["created"] == counts["updated"] == counts["deleted"] == 0, (sheet, counts)
    assert {m: m.history.count() for m in history} == history
    assert export_rounds(list(Round.objects.select_related("term", "revisit_of"))) is not None


def test_confirm_imports_once(world, office_user):
    imp = archive_upload(file=upload(workbook_bytes(sheets_two_rounds())), by=office_user)
    token = imp.token
    archive_confirm(record=imp, token=token, by=office_user)
    stale = ArchiveImport.objects.get(pk=imp.pk)
    with pytest.raises(DomainError, match="已确认过或已失效"):
        archive_confirm(record=stale, token=token, by=office_user)
    assert Round.objects.count() == 2 and Finding.objects.count() == 4


def test_only_the_office_imports(world, leader_user):
    with pytest.raises(DomainError, match="只有巡察办"):
        archive_upload(file=upload(workbook_bytes(sheets_two_rounds())), by=leader_user)


def test_archival_rounds_are_read_only(world, office_user):
    _import(world, office_user)
    round = Round.objects.get(number=1)
    measure = Measure.objects.filter(rectification__round=round).first()
    assert not access.allows(office_user, "transition", round)
    assert not access.allows(office_user, "form_teams", round)
    assert not access.allows(office_user, "close", measure)
    assert access.allows(office_user, "view", round)
    with pytest.raises(DomainError, match="历史录入的轮次"):
        access.check(office_user, "change", Assignment.objects.filter(round=round).first(), message="x")
    with pytest.raises(DomainError, match="历史录入的轮次"):
        transition(measure, "reopen", by=None, reason="反弹")


def test_the_lookback_compares_with_the_archival_round(world, office_user, client):
    _import(world, office_user)
    lookback = Assignment.objects.get(round__number=2, unit=world.finance)
    client.force_login(office_user)
    page = client.get(reverse("rectification:lookback", args=[lookback.pk])).content.decode()
    assert "修订政府采购内控制度" in page
    assert "历史录入" in page


def test_the_pages(world, office_user, client):
    client.force_login(office_user)
    assert client.get(reverse("archive:import")).status_code == 200
    assert client.get(reverse("archive:template")).status_code == 200
    response = client.post(reverse("archive:import"), {"file": upload(workbook_bytes(sheets_two_rounds()))})
    imp = ArchiveImport.objects.get()
    assert response.url == reverse("archive:detail", args=[imp.pk])
    page = client.get(response.url).content.decode()
    assert "试导入" in page and "确认导入" in page
    response = client.post(reverse("archive:confirm", args=[imp.pk]), {"token": imp.token})
    assert Round.objects.count() == 2
    round = Round.objects.get(number=1)
    page = client.get(reverse("rounds:round_detail", args=[round.pk])).content.decode()
    assert "历史录入" in page and imp.sha256 in page
    response = client.get(reverse("archive:round_export", args=[round.pk]))
    assert response.status_code == 200
    assert client.get(reverse("archive:file", args=[imp.pk])).status_code == 200
    # A bad file is a message, never a 500.
    response = client.post(reverse("archive:import"), {"file": upload(b"not a workbook")})
    assert response.status_code == 200 and "不是 Excel 工作簿" in response.content.decode()


def test_quality_says_which_rates_an_archival_round_cannot_have(world, office_user):
    _import(world, office_user)
    rows = {(r.round.number, r.team.number): r for r in team_quality(term=world.term)}
    row = rows[(1, 1)]
    assert row.archival and row.findings_per_unit == 2 and row.completion_rate == 100
    assert row.return_rate is None and row.transfer_rate is None


def test_common_and_recurring_problems_use_the_archival_rounds(world, office_user):
    _import(world, office_user)
    finance = set(Finding.objects.filter(unit=world.finance, category=world.money).values_list("round__number", flat=True))
    assert finance == {1, 2}  # the same unit and category in two rounds: a recurring problem
    scope = resolve_scope(term_id=world.term.pk)
    recurring = _recurring(scope, Category.objects.in_bulk())
    assert any(r.unit.pk == world.finance.pk for r in recurring)


def test_the_cadres_past_teams_include_archival_rounds(world, office_user):
    _import(world, office_user)
    teams = TeamMember.objects.filter(cadre=world.cadres["张三"]).values_list("round__number", flat=True)
    assert sorted(teams) == [1, 2]
