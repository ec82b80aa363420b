"""``Idempotency-Key`` on API POSTs: a retried request does its work once.

A partner department's system that lost the answer to a POST (a timeout, a dropped line)
sends it again with the same ``Idempotency-Key`` header. The first successful answer (2xx) is
kept for ``IDEMPOTENCY_KEY_TTL_HOURS`` (24) and replayed to the same user for the same request
(method, path and body), marked ``Idempotent-Replayed: true``; the same key with another
request is refused with 422, and while the first one still runs a second one gets 409. An
answer that is not a success is not kept: nothing was changed (every service is atomic), so
the client may fix the request and send it again with the same key.

Keys are per user. The body is compared by a canonical hash (JSON with sorted keys; for a
multipart upload, the fields and each file's SHA-256), so a client that re-encodes the same
payload is not refused. The records are a replay cache, not evidence: the state changes
themselves are audited by the services; expired rows are deleted as new keys arrive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# A record left "processing" this long belongs to a request that died; the key is free again.
STALE_PROCESSING = dt.timedelta(minutes=5)

KEY_INVALID = _("Idempotency-Key 须为 1–255 个可见 ASCII 字符。")
KEY_REUSED = _("该 Idempotency-Key 已用于另一个请求（方法、地址或内容不同），请为新请求使用新的键。")
KEY_IN_PROGRESS = _("使用该 Idempotency-Key 的请求仍在处理中，请稍后重试。")


class IdempotencyRecord(models.Model):
    """One key of one user: the request's fingerprint and, once done, the answer to replay."""

    class State(models.TextChoices):
        PROCESSING = "processing", _("处理中")
        DONE = "done", _("已完成")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("用户")
    )
    key = models.CharField(_("幂等键"), max_length=MAX_KEY_LENGTH)
    request_hash = models.CharField(_("请求摘要"), max_length=64)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PROCESSING)
    status_code = models.PositiveSmallIntegerField(_("响应状态码"), null=True, blank=True)
    response_body = models.TextField(_("响应内容"), blank=True)
    response_headers = models.JSONField(_("响应头"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)

    class Meta:
        app_label = "core"
        verbose_name = _("接口幂等记录")
        verbose_name_plural = _("接口幂等记录")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


def ttl() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "IDEMPOTENCY_KEY_TTL_HOURS", 24)))


def valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable() and key.strip() == key


def request_fingerprint(request: Any) -> str:
    """SHA-256 over method, path (with query) and the canonical body of a DRF request."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.get_full_path()}\n".encode())
    data: Any = request.data
    files: Any = getattr(request, "FILES", None) or {}
    if files:
        fields = {k: data.getlist(k) for k in data if k not in files} if hasattr(data, "getlist") else {}
        for name in sorted(files):
            file_hashes = []
            for upload in files.getlist(name):
                h = hashlib.sha256()
                for chunk in upload.chunks():
                    h.update(chunk)
                upload.seek(0)
                file_hashes.append(h.hexdigest())
            fields[name] = file_hashes
        payload: Any = fields
    elif hasattr(data, "getlist"):  # a QueryDict (form data)
        payload = {k: data.getlist(k) for k in data}
    else:
        payload = data
    digest.update(json.dumps(payload, cls=JSONEncoder, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


@dataclass
class Claim:
    """The running request's hold on its key (``record`` is ``None`` when replaying)."""

    record: IdempotencyRecord | None
    replay: Response | None = None


class Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def claim(user: Any, key: str, fingerprint: str) -> Claim:
    """Take the key for this request, or return the first answer to replay.

    Raises ``Refused`` (422 another request, 409 still processing)."""
    now = timezone.now()
    IdempotencyRecord.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                user=user, key=key, request_hash=fingerprint, created_at=now, expires_at=now + ttl()
            )
        return Claim(record)
    except IntegrityError:
        pass
    existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if existing is None:  # released between our insert and read: try once more
        return claim(user, key, fingerprint)
    if existing.request_hash != fingerprint:
        raise Refused(422, str(KEY_REUSED))
    if existing.state == IdempotencyRecord.State.PROCESSING:
        if existing.created_at < now - STALE_PROCESSING:
            existing.created_at = now
            existing.expires_at = now + ttl()
            existing.save(update_fields=["created_at", "expires_at"])
            return Claim(existing)
        raise Refused(409, str(KEY_IN_PROGRESS))
    replay = Response(
        json.loads(existing.response_body) if existing.response_body else None,
        status=existing.status_code or 200,
        headers={**existing.response_headers, "Idempotent-Replayed": "true"},
    )
    return Claim(None, replay)


def complete(record: IdempotencyRecord, response: Any) -> None:
    """Keep a successful answer for replay; release the key after any other answer."""
    if not 200 <= response.status_code < 300:
        release(record)
        return
    data = getattr(response, "data", None)
    record.state = IdempotencyRecord.State.DONE
    record.status_code = response.status_code
    record.response_body = "" if data is None else json.dumps(data, cls=JSONEncoder, ensure_ascii=False)
    record.response_headers = {h: response[h] for h in ("Location",) if response.has_header(h)}
    record.save(update_fields=["state", "status_code", "response_body", "response_headers"])


def release(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk, state=IdempotencyRecord.State.PROCESSING).delete()
