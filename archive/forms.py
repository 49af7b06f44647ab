"""The upload form of the archive workbook."""

from django import forms

from rounds.forms.units import bootstrap

from . import layout as L


class ArchiveUploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 工作簿",
        help_text=f"仅支持 .xlsx，不超过 {L.MAX_FILE_SIZE // 1024 // 1024} MB；请按模板填写（含“说明”表）",
        error_messages={"required": "请选择要导入的 Excel 工作簿", "empty": "上传的文件是空的"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
