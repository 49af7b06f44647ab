"""Assignments of teams to units (巡察任务) and their announcements (巡察公告)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from rounds.forms.rounds import AnnouncementForm, AssignmentFilter, AssignmentForm
from rounds.selectors import rounds as selectors
from xuncha import access
from xuncha.core.concurrency import save_form
from xuncha.core.views import OfficeRequiredMixin, run_service

from ..models import Announcement, AnnouncementStatus, Assignment, Round
from ..services import (
    announcement_publish,
    announcement_save,
    announcement_withdraw,
    assignment_create,
    assignment_delete,
    assignment_update,
)
from ..services.assignments import ASSIGNABLE_STATUSES

PAGE_SIZE = 20


def _nav(user) -> str:
    return "rounds" if access.allows(user, "sees_all") else "assignments"


class AssignmentListView(LoginRequiredMixin, View):
    """我的巡察任务: what the user's team is sent to (the office and leadership see all)."""

    def get(self, request):
        user = request.user
        assignments = AssignmentFilter(request.GET or None, queryset=selectors.assignment_list(user), request=request)
        page = Paginator(assignments.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        for a in page.object_list:
            a.ann = getattr(a, "announcement", None)
        return render(
            request,
            "rounds/assignment_list.html",
            {
                "filter": assignments,
                "filtered": assignments.filtered,
                "page_obj": page,
                "sees_all": access.allows(user, "sees_all"),
                "nav_active": _nav(user),
            },
        )


class AssignmentDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        assignment = selectors.assignment_get(user, pk)
        manage = access.allows(user, "change", assignment)
        announcement = assignment.ann
        context = {
            "assignment": assignment,
            "round": assignment.round,
            "unit": assignment.unit,
            "members": selectors.team_members(assignment.team),
            "announcement": announcement,
            "manage": manage,
            "can_change": manage and assignment.round.status in ASSIGNABLE_STATUSES,
            "is_published": announcement is not None and announcement.status == AnnouncementStatus.PUBLISHED,
            "nav_active": _nav(user),
            # The team and the office record leads and write findings on the assignment.
            "can_work": access.allows(user, "work", assignment),
        }
        return render(request, "rounds/assignment_detail.html", context)


class AssignmentFormMixin:
    def render_form(self, form, round, assignment=None):
        return render(
            self.request,
            "rounds/assignment_form.html",
            {
                "form": form,
                "round": round,
                "assignment": assignment,
                "assignable": round.status in ASSIGNABLE_STATUSES,
                "nav_active": "rounds",
            },
        )


class AssignmentCreateView(OfficeRequiredMixin, AssignmentFormMixin, View):
    def get_round(self, pk) -> Round:
        return selectors.round_get(self.request.user, pk)

    def get(self, request, pk):
        round = self.get_round(pk)
        initial = {}
        team_id = request.GET.get("team")
        if team_id and team_id.isdigit():
            initial["team"] = team_id
        form = AssignmentForm(initial=initial, round=round, instance=Assignment(round=round))
        return self.render_form(form, round)

    def post(self, request, pk):
        round = self.get_round(pk)
        form = AssignmentForm(request.POST, round=round, instance=Assignment(round=round))
        if form.is_valid():
            saved = save_form(
                request,
                form,
                lambda: assignment_create(assignment=form.instance, by=request.user),
                url=lambda a: reverse("rounds:assignment_detail", args=[a.pk]),
            )
            if saved.response:
                return saved.response
            if saved.ok:
                assignment = saved.result
                messages.success(request, f"已安排{assignment.team.name}巡察{assignment.unit.name}。")
                return redirect("rounds:assignment_detail", assignment.pk)
        return self.render_form(form, round)


class AssignmentEditView(OfficeRequiredMixin, AssignmentFormMixin, View):
    def get(self, request, pk):
        assignment = selectors.assignment_get(request.user, pk)
        form = AssignmentForm(instance=assignment, round=assignment.round)
        return self.render_form(form, assignment.round, assignment)

    def post(self, request, pk):
        assignment = selectors.assignment_get(request.user, pk)
        form = AssignmentForm(request.POST, instance=assignment, round=assignment.round)
        if form.is_valid():
            saved = save_form(request, form, lambda: assignment_update(assignment=form.instance, by=request.user))
            if saved.ok:
                messages.success(request, "已保存巡察任务。")
                return redirect("rounds:assignment_detail", assignment.pk)
        return self.render_form(form, assignment.round, selectors.assignment_get(request.user, pk))


class AssignmentDeleteView(OfficeRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        assignment = selectors.assignment_get(request.user, pk)
        round_id = assignment.round_id
        label = f"{assignment.team.name}巡察{assignment.unit.name}"
        ok, _ = run_service(request, assignment_delete, assignment=assignment, by=request.user)
        if ok:
            messages.success(request, f"已取消巡察任务：{label}。")
            return redirect("rounds:round_detail", round_id)
        return redirect("rounds:assignment_detail", pk)


# --- announcements ----------------------------------------------------------------------------------


class AnnouncementEditView(OfficeRequiredMixin, View):
    """Write or correct the announcement; a new one starts from the on-site period and the usual scope."""

    def get_instance(self, assignment: Assignment) -> Announcement:
        existing = selectors.announcement_of(assignment)
        if existing:
            return existing
        return Announcement(
            assignment=assignment, start_date=assignment.onsite_start, end_date=assignment.onsite_end
        )

    def get(self, request, pk):
        assignment = selectors.assignment_get(request.user, pk)
        form = AnnouncementForm(instance=self.get_instance(assignment))
        return self.render_form(form, assignment)

    def post(self, request, pk):
        assignment = selectors.assignment_get(request.user, pk)
        form = AnnouncementForm(request.POST, instance=self.get_instance(assignment))
        if form.is_valid():
            saved = save_form(request, form, lambda: announcement_save(announcement=form.instance, by=request.user))
            if saved.ok:
                messages.success(request, "已保存巡察公告。")
                return redirect("rounds:assignment_detail", assignment.pk)
        return self.render_form(form, assignment)

    def render_form(self, form, assignment):
        return render(
            self.request,
            "rounds/announcement_form.html",
            {"form": form, "assignment": assignment, "round": assignment.round, "nav_active": "rounds"},
        )


class AnnouncementActionView(OfficeRequiredMixin, View):
    http_method_names = ["post"]
    service = None  # a staticmethod of the service function
    success = ""

    def post(self, request, pk):
        assignment = selectors.assignment_get(request.user, pk)
        announcement = selectors.announcement_of(assignment)
        if announcement is None:
            messages.error(request, "尚未编写巡察公告。")
        else:
            run_service(
                request, self.service, announcement=announcement, by=request.user, success=self.success
            )
        return redirect("rounds:assignment_detail", pk)


class AnnouncementPublishView(AnnouncementActionView):
    service = staticmethod(announcement_publish)
    success = "巡察公告已发布，公众可在“巡察公告”栏目查看。"


class AnnouncementWithdrawView(AnnouncementActionView):
    service = staticmethod(announcement_withdraw)
    success = "巡察公告已撤回，公众页面不再显示。"
