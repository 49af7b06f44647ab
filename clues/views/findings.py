"""Working papers (问题底稿), their review chain, the issue ledger (问题台账) and the taxonomy (问题类别).

The ledger per round, team or unit is the one list with its filter preset (`?round=`, `?team=`,
`?unit=`). Detail pages fetch through `access.visible(user, "clues.Finding")`, so a finding the user may not see is a 404;
a user who may read a finding but not write it (the leadership) gets 403 on every write.
"""

import io
import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from clues.documents.findings import render_finding_approval
from clues.forms.findings import BulkReviewForm, CategoryForm, FindingForm, LedgerFilter, ReviewForm
from clues.selectors import findings as selectors
from rounds.models import Assignment
from xuncha import access
from xuncha.core import aggregates, xlsx
from xuncha.core.bulk import BulkActionView
from xuncha.core.concurrency import save_form
from xuncha.core.forms import add_domain_error
from xuncha.core.views import OfficeRequiredMixin, run_service
from xuncha.errors import DomainError

from ..models import Category, Finding, FindingReview, FindingStatus
from ..services.findings import (
    EDITABLE_STATUSES,
    LOCKED_MESSAGE,
    allowed_transitions,
    category_delete,
    category_save,
    finding_create,
    finding_review,
    finding_update,
    step_of,
)

PAGE_SIZE = 20
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _assignment_nav(user) -> str:
    return "rounds" if access.allows(user, "sees_all") else "assignments"


# --- the ledger ---------------------------------------------------------------------------------------


def _ledger(request):
    # The ledger is for the office, the leadership and the teams; to anyone else (an inspected unit, a
    # receiving department) it does not exist.
    user = request.user
    if not access.allows(user, "clues.ledger"):
        raise Http404
    ledger_filter = LedgerFilter(
        request.GET or None,
        choices=selectors.ledger_filter_choices(request.user),
        cache_key=aggregates.visibility_key(user),
    )
    filters = ledger_filter.chosen()
    return ledger_filter, filters, selectors.finding_list(request.user, **filters)


def _ledger_heading(filters: dict) -> str:
    """问题台账 · 第六轮巡察 · 第一巡察组 · 县财政局, for a ledger reached from a round, team or unit."""
    parts = []
    if "round" in filters:
        parts.append(str(filters["round"]))
    if "team" in filters:
        team = filters["team"]
        parts.append(team.name if "round" in filters else f"{team.round.short_name}{team.name}")
    if "unit" in filters:
        parts.append(filters["unit"].name)
    return " · ".join(parts)


class FindingListView(LoginRequiredMixin, View):
    """问题台账: every finding the user may see, filtered; htmx swaps only the results."""

    def get(self, request):
        ledger_filter, filters, findings = _ledger(request)
        paginator = selectors.ledger_paginator(
            findings, PAGE_SIZE, key=("findings", *aggregates.visibility_key(request.user, filters))
        )
        page = paginator.get_page(request.GET.get("page"))
        context = {
            "filter": ledger_filter,
            "form": ledger_filter.form,
            "page_obj": page,
            "findings": selectors.ledger_page_rows(list(page.object_list)),
            "totals": selectors.ledger_totals(findings, key=aggregates.visibility_key(request.user, filters)),
            "filtered": bool(filters),
            "scope": _ledger_heading(filters),
            "nav_active": "findings",
            # 批量审核: the bar and the row boxes for the office and the teams' reviewers.
            "bulk": access.allows(request.user, "clues.bulk_review"),
            "bulk_form": BulkReviewForm(queryset=Finding.objects.none()),
        }
        template = "clues/ledger_results.html" if request.htmx else "clues/finding_list.html"
        return render(request, template, context)


class FindingBulkReviewView(BulkActionView):
    """批量审核: approve or return the chosen findings; each goes through `finding_review` at its own
    step (副组长审核, 组长审批 or 巡察办审核), in its own transaction; a row this user may not act on is
    refused with the chain's words."""

    form_class = BulkReviewForm
    title = "批量审核问题底稿"
    back_label = "返回问题台账"
    back_fallback = "clues:finding_list"
    nav_active = "findings"

    def get_queryset(self):
        access.require(self.request.user, "clues.bulk_review")
        return access.visible(self.request.user, Finding).select_related("unit", "team")

    def order(self, rows):
        return sorted(rows, key=lambda f: f.number)

    def label(self, finding) -> str:
        return f"{finding.number} {finding.unit.name}：{finding.title}"

    def url(self, finding) -> str:
        return reverse("clues:finding_detail", args=[finding.pk])

    def note(self, finding) -> str:
        return f"现为“{finding.get_status_display()}”"

    def describe(self, form) -> str:
        verb = dict(BulkReviewForm.ACTIONS)[form.cleaned_data["action"]]
        return f"对以下{len(form.cleaned_data['ids'])}份问题底稿执行“{verb}”，每份底稿在其当前环节审核，并通知下一环节的审核人或撰写人。"

    def confirm_context(self, form) -> dict:
        extra = [("操作", dict(BulkReviewForm.ACTIONS)[form.cleaned_data["action"]])]
        if form.cleaned_data.get("reason"):
            extra.append(("意见或理由", form.cleaned_data["reason"]))
        return {"extra_fields": extra}

    def preview(self, finding, form) -> str:
        action = form.cleaned_data["action"]
        if any(t.action == action for t in allowed_transitions(self.request.user, finding)):
            return ""
        return f"底稿当前为“{finding.get_status_display()}”，您不能在此环节{dict(BulkReviewForm.ACTIONS)[action]}"

    def act(self, finding, form):
        return finding_review(
            finding=finding, action=form.cleaned_data["action"], by=self.request.user, reason=form.cleaned_data["reason"]
        )


