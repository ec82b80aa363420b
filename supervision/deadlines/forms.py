from django import forms
from django.utils.translation import gettext_lazy as _


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label=_("豁免理由"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        max_length=2000,
        error_messages={"required": _("请填写豁免理由")},
    )
