"""Archiving old audit entries: a signed export first, an audit entry, and only then removal.

An archive is a directory with ``entries.jsonl`` (each line one chain link with the full audit
row it covers), ``manifest.json`` (range, counts, the anchor digest before the first entry, the
tail digest, the SHA-256 of entries.jsonl) and ``manifest.sig`` (HMAC-SHA256 of the manifest
with ``AUDIT_ARCHIVE_KEY``). The chain head keeps the tail digest as its new anchor, so the
trail left in the database still verifies from the archive's last link, and the archive itself
verifies on its own (``verify_archive``) and joins the trail at that anchor."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from . import chain
from .keys import archive_key
from .maintenance import audit_maintenance
from .models import ChainHead, ChainLink

FORMAT = "eldercare-supervision-audit-archive/1"


class ArchiveRefused(Exception):
    pass


def cutoff_for(before: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(before, dt.time.min))


def earliest_allowed_cutoff() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)


def _sign(data: bytes) -> str:
    return hmac.new(archive_key(), data, hashlib.sha256).hexdigest()


def archive(before: dt.date, out_dir: str | Path | None = None, actor: Any = None) -> dict[str, Any]:
    """Archive every chain entry older than ``before`` (a prefix of the chain)."""
    from supervision.core.models import SecurityEvent
    from supervision.core.signals import record

    cutoff = cutoff_for(before)
    if cutoff > earliest_allowed_cutoff():
        raise ArchiveRefused(
            f"审计日志至少保存 {settings.AUDIT_RETENTION_DAYS} 天："
            f"只能归档 {timezone.localdate(earliest_allowed_cutoff()):%Y-%m-%d} 之前的记录。"
        )
    result = chain.verify()
    if not result.ok:
        raise ArchiveRefused("审计链校验未通过，不予归档：" + result.message)
    archive_key()  # refuse a development key before writing anything

    head = ChainHead.objects.filter(pk=1).first()
    anchor_seq = head.anchor_seq if head else 0
    anchor_digest = head.anchor_digest if head else chain.GENESIS
    links: list[ChainLink] = []
    for batch in chain.iter_links():
        done = False
        for link in batch:
            if link.at >= cutoff:
                done = True
                break
            links.append(link)
        if done:
            break
    if not links:
        return {"count": 0, "path": None}

    first, last = links[0], links[-1]
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    folder = Path(out_dir or settings.AUDIT_ARCHIVE_DIR) / f"audit-{first.seq}-{last.seq}-{stamp}"
    folder.mkdir(parents=True, exist_ok=False)
    entries = folder / "entries.jsonl"
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    with entries.open("wb") as fh:
        for start in range(0, len(links), 500):
            part = links[start : start + 500]
            rows = {
                table: chain.fetch_rows(table, [x.row_id for x in part if x.table == table])
                for table in chain.TABLES
            }
            for link in part:
                line = {
                    "link": {
                        **{k: chain._plain(None, v) for k, v in chain._link_dict(link).items()},
                        "digest": link.digest,
                    },
                    "row": chain.canonical_row(chain.model_for(link.table), rows[link.table][link.row_id]),
                }
                data = (
                    json.dumps(line, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False) + "\n"
                ).encode()
                fh.write(data)
                digest.update(data)
                counts[link.table] = counts.get(link.table, 0) + 1
    manifest = {
        "format": FORMAT,
        "before": before.isoformat(),
        "from_seq": first.seq,
        "to_seq": last.seq,
        "count": len(links),
        "tables": counts,
        "anchor_seq": anchor_seq,
        "anchor_digest": anchor_digest,
        "tail_digest": last.digest,
        "entries_sha256": digest.hexdigest(),
        "created_at": timezone.now().isoformat(),
    }
    manifest_bytes = json.dumps(manifest, sort_keys=True, ensure_ascii=False, indent=2).encode()
    (folder / "manifest.json").write_bytes(manifest_bytes)
    (folder / "manifest.sig").write_text(_sign(manifest_bytes) + "\n")

    with transaction.atomic():
        record(
            SecurityEvent.Kind.ARCHIVE,
            None,
            actor,
            username=getattr(actor, "username", "") or "archive_audit",
            detail=f"归档审计记录第 {first.seq}–{last.seq} 条（{len(links)} 条，{before:%Y-%m-%d} 之前）"
            f"至 {folder.name}，链尾摘要 {last.digest[:16]}…",
        )
        with audit_maintenance():
            by_table: dict[str, list[int]] = {}
            for link in links:
                by_table.setdefault(link.table, []).append(link.row_id)
            for table, ids in by_table.items():
                model = chain.model_for(table)
                for start in range(0, len(ids), 500):
                    model._default_manager.filter(pk__in=ids[start : start + 500]).delete()
            ChainLink.objects.filter(seq__gte=first.seq, seq__lte=last.seq).delete()
            ChainHead.objects.filter(pk=1).update(anchor_seq=last.seq, anchor_digest=last.digest)
    return {"count": len(links), "path": folder, "manifest": manifest}


def verify_archive(folder: str | Path) -> chain.Result:
    """Check an archive's signature, its entries' checksum and the chain inside it."""
    folder = Path(folder)
    manifest_bytes = (folder / "manifest.json").read_bytes()
    signature = (folder / "manifest.sig").read_text().strip()
    if not hmac.compare_digest(signature, _sign(manifest_bytes)):
        return chain.Result(False, 0, "归档清单签名无效（清单被修改或密钥不符）。")
    manifest = json.loads(manifest_bytes)
    data = (folder / "entries.jsonl").read_bytes()
    if hashlib.sha256(data).hexdigest() != manifest["entries_sha256"]:
        return chain.Result(False, 0, "归档记录文件的校验和与清单不符。")
    prev, seq, checked = manifest["anchor_digest"], manifest["from_seq"], 0
    for line in data.decode().splitlines():
        entry = json.loads(line)
        link = entry["link"]
        if link["seq"] != seq or link["prev_digest"] != prev:
            return chain.Result(False, checked, f"归档内审计链在第 {seq} 条断开。", broken_seq=seq)
        if chain.compute_digest(link, entry["row"]) != link["digest"]:
            return chain.Result(False, checked, f"归档内第 {seq} 条记录与摘要不符。", broken_seq=seq)
        prev, seq, checked = link["digest"], seq + 1, checked + 1
    if prev != manifest["tail_digest"] or checked != manifest["count"]:
        return chain.Result(False, checked, "归档记录条数或链尾摘要与清单不符。")
    return chain.Result(True, checked, f"归档完整：签名有效，共 {checked} 条记录，链尾摘要与清单一致。")
