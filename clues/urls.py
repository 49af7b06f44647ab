"""Every route of the clues app: intake, the public report, findings and the taxonomy, dispositions and
transfers."""

from django.urls import path

from clues.views import dispositions, findings, intake, public, transfers

app_name = "clues"
urlpatterns = [
    # intake (受理) and the competent departments (归口办理)
    path("leads/", intake.LeadListView.as_view(), name="lead_list"),
    path("assignments/<int:pk>/leads/new/", intake.LeadCreateView.as_view(), name="lead_create"),
    path("leads/<int:pk>/", intake.LeadDetailView.as_view(), name="lead_detail"),
    path("leads/<int:pk>/edit/", intake.LeadEditView.as_view(), name="lead_edit"),
    path("leads/<int:pk>/triage/", intake.LeadTriageView.as_view(), name="lead_triage"),
    path("leads/<int:pk>/reveal/", intake.LeadRevealView.as_view(), name="lead_reveal"),
    path("leads/<int:pk>/identity/", intake.LeadIdentityView.as_view(), name="lead_identity"),
    path("leads/<int:pk>/reply/", intake.LeadReplyView.as_view(), name="lead_reply"),
    path("leads/<int:pk>/public-outcome/", intake.LeadPublicOutcomeView.as_view(), name="lead_public_outcome"),
    path("leads/attachments/<int:pk>/", intake.LeadAttachmentView.as_view(), name="lead_attachment"),
    path("handover/", intake.HandoverListView.as_view(), name="handover_list"),
    path("handover/<int:pk>/", intake.HandoverDetailView.as_view(), name="handover_detail"),
    # public reporting (开门巡察)
    path("gonggao/<int:pk>/report/", public.public_report, name="public_report"),
    path("gonggao/query/", public.public_receipt, name="public_receipt"),
    # working papers, the ledger and the taxonomy
    path("findings/", findings.FindingListView.as_view(), name="finding_list"),
    path("findings/bulk-review/", findings.FindingBulkReviewView.as_view(), name="finding_bulk_review"),
    path("findings/export/", findings.FindingExportView.as_view(), name="finding_export"),
    path("assignments/<int:pk>/findings/new/", findings.FindingCreateView.as_view(), name="finding_create"),
    path("findings/<int:pk>/", findings.FindingDetailView.as_view(), name="finding_detail"),
    path("findings/<int:pk>/edit/", findings.FindingEditView.as_view(), name="finding_edit"),
    path("findings/<int:pk>/review/<str:action>/", findings.FindingReviewView.as_view(), name="finding_review"),
    path("findings/<int:pk>/approval.docx", findings.FindingDocxView.as_view(), name="finding_docx"),
    path("findings/evidence/<int:pk>/", findings.FindingEvidenceView.as_view(), name="finding_evidence"),
    path("categories/", findings.CategoryListView.as_view(), name="category_list"),
    path("categories/new/", findings.CategoryCreateView.as_view(), name="category_create"),
    path("categories/<int:pk>/edit/", findings.CategoryEditView.as_view(), name="category_edit"),
    path("categories/<int:pk>/delete/", findings.CategoryDeleteView.as_view(), name="category_delete"),
    # dispositions (线索处置)
    path("dispositions/", dispositions.DispositionQueueView.as_view(), name="disposition_queue"),
    path("leads/<int:pk>/dispose/", dispositions.DispositionProposeView.as_view(), name="disposition_propose"),
    path("leads/<int:pk>/confirm/", dispositions.DispositionConfirmView.as_view(), name="disposition_confirm"),
    # transfers (统一移送) and the receivers' pages
    path("transfers/", transfers.BatchListView.as_view(), name="batch_list"),
    path("transfers/new/", transfers.BatchCreateView.as_view(), name="batch_create"),
    path("transfers/figures/", transfers.TransferFiguresView.as_view(), name="transfer_figures"),
    path("transfers/<int:pk>/", transfers.BatchDetailView.as_view(), name="batch_detail"),
    path("transfers/<int:pk>/send/", transfers.BatchSendView.as_view(), name="batch_send"),
    path("transfers/<int:pk>/delete/", transfers.BatchDeleteView.as_view(), name="batch_delete"),
    path("transfers/<int:pk>/acknowledge/", transfers.BatchAcknowledgeView.as_view(), name="batch_acknowledge"),
    path("transfers/items/<int:pk>/result/", transfers.ItemResultView.as_view(), name="item_result"),
]
