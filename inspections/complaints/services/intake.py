"""Taking complaints in: from the public, the 12345 hotline and referrals, with their photos."""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from institutions.models import Institution
from supervision.core import policy
from supervision.core.models import Domain, Region

from ..models import (
    Channel,
    Complaint,
    ComplaintEvent,
)
from .common import new_tracking_code
from .handling import complaint_route

# --- intake ----------------------------------------------------------------------------------


def _create(
    *,
    channel: str,
    content: str,
    region: Region | None,
    institution: Institution | None = None,
    institution_name: str = "",
    institution_address: str = "",
    category: str = "",
    domain: Domain | None = None,
    complainant_name: str = "",
    complainant_phone: str = "",
    hotline_number: str = "",
    referral: Any = None,
    actor: Any = None,
    received_at: dt.datetime | None = None,
    anonymous: bool = False,
    photos: Any = (),
) -> Complaint:
    """Insert a received complaint and route it (as the system). ``actor`` is the member of
    staff who registered it (None for the public form); callers have asked the policy.

    ``anonymous``: no name or phone is stored, whatever was typed. ``photos``: uploads kept in
    the private file store (images only, at most ``MAX_PHOTOS``); a refused one refuses the
    complaint with the store's Chinese reason, and nothing is kept."""
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": "请填写投诉内容。"})
    if institution is not None:
        region = institution.region
    if region is None:
        raise ValidationError({"region": "请选择发生地所在县（市、区）或乡镇（街道）。"})
    if domain is None and category:
        domain = Domain.objects.filter(code=category).first()
    user = policy.as_user(actor)
    with transaction.atomic(), set_actor(user) if user is not None else _nullcontext():
        complaint = Complaint.objects.create(
            tracking_code=new_tracking_code(),
            channel=channel,
            hotline_number=hotline_number.strip(),
            referral=referral,
            institution=institution,
            institution_name=(institution_name or (institution.name if institution else "")).strip()[:200],
            institution_address=(institution_address or (institution.address if institution else "")).strip()[
                :300
            ],
            region=region,
            category=category or (domain.code if domain else ""),
            domain=domain,
            content=content,
            complainant_name="" if anonymous else complainant_name.strip(),
            complainant_phone="" if anonymous else complainant_phone.strip(),
            anonymous=anonymous,
            received_at=received_at or timezone.now(),
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        ComplaintEvent.objects.create(
            complaint=complaint,
            step="receive",
            to_state=complaint.state,
            note=str(Channel(channel).label),
            actor=user if getattr(user, "is_authenticated", False) else None,
        )
        kept = _keep_photos(complaint, photos, user)
        try:
            # Routing by the remit matrix is the system's, whoever registered the complaint.
            complaint_route(complaint, actor=policy.SYSTEM)
            complaint.refresh_from_db()
        except BaseException:
            _forget(kept)  # the rows roll back with the complaint; the files must go too
            raise
    return complaint


class _nullcontext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


MAX_PHOTOS = 3


def _forget(names: list[str]) -> None:
    from supervision.files import store

    for name in names:
        store.path(name).unlink(missing_ok=True)


def _keep_photos(complaint: Complaint, photos: Any, user: Any) -> list[str]:
    """Store the photos and link them to the complaint; the stored names are returned."""
    from supervision.files import store

    from ..models import ComplaintPhoto

    photos = [p for p in (photos or ()) if p]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": f"最多上传 {MAX_PHOTOS} 张照片。"})
    kept: list[str] = []
    try:
        for upload in photos:
            stored = store.store(upload, accept=store.IMAGES, area="complaints", actor=user, field="photos")
            kept.append(stored.name)
            ComplaintPhoto.objects.create(
                complaint=complaint,
                file=stored.name,
                sha256=stored.sha256,
                original_name=stored.original_name,
            )
    except BaseException:
        _forget(kept)
        raise
    return kept


def complaint_submit_public(
    *,
    content: str,
    region: Region | None = None,
    institution: Institution | None = None,
    institution_name: str = "",
    institution_address: str = "",
    category: str = "",
    name: str = "",
    phone: str = "",
    received_at: dt.datetime | None = None,
    anonymous: bool = False,
    photos: Any = (),
) -> Complaint:
    """A complaint from the public web form (no login: anyone may complain); the caller shows
    the tracking code. An anonymous complaint keeps no name or phone."""
    return _create(
        channel=Channel.WEB,
        content=content,
        region=region,
        institution=institution,
        institution_name=institution_name,
        institution_address=institution_address,
        category=category,
        complainant_name=name,
        complainant_phone=phone,
        received_at=received_at,
        anonymous=anonymous,
        photos=photos,
    )


def complaint_register_hotline(
    *,
    actor: Any,
    hotline_number: str,
    content: str,
    region: Region | None = None,
    institution: Institution | None = None,
    institution_name: str = "",
    institution_address: str = "",
    category: str = "",
    domain: Domain | None = None,
    name: str = "",
    phone: str = "",
    received_at: dt.datetime | None = None,
) -> Complaint:
    """A 12345 work order entered by staff; one complaint per work-order number. Civil affairs
    over the place where it happened takes it (``intake_hotline``): the place is judged before
    anything is looked up, and an order already registered elsewhere is not shown."""
    hotline_number = (hotline_number or "").strip()
    place = institution.region if institution is not None else region
    with transaction.atomic():
        if place is not None:
            policy.require(actor, Complaint, "intake_hotline", region=place)
        else:  # the missing place is an input error for a post that may take orders at all
            policy.require_ever(actor, Complaint, "intake_hotline")
        if not hotline_number:
            raise ValidationError({"hotline_number": "请填写 12345 工单号。"})
        existing = Complaint.objects.filter(channel=Channel.HOTLINE, hotline_number=hotline_number).first()
        if existing is not None:
            if not policy.can(actor, Complaint, "intake_hotline", region=existing.region):
                # Neither the place nor the handling body of another county's order is told.
                raise policy.Denied("该 12345 工单号已在其他辖区登记，您的岗位无权查看或重复登记。")
            return existing
        return _create(
            channel=Channel.HOTLINE,
            hotline_number=hotline_number,
            content=content,
            region=region,
            institution=institution,
            institution_name=institution_name,
            institution_address=institution_address,
            category=category,
            domain=domain,
            complainant_name=name,
            complainant_phone=phone,
            actor=actor,
            received_at=received_at,
        )


def complaint_from_referral(referral: Any, *, actor: Any) -> Complaint:
    """A complaint handed over by another department (a supervision.referrals Referral),
    registered by the referral's receiving department (``intake_referral``): institution by
    credit code, domain and place from the referral. Idempotent per referral."""
    with transaction.atomic():
        policy.require(
            actor, Complaint, "intake_referral", region=referral.to_region, department=referral.to_department
        )
        existing = Complaint.objects.filter(referral=referral).first()
        if existing is not None:
            return existing
        institution = (
            Institution.objects.filter(credit_code=referral.credit_code).first()
            if referral.credit_code
            else None
        )
        return _create(
            channel=Channel.REFERRAL,
            content=f"{referral.title}\n{referral.description}",
            region=institution.region if institution else (referral.to_region or referral.from_region),
            institution=institution,
            institution_name=referral.institution_name,
            domain=referral.domain,
            referral=referral,
            actor=actor,
        )


def referral_for_intake(user: Any, ref: str) -> Any:
    """The referral ``ref`` (its letter number, or its id) as ``user`` may see it, or a
    ValidationError in Chinese. Whether ``user`` may register it is the policy's
    (``complaint_from_referral``: the receiving department); the complaint is then routed by
    the remit matrix as usual."""
    from supervision.referrals.models import Referral

    ref = (ref or "").strip()
    if not ref:
        raise ValidationError({"referral": "请填写抄告函文号或编号。"})
    qs = Referral.objects.visible_to(user)
    found = qs.filter(number=ref).first() or (
        qs.filter(pk=int(ref)).first() if ref.isascii() and ref.isdigit() else None
    )
    if found is None:
        raise ValidationError({"referral": "未找到该抄告（或无权查看）。"})
    return found
