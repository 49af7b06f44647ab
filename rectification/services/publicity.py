"""双公开: the office drafts the text of a rectification's publication, approves it for 党内公开 (every
logged-in county user) or for 社会公开 (the public page, no login), and can withdraw it.

    待审核 (draft, editable) ──publish──▶ 已公开 ──withdraw (with a reason)──▶ 已撤回

A publication carries no personal data: `personal_data_problems` finds ID numbers, mobile and landline
numbers, e-mail addresses and every person's name the system knows (`known_person_names`: the officials
of every unit and village, the cadre pool, the subjects of leads, the persons dealt with on transferred
leads, the persons held accountable, the measures' owners, and the persons named as responsible in the
findings the problems fed back come from). A draft may be saved with them (it is internal to the office and
the page lists what was found), but publishing is refused until they are removed, or the office
overrides the check with a reason, which is kept on the publication and in its history.

No one approves his own text: a 社会公开 publication is approved by an office user other than the ones
who drafted or edited it.
"""

import re

from django.db import transaction
from django.utils import timezone

from clues.models import Finding, Lead, PersonDealt
from rounds.models import Unit
from teams.models import Cadre
from xuncha import access
from xuncha.core.numerals import cn_date
from xuncha.core.services import as_history_user
from xuncha.core.transitions import transition
from xuncha.errors import DomainError

from ..models import (
    Accountability,
    Measure,
    MeasureKind,
    MeasureStatus,
    Publication,
    PublicationScope,
    PublicationStatus,
    Rectification,
    RectStatus,
)
from .workflows import PUBLICATION_FLOW  # noqa: F401  the status table

