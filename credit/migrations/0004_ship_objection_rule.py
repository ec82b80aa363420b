"""Ship the objection-window clock (陈述申辩期, 民发〔2019〕103号) to the deadline engine and open it
for the proposals already in their window, so that the window, its reminders and its close are
the engine's from now on. Idempotent like ``deadlines.0004``: the rule is created only when
missing (never overwriting an administrator's edits), a clock only where none is live."""

from django.db import migrations

RULE = {
    "code": "credit.objection",
    "name": "陈述申辩期",
    "unit": "working_days",
    # The national default; a region's own period is its ListingPolicy (名单管理期限设置),
    # passed to each clock as its length when the party is told.
    "length": 5,
    "start_event": "告知当事人拟列入名单的事实、理由、依据及陈述申辩权利之日",
    "level": 3,
    # Two working days before the window closes, its last day, and the first working day
    # after it: the ``closed`` stage marks the proposal elapsed (credit's stage handler).
    "stages": [
        {"stage": "before_2", "offset": -2},
        {"stage": "due", "offset": 0},
        {"stage": "closed", "offset": 1},
    ],
    "source_document": "民发〔2019〕103号《养老服务市场失信联合惩戒对象名单管理办法（试行）》",
    "source_article": "列入前告知及陈述申辩",
    "note": "期限以各地实施细则为准：默认 5 个工作日，地区期限在“名单管理期限设置”中配置，告知时写入时限。",
}


def _county(region):
    node = region
    while node.level > 3 and node.parent_id is not None:
        node = node.parent
    return node


def forwards(apps, schema_editor):
    Rule = apps.get_model("deadlines", "Rule")
    Department = apps.get_model("core", "Department")
    data = dict(RULE)
    rule, _created = Rule.objects.get_or_create(code=data["code"], defaults=data)
    if rule.department_id is None:
        lead = Department.objects.filter(code="civil_affairs").first()
        if lead is not None:
            rule.department = lead
            rule.save(update_fields=["department"])

    Proposal = apps.get_model("credit", "ListingProposal")
    # The copy of the due date is gone once 0005 has run (and when the test suite replays
    # this migration's data against today's models): nothing left to move.
    if not any(f.name == "objection_due" for f in Proposal._meta.get_fields()):
        return
    from supervision.deadlines.models import StagePlan as LiveStagePlan

    StagePlan = apps.get_model("deadlines", "StagePlan")
    Deadline = apps.get_model("deadlines", "Deadline")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ct, _ = ContentType.objects.get_or_create(app_label="credit", model="listingproposal")
    plan, _ = StagePlan.objects.get_or_create(
        key=LiveStagePlan.key_for(rule.stages), defaults={"stages": rule.stages}
    )
    waiting = Proposal.objects.filter(
        state="notified", objection_due__isnull=False, notified_on__isnull=False
    )
    for p in waiting.select_related("region"):
        live = Deadline.objects.filter(
            content_type=ct, object_id=p.pk, rule=rule, state__in=["open", "overdue"]
        ).exists()
        if live:
            continue
        Deadline.objects.create(
            content_type=ct,
            object_id=p.pk,
            subject_repr=p.number[:200],
            rule=rule,
            rule_version=rule.version,
            unit=rule.unit,
            length=p.objection_workdays or rule.length,
            stage_plan=plan,
            start=p.notified_on,
            due=p.objection_due,
            provisional=p.objection_due_provisional,
            department_id=p.department_id,
            region=_county(p.region),
            note=p.number,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0003_objection_workdays"),
        ("deadlines", "0006_pinned_due"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
