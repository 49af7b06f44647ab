"""Importing past rounds (历史轮次录入): upload → dry run → confirm, all or nothing.

Why archival rounds skip the lifecycle: the stage machine of a round (`rounds.services.rounds`) and the
workflows of findings, rectifications and measures describe work done *in the system* — a working paper
reviewed four times, a plan approved, each measure verified against evidence. A round held before the
system was used cannot replay that after the fact, and the office's workbook records only its outcome.
So an import creates the round, its teams, assignments, findings, rectifications, problems and measures
directly in their final state (the round 完成; findings 已审定; each measure 已销号 / 整改中 as the workbook
says), marks the round as archival (`Round.archive_import`), and nothing of it changes afterwards but
by importing the round again (`xuncha.access.archival_refusal`, also asked by the transition guard).
A re-import updates the round in place by its natural keys — term and round number; team number; unit;
problem 序号; measure text — and removes what the workbook no longer lists; a round run in the system
is never overwritten (a row error of `archive.services.workbook`).

Never imported: working papers' evidence and reporters' identities (the workbook has no column for
them). Each archival problem is also an approved finding without a working paper (no evidence, no
review), so that the figures of problems found, the common-problem analysis and the quality indicators
count it; its 定性依据 says so.
"""

import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from clues.models import Finding, FindingStatus, TransferOutcome
from dashboards.selectors.figures import Scope, figures
from rectification.models import Measure, MeasureKind, MeasureStatus, Problem, Rectification, RectStatus
from rounds.models import ArchiveImport, ArchiveImportStatus, Assignment, Round, RoundStatus, Term
from teams.models import Team, TeamMember
from xuncha import access
from xuncha.core.transitions import Transition, Workflow, transition
from xuncha.errors import DomainError

from .. import layout as L
from .workbook import Plan, RoundPlan, RowError, read_workbook

ONLY_OFFICE = "只有巡察办可以导入历史轮次"
BASIS = "历史录入：依据当时的反馈意见录入，系统中无问题底稿及证据材料。"
DEMANDS = "历史录入：整改要求以当时印发的反馈意见为准。"
GOAL = "历史录入"

S = ArchiveImportStatus
ARCHIVE_FLOW = Workflow(
    "rounds.archiveimport",
    [
        Transition("import", [S.CHECKED], S.IMPORTED, "确认导入"),
        Transition("fail", [S.CHECKED], S.FAILED, "检查未通过"),
        Transition("abandon", [S.CHECKED], S.SUPERSEDED, "放弃"),
    ],
)

# The figures the dry run shows before and after: (key, label, is a share).
FIGURES = [
    ("units", "巡察单位（家次）", False),
    ("units_covered", "本届已覆盖单位", False),
    ("covered_share", "覆盖率（%）", True),
    ("findings", "发现问题", False),
    ("problems", "反馈问题", False),
    ("to_jiwei", "移交纪委监委问题线索", False),
    ("cases", "立案", False),
    ("persons", "处理人数", False),
    ("measures", "整改措施", False),
    ("completion_rate", "整改完成率（%）", True),
]