# Each kind of personal data, with how a refusal names it. The look-arounds keep a number from being
# read inside a longer run of digits (a mobile number inside an ID number, say).
PERSONAL_PATTERNS = (
    ("身份证号码", re.compile(r"(?<![0-9])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])")),
    ("手机号码", re.compile(r"(?<![0-9])1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9])")),
    ("固定电话号码", re.compile(r"(?<![0-9])(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[-－—]?)\d{7,8}(?![0-9])")),
    ("电子邮箱", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
)
# A name field may hold several names ("张三、李四").
NAME_SPLIT = re.compile(r"[、，,；;/\s]+")
TITLE_MAX = 200
TEXT_MAX = 20000




def _split_names(raw) -> list[str]:
    names = []
    for value in raw:
        for name in NAME_SPLIT.split(value or ""):
            name = name.strip()
            if len(name) >= 2 and name not in names:
                names.append(name)
    return names


def person_names(rect: Rectification) -> list[str]:
    """The names of the persons recorded on this rectification (at least two characters each)."""
    raw = [rect.unit.principal_name, rect.unit.liaison_name]
    for leader, person in rect.measures.values_list("responsible_leader", "responsible_person"):
        raw += [leader, person]
    raw += list(
        rect.accountabilities.filter(target=Accountability.Target.PERSON).values_list("target_name", flat=True)
    )
    # A longer name first, so that "张三丰" is named rather than "张三" inside it.
    return sorted(_split_names(raw), key=len, reverse=True)


# "张三（局长，主体责任）": a responsible-persons field names a person before its bracket.
_BRACKET = re.compile(r"[（(][^）)]*[）)]")


def known_person_names(rect: Rectification | None = None) -> list[str]:
    """Every person's name the system knows, longest first: the officials of every unit and village, the
    cadre pool, the subjects of leads, the persons dealt with on transferred leads, the persons held
    accountable and the measures' owners (of every rectification), the persons named responsible in the
    findings (the feedback's problems come from them); and the names on `rect`. A fixed number of queries."""
    raw = list(person_names(rect)) if rect is not None else []
    # (distinct: a county's 60,000 measures name a few hundred people)
    for principal, liaison in Unit.objects.values_list("principal_name", "liaison_name").distinct():
        raw += [principal, liaison]
    raw += list(Cadre.objects.values_list("name", flat=True).distinct())
    raw += list(Lead.objects.exclude(subject_name="").values_list("subject_name", flat=True).distinct())
    raw += list(PersonDealt.objects.values_list("name", flat=True).distinct())
    raw += list(
        Accountability.objects.filter(target=Accountability.Target.PERSON)
        .values_list("target_name", flat=True)
        .distinct()
    )
    for leader, person in Measure.objects.values_list("responsible_leader", "responsible_person").distinct():
        raw += [leader, person]
    raw += [
        _BRACKET.sub("、", value)
        for value in Finding.objects.exclude(responsible_persons="")
        .values_list("responsible_persons", flat=True)
        .distinct()
    ]
    return sorted(_split_names(raw), key=len, reverse=True)


def personal_data_problems(text: str, rect: Rectification | None, names: list[str] | None = None) -> list[str]:
    """Every piece of personal data in `text`, each named ("含有手机号码 13812345678", "含有人员姓名：张三").
    `names`: `known_person_names(rect)`, when the caller checks several texts of one rectification."""
    text = text or ""
    problems = []
    for label, pattern in PERSONAL_PATTERNS:
        for hit in dict.fromkeys(m.group(0) for m in pattern.finditer(text)):
            problems.append(f"含有{label} {hit}")
    found = []
    for name in names if names is not None else known_person_names(rect):
        if name in text and not any(name in longer for longer in found):
            found.append(name)
    problems += [f"含有人员姓名：{name}" for name in found]
    return problems


def publication_default_title(rect: Rectification) -> str:
    what = "整改情况" if rect.is_closed else "整改进展情况"
    return f"{rect.unit.name}关于县委{rect.round.short_name}巡察反馈意见{what}的通报"


def _counts(prefix: str, parts: list[tuple[str, int]]) -> str:
    """“（其中立行立改2条、限期整改7条）”, leaving out the kinds with none; empty if all are none."""
    named = [f"{label}{n}条" for label, n in parts if n]
    return f"（{prefix}{'、'.join(named)}）" if named else ""


def publication_default_text(rect: Rectification) -> str:
    """A first draft from the counts only (problems, measures, closed, long-term, accountability): no names."""
    measures = list(rect.measures.values_list("kind", "status"))
    total = len(measures)
    closed = sum(1 for _, status in measures if status == MeasureStatus.CLOSED)
    long_term = sum(1 for kind, status in measures if kind == MeasureKind.LONG_TERM and status != MeasureStatus.CLOSED)
    ongoing = total - closed - long_term
    immediate = sum(1 for kind, _ in measures if kind == MeasureKind.IMMEDIATE)
    by_deadline = sum(1 for kind, _ in measures if kind == MeasureKind.DEADLINE)
    all_long_term = sum(1 for kind, _ in measures if kind == MeasureKind.LONG_TERM)
    problems = rect.problems.count()
    accountabilities = rect.accountabilities.count()
    unit = rect.unit.name
    fed_back = f"于{cn_date(rect.meeting_date)}" if rect.meeting_date else ""
    paragraphs = [
        f"根据县委巡察工作统一部署，县委{rect.round.short_name}巡察对{unit}开展了巡察，并{fed_back}向{unit}"
        f"反馈了巡察意见。{unit}把巡察整改作为重要政治任务，对照巡察反馈的{problems}个问题，逐项制定整改措施"
        f"{total}条{_counts('其中', [('立行立改', immediate), ('限期整改', by_deadline), ('长期坚持', all_long_term)])}，"
        "建立问题整改落实台账，逐一对账销号。",
    ]
    if rect.is_closed:
        paragraphs.append(
            f"截至{cn_date(timezone.localdate(rect.closed_at))}，整改措施已全部完成，其中完成销号{closed}条，"
            f"长期坚持事项{long_term}条持续推进，整改工作经评估办结。"
        )
    else:
        done = [("已完成销号", closed), ("长期坚持事项", long_term), ("正在整改", ongoing)]
        parts = [f"{label}{n}条" + ("持续推进" if label == "长期坚持事项" else "") for label, n in done if n]
        paragraphs.append(f"截至{cn_date(timezone.localdate())}，" + "，".join(parts or ["整改措施正在制定"]) + "。")
    if accountabilities:
        paragraphs.append(f"对整改不力、敷衍整改、虚假整改的问题，依规依纪问责{accountabilities}起。")
    paragraphs.append(
        f"下一步，{unit}将持续巩固整改成果，对长期坚持的整改事项常抓不懈，坚决防止问题反弹回潮。"
        "欢迎社会各界监督。"
    )
    return "\n".join(paragraphs)


def _validate(publication: Publication, rect: Rectification) -> None:
    publication.title = (publication.title or "").strip()
    publication.text = (publication.text or "").strip()
    reasons = []
    if publication.scope not in PublicationScope.values:
        reasons.append("请选择公开范围")
    if not publication.title:
        reasons.append("请填写标题")
    elif len(publication.title) > TITLE_MAX:
        reasons.append(f"标题不能超过{TITLE_MAX}字")
    if not publication.text:
        reasons.append("请填写公开内容")
    elif len(publication.text) > TEXT_MAX:
        reasons.append(f"公开内容不能超过{TEXT_MAX}字")
    if reasons:
        raise DomainError("公开内容未保存", reasons=reasons)


def publication_flags(publication: Publication, names: list[str] | None = None) -> list[str]:
    """What the personal-data check finds in a publication now (the names known may have changed);
    `names` as for `personal_data_problems`."""
    return personal_data_problems(f"{publication.title}\n{publication.text}", publication.rectification, names)


def publication_drafters(publication: Publication) -> set[int]:
    """The users who drafted or edited the text: its creator and every user its history records a save by."""
    ids = set(
        publication.history.filter(history_type__in=("+", "~"))
        .exclude(history_user__isnull=True)
        .values_list("history_user_id", flat=True)
    )
    if publication.created_by_id:
        ids.add(publication.created_by_id)
    return ids


def publication_save(*, rect: Rectification, publication: Publication, by) -> Publication:
    """Save a draft publication of this rectification (new or edited). Only a draft can be edited."""
    access.check(by, "publish", rect, message="只有巡察办可以拟定整改公开内容")
    if publication.pk is not None:
        with transaction.atomic():
            stored = Publication.objects.select_for_update().get(pk=publication.pk)
            if stored.rectification_id != rect.pk:
                raise DomainError("该公开内容不属于本整改")
            if stored.status != PublicationStatus.DRAFT:
                raise DomainError(f"公开内容当前为“{stored.get_status_display()}”，只有待审核的内容可以修改")
            _validate(publication, rect)
            as_history_user(publication, by)
            publication.save()
        return publication
    if not rect.fed_back:
        raise DomainError("尚未召开反馈会，不能拟定整改公开内容")
    _validate(publication, rect)
    publication.rectification = rect  # a new publication starts as a draft (待审核), the model's default
    publication.created_by = by
    as_history_user(publication, by)
    publication.save()
    return publication


PERSONAL_DATA_REFUSAL = "公开内容含有疑似个人信息，请删除后再公开；确属可以公开的（如单位监督电话），请填写放行理由"
SELF_APPROVAL_REFUSAL = "社会公开的内容须由拟稿人以外的巡察办人员审核公开，拟稿、修改过该内容的人员不能审核本人的稿件"


def publication_publish(*, publication: Publication, by, override_reason: str = "") -> Publication:
    """Approve and publish a draft: 党内公开 shows it to every logged-in user, 社会公开 on the public page.

    Refused while the personal-data check finds anything, unless `override_reason` says why it may be
    published as it is (kept on the publication and in its history); a 社会公开 text is approved by an
    office user other than its drafters."""
    access.check(by, "publish", publication.rectification, message="只有巡察办可以审核公开整改情况")
    override_reason = (override_reason or "").strip()
    if len(override_reason) > 200:
        raise DomainError("放行理由不能超过200字")
    with transaction.atomic():
        current = Publication.objects.select_for_update(of=("self",)).select_related(
            "rectification__unit", "rectification__round"
        ).get(pk=publication.pk)
        rect = current.rectification
        if current.status != PublicationStatus.DRAFT:
            raise DomainError(f"公开内容当前为“{current.get_status_display()}”，只有待审核的内容可以公开")
        if rect.status not in (RectStatus.IN_PROGRESS, RectStatus.CLOSED):
            raise DomainError(
                f"整改当前为“{rect.get_status_display()}”，整改方案审核通过（整改中）或整改完成后才能公开"
            )
        if current.scope == PublicationScope.PUBLIC and by is not None and by.pk in publication_drafters(current):
            raise access.Forbidden(SELF_APPROVAL_REFUSAL)
        found = publication_flags(current)
        changes = {"published_at": timezone.now(), "published_by": by, "personal_data_override": ""}
        reason = ""
        if found:
            if not override_reason:
                raise DomainError(PERSONAL_DATA_REFUSAL, reasons=found)
            changes["personal_data_override"] = override_reason
            changes["personal_data_found"] = "；".join(found)[:500]
            reason = f"放行个人信息检查：{override_reason}"
        transition(current, "publish", by=by, reason=reason, changes=changes)
    return current


def publication_withdraw(*, publication: Publication, reason: str, by) -> Publication:
    """Withdraw a published text (it leaves the lists at once); the reason is kept."""
    access.check(by, "publish", publication.rectification, message="只有巡察办可以撤回整改公开内容")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写撤回理由")
    if len(reason) > 200:
        raise DomainError("撤回理由不能超过200字")
    with transaction.atomic():
        current = Publication.objects.select_for_update().get(pk=publication.pk)
        if current.status != PublicationStatus.PUBLISHED:
            raise DomainError(f"公开内容当前为“{current.get_status_display()}”，只有已公开的内容可以撤回")
        transition(
            current,
            "withdraw",
            by=by,
            reason=reason,
            changes={"withdrawn_at": timezone.now(), "withdraw_reason": reason},
        )
    return current
