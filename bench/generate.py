"""Synthetic county data for the benchmark (issue #6), written straight into the tables, fast.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xuncha_bench_s .venv/bin/python bench/generate.py S

Volume L: 300 units, 15 rounds, 60 teams, 20,000 findings, 20,000 leads, 60,000 rectification measures
(with their half-monthly reports, versions and one progress entry per measure and version), 3,000
transfer batches. Volume S: the same units, rounds and teams, the big tables divided by ten.

The rows go in with `bulk_create` (and COPY for the progress entries, the largest table), bypassing the
services: no simple-history rows are written for them, no validation runs, no notification is sent.
The shape is what the services would have produced: a unit hierarchy (townships and their villages),
rounds in every stage (done, rectifying, feedback, reporting, stationed, mobilizing, preparing; one
special, one 回头看), findings in every category and review state, leads in every channel, scope and
disposition, transfers in every status with results and persons dealt with, rectifications in every
status with measures open, closed, returned, reopened and long-term, and the half-monthly reports.

The target database must be migrated and empty (bench/run.py drops and creates it). Random choices use
`random.Random(6)`, so two runs give the same data.
"""

import io
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VOLUMES = {
    # units, rounds and teams are the same at both volumes; the big tables are divided by ten at S.
    "L": {"findings": 20_000, "leads": 20_000, "measures": 60_000, "batches": 3_000},
    "S": {"findings": 2_000, "leads": 2_000, "measures": 6_000, "batches": 300},
}
N_UNITS = 300
N_ROUNDS = 15
TEAMS_PER_ROUND = 4
UNITS_PER_ROUND = 20
BENCH_PASSWORD = "bench12345"
# The unit whose feedback is rendered in the document timings: exactly this many findings and problems.
DOC_UNIT_FINDINGS = 60
BATCH = 5000


@dataclass
class Users:
    office: object
    leader: object
    team: object
    unit: object
    jiwei: object
    zuzhibu: object
    xinfang: object


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    import django

    django.setup()


def _bulk(model, rows, batch_size: int = BATCH):
    return model.objects.bulk_create(rows, batch_size=batch_size)


def _copy(model, columns: list[str], rows) -> int:
    """COPY rows (tuples in the order of `columns`) into the model's table: for the largest table."""
    from django.db import connection

    buf = io.StringIO()
    n = 0
    for row in rows:
        buf.write("\t".join(_copy_value(v) for v in row))
        buf.write("\n")
        n += 1
    buf.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_from(buf, model._meta.db_table, columns=columns)
    return n


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", r"\n")


