"""Read-side questions about an agenda item: the item itself, its speakers' list and its
motions, the order of votes they are due in, and the presidium a vote may end.

The agenda, motion and vote actions read these inside their transactions; the session pages
read them to show where an item stands.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext

from smolny.councils.models import (
    AgendaItem,
    Organ,
)
from smolny.councils.models import Motion as MotionRow
from smolny.councils.models.dated import valid_at
from smolny.councils.queries.sessions import (
    motion_rules,
    rules_of,
    speaking_rules,
)
from smolny.journal.actions import (
    ActionError,
)
from smolny.rules.procedure import (
    Docket,
    Motion,
    MotionKind,
    Procedural,
    Request,
    Result,
    SpeakersList,
    SpeakingRules,
    SpeakingShare,
    Spoken,
    Verdict,
    order_of_votes,
)


def _request(d: dict[str, Any]) -> Request:
    return Request(d["speaker"], d.get("fraction"), bool(d.get("point_of_order")))


def load_speakers(item: AgendaItem) -> SpeakersList:
    """The item's speakers' list as the rule's value."""
    data = item.speakers
    rules = speaking_rules(rules_of(item.session.organ))
    share = data.get("share")
    if share:
        rules = SpeakingRules(
            rules.time_limit,
            rules.point_of_order_limit,
            SpeakingShare(share["seats"], share.get("turns"), share.get("seconds")),
        )
    empty = SpeakersList.open(rules)
    return SpeakersList(
        rules=empty.rules,
        allowance=empty.allowance,
        points_of_order=tuple(_request(d) for d in data.get("points_of_order", [])),
        queue=tuple(_request(d) for d in data.get("queue", [])),
        spoken=tuple(
            Spoken(d["speaker"], d.get("fraction"), d["point_of_order"], d["seconds"], d["overran"])
            for d in data.get("spoken", [])
        ),
        lapsed=tuple(_request(d) for d in data.get("lapsed", [])),
    )


def get_item(item: AgendaItem | int) -> AgendaItem:
    pk = item.pk if isinstance(item, AgendaItem) else item
    found = (
        AgendaItem.objects.select_related("session__organ__council__organisation")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise ActionError(gettext("no agenda item with id %(pk)s") % {"pk": pk})
    return found


def rule_motion(row: MotionRow) -> Motion:
    """The rule's value for a stored motion."""
    return Motion(
        row.key,
        MotionKind(row.kind),
        row.text,
        row.parent or None,
        row.strike,
        Procedural(row.procedural) if row.procedural else None,
        row.reach,
        row.moved_after,
    )


def record_of(item: AgendaItem) -> tuple[list[Motion], list[Result]]:
    """The item's motions in the order moved and its decisive votes in the order taken."""
    motions = [rule_motion(m) for m in item.motions.order_by("pk")]
    results = [
        Result(v.motion.key, Verdict(v.verdict))
        if v.motion is not None
        else Result.preference(v.preferred)
        for v in item.votes.filter(result_position__isnull=False)
        .select_related("motion")
        .order_by("result_position")
    ]
    return motions, results


def docket_of(item: AgendaItem) -> Docket:
    """Where the item stands under the organ's rules: the vote due next, texts, outcomes."""
    motions, results = record_of(item)
    return order_of_votes(motions, results, motion_rules(rules_of(item.session.organ)))


def presidium_of(organ: Organ, at: datetime) -> Organ | None:
    """The council's presidium in office at *at*."""
    return (
        Organ.objects.filter(valid_at(at), council_id=organ.council_id, kind=Organ.PRESIDIUM)
        .order_by("-start")
        .first()
    )