class ImportRefused(DomainError):
    """The workbook has row errors: nothing was saved."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"工作簿有 {len(errors)} 处错误，未导入任何数据")
        self.errors = errors


@dataclass
class Tally:
    """created / updated / deleted / unchanged per sheet."""

    counts: dict

    @classmethod
    def new(cls):
        return cls({sheet: Counter() for sheet in L.SHEETS})

    def add(self, sheet: str, what: str, n: int = 1):
        self.counts[sheet][what] += n

    def as_dict(self) -> dict:
        return {
            sheet: {k: c.get(k, 0) for k in ("created", "updated", "deleted", "unchanged")}
            for sheet, c in self.counts.items()
        }


# --- applying a plan -----------------------------------------------------------------------------------


def _aware(day):
    return timezone.make_aware(datetime.combine(day, time(12, 0))) if day else None


def _sync(model, sheet: str, tally: Tally, existing: dict, wanted: dict, *, count: bool = True) -> dict:
    """Create the wanted rows that do not exist, update those that differ (field by field, so a row
    the workbook leaves as it is gets no new history), and return key → row. Rows of `existing` not
    wanted are left to the caller (deleted in order)."""
    creates, updates, changed_fields = [], [], set()
    out = {}
    for key, values in wanted.items():
        obj = existing.get(key)
        if obj is None:
            obj = model(**values)
            creates.append(obj)
        else:
            diff = [name for name, value in values.items() if getattr(obj, name) != value]
            for name in diff:
                setattr(obj, name, values[name])
            if diff:
                updates.append(obj)
                changed_fields.update(diff)
            elif count:
                tally.add(sheet, "unchanged")
        out[key] = obj
    # Updates first: a row that moves (a measure's 序号) frees its place before a new row takes it.
    if updates:
        bulk_update_with_history(
            updates, model, sorted(changed_fields), batch_size=500, default_change_reason="历史录入（重新导入）"
        )
    if creates:
        bulk_create_with_history(creates, model, batch_size=500, default_change_reason="历史录入")
    if count:
        tally.add(sheet, "created", len(creates))
        tally.add(sheet, "updated", len(updates))
    return out


def _delete(sheet: str, tally: Tally, objs, *, count: bool = True) -> None:
    objs = list(objs)
    for obj in objs:
        obj._change_reason = "历史录入（重新导入时删除）"
        obj.delete()
    if count:
        tally.add(sheet, "deleted", len(objs))


def _apply_round(rp: RoundPlan, record: ArchiveImport, by, tally: Tally, done: dict, dry: bool) -> Round:
    # The round, created directly in its final state (see the module's docstring).
    revisit = None
    if rp.revisit_number:
        revisit = done.get((rp.term.pk, rp.revisit_number)) or Round.objects.filter(
            term=rp.term, number=rp.revisit_number
        ).first()
    values = {
        "term_id": rp.term.pk,
        "number": rp.number,
        "kind": rp.kind,
        "theme": rp.theme,
        "revisit_of_id": revisit.pk if revisit else None,
        "planned_start": rp.start,
        "planned_end": rp.end,
        "status": RoundStatus.DONE,
    }
    round = rp.existing
    if round is None:
        round = Round(**values, archive_import=record, created_by=by)
        round._change_reason = "历史录入"
        round.save()
        tally.add(L.ROUNDS, "created")
    else:
        diff = [name for name, value in values.items() if getattr(round, name) != value]
        for name in diff:
            setattr(round, name, values[name])
        round.archive_import = record  # the source shown on its pages: the latest import
        round._change_reason = "历史录入（重新导入）"
        round.save()
        tally.add(L.ROUNDS, "updated" if diff else "unchanged")
    done[(rp.term.pk, rp.number)] = round

    # Teams and their members.
    teams_before = {t.number: t for t in Team.objects.filter(round=round)}
    teams = _sync(Team, L.TEAMS, tally, teams_before, {n: {"round_id": round.pk, "number": n} for n in rp.teams})
    members_before = {
        (m.team_id, m.cadre_id, m.role): m for m in TeamMember.objects.filter(round=round)
    }
    wanted_members = {}
    for n, tp in rp.teams.items():
        for cadre, role in tp.places():
            wanted_members[(teams[n].pk, cadre.pk, role)] = {
                "team_id": teams[n].pk, "round_id": round.pk, "cadre_id": cadre.pk, "role": role,
            }  # fmt: skip
    # Places that change are removed first: the database allows a cadre on one team of a round only.
    _delete(L.TEAMS, tally, [m for k, m in members_before.items() if k not in wanted_members], count=False)
    _sync(TeamMember, L.TEAMS, tally, members_before, wanted_members, count=False)

    # Assignments.
    assignments_before = {a.unit_id: a for a in Assignment.objects.filter(round=round)}
    assignments = _sync(
        Assignment, L.UNITS, tally, assignments_before,
        {
            uid: {"round_id": round.pk, "unit_id": uid, "team_id": teams[up.team_number].pk, "mode": up.mode}
            for uid, up in rp.units.items()
        },
    )  # fmt: skip

    # Rectifications (one per unit with problems fed back), findings, problems, measures.
    rects_before = {r.unit_id: r for r in Rectification.objects.filter(round=round)}
    wanted_rects = {}
    for uid, up in rp.units.items():
        if not up.problems:
            continue
        measures = [m for p in up.problems.values() for m in p.measures]
        all_done = bool(measures) and all(m.state != L.OPEN for m in measures)
        last_done = max((m.done_on for m in measures if m.done_on), default=None)
        wanted_rects[uid] = {
            "assignment_id": assignments[uid].pk, "round_id": round.pk, "unit_id": uid,
            "team_id": teams[up.team_number].pk,
            "status": RectStatus.CLOSED if all_done else RectStatus.IN_PROGRESS,
            "demands": DEMANDS,
            "deadline": max((m.deadline for m in measures), default=rp.end),
            "meeting_date": rp.end,
            "closed_at": _aware(last_done or rp.end) if all_done else None,
        }  # fmt: skip
    rects = _sync(Rectification, L.PROBLEMS, tally, rects_before, wanted_rects, count=False)

    problems_before = {
        (p.rectification.unit_id, p.seq): p
        for p in Problem.objects.filter(rectification__round=round).select_related("rectification", "finding")
    }
    findings_before = {key: p.finding for key, p in problems_before.items() if p.finding_id}
    year = rp.start.year
    wanted_findings, serials = {}, Counter()
    for uid in sorted(rp.units, key=lambda uid: rp.units[uid].unit.name):
        up = rp.units[uid]
        team = teams[up.team_number]
        for seq in sorted(up.problems):
            pp = up.problems[seq]
            serials[team.pk] += 1
            wanted_findings[(uid, seq)] = {
                "assignment_id": assignments[uid].pk, "round_id": round.pk, "unit_id": uid, "team_id": team.pk,
                "year": year, "serial": serials[team.pk], "category_id": pp.category.pk,
                "title": _title(pp.text), "manifestation": pp.text, "basis": BASIS,
                "fixed_on_site": pp.fix_mode == L.IMMEDIATE, "status": FindingStatus.APPROVED,
                "approved_at": _aware(rp.end),
            }  # fmt: skip
    # A serial that moves could meet another's old one (unique per team and year): park them first.
    moving = [
        f for key, f in findings_before.items()
        if key in wanted_findings and (f.serial, f.team_id, f.year) != (
            wanted_findings[key]["serial"], wanted_findings[key]["team_id"], wanted_findings[key]["year"])
    ]  # fmt: skip
    gone_findings = [f for key, f in findings_before.items() if key not in wanted_findings]
    for f in moving:
        f.serial += 1_000_000
    if moving:
        Finding.objects.bulk_update(moving, ["serial"])  # parked only inside this transaction
    findings = _sync(Finding, L.PROBLEMS, tally, findings_before, wanted_findings, count=False)

    wanted_problems = {}
    for (uid, seq), fvalues in wanted_findings.items():
        pp = rp.units[uid].problems[seq]
        wanted_problems[(uid, seq)] = {
            "rectification_id": rects[uid].pk, "finding_id": findings[(uid, seq)].pk, "seq": seq,
            "category_id": pp.category.pk, "title": fvalues["title"], "description": pp.text,
            "fixed_on_site": fvalues["fixed_on_site"],
        }  # fmt: skip
    gone_problems = [p for key, p in problems_before.items() if key not in wanted_problems]

    measures_before = {
        (m.rectification.unit_id, m.problem.seq, m.content): m
        for m in Measure.objects.filter(rectification__round=round).select_related("rectification", "problem")
    }
    # Deleting in order: what the workbook no longer lists, children first.
    wanted_measure_keys = {
        (uid, seq, m.content) for uid, up in rp.units.items() for seq, pp in up.problems.items() for m in pp.measures
    }
    _delete(L.MEASURES, tally, [m for k, m in measures_before.items() if k not in wanted_measure_keys])
    _delete(L.PROBLEMS, tally, gone_problems)
    problems = _sync(Problem, L.PROBLEMS, tally, problems_before, wanted_problems)
    _delete(L.PROBLEMS, tally, gone_findings, count=False)

    wanted_measures = {}
    for (uid, seq), problem in problems.items():
        pp = rp.units[uid].problems[seq]
        for i, m in enumerate(pp.measures, start=1):
            kind = MeasureKind.LONG_TERM if m.state == L.LONG_TERM else L.KIND_OF_FIX[pp.fix_mode]
            wanted_measures[(uid, seq, m.content)] = {
                "problem_id": problem.pk, "rectification_id": rects[uid].pk, "seq": i, "content": m.content,
                "goal": GOAL, "deadline": m.deadline, "kind": kind, "responsible_person": m.person,
                "status": MeasureStatus.CLOSED if m.state == L.CLOSED else MeasureStatus.OPEN,
                "closed_at": _aware(m.done_on) if m.state == L.CLOSED else None,
            }  # fmt: skip
    moving = [
        m for key, m in measures_before.items()
        if key in wanted_measures and (m.problem_id, m.seq) != (wanted_measures[key]["problem_id"], wanted_measures[key]["seq"])
    ]  # fmt: skip
    for m in moving:
        m.seq += 10_000
    if moving:
        Measure.objects.bulk_update(moving, ["seq"])  # parked only inside this transaction
    _sync(Measure, L.MEASURES, tally, measures_before, wanted_measures)

    # Transfer figures.
    outcomes_before = {o.unit_id: o for o in TransferOutcome.objects.filter(round=round)}
    wanted_outcomes = {
        uid: {
            "assignment_id": assignments[uid].pk, "round_id": round.pk, "unit_id": uid,
            "team_id": teams[up.team_number].pk, "leads": up.outcome.leads, "cases": up.outcome.cases,
            "form1": up.outcome.forms[0], "form2": up.outcome.forms[1], "form3": up.outcome.forms[2],
            "form4": up.outcome.forms[3],
        }
        for uid, up in rp.units.items()
        if up.outcome is not None
    }  # fmt: skip
    _delete(L.OUTCOMES, tally, [o for uid, o in outcomes_before.items() if uid not in wanted_outcomes])
    _sync(TransferOutcome, L.OUTCOMES, tally, outcomes_before, wanted_outcomes)

    _delete(L.PROBLEMS, tally, [r for uid, r in rects_before.items() if uid not in wanted_rects], count=False)
    _delete(L.UNITS, tally, [a for uid, a in assignments_before.items() if uid not in rp.units])
    _delete(L.TEAMS, tally, [t for n, t in teams_before.items() if n not in rp.teams])
    # Team members with a login see their teams' assignments (guardian rows). Skipped in a dry run (rolled
    # back anyway), and for a team nobody of which has a login that had no assignment before.
    if not dry:
        for number, team in teams.items():
            if number in teams_before or access.grants.team_user_ids(team.pk):
                access.grants.sync_team(team)
    return round


def _title(text: str) -> str:
    first = text.split("\n", 1)[0].strip()
    return first if len(first) <= 200 else first[:199] + "…"


def apply_plan(plan: Plan, record: ArchiveImport, by, *, dry: bool = False) -> dict:
    """Write the plan's rounds (the caller holds the transaction); returns the tally per sheet."""
    tally = Tally.new()
    done: dict = {}
    for number in sorted(plan.rounds):
        _apply_round(plan.rounds[number], record, by, tally, done, dry)
    return tally.as_dict()


