"""The Django admin for the rounds app: a fallback for superusers. The office works through the app's
own pages, where the services check every rule; edits here bypass those checks, so keep them rare.

Units and assignments carry object permissions (a unit's users, a team on its assignments), so their
admins show guardian's "object permissions" page as well as the change history."""

from django.contrib import admin
from guardian.admin import GuardedModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from .models import Announcement, Assignment, Milestone, Round, Term, Unit


class GuardedHistoryAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin):
    """History and object permissions on one admin page."""


@admin.register(Unit)
class UnitAdmin(GuardedHistoryAdmin):
    list_display = ("name", "unit_type", "parent", "principal_name", "liaison_name", "is_active")
    list_filter = ("unit_type", "is_active")
    search_fields = ("name", "principal_name", "liaison_name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent", "principal_user", "liaison_user")


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ("name", "start_date", "end_date", "is_current")


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("kind", "planned_date", "actual_date", "note")


@admin.register(Round)
class RoundAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "kind", "theme", "status", "planned_start", "planned_end")
    list_filter = ("term", "kind", "status")
    search_fields = ("theme", "plan_note")
    list_select_related = ("term",)
    raw_id_fields = ("revisit_of", "created_by")
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ("round", "kind", "planned_date", "actual_date")
    list_filter = ("kind",)
    list_select_related = ("round__term",)


@admin.register(Assignment)
class AssignmentAdmin(GuardedHistoryAdmin):
    list_display = ("__str__", "round", "mode", "onsite_start", "onsite_end")
    list_filter = ("round", "mode")
    search_fields = ("unit__name",)
    list_select_related = ("round__term", "team", "unit")
    raw_id_fields = ("round", "team", "unit")


@admin.register(Announcement)
class AnnouncementAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "status", "start_date", "end_date", "published_at")
    list_filter = ("status",)
    list_select_related = ("assignment__round__term", "assignment__team", "assignment__unit")
    raw_id_fields = ("assignment", "published_by")
