"""Forms of the institution's own filings (机构端): several files in one field, and the
statement (陈述申辩) and early-removal application (信用修复) with their materials."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

MAX_FILES = 6
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos or PDFs in one field (the browser's multiple file picker); at most
    ``MAX_FILES``. What each file is, is the private file store's judgement, by content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT, "class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        uploads = [d for d in data if d] if isinstance(data, (list, tuple)) else ([data] if data else [])
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > MAX_FILES:
            raise ValidationError(f"一次最多上传 {MAX_FILES} 个文件。")
        return [single(u, initial) for u in uploads]


def uploads_of(files: list[Any]) -> list[tuple[str, Any]]:
    return [(f.name, f) for f in files]


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label="陈述申辩意见（事实、理由）", widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"})
    )
    materials = MultipleFileField(label="证明材料（图片或 PDF，可多选，可不上传）", required=False)


class RemovalForm(forms.Form):
    proof = forms.CharField(
        label="已履行义务、完成整改的情况",
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    materials = MultipleFileField(label="证明材料（图片或 PDF，可多选）", required=False)
