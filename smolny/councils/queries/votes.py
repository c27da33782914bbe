"""Read-side questions about a vote: finding it, whether it is open, who may answer and
with which mandate, whether an answer is well formed, the figures of a secret ballot, and
a voter's tracker (the receipt).

Both the named and the secret ballot (:mod:`smolny.councils.actions.vote`,
:mod:`smolny.councils.actions.ballot`) check a voter with these, so they live here, apart
from either action module.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext

from smolny.councils.models import (
    Attendance,
    FractionMembership,
    Mandate,
    Member,
    NamedVote,
    Organ,
    OrganSeat,
    SecretBallot,
    SecretTracker,
    SecretVoter,
    Session,
    Vote,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries.sessions import voting_mandate
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    PermissionDenied,
    SystemActor,
    actor_label,
)
from smolny.rules.procedure import CallKind

CHOICES = ("for", "against", "abstain")


def get_vote(vote: Vote | int) -> Vote:
    pk = vote.pk if isinstance(vote, Vote) else vote
    found = (
        Vote.objects.select_related("item__session__organ__council__organisation", "motion")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise ActionError(gettext("no vote with id %(pk)s") % {"pk": pk})
    return found


def require_open(vote: Vote) -> None:
    if vote.status != Vote.OPEN:
        raise NotAllowed(
            gettext("the vote on %(value)s is closed")
            % {"value": vote.motion.key if vote.motion else vote.call}
        )


def in_hall(session: Session, member: Member, at: datetime) -> bool:
    """Whether *member* is in the hall at *at* (one row looked up, not the whole hall's)."""
    return Attendance.objects.filter(valid_at(at), session=session, member=member).exists()


def entitled(vote: Vote, member: Member, at: datetime) -> Mandate:
    """The mandate with which *member* votes now, or the refusal saying why not."""
    session = vote.item.session
    if at < vote.opened_at:  # a past event entered later cannot precede the vote's opening
        raise NotAllowed(gettext("the vote had not opened yet at that time"))
    if not in_hall(session, member, at):
        raise NotAllowed(gettext("%(member)s is not in the hall") % {"member": member.name})
    mandate = voting_mandate(session.organ, member, at)
    if mandate is None:
        raise NotAllowed(
            gettext(
                "%(member)s holds no current mandate with a seat in %(organ)s: an "
                "observer does not vote"
            )
            % {"member": member.name, "organ": session.organ.name}
        )
    return mandate


def roll_call_credentials(
    vote: Vote, members: Sequence[Member], at: datetime
) -> dict[int, tuple[Mandate, str] | ActionError]:
    """For each of *members* (by primary key): the mandate with which they answer this roll
    call and the fraction they sit with, or the refusal saying why not: what
    :func:`entitled` checks, that they have not answered already, and
    :func:`~smolny.councils.queries.sessions.fraction_names`, read in one query for them all.

    It runs under the journal lock, where every round trip to the database is time that the
    rest of the hall waits; the refusals are worked out only when there is one to give.
    """
    if at < vote.opened_at:  # a past event entered later cannot precede the vote's opening
        early = NotAllowed(gettext("the vote had not opened yet at that time"))
        return {member.pk: early for member in members}
    session = vote.item.session
    organ = session.organ
    mandates = Mandate.objects.filter(
        valid_at(at), council_id=organ.council_id, member_id__in=[m.pk for m in members]
    )
    if organ.kind != Organ.PLENUM:
        seat = OrganSeat.objects.filter(
            valid_at(at), organ=organ, status=OrganSeat.HELD, holder=OuterRef("pk")
        )
        mandates = mandates.filter(Exists(seat))
    fraction = FractionMembership.objects.filter(valid_at(at), mandate=OuterRef("pk"))
    rows = mandates.annotate(
        present=Exists(
            Attendance.objects.filter(
                valid_at(at), session=session, member_id=OuterRef("member_id")
            )
        ),
        answered=Exists(NamedVote.objects.filter(vote=vote, mandate=OuterRef("pk"))),
        fraction_name=Subquery(fraction.values("fraction__name")[:1]),
    ).order_by("-pk")
    found = {row.member_id: row for row in rows}  # the lowest pk last: it stays
    credentials: dict[int, tuple[Mandate, str] | ActionError] = {}
    for member in members:
        row = found.get(member.pk)
        if row is None or not row.present:
            try:
                entitled(vote, member, at)  # the refusal: not in the hall, or no mandate
                raise NotAllowed(
                    gettext("%(member)s is not in the hall") % {"member": member.name}
                )  # pragma: no cover
            except ActionError as refusal:
                credentials[member.pk] = refusal
        elif row.answered:
            credentials[member.pk] = NotAllowed(
                gettext("%(member)s has voted in this roll call already") % {"member": member.name}
            )
        else:
            credentials[member.pk] = (row, row.fraction_name or "")
    return credentials


Answer = str | Sequence[str]
"""for, against or abstain; or, in a preferential vote, a ranking of the options."""


def checked_answer(vote: Vote, answer: Answer) -> tuple[str, list[str]]:
    """The stored form of *answer* (choice, ranking), or the refusal saying what is wrong."""
    if vote.call != CallKind.PREFERENTIAL.value:
        if not isinstance(answer, str) or answer not in CHOICES:
            raise ActionError(
                gettext("choice %(answer)s: use for, against or abstain") % {"answer": repr(answer)}
            )
        return answer, []
    if isinstance(answer, str):
        raise ActionError(
            gettext("this is a preferential vote: rank the options (%(names)s)")
            % {"names": ", ".join(vote.options)}
        )
    ranking = list(answer)
    unknown = [o for o in ranking if o not in vote.options]
    if unknown or not ranking or len(set(ranking)) != len(ranking):
        raise ActionError(
            gettext("ranking %(ranking)s: name each of %(names)s at most once")
            % {"ranking": repr(ranking), "names": ", ".join(vote.options)}
        )
    return "ranked", ranking


def tracker_of(vote: Vote, choice: str, ranking: list[str], nonce: str) -> str:
    """The tracker of a secret ballot: a hash of the vote, the ballot's content and a random
    *nonce* that is hashed in and then thrown away.

    The nonce is why a tracker is not a key to the choice: knowing a choice (there are only
    three) does not let anyone recompute the tracker of a ballot with that choice, so a
    tracker on the running board says nothing of what its ballot holds."""
    content = json.dumps([vote.pk, choice, ranking, nonce], separators=(",", ":"))
    return hashlib.sha256(b"smolny tracker\0" + content.encode("utf-8")).hexdigest()


def secret_figures(vote: Vote) -> tuple[int, int, int, set[int]]:
    """For, against, abstain, and the members who voted (for the presence at the close)."""
    choices = list(SecretBallot.objects.filter(vote=vote).values_list("choice", flat=True))
    voters = set(SecretVoter.objects.filter(vote=vote).values_list("mandate__member_id", flat=True))
    return choices.count("for"), choices.count("against"), choices.count("abstain"), voters


def verify_receipt(vote: Vote | int, tracker: str) -> bool:
    """Whether a ballot with this *tracker* was counted: every ballot in the box is opened and
    counted at the close, so a closed vote's trackers are its counted ballots. The answer is
    yes or no, never the choice; the opened ballots are on the vote's public bulletin board
    (:mod:`smolny.councils.queries.board`) without their trackers."""
    vote = get_vote(vote)
    if vote.status != Vote.CLOSED:
        return False
    return SecretTracker.objects.filter(vote=vote, tracker=tracker).exists()


def require_voter_in_person(actor: Actor, member: Member) -> None:
    """Only the voter casts a secret ballot: a secretary who cast it for them would learn the
    choice and hold the receipt. (The system actor is for world loading and tests, which have
    no person behind the member; paper ballots are counted by tellers, not cast here.)"""
    if isinstance(actor, SystemActor):
        return
    if actor.is_authenticated and member.user_id is not None and member.user_id == actor.pk:
        return
    raise PermissionDenied(
        gettext(
            "%(actor)s may not cast a secret ballot for %(member)s: a secret "
            "ballot is cast by the voter alone"
        )
        % {"actor": actor_label(actor), "member": member.name}
    )