# --- figures before and after --------------------------------------------------------------------------


def term_figures(terms) -> dict:
    """The dashboard's own figures of each term (uncached: a dry run must not leave a cache behind)."""
    out = {}
    for term in terms:
        values = figures(Scope(term))
        out[str(term.pk)] = {key: values.get(key) for key, _, _ in FIGURES}
    return out


def _terms_of(plan: Plan) -> list[Term]:
    return sorted({rp.term for rp in plan.rounds.values()}, key=lambda t: t.start_date)


def dry_run(plan: Plan, record: ArchiveImport, by) -> dict:
    """What the import would create and update, and each term's figures before and after: the import
    runs for real inside a transaction that is then rolled back."""
    terms = _terms_of(plan)
    with transaction.atomic():
        before = term_figures(terms)
        tally = apply_plan(plan, record, by, dry=True)
        after = term_figures(terms)
        transaction.set_rollback(True)
    return {
        "tally": tally,
        "terms": [{"id": t.pk, "name": t.name} for t in terms],
        "before": before,
        "after": after,
        "rounds": _round_summaries(plan),
    }


def _round_summaries(plan: Plan) -> list[dict]:
    return [
        {
            "label": rp.label,
            "action": "更新（重新导入）" if rp.existing is not None else "新建",
            "teams": len(rp.teams),
            "units": len(rp.units),
            "problems": sum(len(u.problems) for u in rp.units.values()),
            "measures": sum(len(p.measures) for u in rp.units.values() for p in u.problems.values()),
        }
        for rp in sorted(plan.rounds.values(), key=lambda r: (r.term.start_date, r.number))
    ]


