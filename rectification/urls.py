"""Every route of the rectification app."""

from django.urls import path

from .views import closing, feedback, lookback, plan, public, queues, reminders, reports

app_name = "rectification"
urlpatterns = [
    # feedback
    path("rectification/", feedback.rect_list, name="rect_list"),
    path("rectification/bulk-remind/", reminders.RectBulkRemindView.as_view(), name="rect_bulk_remind"),
    path("rectification/<int:pk>/", feedback.rect_detail, name="rect_detail"),
    # the workbench's to-do queues across rectifications (整改待办)
    path("rectification/measures/", queues.measure_queue, name="measure_queue"),
    path("rectification/reports/", queues.report_queue, name="report_queue"),
    path("assignments/<int:assignment_pk>/rectification/new/", feedback.rect_create, name="rect_create"),
    path("rectification/<int:pk>/feedback/edit/", feedback.feedback_edit, name="feedback_edit"),
    path("rectification/<int:pk>/problems/<int:problem_pk>/edit/", feedback.problem_edit, name="problem_edit"),
    path("rectification/<int:pk>/problems/sync/", feedback.problems_sync, name="problems_sync"),
    path("rectification/<int:pk>/feedback/render/", feedback.feedback_render, name="feedback_render"),
    path("rectification/<int:pk>/meeting/", feedback.meeting_record, name="meeting_record"),
    # plan
    path("rectification/<int:pk>/plan/", plan.PlanView.as_view(), name="plan"),
    path("rectification/<int:pk>/plan/export.xlsx", plan.PlanExportView.as_view(), name="plan_export"),
    path("rectification/<int:pk>/plan/import/", plan.PlanImportView.as_view(), name="plan_import"),
    path("rectification/<int:pk>/plan/submit/", plan.PlanSubmitView.as_view(), name="plan_submit"),
    path("rectification/<int:pk>/plan/approve/", plan.PlanApproveView.as_view(), name="plan_approve"),
    path("rectification/<int:pk>/plan/return/", plan.PlanReturnView.as_view(), name="plan_return"),
    path(
        "rectification/<int:pk>/problems/<int:problem_pk>/measures/new/",
        plan.MeasureFormView.as_view(),
        name="measure_add",
    ),
    path(
        "rectification/<int:pk>/measures/<int:measure_pk>/edit/",
        plan.MeasureFormView.as_view(),
        name="measure_edit",
    ),
    path(
        "rectification/<int:pk>/measures/<int:measure_pk>/delete/",
        plan.MeasureDeleteView.as_view(),
        name="measure_delete",
    ),
    path(
        "rectification/<int:pk>/commitments/<str:kind>/", plan.CommitmentEditView.as_view(), name="commitment_edit"
    ),
    path(
        "rectification/<int:pk>/commitments/<str:kind>/sign/",
        plan.CommitmentSignView.as_view(),
        name="commitment_sign",
    ),
    # reports
    path("rectification/<int:pk>/reports/", reports.ReportListView.as_view(), name="report_list"),
    path("rectification/<int:pk>/reports/<int:report_pk>/", reports.ReportDetailView.as_view(), name="report_detail"),
    path(
        "rectification/<int:pk>/reports/<int:report_pk>/edit/", reports.VersionEditView.as_view(), name="version_edit"
    ),
    path(
        "rectification/<int:pk>/reports/<int:report_pk>/correct/",
        reports.VersionNewView.as_view(),
        name="version_new",
    ),
    path(
        "rectification/<int:pk>/reports/<int:report_pk>/submit/",
        reports.VersionSubmitView.as_view(),
        name="version_submit",
    ),
    path(
        "rectification/<int:pk>/reports/<int:report_pk>/sign/", reports.VersionSignView.as_view(), name="version_sign"
    ),
    path(
        "rectification/<int:pk>/reports/<int:report_pk>/versions/<int:number>/pdf/",
        reports.VersionPdfView.as_view(),
        name="version_pdf",
    ),
    path(
        "rectification/<int:pk>/reports/<int:report_pk>/versions/<int:number>/comments/",
        reports.CommentAddView.as_view(),
        name="comment_add",
    ),
    path(
        "rectification/evidence/<int:evidence_pk>/", reports.EvidenceDownloadView.as_view(), name="evidence_download"
    ),
    path(
        "rectification/<int:pk>/reports/<int:report_pk>/waive/", reports.ReportWaiveView.as_view(), name="report_waive"
    ),
    path("rectification/<int:pk>/meetings/<str:kind>/new/", reports.MeetingAddView.as_view(), name="meeting_add"),
    path("rectification/supervision/", reports.SupervisionView.as_view(), name="supervision"),
    # closing
    path("rectification/<int:pk>/ledger/", closing.ledger, name="ledger"),
    path("rectification/<int:pk>/measures/<int:measure_pk>/close/", closing.measure_close_view, name="measure_close"),
    path("rectification/<int:pk>/measures/bulk-close/", closing.MeasureBulkCloseView.as_view(), name="measure_bulk_close"),
    path(
        "rectification/<int:pk>/measures/<int:measure_pk>/return/", closing.measure_return_view, name="measure_return"
    ),
    path(
        "rectification/<int:pk>/measures/<int:measure_pk>/reopen/", closing.measure_reopen_view, name="measure_reopen"
    ),
    path("rectification/<int:pk>/close/", closing.rect_close, name="rect_close"),
    path("rectification/<int:pk>/accountability/new/", closing.accountability_new, name="accountability_add"),
    path(
        "rectification/<int:pk>/accountability/<int:acc_pk>/edit/",
        closing.accountability_edit,
        name="accountability_edit",
    ),
    path("rectification/<int:pk>/publicity/", closing.publicity, name="publicity"),
    path("rectification/<int:pk>/publications/new/", closing.publication_new, name="publication_new"),
    path("rectification/<int:pk>/publications/<int:pub_pk>/edit/", closing.publication_edit, name="publication_edit"),
    path(
        "rectification/<int:pk>/publications/<int:pub_pk>/publish/",
        closing.publication_publish_view,
        name="publication_publish",
    ),
    path(
        "rectification/<int:pk>/publications/<int:pub_pk>/withdraw/",
        closing.publication_withdraw_view,
        name="publication_withdraw",
    ),
    # lookback
    path("assignments/<int:assignment_pk>/lookback/", lookback.lookback, name="lookback"),
    # public
    path("rectification/publications/", public.publications, name="publications"),
    path("zhenggai/", public.public_rectifications, name="public_rectifications"),
    path("zhenggai/<int:pub_pk>/", public.public_rectification, name="public_rectification"),
]