def workday(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


class Generator:
    def __init__(self, volume: str, today: date | None = None):
        from django.utils import timezone

        self.volume = volume
        self.size = VOLUMES[volume]
        self.rng = random.Random(6)
        self.today = today or timezone.localdate()
        self.counts: dict[str, int] = {}
        self.tz = timezone.get_current_timezone()

    def at(self, d: date, hour: int = 10) -> datetime:
        return datetime.combine(d, dtime(hour, self.rng.randrange(60)), tzinfo=self.tz)

    def count(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    # --- the whole county ---------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        from django.db import transaction

        with transaction.atomic():
            self.users()
            self.units()
            self.term_and_rounds()
            self.teams()
            self.assignments()
            self.findings()
            self.leads()
            self.transfers()
            self.rectifications()
            self.scores_and_inbox()
            self.grants()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return self.counts

    # --- accounts -----------------------------------------------------------------------------------

    def users(self) -> None:
        from django.contrib.auth.hashers import make_password

        from xuncha.accounts.models import User
        from xuncha.accounts.roles import Role, role_group

        password = make_password(BENCH_PASSWORD)
        spec = [
            ("office", "巡察办基准", Role.OFFICE),
            ("leader", "领导基准", Role.LEADER),
            ("team", "组员基准", Role.TEAM),
            ("unit", "单位负责人基准", Role.UNIT),
            ("jiwei", "纪委经办人", Role.JIWEI),
            ("zuzhibu", "组织部经办人", Role.ZUZHIBU),
            ("xinfang", "信访局经办人", Role.DEPARTMENT),
        ]
        made = {}
        for key, name, role in spec:
            user = User.objects.create(username=f"bench_{key}", name=name, password=password)
            user.groups.add(role_group(role))
            made[key] = user
        self.u = Users(**made)
        # A second office account, as a county has: the escalations go to every office user.
        extra = User.objects.create(username="bench_office2", name="巡察办二", password=password)
        extra.groups.add(role_group(Role.OFFICE))
        self.count("users", len(made) + 1)

    # --- units: departments, townships with their villages, enterprises, institutions -------------------

    def units(self) -> None:
        from rounds.models import Unit, UnitType

        rng = self.rng
        receivers = [
            Unit(name="县纪委监委", unit_type=UnitType.DEPARTMENT),
            Unit(name="县委组织部", unit_type=UnitType.DEPARTMENT),
            Unit(name="县信访局", unit_type=UnitType.DEPARTMENT),
        ]
        _bulk(Unit, receivers)
        self.jiwei_unit, self.zuzhibu_unit, self.xinfang_unit = receivers
        self.jiwei_unit.staff.add(self.u.jiwei)
        self.zuzhibu_unit.staff.add(self.u.zuzhibu)
        self.xinfang_unit.staff.add(self.u.xinfang)

        def person():
            return rng.choice("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗") + rng.choice("建国明华志强丽芳伟军红平") + rng.choice(
                "林峰刚涛英敏杰勇静磊"
            )

        def unit(name, kind, parent=None):
            return Unit(
                name=name,
                unit_type=kind,
                parent=parent,
                principal_name=person(),
                principal_post="党组书记" if kind == UnitType.DEPARTMENT else "党委书记",
                liaison_name=person(),
                office_phone=f"0791-8{rng.randrange(1000000, 9999999)}",
                address=f"青山县{name}办公楼",
            )

        departments = [unit(f"县直第{i:02d}局", UnitType.DEPARTMENT) for i in range(1, 58)]
        townships = [unit(f"第{i:02d}镇", UnitType.TOWNSHIP) for i in range(1, 21)]
        soes = [unit(f"县第{i:02d}国有公司", UnitType.SOE) for i in range(1, 16)]
        _bulk(Unit, departments + townships + soes)
        institutions = [
            unit(f"县第{i:02d}中心", UnitType.INSTITUTION, parent=departments[i % len(departments)])
            for i in range(1, 16)
        ]
        villages = [
            unit(f"{townships[i % 20].name}第{i // 20 + 1:02d}村", UnitType.VILLAGE, parent=townships[i % 20])
            for i in range(190)
        ]
        _bulk(Unit, institutions + villages)
        inspectable = departments + townships + soes + institutions + villages
        rng.shuffle(inspectable)
        self.inspectable = inspectable
        self.count("units", 3 + len(inspectable))

    # --- the term and its fifteen rounds, in every stage ------------------------------------------------

    def term_and_rounds(self) -> None:
        from rounds.models import (
            MILESTONE_ORDER,
            Milestone,
            MilestoneKind,
            Round,
            RoundKind,
            RoundStatus,
            RoundTransition,
            Term,
        )

        t = self.today
        term = Term.objects.create(
            name="第十五届县委", start_date=t - timedelta(days=1650), end_date=t + timedelta(days=175), is_current=True
        )
        S = RoundStatus
        # (status, days from today to the mobilization meeting)
        stages = [(S.DONE, -1600 + 140 * i) for i in range(8)] + [
            (S.RECTIFYING, -190),
            (S.RECTIFYING, -150),
            (S.FEEDBACK, -85),
            (S.REPORTING, -60),
            (S.STATIONED, -25),
            (S.MOBILIZING, -2),
            (S.PREPARING, 40),
        ]
        order = [S.PREPARING, S.MOBILIZING, S.STATIONED, S.REPORTING, S.FEEDBACK, S.RECTIFYING, S.DONE]
        rounds, milestones, transitions, schedules = [], [], [], {}
        for number, (status, offset) in enumerate(stages, start=1):
            mob = workday(t + timedelta(days=offset))
            station = workday(mob + timedelta(days=1))
            onsite_end = station + timedelta(days=30)
            report_group = workday(onsite_end + timedelta(days=20))
            report_five = workday(report_group + timedelta(days=8))
            feedback = workday(report_five + timedelta(days=18))
            deadline = workday(feedback + timedelta(days=120))
            schedules[number] = dict(
                mobilization=mob, stationing=station, onsite_end=onsite_end, report_group=report_group,
                report_five=report_five, feedback=feedback, rectify_deadline=deadline,
            )  # fmt: skip
            kind = RoundKind.REGULAR
            theme = ""
            if number == 4:
                kind, theme = RoundKind.SPECIAL, "乡村振兴领域"
            elif number == 7:
                kind = RoundKind.LOOKBACK
            elif number == 12:
                kind = RoundKind.MOBILE
            rounds.append(
                Round(
                    term=term, number=number, kind=kind, theme=theme, planned_start=mob, planned_end=deadline,
                    status=status, plan_note=f"第{number}轮巡察工作方案要点", created_by=self.u.office,
                )  # fmt: skip
            )
        _bulk(Round, rounds)
        rounds[6].revisit_of = rounds[1]
        rounds[6].save(update_fields=["revisit_of"])
        reached = {
            S.PREPARING: [],
            S.MOBILIZING: [MilestoneKind.MOBILIZATION],
            S.STATIONED: [MilestoneKind.MOBILIZATION, MilestoneKind.STATIONING],
            S.REPORTING: [MilestoneKind.MOBILIZATION, MilestoneKind.STATIONING, MilestoneKind.REPORT_GROUP],
            S.FEEDBACK: MILESTONE_ORDER[:4],
            S.RECTIFYING: MILESTONE_ORDER[:5],
            S.DONE: MILESTONE_ORDER,
        }
        for rnd in rounds:
            sched = schedules[rnd.number]
            for kind in MILESTONE_ORDER:
                planned = sched[kind]
                milestones.append(
                    Milestone(
                        round=rnd, kind=kind, planned_date=planned,
                        actual_date=planned if kind in reached[rnd.status] and planned <= t else None,
                    )  # fmt: skip
                )
            for a, b in zip(order, order[1 : order.index(rnd.status) + 1], strict=False):
                transitions.append(RoundTransition(round=rnd, from_status=a, to_status=b, by=self.u.office))
        _bulk(Milestone, milestones)
        _bulk(RoundTransition, transitions)
        self.term, self.rounds, self.schedules = term, rounds, schedules
        self.count("rounds", len(rounds))
        self.count("milestones", len(milestones))

    # --- the cadre pool and sixty teams ----------------------------------------------------------------

    def teams(self) -> None:
        from teams.models import Cadre, MemberRole, Team, TeamMember

        rng = self.rng
        homes = [u for u in self.inspectable if u.unit_type in ("department", "institution")]
        cadres = [
            Cadre(
                name=f"干部{i:03d}", gender=rng.choice("男女"), home_unit=rng.choice(homes),
                post=rng.choice(["科长", "副科长", "主任科员", "四级主任科员"]),
                specialty=rng.choice(["财务审计", "纪检监察", "组织人事", ""]),
            )  # fmt: skip
            for i in range(1, 201)
        ]
        cadres.append(Cadre(name="组员基准", home_unit=homes[0], user=self.u.team))
        _bulk(Cadre, cadres)
        bench_cadre = cadres[-1]
        pool = cadres[:-1]
        teams, members = [], []
        for rnd in self.rounds:
            for number in range(1, TEAMS_PER_ROUND + 1):
                teams.append(Team(round=rnd, number=number, note="负责本组被巡察单位的巡察工作"))
        _bulk(Team, teams)
        by_round = defaultdict(list)
        for team in teams:
            by_round[team.round_id].append(team)
        for rnd in self.rounds:
            chosen = rng.sample(pool, TEAMS_PER_ROUND * 5)
            for i, team in enumerate(by_round[rnd.pk]):
                five = chosen[i * 5 : i * 5 + 5]
                roles = [MemberRole.LEADER, MemberRole.DEPUTY, MemberRole.MEMBER, MemberRole.MEMBER, MemberRole.MEMBER]
                for cadre, role in zip(five, roles, strict=True):
                    members.append(TeamMember(team=team, round=rnd, cadre=cadre, role=role, duty="谈话、查阅资料"))
        # The bench team member serves on the first team of the stationed round and of a rectifying round.
        self.team_of_member = [by_round[self.rounds[12].pk][0], by_round[self.rounds[9].pk][0]]
        for team in self.team_of_member:
            members.append(TeamMember(team=team, round_id=team.round_id, cadre=bench_cadre, role=MemberRole.MEMBER))
        _bulk(TeamMember, members)
        self.teams_by_round = by_round
        self.count("teams", len(teams))
        self.count("team members", len(members))

    # --- assignments and announcements -----------------------------------------------------------------

    def assignments(self) -> None:
        from rounds.models import Announcement, AnnouncementStatus, Assignment, AssignmentMode, RoundStatus

        rng = self.rng
        rows = []
        for i, rnd in enumerate(self.rounds):
            units = self.inspectable[i * UNITS_PER_ROUND : (i + 1) * UNITS_PER_ROUND]
            if rnd.number == 7:  # 回头看: the units of round 2 again
                units = self.inspectable[1 * UNITS_PER_ROUND : 2 * UNITS_PER_ROUND]
            sched = self.schedules[rnd.number]
            for j, unit in enumerate(units):
                team = self.teams_by_round[rnd.pk][j % TEAMS_PER_ROUND]
                mode = AssignmentMode.REGULAR
                if rnd.number == 12 and j % 5 == 0:
                    mode = AssignmentMode.TARGETED
                elif unit.unit_type == "village" and j % 7 == 0:
                    mode = AssignmentMode.ELEVATED
                rows.append(
                    Assignment(
                        round=rnd, team=team, unit=unit, mode=mode,
                        onsite_start=sched["stationing"], onsite_end=sched["onsite_end"],
                    )  # fmt: skip
                )
        _bulk(Assignment, rows)
        self.assignments_ = rows
        self.by_round_assignments = defaultdict(list)
        for a in rows:
            self.by_round_assignments[a.round_id].append(a)
        # The assignment whose feedback is rendered: the first one of the second rectifying round.
        self.doc_assignment = self.by_round_assignments[self.rounds[9].pk][0]
        self.doc_assignment.unit.principal_user = self.u.unit
        self.doc_assignment.unit.save(update_fields=["principal_user"])
        status_of = {r.pk: r.status for r in self.rounds}
        announcements = []
        for a in rows:
            if status_of[a.round_id] == RoundStatus.PREPARING:
                continue
            start = a.onsite_start
            announcements.append(
                Announcement(
                    assignment=a, start_date=start, end_date=a.onsite_end, phone=f"0791-8{rng.randrange(100000, 999999)}",
                    mailbox=f"青山县{rng.randrange(100, 999)}号信箱", email="xuncha@example.org",
                    status=AnnouncementStatus.PUBLISHED, published_at=self.at(start - timedelta(days=1)),
                    published_by=self.u.office,
                )  # fmt: skip
            )
        _bulk(Announcement, announcements)
        self.count("assignments", len(rows))
        self.count("announcements", len(announcements))

    def _spread(self, total: int, assignments: list, fixed: dict | None = None) -> dict[int, int]:
        """`total` rows spread over the assignments, unevenly (weights 0.3–1.7), some fixed counts first."""
        fixed = fixed or {}
        rest = [a for a in assignments if a.pk not in fixed]
        remaining = total - sum(fixed.values())
        weights = [0.3 + 1.4 * self.rng.random() for _ in rest]
        scale = remaining / sum(weights)
        counts = {a.pk: int(w * scale) for a, w in zip(rest, weights, strict=True)}
        short = remaining - sum(counts.values())
        for a in rest[:short]:
            counts[a.pk] += 1
        return {**counts, **fixed}

    # --- findings: every category and review state -----------------------------------------------------

    def findings(self) -> None:
        from clues.models import Category, Finding, FindingReview, FindingStatus, Severity
        from rounds.models import RoundStatus

        rng = self.rng
        cats = list(Category.objects.filter(scheme="三个聚焦", parent__isnull=False))
        if not cats:
            raise SystemExit("No categories: the data migration of clues did not run (migrate first).")
        round_of = {r.pk: r for r in self.rounds}
        FS = FindingStatus
        mix = {
            RoundStatus.STATIONED: [(FS.DRAFT, 40), (FS.SUBMITTED, 20), (FS.DEPUTY_APPROVED, 15),
                                    (FS.LEADER_APPROVED, 10), (FS.RETURNED, 10), (FS.APPROVED, 5)],
            RoundStatus.REPORTING: [(FS.APPROVED, 60), (FS.LEADER_APPROVED, 20), (FS.DEPUTY_APPROVED, 10),
                                    (FS.RETURNED, 5), (FS.SUBMITTED, 5)],
        }  # fmt: skip
        with_findings = [
            a for a in self.assignments_ if round_of[a.round_id].status not in (RoundStatus.PREPARING, RoundStatus.MOBILIZING)
        ]
        counts = self._spread(
            self.size["findings"], with_findings, fixed={self.doc_assignment.pk: DOC_UNIT_FINDINGS}
        )
        serials = defaultdict(int)
        rows = []
        for a in with_findings:
            rnd = round_of[a.round_id]
            statuses, weights = zip(*mix.get(rnd.status, [(FS.APPROVED, 1)]), strict=True)
            year = rnd.planned_start.year
            for _ in range(counts[a.pk]):
                serials[(a.team_id, year)] += 1
                status = rng.choices(statuses, weights)[0]
                if a.pk == self.doc_assignment.pk:
                    status = FS.APPROVED
                cat = rng.choice(cats)
                fixed = rng.random() < 0.15
                rows.append(
                    Finding(
                        assignment=a, round_id=a.round_id, unit_id=a.unit_id, team_id=a.team_id, year=year,
                        serial=serials[(a.team_id, year)], category=cat,
                        title=f"{cat.name}方面存在的问题{serials[(a.team_id, year)]}",
                        manifestation="经查阅2023年以来的会议记录、财务凭证和有关文件，发现该单位" + cat.name + "的情况，"
                        "涉及金额若干万元，群众反映较为强烈。" * rng.randint(1, 3),
                        basis="违反《中国共产党纪律处分条例》有关规定。",
                        responsible_persons=rng.choice(["", "单位主要负责人", "分管领导、财务股长"]),
                        severity=rng.choices(list(Severity.values), [70, 22, 8])[0],
                        is_key=rng.random() < 0.1, fixed_on_site=fixed,
                        on_site_action="巡察期间已完成整改。" if fixed else "",
                        status=status, written_by=self.u.office,
                        approved_at=self.at(rnd.planned_start + timedelta(days=60)) if status == FS.APPROVED else None,
                    )  # fmt: skip
                )
        _bulk(Finding, rows)
        reviews = []
        action_of = {
            FS.SUBMITTED: "submit", FS.DEPUTY_APPROVED: "approve", FS.LEADER_APPROVED: "approve",
            FS.APPROVED: "approve", FS.RETURNED: "return",
        }  # fmt: skip
        for f in rows:
            if f.status in action_of:
                reviews.append(
                    FindingReview(
                        finding=f, action=action_of[f.status], from_status=FS.SUBMITTED, to_status=f.status,
                        reason="事实不清，请补充证据" if f.status == FS.RETURNED else "", by=self.u.office,
                    )  # fmt: skip
                )
        _bulk(FindingReview, reviews)
        self.findings_ = rows
        self.count("findings", len(rows))
        self.count("finding reviews", len(reviews))

    # --- leads: every channel, scope and disposition ---------------------------------------------------

    def leads(self) -> None:
        from clues.models import (
            Channel,
            Disposition,
            Lead,
            LeadStatus,
            OutOfScope,
            PartnerDepartment,
            ScopeStatus,
        )
        from rounds.models import RoundStatus

        rng = self.rng
        round_of = {r.pk: r for r in self.rounds}
        with_leads = [
            a for a in self.assignments_ if round_of[a.round_id].status not in (RoundStatus.PREPARING, RoundStatus.MOBILIZING)
        ]
        counts = self._spread(self.size["leads"], with_leads)
        D = Disposition
        dispositions = [(D.TO_JIWEI, 20), (D.TO_ZUZHIBU, 8), (D.TO_OTHER, 4), (D.VERIFY, 30), (D.HOLD, 15), (D.CLOSE, 23)]
        serials = defaultdict(int)
        rows = []
        for a in with_leads:
            rnd = round_of[a.round_id]
            sched = self.schedules[rnd.number]
            for _ in range(counts[a.pk]):
                serials[a.team_id] += 1
                channel = rng.choice(list(Channel.values))
                lead = Lead(
                    assignment=a, round_id=a.round_id, unit_id=a.unit_id, team_id=a.team_id,
                    serial=serials[a.team_id], channel=channel,
                    partner_department=rng.choice(list(PartnerDepartment.values)) if channel == Channel.HANDOVER else "",
                    received_on=sched["stationing"] + timedelta(days=rng.randrange(30)),
                    subject_name=rng.choice(["张某", "李某某", "王某", "赵某", "刘某", ""]),
                    subject_post=rng.choice(["局长", "副局长", "股长", "村支书", ""]),
                    subject_is_principal=rng.random() < 0.1, subject_is_leadership=rng.random() < 0.3,
                    summary=f"反映{a.unit.name}有关人员违规问题", content="反映内容：" + "有关人员违规发放补贴，优亲厚友。" * 3,
                    reporter_named=False, recorded_by=self.u.office,
                )  # fmt: skip
                r = rng.random()
                if rnd.status == RoundStatus.STATIONED and r < 0.15:
                    lead.scope, lead.status = ScopeStatus.PENDING, LeadStatus.REGISTERED
                elif r < 0.27:
                    lead.scope, lead.status = ScopeStatus.OUT_OF_SCOPE, LeadStatus.HANDED_OVER
                    lead.out_of_scope_category = rng.choice(list(OutOfScope.values))
                    lead.handed_to = self.xinfang_unit
                    lead.explanation = "不属巡察受理范围，已按规定移交信访局办理。"
                    lead.handling_outcome = "已办结" if rng.random() < 0.5 else ""
                else:
                    lead.scope = ScopeStatus.IN_SCOPE
                    disposition = rng.choices(*zip(*dispositions, strict=True))[0]
                    if rnd.status == RoundStatus.STATIONED:
                        lead.status = rng.choice([LeadStatus.TRIAGED, LeadStatus.PROPOSED])
                        if lead.status == LeadStatus.PROPOSED:
                            lead.proposed_disposition, lead.proposed_by = disposition, self.u.office
                            lead.proposed_reason = "线索具体，可查性强"
                    else:
                        lead.proposed_disposition, lead.proposed_by = disposition, self.u.office
                        lead.proposed_reason = "线索具体，可查性强"
                        lead.disposition, lead.confirmed_by = disposition, self.u.office
                        lead.confirmed_at = self.at(sched["report_group"])
                        lead.status = LeadStatus.CLOSED if disposition == D.CLOSE else LeadStatus.CONFIRMED
                rows.append(lead)
        _bulk(Lead, rows)
        self.leads_ = rows
        self.count("leads", len(rows))

    # --- transfer batches with their results ------------------------------------------------------------

    def transfers(self) -> None:
        from clues.models import (
            DisciplineForm,
            Disposition,
            HandlingResult,
            Lead,
            LeadStatus,
            PersonDealt,
            Sanction,
            TransferBatch,
            TransferItem,
            TransferStatus,
        )
        from clues.models.intake import TRANSFER_DISPOSITIONS
        from rounds.models import RoundStatus

        rng = self.rng
        round_of = {r.pk: r for r in self.rounds}
        receiver_of = {
            Disposition.TO_JIWEI: self.jiwei_unit,
            Disposition.TO_ZUZHIBU: self.zuzhibu_unit,
            Disposition.TO_OTHER: self.xinfang_unit,
        }
        groups = defaultdict(list)
        for lead in self.leads_:
            if lead.status == LeadStatus.CONFIRMED and lead.disposition in TRANSFER_DISPOSITIONS:
                groups[(lead.round_id, lead.disposition)].append(lead)
        available = sum(len(v) for v in groups.values())
        wanted = min(self.size["batches"], available)
        # Batches per group in proportion to its leads (at least one each).
        keys = sorted(groups)
        per = {k: max(1, round(wanted * len(groups[k]) / available)) for k in keys}
        per = {k: min(n, len(groups[k])) for k, n in per.items()}
        diff = wanted - sum(per.values())
        for k in sorted(keys, key=lambda k: -len(groups[k])):
            if diff == 0:
                break
            step = 1 if diff > 0 else -1
            if 1 <= per[k] + step <= len(groups[k]):
                per[k] += step
                diff -= step
        batches, plans = [], []
        serials = defaultdict(int)
        t = self.today
        for k in keys:
            leads = groups[k]
            rnd = round_of[k[0]]
            n = per[k]
            chunks = [leads[i::n] for i in range(n)]
            for chunk in chunks:
                sched = self.schedules[rnd.number]
                if rnd.status == RoundStatus.DONE:
                    status = rng.choices([TransferStatus.REPORTED, TransferStatus.ACKNOWLEDGED], [9, 1])[0]
                    sent_on = sched["report_five"] + timedelta(days=rng.randrange(10))
                elif rnd.status == RoundStatus.RECTIFYING:
                    status = rng.choice([TransferStatus.REPORTED, TransferStatus.ACKNOWLEDGED, TransferStatus.SENT])
                    # Some due within three days, some overdue: what the deadline sweep looks at.
                    sent_on = t - timedelta(days=rng.randrange(20, 40))
                else:
                    status = rng.choice([TransferStatus.DRAFT, TransferStatus.SENT, TransferStatus.ACKNOWLEDGED])
                    sent_on = t - timedelta(days=rng.randrange(0, 10))
                year = sent_on.year
                serials[year] += 1
                sent = status != TransferStatus.DRAFT
                batch = TransferBatch(
                    receiver=receiver_of[k[1]], round=rnd, year=year, serial=serials[year], note="请按规定办理并反馈结果",
                    status=status, deadline_days=30, deadline=sent_on + timedelta(days=30) if sent else None,
                    sent_at=self.at(sent_on) if sent else None, sent_by=self.u.office if sent else None,
                    acknowledged_at=self.at(sent_on + timedelta(days=2))
                    if status in (TransferStatus.ACKNOWLEDGED, TransferStatus.REPORTED) else None,
                    acknowledged_by=self.u.jiwei if status in (TransferStatus.ACKNOWLEDGED, TransferStatus.REPORTED) else None,
                    reported_at=self.at(sent_on + timedelta(days=25)) if status == TransferStatus.REPORTED else None,
                    created_by=self.u.office,
                )  # fmt: skip
                batches.append(batch)
                plans.append((batch, chunk))
        _bulk(TransferBatch, batches)
        items = []
        transferred = []
        for batch, chunk in plans:
            for lead in chunk:
                item = TransferItem(batch=batch, lead=lead)
                if batch.status == TransferStatus.REPORTED or (
                    batch.status == TransferStatus.ACKNOWLEDGED and rng.random() < 0.4
                ):
                    item.result = rng.choices(list(HandlingResult.values), [30, 25, 15, 10, 20])[0]
                    item.result_note = "经初步核实，反映问题部分属实。"
                    item.reported_by = batch.acknowledged_by
                    item.reported_at = batch.acknowledged_at
                items.append(item)
                if batch.status != TransferStatus.DRAFT:
                    transferred.append(lead.pk)
        _bulk(TransferItem, items)
        Lead.objects.filter(pk__in=transferred).update(status=LeadStatus.TRANSFERRED)
        persons = []
        for item in items:
            if item.result in (HandlingResult.CASE, HandlingResult.TALK):
                for i in range(rng.choice([1, 1, 2])):
                    form = rng.choice(list(DisciplineForm.values))
                    persons.append(
                        PersonDealt(
                            item=item, name=f"某某{i + 1}", post="股长", form=form,
                            sanction=rng.choice(list(Sanction.values)), detail="给予相应处理",
                        )  # fmt: skip
                    )
        _bulk(PersonDealt, persons)
        self.count("transfer batches", len(batches))
        self.count("transfer items", len(items))
        self.count("persons dealt with", len(persons))

    # --- rectifications, problems, measures, reports ---------------------------------------------------

    def rectifications(self) -> None:
        from clues.models import FindingStatus
        from rectification.models import (
            Commitment,
            CommitmentKind,
            Measure,
            MeasureEvent,
            MeasureKind,
            MeasureStatus,
            Problem,
            ProgressLevel,
            Rating,
            Rectification,
            RectStatus,
            Report,
            ReportEntry,
            ReportKind,
            ReportVersion,
            VersionStatus,
        )
        from rectification.models.deadlines import half_month_due_dates
        from rounds.models import RoundStatus

        rng = self.rng
        t = self.today
        round_of = {r.pk: r for r in self.rounds}
        fed = (RoundStatus.FEEDBACK, RoundStatus.RECTIFYING, RoundStatus.DONE)
        rects = []
        for a in self.assignments_:
            rnd = round_of[a.round_id]
            if rnd.status not in fed:
                continue
            sched = self.schedules[rnd.number]
            meeting = sched["feedback"]
            r = rng.random()
            if rnd.status == RoundStatus.DONE:
                status = RectStatus.CLOSED
            elif rnd.status == RoundStatus.RECTIFYING:
                status = RectStatus.IN_PROGRESS if r < 0.85 else (RectStatus.PLAN_SUBMITTED if r < 0.95 else RectStatus.PLANNING)
            else:
                status = RectStatus.PREPARING if r < 0.5 else RectStatus.PLANNING
            if a.pk == self.doc_assignment.pk:
                status = RectStatus.IN_PROGRESS
            held = status != RectStatus.PREPARING and meeting <= t
            if status == RectStatus.PLANNING and not held:
                status = RectStatus.PREPARING
            rect = Rectification(
                assignment=a, round_id=a.round_id, unit_id=a.unit_id, team_id=a.team_id, status=status,
                report_summary="该单位党组织能够贯彻落实上级决策部署，但仍存在一些问题。",
                feedback_intro="根据县委统一部署，县委巡察组对该单位党组织进行了巡察。",
                demands="高度重视整改工作\n建立整改台账\n按期报送整改进展", deadline=sched["rectify_deadline"],
                meeting_date=meeting if held else None, meeting_place="单位会议室" if held else "",
                meeting_attendees="单位领导班子成员" if held else "", meeting_recorded_by=self.u.office if held else None,
                created_by=self.u.office,
            )  # fmt: skip
            if status in (RectStatus.IN_PROGRESS, RectStatus.CLOSED, RectStatus.PLAN_SUBMITTED):
                rect.plan_submitted_at = self.at(meeting + timedelta(days=25))
            if status in (RectStatus.IN_PROGRESS, RectStatus.CLOSED):
                rect.plan_approved_at = self.at(meeting + timedelta(days=30))
                rect.plan_approved_by = self.u.office
            if status == RectStatus.CLOSED:
                rect.closed_at = self.at(sched["rectify_deadline"] + timedelta(days=10))
                rect.rating = rng.choice(list(Rating.values))
                rect.rating_note = "整改工作总体到位"
                rect.rated_by = self.u.office
            rects.append(rect)
        _bulk(Rectification, rects)

        findings_by_assignment = defaultdict(list)
        for f in self.findings_:
            if f.status == FindingStatus.APPROVED:
                findings_by_assignment[f.assignment_id].append(f)
        problems = []
        for rect in rects:
            for seq, f in enumerate(findings_by_assignment[rect.assignment_id], start=1):
                problems.append(
                    Problem(
                        rectification=rect, finding=f, seq=seq, category_id=f.category_id, title=f.title,
                        description=f.manifestation, fixed_on_site=f.fixed_on_site,
                    )  # fmt: skip
                )
        _bulk(Problem, problems)

        commitments = []
        for rect in rects:
            if rect.plan_submitted_at:
                for kind in CommitmentKind.values:
                    commitments.append(
                        Commitment(
                            rectification=rect, kind=kind, text="我们郑重承诺，坚决抓好巡察反馈问题整改。",
                            members="张某、李某、王某" if kind == CommitmentKind.LEADERSHIP else "",
                            signed_by=self.u.unit, signer_name=rect.assignment.unit.principal_name,
                            signed_at=rect.plan_submitted_at, sha256="0" * 64,
                        )  # fmt: skip
                    )
        _bulk(Commitment, commitments)

        # Measures: spread over the problems of the rectifications that have a plan.
        planned = {r.pk for r in rects if r.status != RectStatus.PREPARING}
        rect_of = {r.pk: r for r in rects}
        with_plan = [p for p in problems if p.rectification_id in planned]
        avg = self.size["measures"] / max(1, len(with_plan))
        base, frac = int(avg), avg - int(avg)
        measures, events = [], []
        total_wanted = self.size["measures"]
        for i, problem in enumerate(with_plan):
            n = base + (1 if rng.random() < frac else 0)
            if i == len(with_plan) - 1:
                n = max(1, total_wanted - len(measures))
            rect = rect_of[problem.rectification_id]
            start = rect.meeting_date
            span = max(1, (rect.deadline - start).days)
            for seq in range(1, n + 1):
                kind = rng.choices(list(MeasureKind.values), [20, 70, 10])[0]
                deadline = start + timedelta(days=rng.randrange(15, span + 1))
                if rect.status == RectStatus.IN_PROGRESS and rng.random() < 0.03:
                    deadline = t + timedelta(days=rng.choice([1, 2, 3]))  # due within the reminder windows
                status, closed_at, reopen = MeasureStatus.OPEN, None, 0
                if rect.status == RectStatus.CLOSED:
                    status = MeasureStatus.CLOSED if kind != MeasureKind.LONG_TERM else MeasureStatus.OPEN
                elif rect.status == RectStatus.IN_PROGRESS:
                    r = rng.random()
                    if deadline < t and r < 0.7:
                        status = MeasureStatus.CLOSED
                    elif r < 0.78:
                        status = MeasureStatus.OPEN
                    else:
                        status = MeasureStatus.RETURNED if r < 0.9 else MeasureStatus.OPEN
                        reopen = 1 if r >= 0.95 else 0
                if status == MeasureStatus.CLOSED:
                    closed_at = self.at(min(deadline, t))
                measures.append(
                    Measure(
                        problem=problem, rectification_id=rect.pk, seq=seq,
                        content=f"针对{problem.title[:20]}，制定整改措施第{seq}条，建立长效机制。",
                        goal="问题全面整改到位", deadline=deadline, kind=kind, responsible_leader="张某",
                        responsible_branch=rng.choice(["办公室", "财务股", "机关党支部"]), responsible_person="李某",
                        status=status, closed_at=closed_at, closed_by=self.u.office if closed_at else None,
                        reopen_count=reopen,
                    )  # fmt: skip
                )
        _bulk(Measure, measures)
        for m in measures:
            if m.status == MeasureStatus.CLOSED:
                events.append(MeasureEvent(measure=m, action=MeasureEvent.Action.CLOSE, reason="佐证材料齐全", by=self.u.office))
            elif m.status == MeasureStatus.RETURNED:
                events.append(MeasureEvent(measure=m, action=MeasureEvent.Action.RETURN, reason="佐证材料不足", by=self.u.office))
            if m.reopen_count:
                events.append(MeasureEvent(measure=m, action=MeasureEvent.Action.REOPEN, reason="问题反弹", by=self.u.office))
        _bulk(MeasureEvent, events)

        # Reports: every half month from the meeting to the deadline, and the final report.
        measures_of = defaultdict(list)
        for m in measures:
            measures_of[m.rectification_id].append(m)
        reports = []
        for rect in rects:
            if rect.meeting_date is None:
                continue
            dues = half_month_due_dates(rect.meeting_date, rect.deadline)
            for period, due in enumerate(dues, start=1):
                reports.append(Report(rectification=rect, kind=ReportKind.HALF_MONTHLY, period=period, due_date=due))
            reports.append(Report(rectification=rect, kind=ReportKind.FINAL, period=0, due_date=rect.deadline))
        for report in reports:
            rect = rect_of[report.rectification_id]
            if report.due_date >= t:
                continue
            if rect.status == RectStatus.CLOSED or (rect.status == RectStatus.IN_PROGRESS and rng.random() < 0.9):
                report.submitted_at = self.at(report.due_date - timedelta(days=rng.randrange(0, 3)))
        _bulk(Report, reports)
        versions = []
        for report in reports:
            if report.submitted_at is None:
                continue
            recent = (t - report.due_date).days < 20
            versions.append(
                ReportVersion(
                    report=report, number=1, status=VersionStatus.SUBMITTED if recent else VersionStatus.SIGNED,
                    summary="本期整改工作按计划推进。", principal_report="主要负责人召开专题会议研究部署整改工作。",
                    created_by=self.u.unit, submitted_by=self.u.unit, submitted_at=report.submitted_at,
                    signed_by=None if recent else self.u.unit, signer_name="" if recent else "单位负责人",
                    signed_at=None if recent else report.submitted_at, sha256="" if recent else "f" * 64,
                )  # fmt: skip
            )
        _bulk(ReportVersion, versions)
        report_of = {r.pk: r for r in reports}

        def entries():
            for v in versions:
                report = report_of[v.report_id]
                for m in measures_of[report.rectification_id]:
                    if m.closed_at and m.closed_at.date() < report.due_date - timedelta(days=15):
                        progress = ProgressLevel.DONE
                    elif m.deadline < report.due_date:
                        progress = ProgressLevel.DONE if m.status == MeasureStatus.CLOSED else ProgressLevel.ONGOING
                    else:
                        progress = ProgressLevel.ONGOING if report.period > 1 else ProgressLevel.NOT_STARTED
                    yield (v.pk, m.pk, progress, "按计划推进，已完成阶段性任务。", "", "")

        n_entries = _copy(
            ReportEntry, ["version_id", "measure_id", "progress", "narrative", "measure_number", "measure_text"], entries()
        )
        self.count("rectifications", len(rects))
        self.count("problems", len(problems))
        self.count("measures", len(measures))
        self.count("measure events", len(events))
        self.count("reports", len(reports))
        self.count("report versions", len(versions))
        self.count("progress entries", n_entries)
        self.count("commitments", len(commitments))

    # --- quality scores and a few inbox messages ------------------------------------------------------

    def scores_and_inbox(self) -> None:
        from dashboards.models import ScoreSource, TeamScore
        from rounds.models import RoundStatus
        from xuncha.notifications.models import Notification

        rng = self.rng
        scores = []
        for rnd in self.rounds:
            if rnd.status != RoundStatus.DONE:
                continue
            for team in self.teams_by_round[rnd.pk]:
                for source in (ScoreSource.LEADERSHIP, ScoreSource.OFFICE):
                    scores.append(TeamScore(team=team, source=source, score=rng.randrange(70, 98), scored_by=self.u.office))
                for a in self.by_round_assignments[rnd.pk]:
                    if a.team_id == team.pk:
                        scores.append(
                            TeamScore(team=team, source=ScoreSource.UNIT, unit_id=a.unit_id, score=rng.randrange(75, 100))
                        )
        _bulk(TeamScore, scores)
        notes = [
            Notification(recipient=user, title=f"基准消息{i}", body="基准测试生成的站内信", link="/", dedupe_key=f"bench:{user.pk}:{i}")
            for user in (self.u.office, self.u.leader, self.u.team, self.u.unit)
            for i in range(20)
        ]
        _bulk(Notification, notes)
        self.count("team scores", len(scores))

    def grants(self) -> None:
        """Every inspected unit has its principal's and liaison's accounts (the reminder sweep writes to
        them), and the guardian rows the services would have written: the units' own users, the bench
        team member's assignments."""
        from django.contrib.auth.models import Permission

        from rounds.models import Unit, UnitUserObjectPermission
        from xuncha.access.grants import sync_team
        from xuncha.accounts.models import User
        from xuncha.accounts.roles import Role, role_group

        password = self.u.unit.password
        accounts = []
        for i, unit in enumerate(self.inspectable):
            if unit.principal_user_id is None:
                unit.principal_user = User(username=f"u{i:03d}_zz", name=unit.principal_name, password=password)
                accounts.append(unit.principal_user)
            unit.liaison_user = User(username=f"u{i:03d}_lx", name=unit.liaison_name, password=password)
            accounts.append(unit.liaison_user)
        _bulk(User, accounts)
        group = role_group(Role.UNIT)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in accounts]
        )
        for unit in self.inspectable:
            unit.principal_user_id = unit.principal_user.pk
            unit.liaison_user_id = unit.liaison_user.pk
        Unit.objects.bulk_update(self.inspectable, ["principal_user", "liaison_user"], batch_size=BATCH)
        view_unit = Permission.objects.get(content_type__app_label="rounds", codename="view_unit")
        _bulk(
            UnitUserObjectPermission,
            [
                UnitUserObjectPermission(content_object=unit, permission=view_unit, user_id=uid)
                for unit in self.inspectable
                for uid in (unit.principal_user_id, unit.liaison_user_id)
            ],
        )
        for team in self.team_of_member:
            sync_team(team)
        self.count("users", len(accounts))


def generate(volume: str) -> tuple[dict[str, int], float]:
    started = time.perf_counter()
    counts = Generator(volume).run()
    return counts, time.perf_counter() - started


def main(argv: list[str]) -> None:
    volume = (argv[1] if len(argv) > 1 else "S").upper()
    if volume not in VOLUMES:
        raise SystemExit(f"volume must be one of {', '.join(VOLUMES)}")
    setup_django()
    counts, seconds = generate(volume)
    import json

    print(json.dumps({"volume": volume, "seconds": round(seconds, 1), "counts": counts}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv)
