"""Build the demo county 青山县 through the services, so their validations and access grants apply.

`build_demo()` is run by `manage.py seed_demo` inside one transaction. Dates are placed relative to
today: round 5 is rectifying, round 6 is on site with a milestone due within three days (for the
reminder task), round 7 is being prepared; rounds 1–4 are spread between the start of the term and
round 5. Random choices use `random.Random(2026)`, so names and numbers are the same on every run.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from demo import data as D
from demo.clues import ClueDemo, build_clues
from demo.history import build_history
from demo.rectification import build_rectification
from rounds.models import (
    Announcement,
    Assignment,
    AssignmentMode,
    MilestoneKind,
    Round,
    RoundStatus,
    RoundTransition,
    Term,
    Unit,
    UnitType,
)
from rounds.services import (
    announcement_publish,
    announcement_save,
    assignment_create,
    milestone_update,
    round_create,
    round_transition,
    term_save,
    unit_save,
)
from teams.models import Cadre, MemberRole, TeamMember, parse_specialties
from teams.services import cadre_save, team_create, team_member_add
from xuncha.accounts.models import User
from xuncha.accounts.roles import role_group

DEMO_PASSWORD = "demo12345"
MARKER_USERNAME = "office"

K = MilestoneKind
# The actions that bring a new round to a stage, in order, and the milestones that have happened by then.
STAGE_ACTIONS = {
    RoundStatus.PREPARING: [],
    RoundStatus.STATIONED: ["mobilize", "station"],
    RoundStatus.RECTIFYING: ["mobilize", "station", "report", "feedback", "rectify"],
    RoundStatus.DONE: ["mobilize", "station", "report", "feedback", "rectify", "complete"],
}
STAGE_HAPPENED = {
    RoundStatus.PREPARING: [],
    RoundStatus.STATIONED: [K.MOBILIZATION, K.STATIONING],
    RoundStatus.RECTIFYING: [K.MOBILIZATION, K.STATIONING, K.REPORT_GROUP, K.REPORT_FIVE, K.FEEDBACK],
    RoundStatus.DONE: list(K),
}
ROLE_LEVELS = {"leader": ["S", "M"], "deputy": ["M", "S"], "member": ["J", "M"]}


def demo_loaded() -> bool:
    return User.objects.filter(username=MARKER_USERNAME).exists()


def workday(d: date) -> date:
    """The day itself, or the Monday after it if it falls on a weekend."""
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def at(d: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(hour, minute)))


@dataclass(frozen=True)
class Schedule:
    mobilization: date
    stationing: date
    onsite_end: date
    report_group: date
    report_five: date
    feedback: date
    rectify_deadline: date

    @classmethod
    def from_mobilization(cls, mobilization: date, onsite_days: int, rectify_days: int = 120) -> "Schedule":
        mob = workday(mobilization)
        station = workday(mob + timedelta(days=1))
        onsite_end = station + timedelta(days=onsite_days)
        report_group = workday(onsite_end + timedelta(days=20))
        report_five = workday(report_group + timedelta(days=8))
        feedback = workday(report_five + timedelta(days=18))
        deadline = workday(feedback + timedelta(days=rectify_days))
        return cls(mob, station, onsite_end, report_group, report_five, feedback, deadline)

    @classmethod
    def on_site_now(cls, today: date) -> "Schedule":
        """On site for five weeks; the report to the leading group falls within the next three days."""
        mob = workday(today - timedelta(days=38))
        station = workday(mob + timedelta(days=1))
        report_group = next(d for d in (today + timedelta(days=n) for n in (3, 2, 1)) if d.weekday() < 5)
        onsite_end = report_group - timedelta(days=1)
        report_five = workday(report_group + timedelta(days=7))
        feedback = workday(report_five + timedelta(days=14))
        deadline = workday(feedback + timedelta(days=90))
        return cls(mob, station, onsite_end, report_group, report_five, feedback, deadline)

    def milestone_dates(self) -> dict[str, date]:
        return {
            K.MOBILIZATION: self.mobilization,
            K.STATIONING: self.stationing,
            K.REPORT_GROUP: self.report_group,
            K.REPORT_FIVE: self.report_five,
            K.FEEDBACK: self.feedback,
            K.RECTIFY_DEADLINE: self.rectify_deadline,
        }

    def transition_time(self, action: str) -> datetime:
        return {
            "mobilize": at(self.mobilization - timedelta(days=7), 10),
            "station": at(self.stationing, 9),
            "report": at(self.onsite_end + timedelta(days=1), 17, 30),
            "feedback": at(self.report_five, 17),
            "rectify": at(self.feedback, 16),
            "complete": at(self.rectify_deadline + timedelta(days=10), 10),
        }[action]


class DemoBuilder:
    def __init__(self, today: date | None = None):
        self.today = today or timezone.localdate()
        self.rng = random.Random(2026)
        self.people = D.People(self.rng, [name for name, _ in D.ACCOUNTS.values()])
        self.users: dict[str, User] = {}
        self.units: dict[str, Unit] = {}
        self.cadres: list[Cadre] = []
        self.rounds: dict[int, Round] = {}

    # --- accounts ---------------------------------------------------------------------------------

    def build_users(self) -> None:
        password = make_password(DEMO_PASSWORD)  # hashed once: the hasher is slow on purpose
        groups = {}
        for username, (name, roles) in D.ACCOUNTS.items():
            user = User.objects.create(
                username=username,
                name=name,
                email=D.USER_EMAIL.format(username=username),
                phone=self.people.mobile(),
                organization=D.ACCOUNT_ORGANIZATIONS.get(username, ""),
                password=password,
            )
            for role in roles:
                if role not in groups:
                    groups[role] = role_group(role)
                user.groups.add(groups[role])
            self.users[username] = user
        self.office = self.users["office"]

    # --- units ------------------------------------------------------------------------------------

    def _unit(self, name, unit_type, post, address, parent=None) -> Unit:
        principal, _ = self.people.name()
        liaison, _ = self.people.name()
        return Unit(
            name=name,
            unit_type=unit_type,
            parent=parent,
            principal_name=principal,
            principal_post=post,
            principal_phone=self.people.mobile(),
            liaison_name=liaison,
            liaison_phone=self.people.mobile(),
            office_phone=self.people.landline(),
            address=address,
        )

    def _street_address(self) -> str:
        return f"{D.COUNTY}城关镇{self.rng.choice(D.ROADS)}{self.rng.randint(1, 268)}号"

    def build_units(self) -> None:
        top = []
        for name, post in D.DEPARTMENTS:
            if name in D.ADMIN_CENTRE:
                address = f"{D.COUNTY}行政中心{self.rng.randint(1, 4)}号楼"
            else:
                address = self._street_address()
            top.append(self._unit(name, UnitType.DEPARTMENT, post, address))
        for name in D.TOWNSHIPS:
            if name == "城关镇":
                address = f"{D.COUNTY}城关镇府前路{self.rng.randint(1, 40)}号"
            else:
                address = f"{D.COUNTY}{name}{name[:-1]}街{self.rng.randint(1, 88)}号"
            top.append(self._unit(name, UnitType.TOWNSHIP, D.TOWNSHIP_POST, address))
        for name, post in D.SOES:
            top.append(self._unit(name, UnitType.SOE, post, self._street_address()))
        for name, parent, post in D.INSTITUTIONS:
            if parent is None:
                top.append(self._unit(name, UnitType.INSTITUTION, post, self._street_address()))
        self._save_units(top)

        below = []
        for name, parent, post in D.INSTITUTIONS:
            if parent is not None:
                below.append(
                    self._unit(name, UnitType.INSTITUTION, post, self._street_address(), self.units[parent])
                )
        for township in D.TOWNSHIPS:
            if township == "城关镇":
                places = [(n, "社区") for n in D.CHENGGUAN_COMMUNITIES] + [
                    (n, "村") for n in D.CHENGGUAN_VILLAGES
                ]
            else:
                seat = [(township[:-1], "社区")]
                count = self.rng.randint(11, 12)
                places = seat + [(n, "村") for n in self.rng.sample(D.VILLAGE_NAMES, count)]
            for place, suffix in places:
                post = D.COMMUNITY_POST if suffix == "社区" else D.VILLAGE_POST
                address = f"{D.COUNTY}{township}{place}{suffix}党群服务中心"
                below.append(
                    self._unit(
                        f"{township}{place}{suffix}", UnitType.VILLAGE, post, address, self.units[township]
                    )
                )
        self._save_units(below)
        self.by_pk = {unit.pk: unit for unit in self.units.values()}
        self.children: dict[int, list[int]] = {}
        for unit in self.units.values():
            if unit.parent_id:
                self.children.setdefault(unit.parent_id, []).append(unit.pk)

    def _save_units(self, units: list[Unit]) -> None:
        spec = D.UNIT_ACCOUNTS
        for unit in units:
            if unit.name == spec["unit"]:
                unit.principal_name = D.ACCOUNTS[spec["principal"]][0]
                unit.principal_phone = self.users[spec["principal"]].phone
                unit.liaison_name = D.ACCOUNTS[spec["liaison"]][0]
                unit.liaison_phone = self.users[spec["liaison"]].phone
        # No unit but one has a login yet, so there are no grants to write: a bulk insert will do.
        for unit in bulk_create_with_history(units, Unit):
            self.units[unit.name] = unit

    def link_unit_accounts(self) -> None:
        """The principal and liaison of one unit log in; unit_save writes their grants."""
        spec = D.UNIT_ACCOUNTS
        unit = self.units[spec["unit"]]
        unit.principal_user = self.users[spec["principal"]]
        unit.liaison_user = self.users[spec["liaison"]]
        unit_save(unit=unit, by=self.office)

    # --- the term and the cadre pool ---------------------------------------------------------------

    def build_term(self) -> None:
        self.term_start = date(self.today.year - 4, 7, 1)
        term = Term(
            name=D.TERM_NAME,
            start_date=self.term_start,
            end_date=date(self.today.year + 1, 6, 30),
            is_current=True,
        )
        self.term = term_save(term=term, by=self.office)

    def build_cadres(self) -> None:
        accounts = {(home, post): username for username, (home, post, _) in D.CADRE_ACCOUNTS.items()}
        self.cadre_of: dict[str, Cadre] = {}
        for home, (specialty, slots) in D.CADRE_POOL.items():
            for post, level in slots:
                username = accounts.pop((home, post), None)
                if username:
                    user = self.users[username]
                    name, gender = user.name, D.CADRE_ACCOUNTS[username][2]
                    phone = user.phone
                    user.organization, user.post = home, post
                    user.save(update_fields=["organization", "post"])
                else:
                    user = None
                    name, gender = self.people.name()
                    phone = self.people.mobile()
                cadre = Cadre(
                    name=name,
                    gender=gender,
                    home_unit=self.units[home],
                    post=post,
                    specialty=specialty,
                    phone=phone,
                    user=user,
                )
                cadre.specialty_list = parse_specialties(specialty)[0]
                cadre_save(cadre=cadre, by=self.office)
                cadre.demo_level = level
                self.cadres.append(cadre)
                if username:
                    self.cadre_of[username] = cadre
        assert not accounts, f"CADRE_ACCOUNTS names posts missing from CADRE_POOL: {accounts}"

    # --- rounds -----------------------------------------------------------------------------------

    def schedules(self) -> dict[int, Schedule]:
        days = {spec["number"]: spec["onsite_days"] for spec in D.ROUNDS}
        first = self.term_start + timedelta(days=75)
        fifth = self.today - timedelta(days=185)
        step = (fifth - first) / 4
        out = {n: Schedule.from_mobilization(first + step * (n - 1), days[n]) for n in (1, 2, 3, 4)}
        out[5] = Schedule.from_mobilization(fifth, days[5])
        out[6] = Schedule.on_site_now(self.today)
        out[7] = Schedule.from_mobilization(self.today + timedelta(days=21), days[7], rectify_days=90)
        return out

    def build_rounds(self) -> None:
        schedules = self.schedules()
        self.inspected_villages: set[int] = set()
        for spec in D.ROUNDS:
            self.build_round(spec, schedules[spec["number"]])

    def _resolve_units(self, entries) -> list[tuple[Unit, str]]:
        out = []
        for entry in entries:
            if isinstance(entry, str):
                out.append((self.units[entry], AssignmentMode.REGULAR))
                continue
            how, township = entry[0], entry[1]
            villages = sorted(
                pk
                for pk in self.children[self.units[township].pk]
                if pk not in self.inspected_villages and not self.by_pk[pk].name.endswith("社区")
            )
            if how == "villages":
                chosen = self.rng.sample(villages, entry[2])
                out += [(self.by_pk[pk], AssignmentMode.ELEVATED) for pk in sorted(chosen)]
            else:
                out.append((self.by_pk[self.rng.choice(villages)], AssignmentMode.EXTENDED))
        self.inspected_villages |= {u.pk for u, _ in out if u.unit_type == UnitType.VILLAGE}
        return out

    def build_round(self, spec: dict, schedule: Schedule) -> None:
        stage = RoundStatus(spec["stage"])
        revisit = self.rounds[spec["revisit_of"]] if spec.get("revisit_of") else None
        round = round_create(
            round=Round(
                term=self.term,
                number=spec["number"],
                kind=spec["kind"],
                theme=spec.get("theme", ""),
                revisit_of=revisit,
                planned_start=schedule.mobilization,
                planned_end=schedule.feedback,
                plan_note=spec["plan_note"],
            ),
            by=self.office,
        )
        # The demo accounts' cadres serve only on the teams they are pinned to, so what each account
        # sees is easy to tell; a round in preparation takes no cadre who is on site in another round.
        used = {c.pk for c in self.cadre_of.values()}
        if stage == RoundStatus.PREPARING:
            used |= set(
                TeamMember.objects.filter(round__status=RoundStatus.STATIONED).values_list(
                    "cadre_id", flat=True
                )
            )
        order = list(self.cadres)
        self.rng.shuffle(order)
        staffing = spec.get("staffing")
        for index, entries in enumerate(spec["teams"]):
            units = self._resolve_units(entries)
            roles = (
                list(staffing[index])
                if staffing
                else ["leader", "deputy"] + ["member"] * self.rng.choice([2, 3])
            )
            self.build_team(
                round, units, roles, schedule, used, order, announce=stage != RoundStatus.PREPARING
            )

        happened = STAGE_HAPPENED[stage]
        for milestone in round.milestones.all():
            planned = schedule.milestone_dates()[milestone.kind]
            actual = planned if milestone.kind in happened else None
            milestone_update(milestone=milestone, planned_date=planned, actual_date=actual, by=self.office)
        for action in STAGE_ACTIONS[stage]:
            round = round_transition(round=round, action=action, by=self.office)
            RoundTransition.objects.filter(round=round, to_status=round.status).update(
                at=schedule.transition_time(action)
            )
        # Back-date what the services stamped with the time of the run.
        Round.objects.filter(pk=round.pk).update(created_at=at(schedule.mobilization - timedelta(days=30), 9))
        Assignment.objects.filter(round=round).update(
            created_at=at(schedule.mobilization - timedelta(days=20), 15)
        )
        Announcement.objects.filter(assignment__round=round).update(
            published_at=at(schedule.stationing - timedelta(days=3), 10)
        )
        self.rounds[round.number] = round

    def build_team(self, round, units, roles, schedule, used, order, announce: bool) -> None:
        unit_ids = {u.pk for u, _ in units}
        if units:
            villages_only = all(mode == AssignmentMode.ELEVATED for _, mode in units)
            if villages_only:
                township = units[0][0].parent.name
                note = f"提级巡察{township}{'、'.join(u.name.removeprefix(township) for u, _ in units)}"
            else:
                note = "负责巡察" + "、".join(u.name for u, _ in units)
        else:
            villages_only, note = False, "巡察对象待定"
        team = team_create(round=round, note=note, by=self.office)

        members: list[tuple[Cadre, str]] = []
        pinned = D.PINNED_MEMBERS.get((round.number, team.number), {})
        for role, usernames in pinned.items():
            for username in usernames:
                roles.remove(role)
                members.append((self.cadre_of[username], role))
        for role in roles:
            members.append((self._pick(role, members, unit_ids, used, order), role))
        for cadre, role in sorted(members, key=lambda m: ["leader", "deputy", "member"].index(m[1])):
            used.add(cadre.pk)
            if role == "leader":
                duty = D.LEADER_DUTY
            elif role == "deputy":
                duty = D.DEPUTY_DUTY
            elif villages_only and cadre.specialty == "财务审计":
                duty = D.VILLAGE_FINANCE_DUTY
            else:
                duty = D.MEMBER_DUTIES[cadre.specialty]
            team_member_add(team=team, cadre=cadre, role=MemberRole(role), duty=duty, by=self.office)

        phone = self.people.landline()
        for unit, mode in units:
            assignment = assignment_create(
                assignment=Assignment(
                    round=round,
                    team=team,
                    unit=unit,
                    mode=mode,
                    onsite_start=schedule.stationing,
                    onsite_end=schedule.onsite_end,
                ),
                by=self.office,
            )
            if announce:
                announcement = announcement_save(
                    announcement=Announcement(
                        assignment=assignment,
                        start_date=schedule.stationing,
                        end_date=schedule.onsite_end,
                        phone=phone,
                        mailbox=D.ANNOUNCEMENT_MAILBOX.format(round=round.number, team=team.number),
                        email=D.ANNOUNCEMENT_EMAIL.format(team=team.number),
                    ),
                    by=self.office,
                )
                announcement_publish(announcement=announcement, by=self.office)

    def _conflicts(self, cadre: Cadre, unit_ids: set[int]) -> bool:
        """The recusal rule of teams.services, answered from memory: home unit, above it, below it."""
        home = cadre.home_unit
        related = {home.pk}
        parent = home.parent_id
        while parent:
            related.add(parent)
            parent = self.by_pk[parent].parent_id
        frontier = [home.pk]
        while frontier:
            frontier = [c for pk in frontier for c in self.children.get(pk, [])]
            related.update(frontier)
        return bool(related & unit_ids)

    def _pick(self, role: str, members, unit_ids, used, order) -> Cadre:
        levels = ROLE_LEVELS[role]
        homes = [c.home_unit_id for c, _ in members]
        candidates = [
            (i, c)
            for i, c in enumerate(order)
            if c.pk not in used
            and c.demo_level in levels
            and c.is_available
            and c not in [m for m, _ in members]
            and not self._conflicts(c, unit_ids)
        ]
        if not candidates:
            raise RuntimeError(f"演示数据：找不到可担任{role}的巡察干部")

        def key(item):
            i, c = item
            level, same_home = levels.index(c.demo_level), homes.count(c.home_unit_id)
            return (level, same_home, i) if role != "member" else (same_home, level, i)

        return min(candidates, key=key)[1]

    def finish_cadres(self) -> None:
        """A few cadres on no current team cannot be seconded now."""
        current = [RoundStatus.STATIONED, RoundStatus.PREPARING]
        busy = set(TeamMember.objects.filter(round__status__in=current).values_list("cadre_id", flat=True))
        free = [c for c in self.cadres if c.pk not in busy and c.user_id is None]
        for cadre, note in zip(
            self.rng.sample(free, len(D.UNAVAILABLE_NOTES)), D.UNAVAILABLE_NOTES, strict=True
        ):
            cadre.is_available = False
            cadre.note = note
            cadre_save(cadre=cadre, by=self.office)

    def build(self) -> None:
        self.build_users()
        self.build_units()
        self.link_unit_accounts()
        self.build_term()
        self.build_cadres()
        self.build_rounds()
        self.finish_cadres()


def build_demo(*, today: date | None = None) -> ClueDemo:
    """Load the demo county into an empty database, then its leads, findings and transfers
    (`demo.clues`), the rectification of round 5 (`demo.rectification`) and the history of the completed rounds
    (`demo.history`). The caller holds the transaction. Returns the public receipt codes and the
    accounts `demo.clues` added."""
    builder = DemoBuilder(today)
    builder.build()
    clues = build_clues(builder)
    build_rectification(builder)
    build_history(builder)
    return clues
