"""Forms of the identity pages, Chinese throughout."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts


class PasswordChangeForm(DjangoPasswordChangeForm):
    """The user's own change: the current password, then the new one twice. Saving clears the
    "must change" mark (an initial password set by an administrator)."""

    error_messages = {
        **DjangoPasswordChangeForm.error_messages,
        "password_incorrect": "当前密码不正确，请重新输入。",  # nosec B105 # a message, not a password
        "password_mismatch": "两次输入的新密码不一致。",  # nosec B105 # a message, not a password
        "password_unchanged": "新密码不能与当前密码相同。",  # nosec B105 # a message, not a password
    }

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = "当前密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password1"].help_text = "".join(password_validators_help_texts())
        self.fields["new_password2"].label = "再次输入新密码"
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean_new_password1(self) -> str:
        new = self.cleaned_data.get("new_password1") or ""
        if new and self.user.check_password(new):
            raise forms.ValidationError(self.error_messages["password_unchanged"], code="password_unchanged")
        return new

    def save(self, commit: bool = True) -> Any:
        self.user.set_password(self.cleaned_data["new_password1"])
        self.user.must_change_password = False
        if commit:
            self.user.save()
        return self.user


class OtpTokenForm(forms.Form):
    """The 6-digit code of an authenticator app (TOTP, RFC 6238)."""

    token = forms.CharField(
        label="动态码",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
        help_text=(
            "打开手机上的验证器（如微信小程序“腾讯身份验证器”、Google Authenticator），输入显示的 6 位数字。"
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError("动态码应为 6 位数字。")
        return token


def _styled(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class AdminUserSearchForm(forms.Form):
    """账户查询 of the system and security administrators."""

    q = forms.CharField(label="姓名或用户名", required=False)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), ("active", "在用"), ("inactive", "已停用")]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class AdminAccountCreateForm(forms.Form):
    """新建账户 (system administrator): no post; posts are granted by the security administrator."""

    username = forms.CharField(
        label="用户名", max_length=150, help_text="登录用的名称，如 yanggu_zhangsan；建成后不能修改"
    )
    display_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="办公电话", max_length=30, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean_username(self) -> str:
        value = self.cleaned_data["username"].strip()
        if not value.replace("_", "").replace(".", "").replace("-", "").isalnum() or not value.isascii():
            raise forms.ValidationError("用户名只能使用英文字母、数字和 _ . -。")
        return value


class AdminPostGrantForm(forms.Form):
    """分配岗位 (security administrator): any post at any place, the 三员 roles included."""

    department: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label="部门", empty_label="请选择部门"
    )
    region: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label="辖区", empty_label="请选择辖区"
    )
    role = forms.ChoiceField(label="岗位")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from supervision.core.models import Department, Region, RegionLevel, Role

        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.all()  # type: ignore[attr-defined]
        self.fields["region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            level__lte=RegionLevel.TOWNSHIP
        ).order_by("code")
        self.fields["role"].choices = [("", "请选择岗位")] + [(r.value, r.label) for r in Role]  # type: ignore[attr-defined]
        _styled(self)
