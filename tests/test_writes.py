"""Nothing lost, nothing twice (issue 13): every edit form refuses a save over someone else's change and
keeps what was typed; every create form submitted twice with its one-time token creates once.

Both run on the permission matrix's world (tests/permission_world.py), made once per module, plus a
rectification whose plan is still drafted and one whose feedback is still prepared. A form is read from
its page as a browser would (every input, select and textarea of the <form> that carries the version or
the token), one field is changed, and the form is posted back."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.test import Client, override_settings
from django.urls import reverse
from lxml import html

from clues.models import Category, Finding, Lead
from clues.tests.factories import LeadFactory
from dashboards.models import QualitySettings, ScoreSource, TeamScore
from rectification.models import (
    Accountability,
    Commitment,
    CommitmentKind,
    Measure,
    Publication,
    RectMeeting,
    ReportComment,
    VersionStatus,
)
from rectification.services import plan as plan_services
from rectification.tests.factories import MeasureFactory, ProblemFactory, RectificationFactory
from rounds.models import MILESTONE_ORDER, Assignment, Round, RoundStatus, Term, Unit
from rounds.services import unit_save
from rounds.tests.factories import AssignmentFactory, RoundFactory, UnitFactory
from teams.models import Cadre, MemberRole, Team, TeamMember
from teams.tests.factories import CadreFactory, TeamFactory, TeamMemberFactory
from tests.permission_world import build_world
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.celery import app as celery_app
from xuncha.core.concurrency import TOKEN_FIELD, VERSION_FIELD


def _more(users, objects):
    """A rectification whose plan the unit still drafts (a measure, an unsigned commitment), and one whose
    feedback the office still prepares (a problem), each of its own round."""
    planning_unit = UnitFactory(name="县水利局")
    users["unit2"] = UserFactory(roles=[Role.UNIT])
    planning_unit.principal_user = users["unit2"]
    unit_save(unit=planning_unit)
    planning = RectificationFactory(assignment=AssignmentFactory(unit=planning_unit))
    problem = ProblemFactory(rectification=planning, seq=1)
    measure = MeasureFactory(problem=problem, seq=1)
    plan_services.commitment_save(
        rect=planning, kind=CommitmentKind.PRINCIPAL, text="坚决扛起整改主体责任。", by=users["unit2"]
    )
    preparing = RectificationFactory(assignment=AssignmentFactory(), meeting_date=None)
    draft_report = objects["rect"].reports.filter(versions__status=VersionStatus.DRAFT).first()
    objects |= {
        "planning": planning,
        "planning_problem": problem,
        "planning_measure": measure,
        "preparing": preparing,
        "preparing_problem": ProblemFactory(rectification=preparing, seq=1),
        "draft_report": draft_report,
        "spare_unit": UnitFactory(name="县统计局"),
        "public_lead": LeadFactory(
            assignment=objects["assignment_a"], is_public_report=True, channel="online", serial=900
        ),
        "spare_cadre": CadreFactory(name="备用干部", home_unit=UnitFactory(name="县档案馆")),
    }
    # A round still being prepared: its teams and assignments may change.
    # (numbered after the term's rounds: the factories' sequence may have given the world's round any number)
    last = Round.objects.filter(term=objects["term"]).aggregate(last=Max("number"))["last"] or 0
    prep_round = RoundFactory(term=objects["term"], number=last + 1, status=RoundStatus.PREPARING)
    prep_team = TeamFactory(round=prep_round, number=1)
    prep_member = TeamMemberFactory(team=prep_team, role=MemberRole.LEADER, cadre=CadreFactory(name="筹备组长"))
    objects |= {
        "prep_round": prep_round,
        "prep_team": prep_team,
        "prep_member": prep_member,
        "prep_assignment": AssignmentFactory(team=prep_team, unit=UnitFactory(name="县林业局")),
    }


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    fast = override_settings(
        MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            cache.clear()
            users, objects = build_world()
            _more(users, objects)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield users, objects, media
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
        cache.clear()


@pytest.fixture
def world(_world, _test_settings, settings, db):
    users, objects, media = _world
    settings.MEDIA_ROOT = media
    return users, objects


# --- reading a form as a browser would -----------------------------------------------------------------


def form_data(content: bytes, marker: str) -> dict:
    """The fields of the <form> holding an input named `marker`, with the values the page shows."""
    page = html.fromstring(content.decode())
    forms = [
        f for f in page.iter("form") if any(n == marker or n.endswith("-" + marker) for n in f.xpath(".//@name"))
    ]
    assert forms, f"no form with {marker} on the page"
    form = forms[0]
    data: dict = {}
    for element in form.xpath(".//input|.//select|.//textarea"):
        name = element.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        if element.tag == "select":
            chosen = [
                o.get("value", o.text or "")
                for o in element.xpath(".//option")
                if o.get("selected") is not None
            ]
            if element.get("multiple") is not None:
                data[name] = chosen
            else:
                data[name] = chosen[0] if chosen else ""
        elif element.tag == "textarea":
            text = element.text or ""
            data[name] = text[1:] if text.startswith("\n") else text  # as a browser reads it
        else:
            kind = (element.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "reset", "image"):
                continue
            if kind in ("checkbox", "radio"):
                if element.get("checked") is not None:
                    value = element.get("value", "on")
                    if kind == "checkbox":
                        data.setdefault(name, []).append(value)
                    else:
                        data[name] = value
                continue
            data[name] = element.get("value", "")
    return data


def page_errors(response) -> str:
    """The errors a refused form shows (for a failing assertion's message)."""
    if not response.content:
        return f"{response.status_code} {response.get('Location', '')}"
    page = html.fromstring(response.content.decode())
    found = page.xpath("//*[contains(@class,'alert') or contains(@class,'invalid-feedback')]")
    return f"{response.status_code}: " + " | ".join(" ".join(e.text_content().split()) for e in found)


def _arg(objects, key):
    if callable(key):
        return key(objects)
    return objects[key].pk if key in objects else key


def _url(objects, name, args):
    return reverse(name, args=[_arg(objects, a) for a in args])


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- lost updates: every edit form -------------------------------------------------------------------

# (url name, url args, role, form field, how to read the stored value)
EDITS = [
    ("rounds:unit_edit", ["unit_a"], "office", "note", lambda o: Unit.objects.get(pk=o["unit_a"].pk).note),
    ("rounds:term_edit", ["term"], "office", "name", lambda o: Term.objects.get(pk=o["term"].pk).name),
    ("rounds:round_edit", ["round"], "office", "theme", lambda o: Round.objects.get(pk=o["round"].pk).theme),
    (
        "rounds:assignment_edit",
        ["prep_assignment"],
        "office",
        "note",
        lambda o: Assignment.objects.get(pk=o["prep_assignment"].pk).note,
    ),
    (
        "rounds:announcement_edit",
        ["assignment_a"],
        "office",
        "accepted_scope",
        lambda o: Assignment.objects.get(pk=o["assignment_a"].pk).announcement.accepted_scope,
    ),
    ("teams:cadre_edit", ["cadre"], "office", "post", lambda o: Cadre.objects.get(pk=o["cadre"].pk).post),
    ("teams:team_edit", ["prep_team"], "office", "note", lambda o: Team.objects.get(pk=o["prep_team"].pk).note),
    (
        "teams:team_member_edit",
        ["prep_member"],
        "office",
        "duty",
        lambda o: TeamMember.objects.get(pk=o["prep_member"].pk).duty,
    ),
    (
        "clues:category_edit",
        ["category"],
        "office",
        "name",
        lambda o: Category.objects.get(pk=o["category"].pk).name,
    ),
    (
        "clues:lead_edit",
        ["lead"],
        "team_leader",
        "summary",
        lambda o: Lead.objects.get(pk=o["lead"].pk).summary,
    ),
    (
        "clues:finding_edit",
        ["finding"],
        "team_leader",
        "title",
        lambda o: Finding.objects.get(pk=o["finding"].pk).title,
    ),
    (
        "rectification:accountability_edit",
        ["rect", "accountability"],
        "office",
        "facts",
        lambda o: Accountability.objects.get(pk=o["accountability"].pk).facts,
    ),
    (
        "rectification:publication_edit",
        ["rect", "draft_publication"],
        "office",
        "title",
        lambda o: Publication.objects.get(pk=o["draft_publication"].pk).title,
    ),
    (
        "rectification:measure_edit",
        ["planning", "planning_measure"],
        "unit2",
        "content",
        lambda o: Measure.objects.get(pk=o["planning_measure"].pk).content,
    ),
    (
        "rectification:commitment_edit",
        ["planning", "principal"],
        "unit2",
        "text",
        lambda o: Commitment.objects.get(rectification=o["planning"], kind=CommitmentKind.PRINCIPAL).text,
    ),
    (
        "rectification:feedback_edit",
        ["preparing"],
        "office",
        "demands",
        lambda o: type(o["preparing"]).objects.get(pk=o["preparing"].pk).demands,
    ),
    (
        "rectification:problem_edit",
        ["preparing", "preparing_problem"],
        "office",
        "description",
        lambda o: type(o["preparing_problem"]).objects.get(pk=o["preparing_problem"].pk).description,
    ),
    (
        "rectification:version_edit",
        ["rect", "draft_report"],
        "unit",
        "summary",
        lambda o: o["draft_report"].versions.get(status=VersionStatus.DRAFT).summary,
    ),
    (
        "clues:lead_reply",
        ["public_lead"],
        "team_leader",
        "reply",
        lambda o: Lead.objects.get(pk=o["public_lead"].pk).public_reply,
    ),
    (
        "rounds:milestone_edit",
        ["prep_round"],
        "office",
        "form-0-note",
        lambda o: o["prep_round"].milestones.order_by("pk").get(kind=_first_milestone(o)).note,
    ),
    (
        "dashboards:quality_settings",
        [],
        "office",
        "talk_threshold",
        lambda o: f"{QualitySettings.current().talk_threshold.normalize():f}",
    ),
    (
        "dashboards:team_scores",
        ["team_a"],
        "office",
        "office_score",
        lambda o: _office_score(o["team_a"]),
    ),
]


def _office_score(team) -> str | None:
    score = TeamScore.objects.filter(team=team, source=ScoreSource.OFFICE).first()
    return None if score is None else f"{score.score.normalize():f}"


def next_round_number(objects) -> str:
    """The term's next round number (one that neither clashes nor skips)."""
    last = Round.objects.filter(term=objects["term"]).aggregate(last=Max("number"))["last"] or 0
    return str(last + 1)


def _first_milestone(objects) -> str:
    """The kind of the first row of the milestone form (the rows follow the order of the work)."""
    return MILESTONE_ORDER[0]


NUMERIC = {"talk_threshold": ("61", "62"), "office_score": ("61", "62")}


@pytest.mark.parametrize(("name", "args", "role", "field", "stored"), EDITS, ids=[e[0] for e in EDITS])
def test_a_stale_save_is_refused_and_keeps_what_was_typed(world, name, args, role, field, stored):
    users, objects = world
    url = _url(objects, name, args)
    mine, theirs = _client(users[role]), _client(users[role])
    first = mine.get(url)
    assert first.status_code == 200, page_errors(first)
    second = theirs.get(url)
    mine_data, their_data = form_data(first.content, VERSION_FIELD), form_data(second.content, VERSION_FIELD)
    version = next(k for k in mine_data if k == VERSION_FIELD or k.endswith("-" + VERSION_FIELD))
    assert mine_data[version], "the page carries the version it was loaded at"
    their_value, my_value = NUMERIC.get(field, ("同事先保存的内容", "我后保存的内容"))

    saved = theirs.post(url, their_data | {field: their_value})
    assert saved.status_code == 302, page_errors(saved)
    assert stored(objects) == their_value

    refused = mine.post(url, mine_data | {field: my_value})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "在您打开此页面之后" in page
    assert 'data-testid="edit-conflict"' in page
    assert my_value in page, "what the user typed is kept"
    assert their_value in page, "the other person's value is shown beside it"
    assert stored(objects) == their_value, "nothing was overwritten"

    # Saving again from the conflict page applies the user's text over the change, knowingly.
    again = form_data(refused.content, VERSION_FIELD)
    assert again[field] == my_value
    assert mine.post(url, again).status_code == 302
    assert stored(objects) == my_value


# --- one-time tokens: every create form ------------------------------------------------------------------

TODAY = date.today().isoformat()

# (page that shows the form, url name the form posts to (None: the same), args, role, data, count of rows)
CREATES = [
    (
        "rounds:unit_create",
        None,
        [],
        "office",
        lambda o: {"name": "县审计局", "unit_type": "department"},
        lambda o: Unit.objects.count(),
    ),
    (
        "rounds:term_create",
        None,
        [],
        "office",
        lambda o: {
            "name": "第十六届县委",
            "start_date": "2031-01-01",
            "end_date": "2035-12-31",
            "is_current": [],
        },
        lambda o: Term.objects.count(),
    ),
    (
        "rounds:round_create",
        None,
        [],
        "office",
        lambda o: {
            "term": str(o["term"].pk),
            "number": next_round_number(o),
            "kind": "regular",
            "theme": "常规巡察",
            "planned_start": "2030-03-01",
            "planned_end": "2030-05-31",
        },
        lambda o: Round.objects.count(),
    ),
    (
        "rounds:assignment_create",
        None,
        ["prep_round"],
        "office",
        lambda o: {"team": str(o["prep_team"].pk), "unit": str(o["spare_unit"].pk)},
        lambda o: Assignment.objects.count(),
    ),
    (
        "teams:cadre_create",
        None,
        [],
        "office",
        lambda o: {"name": "新干部", "gender": "男", "home_unit": str(o["spare_unit"].pk)},
        lambda o: Cadre.objects.count(),
    ),
    (
        "teams:team_create",
        None,
        ["prep_round"],
        "office",
        lambda o: {"note": "分工"},
        lambda o: Team.objects.count(),
    ),
    (
        "teams:team_detail",
        "teams:team_member_add",
        ["prep_team"],
        "office",
        lambda o: {"cadre": str(o["spare_cadre"].pk), "role": "member", "duty": "查阅资料"},
        lambda o: TeamMember.objects.count(),
    ),
    (
        "clues:lead_create",
        None,
        ["assignment_a"],
        "team_leader",
        lambda o: {"channel": "letter", "received_on": TODAY, "content": "反映某干部违规发放津贴。"},
        lambda o: Lead.objects.count(),
    ),
    (
        "clues:finding_create",
        None,
        ["assignment_a"],
        "team_leader",
        lambda o: {
            "category": str(o["category"].pk),
            "title": "三重一大制度执行不严",
            "severity": "general",
            "manifestation": "2025年有3项大额支出未经集体研究。",
            "basis": "《关于贯彻落实“三重一大”决策制度的实施办法》",
        },
        lambda o: Finding.objects.count(),
    ),
    (
        "clues:category_create",
        None,
        [],
        "office",
        lambda o: {"name": "新的问题类别", "scheme": "三个聚焦", "parent": "", "order": "9"},
        lambda o: Category.objects.count(),
    ),
    (
        "rectification:accountability_add",
        None,
        ["rect"],
        "office",
        lambda o: {
            "target": "unit",
            "target_name": "某单位",
            "reason": "ineffective",
            "facts": "整改不力。",
            "action": "通报批评",
            "decided_on": TODAY,
        },
        lambda o: Accountability.objects.count(),
    ),
    (
        "rectification:publication_new",
        None,
        ["rect"],
        "office",
        lambda o: {"scope": "public", "title": "整改情况通报", "text": "已完成整改。"},
        lambda o: Publication.objects.count(),
    ),
    (
        "rectification:report_detail",
        "rectification:comment_add",
        ["rect", "report"],
        "jiwei",
        lambda o: {"body": "请补充佐证材料。"},
        lambda o: ReportComment.objects.count(),
    ),
    (
        "rectification:meeting_add",
        None,
        ["rect", "hearing"],
        "office",
        lambda o: {
            "date": TODAY,
            "participants": "巡察办、单位班子",
            "minutes": "听取整改情况汇报。",
            "date_note": "按县委统一安排的日期听取",  # asked for when TODAY is far from the planned date
        },
        lambda o: RectMeeting.objects.count(),
    ),
    (
        "rectification:measure_add",
        None,
        ["planning", "planning_problem"],
        "unit2",
        lambda o: {
            "content": "建立台账",
            "goal": "台账完整",
            "kind": "deadline",
            "deadline": "2026-08-31",
            "responsible_leader": "王局长",
            "responsible_branch": "办公室",
            "responsible_person": "赵干事",
        },
        lambda o: Measure.objects.count(),
    ),
]


def _post_url(objects, page, action, args):
    if action is None:
        return _url(objects, page, args)
    if action == "rectification:comment_add":  # on the latest version shown
        args = [*args, lambda o: o["report"].versions.order_by("-number").first().number]
    return _url(objects, action, args)


@pytest.mark.parametrize(
    ("page", "action", "args", "role", "data", "count"), CREATES, ids=[c[1] or c[0] for c in CREATES]
)
def test_a_repeated_submission_creates_once(world, page, action, args, role, data, count):
    users, objects = world
    client = _client(users[role])
    shown = client.get(_url(objects, page, args))
    assert shown.status_code == 200
    posted = form_data(shown.content, TOKEN_FIELD)
    assert posted[TOKEN_FIELD], "the page carries a one-time token"
    posted |= data(objects)
    target = _post_url(objects, page, action, args)
    before = count(objects)

    first = client.post(target, posted)
    assert first.status_code == 302, page_errors(first)
    assert count(objects) == before + 1
    second = client.post(target, posted)
    assert second.status_code == 302
    assert count(objects) == before + 1, "the second submission of the same page creates nothing"
    assert second["Location"].split("#")[0] == first["Location"].split("#")[0]
    followed = client.get(second["Location"])
    assert "此表单已经提交过" in followed.content.decode()

    # A fresh page is a new submission.
    fresh = form_data(client.get(_url(objects, page, args)).content, TOKEN_FIELD)
    assert fresh[TOKEN_FIELD] != posted[TOKEN_FIELD]
