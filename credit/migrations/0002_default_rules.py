"""Seed the default scoring rules, grade thresholds and the national listing policy
(民发〔2019〕103号 defaults; provinces override per region in the admin)."""

from decimal import Decimal

from django.db import migrations

SOURCE = "默认规则（credit/rules.py），可在系统管理中调整"


def seed(apps, schema_editor):
    from credit.rules import DEFAULT_RULES, DEFAULT_THRESHOLDS

    GradingRule = apps.get_model("credit", "GradingRule")
    GradeThreshold = apps.get_model("credit", "GradeThreshold")
    ListingPolicy = apps.get_model("credit", "ListingPolicy")
    for kind, (points, months, decays, serious) in DEFAULT_RULES.items():
        GradingRule.objects.get_or_create(
            kind=kind,
            defaults={
                "points": Decimal(points),
                "validity_months": months,
                "decays": decays,
                "serious": serious,
                "source": SOURCE,
            },
        )
    for grade, (minimum, risk) in DEFAULT_THRESHOLDS.items():
        GradeThreshold.objects.get_or_create(grade=grade, defaults={"min_score": Decimal(minimum), "risk_class": risk})
    if not ListingPolicy.objects.filter(region__isnull=True).exists():
        ListingPolicy.objects.create(region=None, source="民发〔2019〕103号（全国默认，省级细则可按区划覆盖）")


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
