"""Votes: opening the vote that is due, the four methods, and the close with its outcome.

* Only the vote :func:`smolny.councils.queries.agenda.docket_of` puts next can be opened;
  any other is refused with the vote that is due.
* **Named roll call**: each deputy's vote is stored with the fraction they sat with
  (:func:`cast_vote`). In a live sitting each deputy answers for themself, in person: no
  secretary or chair answers for them (issue 17: the permission matrix has no row that lets
  anyone cast another's ballot). The clerk's sheet of a meeting held on paper
  (:func:`record_roll_call`, or answers of others through :func:`cast_vote`) is the record of
  a past event: entered by a recorder inside
  :func:`~smolny.journal.actions.entering_past_events`, journalled as entered later.
  **Division**: the tellers enter the two counts (and abstentions); **counted show of hands**:
  the chair enters the counts (:func:`enter_counts`). **Secret ballot**: see
  :mod:`smolny.councils.actions.ballot`.
* Credentials are checked at the moment of each vote, inside its transaction: a current
  mandate with a seat in the organ (the plenum: every deputy of the council) and presence in
  the hall. Observers, and deputies whose mandate ended (a recall) a moment before, are refused.
* At the close (:func:`close_vote`) the outcome is
  :func:`smolny.rules.procedure.close_vote`, i.e. :func:`smolny.rules.majority.decide` under
  the organ's majority rule and quorum, on the members present at that moment. "Present" for
  a vote is every voting member in the hall at the close, and every member who voted in it
  and left afterwards (they were present when their vote was taken); a walkout before voting
  therefore reduces the presence. An inquorate vote is stored as such and decides nothing: the
  same question is due again. A session convened under the emergency rule marks the decision
  irregular.
* **Alternatives by preferential vote** (the organ's rules say ``preferential``): the call due
  is :data:`smolny.rules.procedure.PREFERENTIAL_VOTE`; it is taken by named roll call or secret
  ballot, each answer a ranking of the options, and counted at the close by
  :func:`smolny.rules.procedure.count_preference` (Schulze), after the quorum. A tied first
  place is drawn by lot only with a seed given to :func:`close_vote`, and the lot is recorded.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count
from django.utils.translation import gettext

from smolny.councils import wording
from smolny.councils.actions.ballot import seal
from smolny.councils.actions.motion import end_presidium, settle_motions
from smolny.councils.models import (
    AgendaItem,
    Member,
    NamedVote,
    Organisation,
    OrganRules,
    Session,
    Vote,
)
from smolny.councils.queries.agenda import docket_of, get_item
from smolny.councils.queries.sessions import (
    fraction_names,
    majority_rule,
    present_members,
    quorum_of,
    require_chair_or_secretary,
    require_status,
    rules_of,
    seated,
)
from smolny.councils.queries.votes import (
    Answer,
    checked_answer,
    get_vote,
    require_open,
    roll_call_credentials,
)
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    PermissionDenied,
    SystemActor,
    action_transaction,
    actor_label,
    entering_later,
    record,
    record_many,
    require_recorder,
)
from smolny.rules.procedure import (
    PREFERENTIAL_VOTE,
    CallKind,
    ProcedureError,
    Result,
    VoteCall,
    check_quorum,
    count_preference,
    result_of,
)
from smolny.rules.procedure import close_vote as decide_at_close

if TYPE_CHECKING:  # the ballot types pull in numpy; only a preferential vote needs them
    from smolny.rules.ballots import BallotSet


def open_vote(
    actor: Actor,
    item: AgendaItem | int,
    motion: str,
    *,
    method: str,
    at: datetime | None = None,
) -> Vote:
    """Put the question on *motion* (its key, or ``PREFERENTIAL_VOTE``) by *method*; only the
    vote that is due opens."""
    if method not in dict(Vote.METHODS):
        raise ActionError(
            gettext("vote method %(method)s: use one of %(names)s")
            % {"method": repr(method), "names": ", ".join(dict(Vote.METHODS))}
        )
    with action_transaction(at) as at:
        item = get_item(item)
        session = item.session
        require_chair_or_secretary(actor, session, at)
        require_status(session, Session.OPEN)
        if item.votes.filter(status=Vote.OPEN).exists():
            raise NotAllowed(gettext("a vote is open on this item already"))
        docket = docket_of(item)
        due = docket.next
        if due is None:
            raise NotAllowed(
                gettext("no vote is due on item %(position)s: it is %(state)s")
                % {"position": item.position, "state": wording.word(docket.state.value)}
            )
        if due.motion != motion:
            raise NotAllowed(
                gettext(
                    "the vote on %(motion)s cannot be opened: the vote due is on %(due)s "
                    "(%(question)s)"
                )
                % {"motion": motion, "due": due.motion, "question": wording.question(due.question)}
            )
        preferential = due.kind is CallKind.PREFERENTIAL
        if preferential and method not in (Vote.ROLL_CALL, Vote.SECRET):
            raise NotAllowed(
                gettext(
                    "the preferential vote among alternatives is counted from ranked "
                    "ballots: take it by named roll call or by secret ballot"
                )
            )
        row = None if preferential else item.motions.get(key=due.motion)
        vote = Vote.objects.create(
            item=item,
            motion=row,
            options=list(due.options),
            call=due.kind.value,
            question=due.question,
            text=due.would_read if due.would_read is not None else due.text,
            method=method,
            opened_at=at,
            irregular=session.irregular,
        )
        if method == Vote.CARD:  # the cards are fixed at the opening (smolny.rules.card)
            from smolny.councils.actions.card import fix_cards

            fix_cards(vote, session.organ, rules_of(session.organ), at)
        record(
            actor,
            "open_vote",
            {
                "vote": vote.pk,
                "item": item.pk,
                "motion": due.motion,
                "call": due.kind.value,
                "question": due.question,
                "method": method,
            },
            at=at,
            organisation=session.organ.council.organisation,
        )
    return vote


def cast_vote(
    actor: Actor, vote: Vote | int, member: Member, choice: Answer, *, at: datetime | None = None
) -> NamedVote:
    """*member* answers the roll call: for, against or abstain (a ranking in a preferential
    vote). One ballot of :func:`cast_votes`; its refusal is raised."""
    (result,) = cast_votes(vote, [Ballot(actor, member, choice)], at=at)
    if isinstance(result, ActionError):
        raise result
    return result


def paper() -> str:
    """Why a roll call sheet is refused in a live sitting (in the reader's language)."""
    return gettext(
        "a roll call sheet records a meeting held on paper: it is entered as a past event, by a "
        "recorder of the organisation (with the Smolny-Occurred-At header); in a live sitting "
        "each deputy answers for themself"
    )


def require_own_answer(actor: Actor, member: Member, organisation: Organisation) -> None:
    """A live answer to a roll call comes from the deputy in person: a secretary or a chair
    who answered for them would choose it for them. Another's answer is entered only as the
    record of a past event (the minutes of a meeting held on paper), by a recorder. (The
    system actor, which loads worlds and runs tests, has no person behind it.)"""
    if isinstance(actor, SystemActor):
        return
    if entering_later():
        require_recorder(actor, organisation)
        return
    if actor.is_authenticated and member.user_id is not None and member.user_id == actor.pk:
        return
    raise PermissionDenied(
        gettext(
            "%(actor)s may not answer the roll call for %(member)s: a deputy "
            "answers for themself, in person (the minutes of a meeting held on paper "
            "are entered as a past event, by a recorder)"
        )
        % {"actor": actor_label(actor), "member": member.name}
    )


@dataclass(frozen=True)
class Ballot:
    """A deputy's answer to a roll call as it arrives: who sends it (the deputy in person,
    or a recorder entering the minutes of a meeting held on paper), for which member, and
    the answer."""

    actor: Actor
    member: Member
    choice: Answer


def cast_votes(
    vote: Vote | int, ballots: Sequence[Ballot], *, at: datetime | None = None
) -> list[NamedVote | ActionError]:
    """Answers to the roll call that arrive together, taken in one transaction in their
    order: each is accepted or refused exactly as if it came alone (:func:`cast_vote`), with
    its own journal entry and live event, and the result for each is its row or its refusal.

    This is group commit: while one transaction holds the journal lock, the ballots that
    arrive queue up, and the next transaction takes them all (see smolny/api/intake.py), so a
    hall answering at once costs one commit per batch instead of one per deputy. A ballot
    refused leaves the others standing; a second ballot of the same deputy in the batch is
    refused as voted already. A vote that does not exist refuses the whole call.
    """
    results: list[NamedVote | ActionError] = []
    with action_transaction(at) as at:
        vote = get_vote(vote)
        organisation = vote.item.session.organ.council.organisation
        refusal: ActionError | None = None  # the vote's own: given to every ballot in turn
        try:
            if vote.method != Vote.ROLL_CALL:
                raise NotAllowed(
                    gettext("this vote is by %(method)s, not a named roll call")
                    % {"method": wording.word(vote.method)}
                )
            require_open(vote)
        except ActionError as refused:
            refusal = refused
        members = Member.objects.in_bulk({b.member.pk for b in ballots})
        credentials = (
            roll_call_credentials(vote, list(members.values()), at) if refusal is None else {}
        )
        answered: set[int] = set()
        rows: list[NamedVote] = []
        changes: list[tuple[Actor, str, dict[str, Any]]] = []
        for ballot in ballots:
            try:
                choice, ranking = checked_answer(vote, ballot.choice)
                member = members.get(ballot.member.pk)
                if member is None:
                    raise ActionError(
                        gettext("no member with id %(member_id)s") % {"member_id": ballot.member.pk}
                    )
                require_own_answer(ballot.actor, member, organisation)
                if refusal is not None:
                    raise refusal
                found = credentials[member.pk]
                if isinstance(found, ActionError):
                    raise found
                mandate, fraction = found
                if mandate.pk in answered:
                    raise NotAllowed(
                        gettext("%(member)s has voted in this roll call already")
                        % {"member": member.name}
                    )
            except ActionError as refused:
                results.append(refused)
                continue
            answered.add(mandate.pk)
            row = NamedVote(
                vote=vote, mandate=mandate, fraction=fraction, choice=choice, ranking=ranking
            )
            rows.append(row)
            results.append(row)
            changes.append(
                (
                    ballot.actor,
                    "cast_vote",
                    {
                        "vote": vote.pk,
                        "member": member.external_id,
                        "fraction": fraction,
                        "choice": choice,
                        "ranking": ranking,
                    },
                )
            )
        if rows:
            _insert_named(rows)
            record_many(changes, at=at, organisation=organisation)
    return results


def _insert_named(rows: Sequence[NamedVote]) -> None:
    """Write a batch of roll-call answers with one multi-row INSERT per 500 rows.

    ``bulk_create`` prepared every value of every row through its field (a fifth of the
    server's CPU for a batch of a thousand answers); these five columns need no conversion
    beyond the ranking's JSON. Each row gets its id back, as from ``bulk_create``."""
    table = connection.ops.quote_name(NamedVote._meta.db_table)
    jsonb = "::jsonb" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            part = rows[start : start + 500]
            marks = ", ".join([f"(%s, %s, %s, %s, %s{jsonb})"] * len(part))
            params: list[Any] = []
            for row in part:
                params += (
                    row.vote_id,
                    row.mandate_id,
                    row.fraction,
                    row.choice,
                    json.dumps(row.ranking),
                )
            cursor.execute(
                f"INSERT INTO {table} (vote_id, mandate_id, fraction, choice, ranking) "
                f"VALUES {marks} RETURNING id",
                params,
            )
            # The ids come back in the order of the rows (as bulk_create relies on too).
            for row, (pk,) in zip(part, cursor.fetchall(), strict=True):
                row.pk = pk


def record_roll_call(
    actor: Actor, vote: Vote | int, sheet: Mapping[Member, Answer], *, at: datetime | None = None
) -> int:
    """A recorder enters the roll call sheet of a meeting held on paper (member -> answer) in
    one step; every name on it is checked as :func:`cast_vote` would, and one bad name refuses
    the whole sheet.

    The sheet is the record of a past event, never a live act: it is refused outside
    :func:`~smolny.journal.actions.entering_past_events` (a chair or a secretary who submitted
    it in a live sitting would answer for every deputy on it), and inside it only a recorder
    of the organisation enters it, journalled as entered later with both times."""
    if not sheet:
        raise ActionError(gettext("the roll call sheet is empty"))
    with action_transaction(at) as at:
        vote = get_vote(vote)
        answers = {m: checked_answer(vote, a) for m, a in sheet.items()}
        session = vote.item.session
        if not entering_later():
            raise PermissionDenied(
                gettext("%(actor)s: %(why)s") % {"actor": actor_label(actor), "why": paper()}
            )
        require_recorder(actor, session.organ.council.organisation)
        if vote.method != Vote.ROLL_CALL:
            raise NotAllowed(
                gettext("this vote is by %(method)s, not a named roll call")
                % {"method": wording.word(vote.method)}
            )
        require_open(vote)
        voting = seated(session.organ, at)
        in_hall = present_members(session, at)
        ids = [m.pk for m in sheet]
        for member in sheet:
            if member.pk not in in_hall:
                raise NotAllowed(
                    gettext("%(member)s (%(external_id)s) is not in the hall")
                    % {"member": member.name, "external_id": member.external_id}
                )
            if member.pk not in voting:
                raise NotAllowed(
                    gettext(
                        "%(member)s (%(external_id)s) holds no current mandate with a seat in "
                        "%(organ)s: an observer does not vote"
                    )
                    % {
                        "member": member.name,
                        "external_id": member.external_id,
                        "organ": session.organ.name,
                    }
                )
        mandates = {i: voting[i] for i in ids}
        done = set(
            NamedVote.objects.filter(
                vote=vote, mandate_id__in=[m.pk for m in mandates.values()]
            ).values_list("mandate__member__external_id", flat=True)
        )
        if done:
            raise NotAllowed(
                gettext("voted in this roll call already: %(names)s")
                % {"names": ", ".join(sorted(done))}
            )
        fractions = fraction_names(mandates.values(), at)
        NamedVote.objects.bulk_create(
            (
                NamedVote(
                    vote=vote,
                    mandate=mandates[m.pk],
                    fraction=fractions.get(mandates[m.pk].pk, ""),
                    choice=choice,
                    ranking=ranking,
                )
                for m, (choice, ranking) in answers.items()
            ),
            batch_size=1000,
        )
        record(
            actor,
            "record_roll_call",
            {
                "vote": vote.pk,
                "votes": {
                    m.external_id: (c if c != "ranked" else r)
                    for m, (c, r) in sorted(answers.items(), key=lambda mc: mc[0].external_id)
                },
            },
            at=at,
            organisation=session.organ.council.organisation,
        )
    return len(sheet)


def enter_counts(
    actor: Actor,
    vote: Vote | int,
    *,
    for_votes: int,
    against: int,
    abstain: int = 0,
    tellers: Sequence[Member] = (),
    at: datetime | None = None,
) -> Vote:
    """Enter the counts of a division (by its tellers) or a counted show of hands (the chair)."""
    for name, value in (("for", for_votes), ("against", against), ("abstain", abstain)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ActionError(
                gettext("count %(name)s: a whole number not below 0, not %(value)s")
                % {"name": name, "value": repr(value)}
            )
    with action_transaction(at) as at:
        vote = get_vote(vote)
        session = vote.item.session
        require_chair_or_secretary(actor, session, at)
        if vote.method not in (Vote.DIVISION, Vote.SHOW_OF_HANDS):
            raise NotAllowed(
                gettext("this vote is by %(method)s: its counts are not entered")
                % {"method": wording.word(vote.method)}
            )
        require_open(vote)
        if vote.method == Vote.DIVISION and len(tellers) < 2:
            raise ActionError(gettext("a division is counted by two tellers at least; name them"))
        in_hall = present_members(session, at)
        for teller in tellers:
            if teller.pk not in in_hall:
                raise NotAllowed(
                    gettext("teller %(teller)s is not in the hall") % {"teller": teller.name}
                )
        present = len(set(seated(session.organ, at)) & in_hall)
        if for_votes + against + abstain > present:
            raise NotAllowed(
                gettext("%(amount)s counted, but only %(present)s voting members are in the hall")
                % {"amount": for_votes + against + abstain, "present": present}
            )
        vote.for_votes, vote.against, vote.abstain = for_votes, against, abstain
        vote.counts_entered = True
        vote.tellers = [t.external_id for t in tellers]
        vote.save(update_fields=["for_votes", "against", "abstain", "counts_entered", "tellers"])
        record(
            actor,
            "enter_counts",
            {
                "vote": vote.pk,
                "for": for_votes,
                "against": against,
                "abstain": abstain,
                "tellers": vote.tellers,
            },
            at=at,
            organisation=session.organ.council.organisation,
        )
    return vote


def _figures(vote: Vote) -> tuple[int, int, int, set[int]]:
    """For, against, abstain, and the members who voted by name (or secretly)."""
    if vote.method == Vote.ROLL_CALL:
        counts = dict(
            vote.named.values("choice").annotate(n=Count("id")).values_list("choice", "n")
        )
        voters = set(vote.named.values_list("mandate__member_id", flat=True))
        return counts.get("for", 0), counts.get("against", 0), counts.get("abstain", 0), voters
    if vote.method == Vote.SECRET:
        from smolny.councils.queries.votes import secret_figures

        return secret_figures(vote)
    if vote.method == Vote.CARD:
        from smolny.councils.actions.card import card_figures

        return card_figures(vote)
    if not vote.counts_entered:
        raise NotAllowed(gettext("the counts of this vote have not been entered"))
    assert vote.for_votes is not None
    assert vote.against is not None
    assert vote.abstain is not None
    return vote.for_votes, vote.against, vote.abstain, set()


def _rankings(vote: Vote) -> list[list[str]]:
    """The rankings cast in a preferential vote (named or secret)."""
    if vote.method == Vote.SECRET:
        from smolny.councils.models import SecretBallot

        rows = SecretBallot.objects.filter(vote=vote, choice="ranked")
        return [list(r) for r in rows.values_list("ranking", flat=True)]
    return [list(r) for r in vote.named.values_list("ranking", flat=True)]


def _ballot_set(options: list[str], rankings: list[list[str]]) -> BallotSet:
    from smolny.rules.ballots import BallotSet

    index = {o: i for i, o in enumerate(options)}
    merged = Counter(tuple(index[o] for o in r) for r in rankings)
    keys = sorted(merged)
    return BallotSet(tuple(options), tuple(keys), tuple(merged[k] for k in keys))


def _decide_preference(
    vote: Vote, rules: OrganRules, present: int, seated_count: int, tie_seed: int | None
) -> Result | None:
    """Count the preferential vote by Schulze (quorum first); store the figures on *vote*."""
    check = check_quorum(quorum_of(rules), seated_count, present)
    rankings = _rankings(vote)
    vote.for_votes = len(rankings)
    vote.rule = "preferential vote, Schulze method"
    if not check.quorate:
        vote.outcome = "inquorate"
        vote.reason = f"{check.reason}; the {len(rankings)} ballots decide nothing"
        return None
    call = VoteCall(CallKind.PREFERENTIAL, PREFERENTIAL_VOTE, options=tuple(vote.options))
    try:
        result = count_preference(call, _ballot_set(vote.options, rankings), tie_seed=tie_seed)
    except ProcedureError as error:
        raise NotAllowed(
            gettext("%(error)s; close the vote with a tie seed to draw lots")
            % {"error": wording.refusal(str(error))}
        ) from None
    assert result.preferred is not None
    lots = [t for t in result.ties if t.resolved_by == "lot" and result.preferred in t.contenders]
    if lots and tie_seed is None:
        # the count drew a lot with a default seed: a lot is drawn only with a seed given here
        raise NotAllowed(
            gettext("%(names)s are tied for %(at)s; close the vote with a tie seed to draw lots")
            % {"names": ", ".join(lots[0].contenders), "at": lots[0].at}
        )
    vote.outcome = "preferred"
    vote.preferred = result.preferred
    vote.ties = [t.as_dict() for t in result.ties]
    drawn = "; ".join(f"tie at {t.at} settled by {t.resolved_by}" for t in result.ties)
    vote.reason = (
        f"{result.preferred} preferred on {len(rankings)} ballots by the Schulze method"
        + (f" ({drawn})" if drawn else "")
        + (" (irregular: the sitting was called at short notice)" if vote.irregular else "")
    )
    return result


def close_vote(
    actor: Actor, vote: Vote | int, *, tie_seed: int | None = None, at: datetime | None = None
) -> Vote:
    """Close the vote and decide it under the organ's rule, on the presence at this moment.

    *tie_seed* is used only by a preferential vote whose first place is tied (a recorded lot).
    """
    with action_transaction(at) as at:
        vote = get_vote(vote)
        item = vote.item
        session = item.session
        require_chair_or_secretary(actor, session, at)
        require_open(vote)
        rules = rules_of(session.organ)
        if vote.method == Vote.SECRET:
            seal(vote)  # opens the sealed boxes: the count reads the ballots in clear
        preferential = vote.call == CallKind.PREFERENTIAL.value
        if preferential:
            voters = _voters(vote)
        else:
            for_, against, abstain, voters = _figures(vote)
        voting = seated(session.organ, at)
        present = len((set(voting) & present_members(session, at)) | voters)
        seated_count = len(set(voting) | voters)
        before = docket_of(item)
        vote.status = Vote.CLOSED
        vote.closed_at = at
        vote.present, vote.seated = present, seated_count
        if preferential:
            result = _decide_preference(vote, rules, present, seated_count, tie_seed)
        else:
            if vote.method == Vote.CARD:  # by weight, quorum by head (smolny.rules.card)
                from smolny.councils.actions.card import decide_card_vote

                closed = decide_card_vote(
                    vote,
                    rules,
                    in_hall_ids=present_members(session, at),
                    voting=voting,
                    irregular=session.irregular,
                )
            else:
                closed = decide_at_close(
                    majority_rule(rules),
                    for_=for_,
                    against=against,
                    abstain=abstain,
                    present=present,
                    seated=seated_count,
                    quorum=quorum_of(rules),
                    irregular=session.irregular,
                )
            vote.for_votes, vote.against, vote.abstain = for_, against, abstain
            vote.outcome = closed.decision.outcome.value
            vote.rule = majority_rule(rules).describe()
            if vote.method == Vote.CARD:
                vote.rule = f"card vote by weight: {vote.rule}"[:120]
            vote.reason = closed.reason
            assert vote.motion is not None
            result = result_of(vote.motion.key, closed)
            if result is not None:
                assert result.verdict is not None
                vote.verdict = result.verdict.value
        if result is not None:
            vote.result_position = item.votes.filter(result_position__isnull=False).count() + 1
        vote.save()
        consequences: dict[str, Any] = {}
        if result is not None:
            after = docket_of(item)
            settle_motions(item, after)
            item.state = after.state.value
            item.save(update_fields=["state"])
            if after.presidium_reformation and not before.presidium_reformation:
                consequences = end_presidium(vote, at)
        record(
            actor,
            "close_vote",
            {
                "vote": vote.pk,
                "motion": vote.motion.key if vote.motion else PREFERENTIAL_VOTE,
                "for": vote.for_votes,
                "against": vote.against,
                "abstain": vote.abstain,
                "preferred": vote.preferred or None,
                "present": present,
                "seated": seated_count,
                "outcome": vote.outcome,
                "reason": vote.reason,
                "irregular": vote.irregular,
                "ties": vote.ties,
                "presidium": consequences or None,
                **(
                    {"by_weight": vote.card_roll.figures["shown"]}
                    if vote.method == Vote.CARD
                    else {}
                ),
            },
            at=at,
            organisation=session.organ.council.organisation,
        )
    return vote


def _voters(vote: Vote) -> set[int]:
    if vote.method == Vote.SECRET:
        from smolny.councils.models import SecretVoter

        return set(
            SecretVoter.objects.filter(vote=vote).values_list("mandate__member_id", flat=True)
        )
    return set(vote.named.values_list("mandate__member_id", flat=True))