def _errors(errors: list[RowError]) -> list[dict]:
    return [{"sheet": e.sheet, "row": e.row, "column": e.column, "message": e.message} for e in errors]


# --- the services ---------------------------------------------------------------------------------------


def _check_file(upload) -> tuple[bytes, str]:
    name = Path(upload.name or "").name
    if Path(name).suffix.lower() != ".xlsx":
        raise DomainError("只接受 .xlsx 格式的 Excel 工作簿（可先下载模板）")
    if upload.size > L.MAX_FILE_SIZE:
        raise DomainError(f"文件过大（{upload.size / 1024 / 1024:.1f} MB），不能超过 {L.MAX_FILE_SIZE // 1024 // 1024} MB")
    content = upload.read()
    if not content.startswith(b"PK\x03\x04"):
        raise DomainError("文件内容不是 Excel 工作簿（.xlsx）")
    return content, name


def archive_upload(*, file, by) -> ArchiveImport:
    """Store an uploaded workbook and dry-run it: the record's summary holds the row errors, or what
    would be created and updated and how the figures would change. Nothing but the record is saved."""
    access.check(by, "archive.import", message=ONLY_OFFICE)
    content, name = _check_file(file)
    sha = hashlib.sha256(content).hexdigest()
    record = ArchiveImport(file_name=name[:200], sha256=sha, size=len(content), uploaded_by=by, token=secrets.token_urlsafe(24))
    record.file.save(f"{sha[:16]}.xlsx", ContentFile(content), save=False)
    record.save()
    plan = read_workbook(record.file.open("rb"))
    record.file.close()
    if plan.errors:
        record.summary = {"errors": _errors(plan.errors), "rows": plan.rows}
        record.save(update_fields=["summary"])
        return transition(record, "fail", by=None, changes={"token": ""})
    record.summary = {"errors": [], "rows": plan.rows, **dry_run(plan, record, by)}
    record.save(update_fields=["summary"])
    return record


