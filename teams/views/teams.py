"""Pages of a round's teams and their members. Thin: parse, call a selector or a service, render.

The office writes; the leadership reads everything; a team member reads his own team's page. A team
the user may not see answers 404; a write by anyone but the office answers 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from xuncha import access
from xuncha.core.concurrency import save_form
from xuncha.core.views import OfficeRequiredMixin, run_service

from .. import selectors, services
from ..forms import TeamMemberAddForm, TeamMemberForm, TeamNoteForm


def _team_page(request, team, *, add_form=None):
    """The team page; also re-rendered with the bound add-member form when an addition fails."""
    members = list(selectors.team_members(team))
    assignments = list(selectors.team_assignments(team))
    editable = team.round.status in services.TEAM_EDITABLE_STATUSES
    can_edit = access.allows(request.user, "change_members", team) and editable
    if can_edit and add_form is None:
        add_form = TeamMemberAddForm(team=team, assigned_units=[a.unit for a in assignments])
    sees_all = access.allows(request.user, "sees_all")
    rotation = {}
    if sees_all and editable:  # a hint for forming the team; moot once the team is fixed
        rotation = selectors.rotation_notes(
            cadres=[m.cadre for m in members], units=[a.unit for a in assignments], exclude_round_id=team.round_id
        )
    return render(
        request,
        "teams/team_detail.html",
        {
            "team": team,
            "round": team.round,
            "members": members,
            "leader": next((m for m in members if m.role == "leader"), None),
            "assignments": assignments,
            "editable": editable,
            "can_edit": can_edit,
            "add_form": add_form if can_edit else None,
            "sees_all": sees_all,
            "rotation_notes": [note for m in members for note in rotation.get(m.cadre_id, [])],
            "history_rows": selectors.team_history_rows(team),
            "nav_active": "rounds" if sees_all else "assignments",
        },
    )


@login_required
def team_detail(request, pk):
    return _team_page(request, selectors.team_get(user=request.user, pk=pk))


class TeamCreateView(OfficeRequiredMixin, View):
    """GET: a small confirmation with the next team's number; POST: create it."""

    def get_round(self):
        return selectors.team_round_get(user=self.request.user, pk=self.kwargs["round_pk"])

    def render_page(self, round, form):
        return render(
            self.request,
            "teams/team_create.html",
            {
                "round": round,
                "form": form,
                "next_name": selectors.next_team_name(round),
                "teams": selectors.round_teams(round),
                "editable": round.status in services.TEAM_EDITABLE_STATUSES,
                "nav_active": "rounds",
            },
        )

    def get(self, request, round_pk):
        return self.render_page(self.get_round(), TeamNoteForm())

    def post(self, request, round_pk):
        round = self.get_round()
        form = TeamNoteForm(request.POST)
        if form.is_valid():
            saved = save_form(
                request,
                form,
                lambda: services.team_create(round=round, note=form.cleaned_data["note"], by=request.user),
                url=lambda t: reverse("teams:team_detail", args=[t.pk]),
                as_message=True,
            )
            if saved.response:
                return saved.response
            if saved.ok:
                team = saved.result
                messages.success(request, f"已创建{team.name}，请添加组长和成员")
                return redirect("teams:team_detail", team.pk)
        return self.render_page(round, form)


class TeamEditView(OfficeRequiredMixin, View):
    """The team's division of work (任务分工说明)."""

    def render_page(self, team, form):
        return render(
            self.request, "teams/team_form.html", {"team": team, "form": form, "nav_active": "rounds"}
        )

    def get(self, request, pk):
        team = selectors.team_get(user=request.user, pk=pk)
        return self.render_page(team, TeamNoteForm(initial={"note": team.note}, versioned=team))

    def post(self, request, pk):
        team = selectors.team_get(user=request.user, pk=pk)
        form = TeamNoteForm(request.POST, versioned=team)
        if form.is_valid():
            saved = save_form(
                request, form, lambda: services.team_update(team=team, note=form.cleaned_data["note"], by=request.user),
                as_message=True,
            )
            if saved.ok:
                messages.success(request, "任务分工说明已保存")
                return redirect("teams:team_detail", team.pk)
        return self.render_page(team, form)


class TeamDeleteView(OfficeRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        team = selectors.team_get(user=request.user, pk=pk)
        name, round_pk = team.name, team.round_id
        ok, _ = run_service(
            request, services.team_delete, team=team, by=request.user, success=f"已删除{name}"
        )
        if ok:
            return redirect("rounds:round_detail", round_pk)
        return redirect("teams:team_detail", team.pk)


class TeamMemberAddView(OfficeRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        team = selectors.team_get(user=request.user, pk=pk)
        form = TeamMemberAddForm(request.POST, team=team)
        if form.is_valid():
            cadre = form.cleaned_data.get("cadre")
            saved = save_form(
                request,
                form,
                lambda: services.team_member_add(
                    team=team,
                    cadre=cadre,
                    role=form.cleaned_data["role"],
                    duty=form.cleaned_data["duty"],
                    by=request.user,
                ),
                url=lambda _: reverse("teams:team_detail", args=[team.pk]),
                as_message=True,
            )
            if saved.response:
                return saved.response
            if saved.ok:
                member = saved.result
                messages.success(request, f"已将{cadre.name}加入{team.name}（{member.get_role_display()}）")
                return redirect("teams:team_detail", team.pk)
        return _team_page(request, team, add_form=form)


class TeamMemberEditView(OfficeRequiredMixin, View):
    def render_page(self, member, form):
        return render(
            self.request,
            "teams/member_form.html",
            {"member": member, "team": member.team, "form": form, "nav_active": "rounds"},
        )

    def get(self, request, pk):
        member = selectors.member_get(user=request.user, pk=pk)
        form = TeamMemberForm(initial={"role": member.role, "duty": member.duty}, versioned=member)
        return self.render_page(member, form)

    def post(self, request, pk):
        member = selectors.member_get(user=request.user, pk=pk)
        form = TeamMemberForm(request.POST, versioned=member)
        if form.is_valid():
            saved = save_form(
                request,
                form,
                lambda: services.team_member_update(
                    member=member, role=form.cleaned_data["role"], duty=form.cleaned_data["duty"], by=request.user
                ),
                as_message=True,
            )
            if saved.ok:
                messages.success(request, f"已更新{member.cadre.name}的职务和分工")
                return redirect("teams:team_detail", member.team_id)
            member = selectors.member_get(user=request.user, pk=pk)
        return self.render_page(member, form)


class TeamMemberRemoveView(OfficeRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        member = selectors.member_get(user=request.user, pk=pk)
        team_pk, name, team_name = member.team_id, member.cadre.name, member.team.name
        run_service(
            request,
            services.team_member_remove,
            member=member,
            by=request.user,
            success=f"已将{name}移出{team_name}",
        )
        return redirect("teams:team_detail", team_pk)