LONG_TEXT = {"问题表现", "定性依据", "立行立改情况", "问题标题"}


class FindingExportView(LoginRequiredMixin, View):
    """The filtered ledger as .xlsx, all rows; written row by row (openpyxl's write-only mode)."""

    def get(self, request):
        _, _, findings = _ledger(request)
        workbook = xlsx.new_workbook(write_only=True)
        sheet = workbook.create_sheet("问题台账")
        headers = [h for h, _ in selectors.EXPORT_COLUMNS]
        xlsx.set_widths(sheet, [width for _, width in selectors.EXPORT_COLUMNS])
        sheet.freeze_panes = "A2"
        xlsx.header_row(sheet, headers)
        for values in selectors.ledger_rows(findings):
            sheet.append(
                [xlsx.cell(sheet, v, alignment=xlsx.WRAP if h in LONG_TEXT else None) for h, v in zip(headers, values, strict=True)]
            )
        return xlsx.xlsx_file_response(workbook, f"问题台账_{timezone.localdate():%Y%m%d}.xlsx")


# --- one finding --------------------------------------------------------------------------------------


def _writable(request, finding: Finding) -> None:
    access.require(request.user, "change", finding, message="只有本组成员或巡察办可以修改问题底稿")


REVIEW_BUTTONS = {
    FindingReview.Action.SUBMIT: ("提交审核", "btn-primary", ""),
    FindingReview.Action.APPROVE: ("通过", "btn-success", ""),
    FindingReview.Action.RETURN: ("退回修改", "btn-outline-danger", ""),
    FindingReview.Action.REOPEN: ("重新打开", "btn-outline-danger", "确定重新打开这份已审定的底稿？打开后须重新走审核流程。"),
}


CHAIN = [
    (FindingStatus.DRAFT, "撰写"),
    (FindingStatus.SUBMITTED, "副组长审核"),
    (FindingStatus.DEPUTY_APPROVED, "组长审批"),
    (FindingStatus.LEADER_APPROVED, "巡察办审核"),
    (FindingStatus.APPROVED, "审定"),
]


def _chain(finding: Finding) -> list[dict]:
    """The review chain as steps: done, current (a returned finding is back at 撰写) or to come."""
    statuses = [s for s, _ in CHAIN]
    current = 0 if finding.status == FindingStatus.RETURNED else statuses.index(finding.status)
    steps = []
    for i, (_status, label) in enumerate(CHAIN):
        if i == 0 and finding.status == FindingStatus.RETURNED:
            label = "退回修改"
        done = i < current or finding.status == FindingStatus.APPROVED
        steps.append({"label": label, "state": "done" if done else "current" if i == current else ""})
    return steps


def _reason_prompt(actions: set[str]) -> dict:
    """What the review panel's one text box asks for, given the buttons under it."""
    if FindingReview.Action.RETURN in actions:
        return {"reason_label": "审核意见（退回时须写明理由）", "reason_placeholder": "通过时可填写审核意见；退回时写明需要修改的内容"}
    if FindingReview.Action.REOPEN in actions:
        return {"reason_label": "重新打开的理由（必填）", "reason_placeholder": "例如：整改反馈中发现问题金额有出入，需重新核实"}
    return {"reason_label": "说明（可选）", "reason_placeholder": ""}


class FindingDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        finding = selectors.finding_get(request.user, pk)
        reviews = selectors.finding_reviews(finding)
        for r in reviews:
            r.step = step_of(r.action, r.from_status)
        leads, hidden_leads = selectors.finding_leads_for(request.user, finding)
        transitions = allowed_transitions(request.user, finding)
        actions = [
            {
                "action": t.action,
                "label": REVIEW_BUTTONS[t.action][0],
                "css": REVIEW_BUTTONS[t.action][1],
                "confirm": REVIEW_BUTTONS[t.action][2],
                "reason_required": t.reason_required,
            }
            for t in transitions
        ]
        writable = access.allows(request.user, "change", finding)
        context = {
            "finding": finding,
            "chain": _chain(finding),
            "evidence": selectors.finding_evidence(finding),
            "reviews": reviews,
            "leads": leads,
            "hidden_leads": hidden_leads,
            "actions": actions,
            "review_step": next((t.step for t in transitions if t.action != "submit"), ""),
            **_reason_prompt({t.action for t in transitions}),
            "can_edit": writable and finding.status in EDITABLE_STATUSES,
            "review_form": ReviewForm(),
            "history_rows": selectors.finding_history_rows(finding),
            "nav_active": "findings",
        }
        return render(request, "clues/finding_detail.html", context)


class FindingFormMixin:
    def render_form(self, form, *, assignment: Assignment, finding: Finding | None = None, files_lost=False):
        return render(
            self.request,
            "clues/finding_form.html",
            {
                "form": form,
                "assignment": assignment,
                "finding": finding,
                "files_lost": files_lost,
                "assignment_nav": _assignment_nav(self.request.user),
                "nav_active": "findings",
            },
        )


class FindingCreateView(LoginRequiredMixin, FindingFormMixin, View):
    """撰写问题底稿 on an assignment; `?lead=<id>` starts it from a lead (the lead is linked)."""

    def get_assignment(self, pk) -> Assignment:
        assignment = selectors.assignment_for_writing(self.request.user, pk)
        return access.require(
            self.request.user, "write_finding", assignment, message="只有本组成员或巡察办可以撰写问题底稿"
        )

    def get(self, request, pk):
        assignment = self.get_assignment(pk)
        leads = selectors.assignment_leads_for(request.user, assignment)
        initial = {}
        lead_id = request.GET.get("lead", "")
        if lead_id.isdigit():
            lead = selectors.lead_among(leads, int(lead_id))
            if lead is not None:
                initial = {"leads": [lead.pk], "title": lead.summary}
        form = FindingForm(
            initial=initial, leads=leads, categories=selectors.active_categories(), instance=Finding(assignment=assignment)
        )
        return self.render_form(form, assignment=assignment)

    def post(self, request, pk):
        assignment = self.get_assignment(pk)
        leads = selectors.assignment_leads_for(request.user, assignment)
        form = FindingForm(
            request.POST,
            request.FILES,
            leads=leads,
            categories=selectors.active_categories(),
            instance=Finding(assignment=assignment),
        )
        if form.is_valid():
            saved = save_form(
                request,
                form,
                lambda: finding_create(
                    assignment=assignment,
                    data=form.finding_data(),
                    leads=form.cleaned_data["leads"],
                    evidence_files=form.cleaned_data["evidence"],
                    by=request.user,
                ),
                url=lambda f: reverse("clues:finding_detail", args=[f.pk]),
            )
            if saved.response:
                return saved.response
            if saved.ok:
                finding = saved.result
                messages.success(request, f"已保存问题底稿{finding.number}，完善后请提交审核。")
                return redirect("clues:finding_detail", finding.pk)
        return self.render_form(form, assignment=assignment, files_lost=bool(request.FILES))


class FindingEditView(LoginRequiredMixin, FindingFormMixin, View):
    def get_finding(self, pk) -> Finding:
        finding = selectors.finding_get(self.request.user, pk)
        _writable(self.request, finding)
        return finding

    def refuse(self, finding: Finding):
        if finding.is_locked:
            messages.error(self.request, LOCKED_MESSAGE)
        else:
            messages.error(
                self.request, f"底稿正在审核中（{finding.get_status_display()}），不能修改；如需修改，请审核人退回。"
            )
        return redirect("clues:finding_detail", finding.pk)

    def get(self, request, pk):
        finding = self.get_finding(pk)
        if finding.status not in EDITABLE_STATUSES:
            return self.refuse(finding)
        leads = selectors.assignment_leads_for(request.user, finding.assignment)
        form = FindingForm(
            instance=finding,
            leads=leads,
            categories=selectors.active_categories(),
            initial={"leads": selectors.finding_lead_ids(finding)},
        )
        return self.render_form(form, assignment=finding.assignment, finding=finding)

    def post(self, request, pk):
        finding = self.get_finding(pk)
        if finding.status not in EDITABLE_STATUSES:
            return self.refuse(finding)
        leads = selectors.assignment_leads_for(request.user, finding.assignment)
        form = FindingForm(
            request.POST, request.FILES, instance=finding, leads=leads, categories=selectors.active_categories()
        )
        if form.is_valid():
            # Leads the user may not see stay linked: the form offers only those he may.
            kept = selectors.hidden_linked_leads(finding, leads)
            try:
                finding_update(
                    finding=finding,
                    data=form.finding_data(),
                    leads=[*kept, *form.cleaned_data["leads"]],
                    evidence_files=form.cleaned_data["evidence"],
                    by=request.user,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"已保存问题底稿{finding.number}。")
                return redirect("clues:finding_detail", finding.pk)
        return self.render_form(form, assignment=finding.assignment, finding=finding, files_lost=bool(request.FILES))


