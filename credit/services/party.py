"""The party's own filings in a listing procedure (机构端, issue 17): what the institution's
account attaches to its statement (陈述申辩) or its application for early removal (信用修复),
and the day it files on (always the day it files: the institution cannot choose a date)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files import File

from supervision.core import policy
from supervision.core.audit import create_audited
from supervision.core.scoping import institution_pk_of
from supervision.files import store as files

from ..institution_models import ProposalAttachment
from ..models import ListingProposal
from .common import today

Upload = tuple[str, "bytes | File"]
MAX_ATTACHMENTS = 6


def filing_day(actor: Any, on: dt.date | None) -> dt.date:
    """The date of a statement or application: staff record the day it was received, the
    institution's own account files today."""
    if institution_pk_of(actor) is not None:
        return today()
    return on or today()


def attach(
    proposal: ListingProposal, purpose: str, uploads: Sequence[Upload], actor: Any
) -> list[ProposalAttachment]:
    """Keep each upload (image or PDF, by content) in the private store with its row; inside the
    caller's transaction, so a refused step keeps no file."""
    kept = []
    for name, data in uploads:
        with files.receive(
            data, name=name, accept=files.EVIDENCE, area="credit", actor=actor, field="attachments"
        ) as stored:
            assert stored is not None
            kept.append(
                create_audited(
                    ProposalAttachment(
                        proposal=proposal,
                        purpose=purpose,
                        name=stored.original_name,
                        path=stored.name,
                        sha256=stored.sha256,
                        uploaded_by=policy.as_user(actor),
                    ),
                    actor,
                    "upload",
                )
            )
    return kept
