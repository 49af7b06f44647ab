"""The office's bulk pages on a round: a town with its villages in one step, and the announcements of a
team or the whole round from one template."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from rounds.forms.bulk import AnnouncementTemplateForm, TownAssignForm, TownPickForm
from rounds.selectors import rounds as selectors
from xuncha.core.bulk import ALL, EACH, MODE_TEXT, BulkActionView, Caution
from xuncha.core.concurrency import save_form
from xuncha.core.views import OfficeRequiredMixin

from ..models import AnnouncementStatus, Assignment
from ..services.assignments import ASSIGNABLE_STATUSES, announcement_from_template, assignment_create_town


class TownAssignView(OfficeRequiredMixin, View):
    """乡镇连同所属村/社区: pick the team and the town (GET), then tick the town and its villages, each
    with its mode, in one table, and save them all at once (all or nothing)."""

    def get_round(self, pk):
        return selectors.round_get(self.request.user, pk)

    def get(self, request, pk):
        round = self.get_round(pk)
        pick = TownPickForm(request.GET or None, round=round)
        form = None
        if pick.is_bound and pick.is_valid():
            form = TownAssignForm(
                round=round,
                town=pick.cleaned_data["town"],
                initial={"team": pick.cleaned_data["team"].pk, "town": pick.cleaned_data["town"].pk},
            )
        return self.render_page(round, pick, form)

    def post(self, request, pk):
        round = self.get_round(pk)
        pick = TownPickForm(request.POST, round=round)
        if not pick.is_valid():
            messages.error(request, "请重新选择巡察组和乡镇")
            return redirect("rounds:town_assign", round.pk)
        team, town = pick.cleaned_data["team"], pick.cleaned_data["town"]
        form = TownAssignForm(request.POST, round=round, town=town)
        if form.is_valid():
            data = form.cleaned_data
            saved = save_form(
                request,
                form,
                lambda: assignment_create_town(
                    round=round,
                    team=team,
                    rows=form.chosen(),
                    onsite_start=data.get("onsite_start"),
                    onsite_end=data.get("onsite_end"),
                    note=data.get("note", ""),
                    by=request.user,
                ),
                url=lambda _created: reverse("rounds:round_detail", args=[round.pk]),
                model=Assignment,
            )
            if saved.response is not None:
                return saved.response
            if saved.ok:
                created = saved.result
                villages = len(created) - sum(1 for a in created if a.unit_id == town.pk)
                messages.success(
                    request,
                    f"已安排{team.name}巡察{town.name}"
                    + ("本级" if any(a.unit_id == town.pk for a in created) else "")
                    + (f"及所属{villages}个村/社区" if villages else "")
                    + "。可在“批量生成公告”中一次生成这些任务的巡察公告。",
                )
                return redirect(f"{reverse('rounds:announcement_bulk', args=[round.pk])}?team={team.pk}")
        return self.render_page(round, pick, form)

    def render_page(self, round, pick, form):
        return render(
            self.request,
            "rounds/town_assign.html",
            {
                "round": round,
                "pick": pick,
                "form": form,
                "assignable": round.status in ASSIGNABLE_STATUSES,
                "mode_text": MODE_TEXT[ALL],
                "nav_active": "rounds",
            },
        )


class AnnouncementBulkView(OfficeRequiredMixin, BulkActionView):
    """批量生成公告: the announcements of the chosen assignments of a round (a team's, or all) from one
    template; each is its own row (a published one is left alone and reported), editable afterwards."""

    http_method_names = ["get", "post"]
    form_class = AnnouncementTemplateForm
    mode = EACH
    title = "批量生成巡察公告"
    back_label = "返回轮次"
    nav_active = "rounds"

    def get_round(self):
        return selectors.round_get(self.request.user, self.kwargs["pk"])

    def get_queryset(self):
        return (
            selectors.assignment_list(self.request.user)
            .filter(round_id=self.kwargs["pk"])
            .select_related("team", "unit", "announcement")
        )

    def back_url(self) -> str:
        return reverse("rounds:round_detail", args=[self.kwargs["pk"]])

    def order(self, rows):
        return sorted(rows, key=lambda a: (a.team.number, a.unit.name))

    def label(self, obj) -> str:
        a = obj.assignment if not isinstance(obj, Assignment) else obj
        return f"{a.team.name} · {a.unit.name}"

    def url(self, obj) -> str:
        a = obj.assignment if not isinstance(obj, Assignment) else obj
        return reverse("rounds:assignment_detail", args=[a.pk])

    def note(self, announcement) -> str:
        if announcement.status == AnnouncementStatus.PUBLISHED:
            return "已发布"
        return "已保存为草稿，可在巡察任务页面修改后发布"

    def describe(self, form) -> str:
        verb = "生成并发布" if form.cleaned_data.get("publish") else "生成（草稿）"
        return f"按模板为以下{len(form.cleaned_data['ids'])}个巡察任务{verb}巡察公告；生成后每份公告仍可在其巡察任务页面单独修改。"

    def confirm_context(self, form) -> dict:
        d = form.cleaned_data
        period = (
            f"{d['start_date']:%Y-%m-%d} 至 {d['end_date']:%Y-%m-%d}"
            if d.get("start_date") and d.get("end_date")
            else "按各任务的进驻起止日期"
        )
        return {
            "extra_fields": [
                ("受理时间", period),
                ("值班电话", d.get("phone")),
                ("邮政信箱", d.get("mailbox") or "—"),
                ("电子邮箱", d.get("email") or "—"),
                ("受理范围", d.get("accepted_scope")),
                ("发布", "生成后立即发布" if d.get("publish") else "保存为草稿"),
            ]
        }

    def preview(self, a, form) -> str:
        ann = getattr(a, "announcement", None)
        if ann is not None and ann.status == AnnouncementStatus.PUBLISHED:
            return "公告已发布，不会按模板覆盖"
        d = form.cleaned_data
        if not ((d.get("start_date") or a.onsite_start) and (d.get("end_date") or a.onsite_end)):
            return "未填写进驻起止日期"
        if ann is not None:
            return Caution("已有草稿，将按模板覆盖")
        return ""

    def act(self, a, form):
        return announcement_from_template(
            assignment=a, template=form.template(), publish=bool(form.cleaned_data.get("publish")), by=self.request.user
        )

    def get(self, request, pk):
        round = self.get_round()
        assignments = list(self.order(self.get_queryset()))
        team = request.GET.get("team", "")
        teams = sorted({a.team for a in assignments}, key=lambda t: t.number)
        if team.isdigit():
            assignments = [a for a in assignments if a.team_id == int(team)]
        for a in assignments:
            a.ann = getattr(a, "announcement", None)
            a.preselect = a.ann is None or a.ann.status != AnnouncementStatus.PUBLISHED
        form = AnnouncementTemplateForm(queryset=self.get_queryset())
        return render(
            request,
            "rounds/announcement_bulk.html",
            {
                "round": round,
                "form": form,
                "assignments": assignments,
                "teams": teams,
                "team": team,
                "mode_text": MODE_TEXT[EACH],
                "nav_active": "rounds",
            },
        )