REVIEW_SUCCESS = {
    FindingReview.Action.SUBMIT: "已提交审核。",
    FindingReview.Action.APPROVE: "已审核通过。",
    FindingReview.Action.RETURN: "已退回撰写人修改。",
    FindingReview.Action.REOPEN: "已重新打开，底稿退回撰写人修改。",
}


class FindingReviewView(LoginRequiredMixin, View):
    """POST only: one step of the review chain (submit, approve, return, reopen) with its reason."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        finding = selectors.finding_get(request.user, pk)
        _writable(request, finding)
        if action not in FindingReview.Action.values:
            raise Http404("未知的审核操作")
        form = ReviewForm(request.POST)
        form.is_valid()
        run_service(
            request,
            finding_review,
            finding=finding,
            action=action,
            reason=form.cleaned_data.get("reason", ""),
            by=request.user,
            success=REVIEW_SUCCESS[action],
        )
        return redirect("clues:finding_detail", pk)


class FindingEvidenceView(LoginRequiredMixin, View):
    """Download one piece of evidence, always as an attachment (never rendered by the browser)."""

    def get(self, request, pk):
        evidence = selectors.evidence_get(request.user, pk)
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404("文件不存在") from exc
        return FileResponse(handle, as_attachment=True, filename=evidence.name)


_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\s]+')


class FindingDocxView(LoginRequiredMixin, View):
    """问题底稿审批单 (Word), rendered on request."""

    def get(self, request, pk):
        finding = selectors.finding_get(request.user, pk)
        content = render_finding_approval(
            finding, evidence=selectors.finding_evidence(finding), reviews=selectors.finding_reviews(finding)
        )
        name = _UNSAFE_FILENAME.sub("_", f"问题底稿审批单_{finding.number}")
        return FileResponse(io.BytesIO(content), as_attachment=True, filename=f"{name}.docx", content_type=DOCX)


# --- the taxonomy -------------------------------------------------------------------------------------


class CategoryListView(OfficeRequiredMixin, View):
    def get(self, request):
        return render(
            request,
            "clues/category_list.html",
            {"tree": selectors.category_tree(), "nav_active": "categories"},
        )


def category_form(data=None, *, instance: Category | None = None, initial=None) -> CategoryForm:
    return CategoryForm(
        data,
        instance=instance,
        initial=initial,
        areas=selectors.category_area_choices(exclude=instance),
        schemes=selectors.category_schemes(),
    )


class CategoryFormMixin:
    def render_form(self, form, category: Category | None = None):
        return render(
            self.request,
            "clues/category_form.html",
            {"form": form, "category": category, "nav_active": "categories"},
        )

    def save(self, form, category: Category | None = None):
        if form.is_valid():
            saved = save_form(
                self.request,
                form,
                lambda: category_save(category=form.instance, by=self.request.user),
                url=lambda _: reverse("clues:category_list"),
            )
            if saved.response:
                return saved.response
            if saved.ok:
                messages.success(self.request, f"已保存问题类别“{saved.result.name}”。")
                return redirect("clues:category_list")
        return self.render_form(form, category)


class CategoryCreateView(OfficeRequiredMixin, CategoryFormMixin, View):
    def get(self, request):
        initial = {}
        parent = request.GET.get("parent", "")
        if parent.isdigit():
            found = selectors.category_area(int(parent))
            if found:
                area, children = found
                initial = {"parent": area.pk, "scheme": area.scheme, "order": children + 1}
        return self.render_form(category_form(initial=initial or {"scheme": "三个聚焦"}))

    def post(self, request):
        return self.save(category_form(request.POST))


class CategoryEditView(OfficeRequiredMixin, CategoryFormMixin, View):
    def get_category(self, pk) -> Category:
        return selectors.category_get(pk)

    def get(self, request, pk):
        category = self.get_category(pk)
        return self.render_form(category_form(instance=category), category)

    def post(self, request, pk):
        category = self.get_category(pk)
        return self.save(category_form(request.POST, instance=category), self.get_category(pk))


class CategoryDeleteView(OfficeRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        category = selectors.category_get(pk)
        name = category.name
        ok, _ = run_service(request, category_delete, category=category, by=request.user)
        if ok:
            messages.success(request, f"已删除问题类别“{name}”。")
            return redirect("clues:category_list")
        return redirect("clues:category_edit", pk)