def archive_confirm(*, record: ArchiveImport, token: str, by) -> ArchiveImport:
    """Import a dry-run workbook: re-read and re-checked (the data may have changed since), all or
    nothing; the one-time token makes a double click import once."""
    access.check(by, "archive.import", message=ONLY_OFFICE)
    if not token or not secrets.compare_digest(token, record.token or ""):
        raise DomainError("该导入已确认过或已失效，请重新上传")

    def apply(obj: ArchiveImport, t) -> None:
        plan = read_workbook(obj.file.open("rb"))
        obj.file.close()
        if plan.errors:
            raise ImportRefused(plan.errors)
        terms = _terms_of(plan)
        before = term_figures(terms)
        tally = apply_plan(plan, obj, by)
        obj.summary = {
            **obj.summary,
            "tally": tally,
            "before": before,
            "after": term_figures(terms),
            "rounds": _round_summaries(plan),
        }
        obj.save(update_fields=["summary"])

    return transition(
        record, "import", by=None, reason="确认导入",
        changes={"token": "", "imported_by": by, "imported_at": timezone.now()},
        after=apply, message="该导入已确认过或已失效，请重新上传",
    )  # fmt: skip


def archive_import_file(*, path, by) -> ArchiveImport:
    """Upload and confirm a workbook from disk at once (the management command; the demo)."""
    with open(path, "rb") as fh:
        upload = ContentFile(fh.read(), name=Path(path).name)
    record = archive_upload(file=upload, by=by)
    if record.status != ArchiveImportStatus.CHECKED:
        raise ImportRefused([RowError(**e) for e in record.summary["errors"]])
    return archive_confirm(record=record, token=record.token, by=by)
