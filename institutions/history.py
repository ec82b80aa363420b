"""变更历史: auditlog entries made readable for people.

Field names become their verbose names, choice values their labels, foreign keys the names of
the objects they point to (resolved in one query per related model), booleans 是/否, times
Beijing time (``2026-12-02 10:00``), and empty values (``None``, ``{}``, ``[]``) a dash.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import services

DASH = "—"
EMPTY_TEXTS = frozenset({"", "None", "null", "{}", "[]", "()"})

# Chinese names of the service verbs recorded in the audit trail (``additional_data["verb"]``).
HISTORY_VERBS: dict[str, str] = {
    **services.VERB_LABELS,
    "create": "新增",
    "update": "修改信息",
    "exit_suspend": "登记暂停服务及安置方案",
    "exit_terminate": "登记终止服务及安置、财产处置方案",
    "asset_disposal_supervise": "财产处置监管完毕",
    "filing_submit": "提交备案材料",
    "filing_change": "变更备案",
    "discover_unfiled": "发现未备案开展服务",
    "onsite_check": "现场核查",
    "restrict": "记录限制措施",
    "lift": "解除限制措施",
    "appoint": "任命",
    "appointment_end": "离任",
    "staff_appoint": "登记从业人员",
    "staff_leave": "从业人员离职",
    "certificate_add": "登记资格证书",
    "training": "登记培训记录",
    "grade_rate": "等级评定",
    "emergency_plan_add": "登记应急预案",
    "drill_record": "录入应急演练",
    "incident_report": "登记突发事件报告",
}


# auditlog's actions (create, update, delete, access) in Chinese.
ACTION_LABELS = {0: "新增", 1: "修改", 2: "删除", 3: "查看"}


def field_label(model: type[Model], name: str) -> str:
    """The verbose name of a concrete field (or the name itself)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def beijing_time(value: dt.datetime) -> str:
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _json_text(value: str) -> str | None:
    """A JSON list/dict written readably (``a、b``; ``键：值``), or None if not JSON."""
    if not value or value[0] not in "[{":
        return None
    try:
        data = json.loads(value)
    except ValueError:
        try:
            import ast

            data = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return None
    if not data:
        return DASH
    if isinstance(data, list | tuple):
        return "、".join(str(v) for v in data)
    if isinstance(data, dict):
        return "；".join(f"{k}：{v}" for k, v in data.items())
    return str(data)


def readable_value(field: Any, value: str, names: dict[str, str] | None = None) -> str:
    """One recorded value as people read it."""
    if value in EMPTY_TEXTS:
        return DASH
    if field is not None and (field.many_to_one or field.one_to_one):
        return (names or {}).get(value, "（已删除的记录）")
    choices = dict(getattr(field, "flatchoices", None) or ())
    if choices:
        key: Any = value
        if key not in choices and value.lstrip("-").isdigit():
            key = int(value)
        return str(choices.get(key, value))
    internal = getattr(field, "get_internal_type", lambda: "")()
    if internal == "BooleanField":
        return "是" if value == "True" else "否"
    looks_like_time = len(value) >= 19 and value[4] == "-" and value[10] in " T"
    if internal == "DateTimeField" or looks_like_time:
        parsed = parse_datetime(value.replace(" ", "T", 1))
        if parsed is not None:
            return beijing_time(parsed)
    json_text = _json_text(value)
    if json_text is not None:
        return json_text
    return value


def _concrete_field(model: type[Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        field: Any = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if getattr(field, "concrete", False) else None


def _related_names(entries: list[LogEntry]) -> dict[type[Model], dict[str, str]]:
    """The names of every object a recorded foreign key points to: one query per model."""
    wanted: dict[type[Model], set[str]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        for name, pair in (entry.changes_dict or {}).items():
            field = _concrete_field(model, name)
            if field is None or not (field.many_to_one or field.one_to_one):
                continue
            if isinstance(pair, list | tuple):
                wanted[field.related_model].update(str(v) for v in pair if str(v) not in EMPTY_TEXTS)
    out: dict[type[Model], dict[str, str]] = {}
    for model, ids in wanted.items():
        keys = [int(i) for i in ids if i.lstrip("-").isdigit()]
        objects = model._default_manager.in_bulk(keys) if keys else {}
        out[model] = {str(pk): _object_name(obj) for pk, obj in objects.items()}
    return out


def _object_name(obj: Any) -> str:
    full = getattr(obj, "full_name", None)  # regions: 山东省聊城市阳谷县博济桥街道
    if isinstance(full, str) and full:
        return full
    return str(obj)


def actor_name(entry: LogEntry) -> str:
    actor: Any = entry.actor
    if actor is None:
        return "系统"
    return str(actor)  # the display name (姓名), else the username


def readable_history(entries: Iterable[LogEntry]) -> list[LogEntry]:
    """Audit entries with ``verb_label``, ``when`` (Beijing time), ``who`` and
    ``readable_changes`` = [(field label, before, after)] in Chinese."""
    entries = list(entries)
    names = _related_names(entries)
    out = []
    for entry in entries:
        model = entry.content_type.model_class()
        verb = (entry.additional_data or {}).get("verb", "")
        entry.verb_label = HISTORY_VERBS.get(verb) or ACTION_LABELS.get(entry.action, "修改")  # type: ignore[attr-defined]
        entry.when = beijing_time(entry.timestamp)  # type: ignore[attr-defined]
        entry.who = actor_name(entry)  # type: ignore[attr-defined]
        rows = []
        for name, pair in (entry.changes_dict or {}).items():
            if name == "id" or not isinstance(pair, list | tuple) or len(pair) != 2:
                continue
            field = _concrete_field(model, name)
            if field is None and model is not None:
                continue  # a reverse relation or a removed field: nothing people can read
            label = str(field.verbose_name) if field is not None else name
            related = names.get(field.related_model, {}) if field is not None and field.is_relation else {}
            before, after = (str(v) if v is not None else "None" for v in pair)
            before_text = readable_value(field, before, related)
            after_text = readable_value(field, after, related)
            if before_text == after_text:
                continue
            rows.append((label, before_text, after_text))
        entry.readable_changes = rows  # type: ignore[attr-defined]
        out.append(entry)
    return out
