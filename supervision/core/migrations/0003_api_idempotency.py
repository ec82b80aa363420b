# The replay cache of API POSTs sent with an Idempotency-Key (supervision/core/idempotency.py).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_department_titles"),
    ]

    operations = [
        migrations.CreateModel(
            name="IdempotencyRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=255, verbose_name="幂等键")),
                ("request_hash", models.CharField(max_length=64, verbose_name="请求摘要")),
                (
                    "state",
                    models.CharField(
                        choices=[("processing", "处理中"), ("done", "已完成")],
                        default="processing",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                (
                    "status_code",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="响应状态码"),
                ),
                ("response_body", models.TextField(blank=True, verbose_name="响应内容")),
                ("response_headers", models.JSONField(blank=True, default=dict, verbose_name="响应头")),
                (
                    "created_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="创建时间"
                    ),
                ),
                ("expires_at", models.DateTimeField(db_index=True, verbose_name="过期时间")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="用户",
                    ),
                ),
            ],
            options={
                "verbose_name": "接口幂等记录",
                "verbose_name_plural": "接口幂等记录",
                "constraints": [
                    models.UniqueConstraint(fields=("user", "key"), name="idempotency_user_key_unique")
                ],
            },
        ),
    ]
