"""Infrastructure only: keep the working-day index in step with overrides and schedules."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CalendarDay, YearSchedule
from .services import invalidate_calendar


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
@receiver(post_save, sender=YearSchedule)
@receiver(post_delete, sender=YearSchedule)
def calendar_changed(sender, **kwargs) -> None:
    invalidate_calendar()
