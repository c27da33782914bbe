"""The journal: reading its entries and verifying its hash chain.

The journal is the public record of a council system: every authenticated caller may read
and check it, which is the point of keeping it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from smolny.councils.models import JournalEntry
from smolny.journal.chain import verify_journal
from smolny.web.access import hide_signer, readable_organisations, secretary_of

router = Router(tags=["journal"])


class Page(Schema):
    after: int = Field(0, ge=0, le=2**63 - 1, description="entries numbered above this")
    limit: int = Field(100, ge=1, le=1000)
    organisation: int | None = Field(
        None, ge=1, le=2**63 - 1, description="only the entries recorded for this organisation"
    )


class EntryOut(Schema):
    seq: int
    time: datetime
    actor: str
    action: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str
    organisation: int | None


class Verdict(Schema):
    intact: bool
    entries: int
    broken_at: int | None
    reason: str | None


@router.get("", response=list[EntryOut])
def list_entries(request: HttpRequest, page: Query[Page]) -> list[EntryOut]:
    rows = JournalEntry.objects.filter(seq__gt=page.after)
    # Only the entries of organisations the caller may read (and those of no organisation).
    readable = readable_organisations(request.user).values("pk")
    rows = rows.filter(Q(organisation_id__in=readable) | Q(organisation_id=None))
    if page.organisation is not None:
        rows = rows.filter(organisation_id=page.organisation)
    rows = rows.order_by("seq")[: page.limit]
    secretary = secretary_of(request.user)  # signers of petitions are for secretaries only

    def payload(e: JournalEntry) -> Any:
        body = json.loads(e.payload)
        if secretary is None or e.organisation_id in secretary:
            return body
        return hide_signer(e.action, body)

    return [
        EntryOut(
            seq=e.seq,
            time=e.time,
            actor=e.actor,
            action=e.action,
            payload=payload(e),
            prev_hash=e.prev_hash,
            hash=e.hash,
            organisation=e.organisation_id,
        )
        for e in rows
    ]


@router.get("/verify", response=Verdict)
def verify(request: HttpRequest) -> Verdict:
    """Recompute the chain, as ``smolny audit verify`` does."""
    checked, broken = verify_journal()
    return Verdict(
        intact=broken is None,
        entries=checked,
        broken_at=broken.seq if broken else None,
        reason=broken.reason if broken else None,
    )
