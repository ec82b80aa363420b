from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from supervision.core.models import Region
from supervision.core.widgets import iso_date_formfield

from .models import PolicyPage


class PolicyPageForm(forms.ModelForm):
    """Staff form for a policy page; the region choices are limited to the editor's jurisdiction."""

    class Meta:
        model = PolicyPage
        fields = [
            "category",
            "title",
            "slug",
            "summary",
            "body",
            "source",
            "region",
            "publish_from",
            "publish_until",
        ]
        formfield_callback = iso_date_formfield
        widgets = {
            "body": forms.Textarea(attrs={"rows": 12}),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = "留空自动生成；仅限字母、数字、连字符。"
        if user is not None and not user.is_superuser:
            q = Q(pk__in=[])
            for a in user.active_assignments():
                if a.department.is_lead and a.role == "admin":
                    q |= Q(code__startswith=a.region.prefix)
            regions = Region.objects.filter(q).filter(level__lte=3)
            self.fields["region"].required = True
        else:
            regions = Region.objects.filter(level__lte=3)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        for _name, field in self.fields.items():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, until = data.get("publish_from"), data.get("publish_until")
        if start and until and until <= start:
            self.add_error("publish_until", "公开截止时间须晚于公开起始时间。")
        return data

    def validate_unique(self) -> None:
        if self.cleaned_data.get("slug"):
            super().validate_unique()
