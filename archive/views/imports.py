"""历史轮次录入: upload a workbook, read its dry run, confirm; the template, the stored files, the export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from rounds.models import ArchiveImport, ArchiveImportStatus, Round
from xuncha import access
from xuncha.audit.log import EventKind, record
from xuncha.core.xlsx import xlsx_response
from xuncha.errors import DomainError

from ..documents.workbook import export_rounds, template_workbook
from ..forms import ArchiveUploadForm
from ..services.imports import FIGURES, ImportRefused, archive_confirm, archive_upload

SHEET_ORDER = ["轮次", "巡察组", "被巡察单位", "反馈问题", "整改措施", "移交线索"]
WHAT = {"created": "新增", "updated": "更新", "deleted": "删除", "unchanged": "无变化"}


def _imports(request, form):
    return render(
        request,
        "archive/import.html",
        {
            "form": form,
            "imports": ArchiveImport.objects.select_related("uploaded_by", "imported_by")[:20],
            "can_import": access.allows(request.user, "archive.import"),
            "nav_active": "rounds",
        },
    )


@login_required
def import_page(request):
    access.require(request.user, "archive.imports")
    if request.method != "POST":
        return _imports(request, ArchiveUploadForm())
    access.require(request.user, "archive.import", message="只有巡察办可以导入历史轮次")
    form = ArchiveUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _imports(request, form)
    try:
        imp = archive_upload(file=form.cleaned_data["file"], by=request.user)
    except DomainError as exc:
        form.add_error("file", exc.full_message())
        return _imports(request, form)
    return redirect("archive:detail", imp.pk)


def _figure_rows(summary: dict) -> list[dict]:
    """Per term, per figure: before, after and the change."""
    out = []
    for term in summary.get("terms", []):
        before = summary.get("before", {}).get(str(term["id"]), {})
        after = summary.get("after", {}).get(str(term["id"]), {})
        rows = []
        for key, label, share in FIGURES:
            b, a = before.get(key), after.get(key)
            change = None if a is None or b is None else round(a - b, 1) if share else a - b
            rows.append({"key": key, "label": label, "before": b, "after": a, "change": change, "share": share})
        out.append({"term": term["name"], "rows": rows})
    return out


def _tally_rows(summary: dict) -> list[dict]:
    tally = summary.get("tally", {})
    return [{"sheet": s, **tally.get(s, {})} for s in SHEET_ORDER if s in tally]


@login_required
def detail(request, pk):
    access.require(request.user, "archive.imports")
    imp = get_object_or_404(ArchiveImport.objects.select_related("uploaded_by", "imported_by"), pk=pk)
    summary = imp.summary or {}
    return render(
        request,
        "archive/detail.html",
        {
            "imp": imp,
            "errors": summary.get("errors", []),
            "tally": _tally_rows(summary),
            "figures": _figure_rows(summary),
            "rounds": summary.get("rounds", []),
            "checked": imp.status == ArchiveImportStatus.CHECKED,
            "imported": imp.status == ArchiveImportStatus.IMPORTED,
            "archival_rounds": imp.rounds.select_related("term").order_by("term__start_date", "number"),
            "can_import": access.allows(request.user, "archive.import"),
            "nav_active": "rounds",
        },
    )


@login_required
@require_POST
def confirm(request, pk):
    access.require(request.user, "archive.import", message="只有巡察办可以导入历史轮次")
    imp = get_object_or_404(ArchiveImport, pk=pk)
    try:
        archive_confirm(record=imp, token=request.POST.get("token", ""), by=request.user)
    except ImportRefused as exc:
        imp.summary = {**imp.summary, "errors": [e.__dict__ for e in exc.errors]}
        messages.error(request, f"{exc.message}：重新检查时发现错误（数据可能已变化），请修改后重新上传。")
        return render(
            request,
            "archive/detail.html",
            {"imp": imp, "errors": imp.summary["errors"], "nav_active": "rounds", "can_import": False},
        )
    except DomainError as exc:
        messages.error(request, exc.full_message())
    else:
        messages.success(request, "历史轮次已导入。")
    return redirect("archive:detail", pk)


@login_required
def template(request):
    access.require(request.user, "archive.imports")
    return xlsx_response(template_workbook(), "历史轮次录入模板.xlsx", "archive-template.xlsx")


@login_required
def stored_file(request, pk):
    access.require(request.user, "archive.imports")
    imp = get_object_or_404(ArchiveImport, pk=pk)
    record(EventKind.DOWNLOAD, request=request, target=f"历史轮次导入 {imp.pk}", detail=imp.file_name)
    return FileResponse(imp.file.open("rb"), as_attachment=True, filename=imp.file_name)


@login_required
def round_export(request, pk):
    round = access.get_visible(request.user, Round.objects.select_related("term", "revisit_of"), pk=pk)
    access.require(request.user, "export_workbook", round)
    record(EventKind.EXPORT, request=request, target=str(round), detail="历史轮次录入格式")
    name = f"{round.term.name}第{round.number}轮巡察.xlsx"
    return xlsx_response(export_rounds([round]), name, f"round-{round.number}.xlsx")


