"""Every route of the dashboards app (the workbench, at "", is wired in `xuncha.urls`)."""

from django.urls import path

from .views import common_problems, figures, quality

app_name = "dashboards"
urlpatterns = [
    # 领导驾驶舱
    path("dashboard/", figures.CountyView.as_view(), name="county"),
    path("dashboard/rounds/<int:pk>/", figures.RoundView.as_view(), name="round"),
    path("dashboard/rounds/<int:pk>/pdf/", figures.RoundPdfView.as_view(), name="round_pdf"),
    path("dashboard/rounds/<int:pk>/pdf/request/", figures.RoundPdfRequestView.as_view(), name="round_pdf_request"),
    path("dashboard/list/<str:metric>/", figures.DrilldownView.as_view(), name="drilldown"),
    path("dashboard/export/", figures.ExportView.as_view(), name="export"),
    # 巡察质量考评
    path("dashboard/quality/", quality.QualityView.as_view(), name="quality"),
    path("dashboard/quality/export/", quality.QualityExportView.as_view(), name="quality_export"),
    path("dashboard/quality/settings/", quality.QualitySettingsView.as_view(), name="quality_settings"),
    path(
        "dashboard/quality/teams/<int:team_pk>/scores/",
        quality.TeamScoresView.as_view(),
        name="team_scores",
    ),
    # 共性问题分析
    path(
        "dashboard/common-problems/",
        common_problems.CommonProblemsView.as_view(),
        name="common_problems",
    ),
    path(
        "dashboard/common-problems/report/",
        common_problems.ThematicReportView.as_view(),
        name="thematic_report",
    ),
]
