"""Feedback views: the list of rectifications, the overview of one, and the office's feedback pages
(prepare the feedback of an assignment, word its problems, render the documents, record the meeting).

Thin views: `get_rect` reads what the user may see (404 otherwise) and refuses a write to one who may
only read (403); a service writes and answers a refusal with a DomainError, shown as a message or a
form error, never a 500.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from rectification.forms.feedback import FeedbackForm, MeetingForm, ProblemForm, RectFilter
from rectification.forms.reminders import BulkRemindForm
from xuncha import access
from xuncha.core.concurrency import save_form
from xuncha.core.views import run_service

from ..models import RectStatus
from ..models.deadlines import deadline_state
from ..selectors import feedback as selectors
from ..services import feedback as services
from .common import get_rect, tab_context

PAGE_SIZE = 20
DEFAULT_DEADLINE_DAYS = 90
STATE_RANK = {"": 0, "due-soon": 1, "overdue": 2}


def _worst(*states: str) -> str:
    return max(states, key=lambda s: STATE_RANK.get(s, 0))


# --- the list ---------------------------------------------------------------------------------------


@login_required
def rect_list(request):
    user = request.user
    rounds = selectors.rounds_of(selectors.visible_rectifications(user)).select_related("term")
    filters = RectFilter(request.GET, rounds=rounds)
    rects = selectors.rect_list(user, filters)
    page = Paginator(rects, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for rect in page.object_list:
        rect.deadline_class = rect.deadline_state(today)
        rect.next_due_state = "" if rect.is_closed else deadline_state(rect.next_due, today)
        rect.row_state = _worst(rect.deadline_class, rect.next_due_state)
    office = access.allows(user, "rectification.create")
    pending = list(selectors.pending_assignments()[:10]) if office else []
    return render(
        request,
        "rectification/rect_list.html",
        {
            "filter": filters,
            "page_obj": page,
            "office": office,
            "pending": pending,
            "bulk_form": BulkRemindForm(queryset=rects.none()),
            "filtered": any(request.GET.get(k) for k in ("q", "round", "status", "queue")),
            "nav_active": "rectification",
        },
    )


# --- the overview -----------------------------------------------------------------------------------


@login_required
def rect_detail(request, pk):
    rect = get_rect(request, pk)
    internal = rect.may["see_internal"]
    office = rect.may["edit_feedback"]
    problems = selectors.rect_problems(rect)
    measure_total = selectors.measure_total(rect)
    context = {
        **tab_context(rect, "overview"),
        "internal": internal,
        "office": office,
        "areas": services.group_by_area(problems),
        "problem_count": len(problems),
        "demands": services.demands_lines(rect.demands),
        "docs": selectors.feedback_documents(request.user, rect),
        "measure_total": measure_total,
        "measure_counts": selectors.measure_counts(rect) if measure_total else [],
        "preparing": rect.status == RectStatus.PREPARING,
        "can_edit": office and not rect.is_closed,
        "can_meeting": office and (rect.status == RectStatus.PREPARING or selectors.meeting_correctable(rect)),
        "unsynced": 0,
    }
    if office and rect.status == RectStatus.PREPARING:
        present = {p.finding_id for p in problems if p.finding_id}
        context["unsynced"] = sum(
            1 for f in services.approved_findings(rect.assignment) if f.pk not in present
        )
    return render(request, "rectification/rect_detail.html", context)


# --- the office: prepare the feedback ---------------------------------------------------------------


@login_required
def rect_create(request, assignment_pk):
    assignment = selectors.assignment_get(request.user, assignment_pk)
    access.require(request.user, "rectification.create")
    existing = selectors.rectification_of(assignment)
    if existing is not None:
        messages.info(request, f"{assignment.unit.name}的反馈已在准备中。")
        return redirect("rectification:rect_detail", existing.pk)
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            outcome = save_form(
                request,
                form,
                lambda: services.rectification_create(
                    assignment=assignment, by=request.user, **form.cleaned_data
                ),
                url=lambda r: reverse("rectification:rect_detail", args=[r.pk]),
            )
            if outcome.response:
                return outcome.response
            if outcome.ok:
                rect = outcome.result
                messages.success(
                    request,
                    f"已从审定的问题底稿整理出{selectors.problem_count(rect)}个反馈问题。请核对问题表述，生成巡察报告和反馈意见。",
                )
                return redirect("rectification:rect_detail", rect.pk)
    else:
        form = FeedbackForm(
            initial={
                "demands": services.DEFAULT_DEMANDS,
                "deadline": timezone.localdate() + timedelta(days=DEFAULT_DEADLINE_DAYS),
            }
        )
    findings = services.approved_findings(assignment)
    return render(
        request,
        "rectification/rect_create.html",
        {
            "form": form,
            "assignment": assignment,
            "areas": services.group_by_area(findings, key=lambda f: (f.serial, f.pk)),
            "finding_count": len(findings),
            "stage_ok": assignment.round.status in services.CREATE_STATUSES,
            "nav_active": "rectification",
        },
    )


def _rect_form_page(request, rect, template, form, **extra):
    return render(request, template, {**tab_context(rect, "overview"), "form": form, **extra})


@login_required
def feedback_edit(request, pk):
    rect = get_rect(request, pk, "edit_feedback")
    if request.method == "POST":
        form = FeedbackForm(request.POST, versioned=rect)
        if form.is_valid():
            outcome = save_form(
                request,
                form,
                lambda: services.feedback_update(rect=rect, by=request.user, **form.cleaned_data),
            )
            if outcome.ok:
                messages.success(request, "已保存反馈意见。如需更新文书，请重新生成巡察报告和反馈意见。")
                return redirect("rectification:rect_detail", rect.pk)
    else:
        form = FeedbackForm(
            initial={
                "deadline": rect.deadline,
                "demands": rect.demands,
                "report_summary": rect.report_summary,
                "feedback_intro": rect.feedback_intro,
            },
            versioned=rect,
        )
    return _rect_form_page(request, rect, "rectification/feedback_form.html", form)


@login_required
def problem_edit(request, pk, problem_pk):
    rect = get_rect(request, pk, "edit_feedback")
    problem = selectors.problem_get(request.user, rect, problem_pk)
    if request.method == "POST" and request.POST.get("action") == "remove":
        ok, _ = run_service(
            request,
            services.problem_remove,
            problem=problem,
            by=request.user,
            success=f"已移除反馈问题“{problem.title}”，它不再写入反馈意见。",
        )
        return redirect("rectification:rect_detail", rect.pk)
    if request.method == "POST":
        form = ProblemForm(request.POST, versioned=problem)
        if form.is_valid():
            outcome = save_form(
                request,
                form,
                lambda: services.problem_update(problem=problem, by=request.user, **form.cleaned_data),
            )
            if outcome.ok:
                messages.success(request, f"已保存第{problem.seq}个反馈问题。")
                return redirect("rectification:rect_detail", rect.pk)
    else:
        form = ProblemForm(initial={"title": problem.title, "description": problem.description}, versioned=problem)
    return _rect_form_page(
        request,
        rect,
        "rectification/problem_form.html",
        form,
        problem=problem,
        editable=rect.status == RectStatus.PREPARING,
    )


@login_required
@require_POST
def problems_sync(request, pk):
    rect = get_rect(request, pk, "edit_feedback")
    ok, added = run_service(request, services.rectification_sync_problems, rect=rect, by=request.user)
    if ok:
        if added:
            messages.success(request, f"已补充{added}个审定的问题底稿为反馈问题。")
        else:
            messages.info(request, "审定的问题底稿均已列入反馈问题。")
    return redirect("rectification:rect_detail", rect.pk)


@login_required
@require_POST
def feedback_render(request, pk):
    rect = get_rect(request, pk, "edit_feedback")
    run_service(
        request,
        services.feedback_render,
        rect=rect,
        by=request.user,
        success="正在生成巡察报告和反馈意见（Word、PDF），完成后可在下方下载。",
    )
    return redirect("rectification:rect_detail", rect.pk)


@login_required
def meeting_record(request, pk):
    rect = get_rect(request, pk, "edit_feedback")
    correcting = rect.fed_back
    if request.method == "POST":
        form = MeetingForm(request.POST, versioned=rect)
        if form.is_valid():
            outcome = save_form(
                request,
                form,
                lambda: services.meeting_record(rect=rect, by=request.user, **form.cleaned_data),
            )
            if outcome.ok:
                if correcting:
                    messages.success(request, "已更正反馈会记录。")
                else:
                    messages.success(
                        request,
                        "已记录反馈会。被巡察单位现在可以看到反馈意见，并已通知其主要负责人和联络员制定整改方案。",
                    )
                return redirect("rectification:rect_detail", rect.pk)
    else:
        form = MeetingForm(
            initial={
                "date": rect.meeting_date or timezone.localdate(),
                "place": rect.meeting_place,
                "attendees": rect.meeting_attendees,
            },
            versioned=rect,
        )
    return _rect_form_page(
        request,
        rect,
        "rectification/meeting_form.html",
        form,
        correcting=correcting,
        open=rect.status == RectStatus.PREPARING or selectors.meeting_correctable(rect),
        problem_count=selectors.problem_count(rect),
    )
