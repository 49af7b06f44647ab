"""Every route of the rounds app: units, terms and coverage, rounds, assignments, public announcements."""

from django.urls import path

from .views import assignments, bulk, public, rounds, terms, units

app_name = "rounds"
urlpatterns = [
    # units
    path("units/", units.UnitListView.as_view(), name="unit_list"),
    path("units/new/", units.UnitFormView.as_view(), name="unit_create"),
    path("units/import/", units.UnitImportView.as_view(), name="unit_import"),
    path("units/import/template/", units.UnitImportTemplateView.as_view(), name="unit_import_template"),
    path("units/export/", units.UnitExportView.as_view(), name="unit_export"),
    path("units/<int:pk>/", units.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:pk>/edit/", units.UnitFormView.as_view(), name="unit_edit"),
    path("my-unit/", units.MyUnitView.as_view(), name="my_unit"),
    # terms
    path("terms/", terms.TermListView.as_view(), name="term_list"),
    path("terms/new/", terms.TermFormView.as_view(), name="term_create"),
    path("terms/<int:pk>/edit/", terms.TermFormView.as_view(), name="term_edit"),
    path("terms/<int:pk>/coverage/", terms.CoverageView.as_view(), name="term_coverage"),
    path("terms/<int:pk>/coverage/export/", terms.CoverageExportView.as_view(), name="coverage_export"),
    path("coverage/", terms.CoverageView.as_view(), name="coverage"),
    # rounds
    path("rounds/", rounds.RoundListView.as_view(), name="round_list"),
    path("rounds/new/", rounds.RoundCreateView.as_view(), name="round_create"),
    path("rounds/<int:pk>/", rounds.RoundDetailView.as_view(), name="round_detail"),
    path("rounds/<int:pk>/edit/", rounds.RoundEditView.as_view(), name="round_edit"),
    path("rounds/<int:pk>/transition/<str:action>/", rounds.RoundTransitionView.as_view(), name="round_transition"),
    path("rounds/<int:pk>/milestones/", rounds.MilestoneEditView.as_view(), name="milestone_edit"),
    # assignments
    path("rounds/<int:pk>/assignments/new/", assignments.AssignmentCreateView.as_view(), name="assignment_create"),
    path("rounds/<int:pk>/assignments/town/", bulk.TownAssignView.as_view(), name="town_assign"),
    path("rounds/<int:pk>/announcements/bulk/", bulk.AnnouncementBulkView.as_view(), name="announcement_bulk"),
    path("assignments/", assignments.AssignmentListView.as_view(), name="assignment_list"),
    path("assignments/<int:pk>/", assignments.AssignmentDetailView.as_view(), name="assignment_detail"),
    path("assignments/<int:pk>/edit/", assignments.AssignmentEditView.as_view(), name="assignment_edit"),
    path("assignments/<int:pk>/delete/", assignments.AssignmentDeleteView.as_view(), name="assignment_delete"),
    path("assignments/<int:pk>/announcement/", assignments.AnnouncementEditView.as_view(), name="announcement_edit"),
    path(
        "assignments/<int:pk>/announcement/publish/",
        assignments.AnnouncementPublishView.as_view(),
        name="announcement_publish",
    ),
    path(
        "assignments/<int:pk>/announcement/withdraw/",
        assignments.AnnouncementWithdrawView.as_view(),
        name="announcement_withdraw",
    ),
    # public
    path("gonggao/", public.public_announcements, name="public_announcements"),
    path("gonggao/<int:pk>/", public.public_announcement_detail, name="public_announcement_detail"),
]
