"""The Django admin for the cadre pool and teams: a fallback for superusers. Team changes made here skip
the recusal checks and do not refresh the teams' access grants; form teams on the team pages instead."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Cadre, Team, TeamMember


@admin.register(Cadre)
class CadreAdmin(SimpleHistoryAdmin):
    list_display = ("name", "gender", "home_unit", "post", "specialties", "is_available", "user")
    list_filter = ("is_available", "gender")
    search_fields = ("name", "post", "specialty", "specialties", "past_teams_note", "home_unit__name")
    list_select_related = ("home_unit", "user")
    autocomplete_fields = ("home_unit", "user")


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    fields = ("cadre", "role", "duty")
    raw_id_fields = ("cadre",)


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "round")
    list_filter = ("round",)
    list_select_related = ("round__term",)
    inlines = [TeamMemberInline]

    def save_formset(self, request, form, formset, change):
        # A member keeps the round of his team (the database refuses one cadre on two teams of a round).
        for member in formset.save(commit=False):
            member.round_id = form.instance.round_id
            member.save()
        for member in formset.deleted_objects:
            member.delete()
        formset.save_m2m()


@admin.register(TeamMember)
class TeamMemberAdmin(SimpleHistoryAdmin):
    list_display = ("cadre", "team", "role", "duty")
    list_filter = ("role",)
    search_fields = ("cadre__name",)
    list_select_related = ("cadre__home_unit", "team__round__term")
    raw_id_fields = ("team", "cadre")
