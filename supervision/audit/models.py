"""One hash chain over the whole audit trail.

Every audit row — a django-auditlog ``LogEntry`` (a row created, changed, deleted) or a
``SecurityEvent`` (sign-in, failure, lockout, token, export, download, unmasking, partner API
call, archive) — gets one ``ChainLink``, sealed once the row's transaction has committed (see
chain.py: a business transaction never holds the chain's lock). The link carries the request
context (time, user, department, jurisdiction, IP, request id), a short action and object text
the audit page searches, and ``digest = SHA-256(prev_digest ‖ canonical JSON of the link and
of the row)``. Changing or removing any row or link, or inserting one, breaks the chain at that
link; ``manage.py verify_audit_chain`` names it. ``ChainHead`` is the one lock row every seal
takes (``select_for_update``, in its own short transaction) so that two writers never fork the
chain, and it keeps the anchor
left by archiving (the digest of the last archived link)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class Action(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    ACCESS = "access", _("访问")
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("账户锁定")
    TOKEN_ISSUED = "token_issued", _("签发令牌")
    EXPORT = "export", _("导出")
    DOWNLOAD = "download", _("下载文书/文件")
    UNMASK = "unmask", _("查看完整个人信息")
    API_CALL = "api_call", _("协同部门接口调用")
    PERMISSION = "permission", _("岗位/权限变更")
    ARCHIVE = "archive", _("审计日志归档")
    OTHER = "other", _("其他")


class ChainHead(models.Model):
    """The single lock row and tail of the chain (pk 1)."""

    seq = models.BigIntegerField(_("最后序号"), default=0)
    digest = models.CharField(_("最后摘要"), max_length=64, default=GENESIS)
    anchor_seq = models.BigIntegerField(_("已归档至序号"), default=0)
    anchor_digest = models.CharField(_("归档锚点摘要"), max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.seq}"


def is_audit_admin(user: Any) -> bool:
    """The audit administrator (三员之一, supervision/core: ``User.is_audit_admin``) — and nobody
    else, superusers included: the one who administers the system does not read its trail."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_audit_admin", False))


class ChainLinkQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ChainLinkQuerySet:
        """The whole trail for the audit administrator, nothing for anyone else."""
        return self if is_audit_admin(user) else self.none()


class ChainLink(models.Model):
    """One entry of the audit trail, in chain order."""

    seq = models.BigIntegerField(_("序号"), unique=True)
    table = models.CharField(_("记录表"), max_length=40)
    row_id = models.BigIntegerField(_("记录编号"))
    at = models.DateTimeField(_("时间"), db_index=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices, db_index=True)
    object_text = models.CharField(_("对象"), max_length=500, blank=True)
    # The user as a plain id and name (no foreign key: an entry never changes, not even when an
    # account is renamed or removed).
    user_id = models.BigIntegerField(_("用户编号"), null=True, blank=True, db_index=True)
    username = models.CharField(_("用户"), max_length=150, blank=True, db_index=True)
    department = models.CharField(_("部门"), max_length=300, blank=True)
    jurisdiction = models.CharField(_("辖区"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, db_index=True)
    prev_digest = models.CharField(_("上一条摘要"), max_length=64)
    digest = models.CharField(_("摘要"), max_length=64)

    objects = ChainLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-seq"]
        constraints = [models.UniqueConstraint(fields=["table", "row_id"], name="audit_link_one_per_row")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_action_display()} {self.object_text[:40]}"
