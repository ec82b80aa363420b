"""Appending to and verifying the audit hash chain (see models.py)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from .models import GENESIS, Action, ChainHead, ChainLink

# The tables on the chain: name stored in ChainLink.table → model (resolved lazily).
TABLES = {"logentry": "auditlog.LogEntry", "securityevent": "core.SecurityEvent"}
LINK_FIELDS = (
    "seq", "table", "row_id", "at", "action", "object_text", "user_id", "username", "department",
    "jurisdiction", "ip_address", "request_id", "prev_digest",
)  # fmt: skip


def model_for(table: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(TABLES[table])


def table_for(model: type[models.Model]) -> str | None:
    label = model._meta.label
    for table, name in TABLES.items():
        if name == label:
            return table
    return None


def _plain(field: models.Field | None, value: Any) -> Any:
    if field is not None and value is not None and not isinstance(field, models.JSONField):
        # as read back: an int given to a CharField is text (a value it cannot parse stays)
        with contextlib.suppress(Exception):
            value = field.to_python(value)
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(field, models.GenericIPAddressField) and value:
        return field.get_prep_value(value)
    return value


def canonical_row(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    # Empty (NULL) columns are left out, so that a nullable column added to an audit table by a
    # later migration does not change the digest of the rows written before it.
    fields = {f.attname: f for f in model._meta.concrete_fields}
    row = {
        name: _plain(fields[name], values.get(name))
        for name in sorted(fields)
        if values.get(name) is not None
    }
    # the same form a JSON column gives back when read (tuples become lists, keys strings)
    return json.loads(json.dumps(row, cls=DjangoJSONEncoder, sort_keys=True))


def row_values(instance: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def compute_digest(link: dict[str, Any], row: dict[str, Any]) -> str:
    payload = {name: _plain(None, link[name]) for name in LINK_FIELDS}
    payload["row"] = row
    text = json.dumps(payload, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((link["prev_digest"] + "\n" + text).encode()).hexdigest()


def lock_head(using: str = "default") -> ChainHead:
    heads = ChainHead.objects.using(using)
    head = heads.select_for_update().filter(pk=1).first()
    if head is None:
        heads.get_or_create(pk=1)
        head = heads.select_for_update().get(pk=1)
    return head


# Sealing after commit. An audit row is written in its business transaction, but its link is
# made only once that transaction has committed, in a short transaction of its own that takes
# the ChainHead lock for a few milliseconds. Holding the head lock for the whole business
# transaction (as the first version did) made every two writing transactions wait for each other
# and deadlock as soon as they also locked business rows in opposite order. A row rolled back
# is never sealed (its transaction's on-commit hooks are dropped, and sealing reads the row back);
# a row committed but not sealed (the process died in between) is reported by ``verify`` as not
# on the chain, as a row written behind the chain is.
PENDING_ATTR = "_audit_chain_pending"


@dataclass
class _Pending:
    table: str
    row_id: int
    action: str
    object_text: str
    context: dict[str, Any]
    row: dict[str, Any]  # the canonical row as written, to know it is this row when sealing


def _pending_for(conn: Any) -> dict[tuple[str, int], _Pending]:
    pending = getattr(conn, PENDING_ATTR, None)
    if pending is None:
        pending = {}
        setattr(conn, PENDING_ATTR, pending)
    return pending


def append(instance: models.Model, *, action: str, object_text: str, context: dict[str, Any]) -> None:
    """Chain ``instance`` (a row just inserted into an audit table) once its transaction has
    committed — at once when there is no transaction. (A test's transaction never commits: a
    test that reads the chain calls ``seal_pending`` where the commit would be.)"""
    table = table_for(type(instance))
    if table is None:
        raise ValueError(f"{type(instance).__name__} is not an audit table")
    using = instance._state.db or "default"
    conn = transaction.get_connection(using)
    item = _Pending(
        table=table,
        row_id=int(instance.pk),
        action=action if action in Action.values else Action.OTHER,
        object_text=(object_text or "")[:500],
        context={**context, "at": context.get("at") or timezone.now()},
        row=canonical_row(type(instance), row_values(instance)),
    )
    # keyed by row: an id reused after a rolled-back insert (SQLite) holds the newer entry
    _pending_for(conn)[(table, item.row_id)] = item
    if not conn.in_atomic_block:
        seal_pending(using)
    else:
        # one hook per row, so that a savepoint rolled back drops its own hooks and no other's;
        # the first hook after commit seals every pending row, the others find nothing left.
        # (robust: the business transaction has committed; a failure to seal is logged and
        # leaves the rows off the chain, which verify reports)
        transaction.on_commit(lambda: seal_pending(using), using=using, robust=True)


def seal_pending(using: str = "default") -> int:
    """Link every pending audit row that exists in the database, in the order written, in one
    short transaction holding the head lock. Returns how many were linked."""
    conn = transaction.get_connection(using)
    pending = _pending_for(conn)
    if not pending:
        return 0
    items = list(pending.values())
    pending.clear()
    rows: dict[str, dict[int, dict[str, Any]]] = {}
    for table in {item.table for item in items}:
        ids = [item.row_id for item in items if item.table == table]
        rows[table] = fetch_rows(table, ids, using=using)
    # A row rolled back is gone; a row with its id but other content is another row (an id
    # reused after a rollback): neither is this entry's to seal.
    items = [
        item
        for item in items
        if item.row_id in rows[item.table]
        and canonical_row(model_for(item.table), rows[item.table][item.row_id]) == item.row
    ]
    if not items:
        return 0
    already = set(
        ChainLink.objects.using(using)
        .filter(row_id__in=[item.row_id for item in items])
        .values_list("table", "row_id")
    )
    items = [item for item in items if (item.table, item.row_id) not in already]
    if not items:
        return 0
    with transaction.atomic(using=using):
        head = lock_head(using)
        seq, prev = head.seq, head.digest
        links = []
        for item in items:
            ctx = item.context
            seq += 1
            link = {
                "seq": seq,
                "table": item.table,
                "row_id": item.row_id,
                "at": ctx["at"],
                "action": item.action,
                "object_text": item.object_text,
                "user_id": ctx.get("user_id"),
                "username": (ctx.get("username") or "")[:150],
                "department": (ctx.get("department") or "")[:300],
                "jurisdiction": (ctx.get("jurisdiction") or "")[:300],
                "ip_address": ctx.get("ip_address") or None,
                "request_id": (ctx.get("request_id") or "")[:64],
                "prev_digest": prev,
            }
            values = rows[item.table][item.row_id]
            prev = compute_digest(link, canonical_row(model_for(item.table), values))
            links.append(ChainLink(**link, digest=prev))
        ChainLink.objects.using(using).bulk_create(links)
        ChainHead.objects.using(using).filter(pk=1).update(seq=seq, digest=prev)
    return len(links)


@dataclass
class Result:
    ok: bool
    checked: int
    message: str
    broken_seq: int | None = None

    def __str__(self) -> str:
        return self.message


def _link_dict(link: ChainLink) -> dict[str, Any]:
    return {name: getattr(link, name) for name in LINK_FIELDS}


def iter_links(chunk: int = 2000) -> Iterator[list[ChainLink]]:
    last = None
    while True:
        qs = ChainLink.objects.order_by("seq")
        if last is not None:
            qs = qs.filter(seq__gt=last)
        batch = list(qs[:chunk])
        if not batch:
            return
        yield batch
        last = batch[-1].seq


def fetch_rows(table: str, ids: list[int], using: str = "default") -> dict[int, dict[str, Any]]:
    model = model_for(table)
    names = [f.attname for f in model._meta.concrete_fields]
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        qs = model._default_manager.using(using).filter(pk__in=ids[start : start + 500])
        found.update({v["id"]: v for v in qs.values(*names)})
    return found


def verify() -> Result:
    """Walk the chain from the archive anchor; the first link that does not hold is named."""
    head = ChainHead.objects.filter(pk=1).first()
    expected_seq = (head.anchor_seq if head else 0) + 1
    prev = head.anchor_digest if head else GENESIS
    checked = 0

    def broken(link: ChainLink | None, seq: int, why: str) -> Result:
        where = f"第 {seq} 条" if link is None else f"第 {seq} 条（{link.table} #{link.row_id}）"
        return Result(False, checked, f"审计链在{where}断开：{why}", broken_seq=seq)

    for batch in iter_links():
        rows: dict[str, dict[int, dict[str, Any]]] = {}
        for table in TABLES:
            ids = [link.row_id for link in batch if link.table == table]
            rows[table] = fetch_rows(table, ids) if ids else {}
        for link in batch:
            if link.seq != expected_seq:
                return broken(None, expected_seq, "该条链记录缺失。")
            if link.prev_digest != prev:
                return broken(link, link.seq, "上一条摘要与前一条记录不符（链被改写或插入）。")
            if link.table not in TABLES:
                return broken(link, link.seq, "记录表不在审计范围内。")
            values = rows[link.table].get(link.row_id)
            if values is None:
                return broken(link, link.seq, "所指审计记录已被删除。")
            digest = compute_digest(_link_dict(link), canonical_row(model_for(link.table), values))
            if digest != link.digest:
                return broken(link, link.seq, "记录内容与摘要不符（已被修改）。")
            prev = link.digest
            expected_seq += 1
            checked += 1
    if head is not None and (head.seq != expected_seq - 1 or head.digest != prev):
        last = expected_seq - 1
        why = f"审计链尾与链头不符：链头为第 {head.seq} 条，链上最后为第 {last} 条（链尾被删除或改写）。"
        return Result(False, checked, why, broken_seq=last + 1)
    for table in TABLES:
        model = model_for(table)
        chained = ChainLink.objects.filter(table=table, row_id=models.OuterRef("pk"))
        loose = model._default_manager.filter(~models.Exists(chained)).order_by("pk")
        first = loose.values_list("pk", flat=True).first()
        if first is not None:
            why = f"审计记录 {table} #{first} 不在审计链上（绕过系统写入）。"
            return Result(False, checked, why, broken_seq=None)
    return Result(True, checked, f"审计链完整：共校验 {checked} 条记录。")


def adopt_unchained(apps: Any = None) -> int:
    """Chain every audit row that has no link yet (rows written before the chain existed), in
    time order. Used by the migration that introduces the chain; a no-op on a chained trail."""
    from django.apps import apps as live_apps

    apps = apps or live_apps
    Head = apps.get_model("audit", "ChainHead")
    Link = apps.get_model("audit", "ChainLink")
    pending: list[tuple[Any, str, Any]] = []
    for table, label in TABLES.items():
        model = apps.get_model(label)
        chained = Link.objects.filter(table=table).values("row_id")
        for obj in model._default_manager.exclude(pk__in=chained).order_by("pk").iterator():
            at = getattr(obj, "timestamp", None) or getattr(obj, "at", None)
            pending.append((at, table, obj))
    pending.sort(key=lambda t: (t[0] or timezone.now(), t[1], t[2].pk))
    if not pending:
        return 0
    with transaction.atomic():
        head = Head.objects.select_for_update().filter(pk=1).first() or Head.objects.create(pk=1)
        seq, prev = head.seq, head.digest
        for at, table, obj in pending:
            seq += 1
            if table == "logentry":
                action = {0: "create", 1: "update", 2: "delete", 3: "access"}.get(obj.action, "other")
                text, user_id, username, ip = obj.object_repr, obj.actor_id, "", obj.remote_addr
            else:
                action, text, user_id, username, ip = (
                    obj.kind,
                    obj.detail,
                    obj.user_id,
                    obj.username,
                    obj.ip_address,
                )
            link = {
                "seq": seq, "table": table, "row_id": obj.pk, "at": at or timezone.now(),
                "action": action if action in Action.values else Action.OTHER,
                "object_text": (text or "")[:500], "user_id": user_id, "username": username or "",
                "department": "", "jurisdiction": "", "ip_address": ip or None, "request_id": "",
                "prev_digest": prev,
            }  # fmt: skip
            values = {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}
            prev = compute_digest(link, canonical_row(type(obj), values))
            Link.objects.create(**link, digest=prev)
        Head.objects.filter(pk=1).update(seq=seq, digest=prev)
    return len(pending)
