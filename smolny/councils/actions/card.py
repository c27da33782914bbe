"""Card votes and proxies: the organ's settings, the cards fixed at the opening, casting a
card in person or by proxy, giving and revoking a proxy, and the count at the close.

The rules are :mod:`smolny.rules.card` (read its docstring for the rule texts). A card vote
is opened and closed like every other vote (:func:`smolny.councils.actions.vote.open_vote`
with ``method="card vote"``, :func:`~smolny.councils.actions.vote.close_vote`), which call
:func:`fix_cards` and :func:`decide_card_vote` here inside their transactions.

* **Who casts.** A card is cast by its deputy in person, or by the holder of the deputy's proxy
  in force, and the ballot says which (``proxy``); nobody else casts another's card, not a
  secretary, not the chair. The system actor (world loading, tests) names the holder itself.
* **Proxies** (:func:`give_proxy`, :func:`revoke_proxy`) are given for one sitting by a deputy
  who is not in the hall, to a deputy or, where the rules allow, to a substitute (a member of
  the organisation holding no seat in the organ), within the rules' limit per holder. The
  giver's check-in (:func:`end_proxies_on_check_in`, called by the check-in) and the giver's
  own card cast in person end it.
* **Time** is the server's: the live routes never pass ``at``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from fractions import Fraction
from math import ceil
from typing import Any

from django.utils.translation import gettext

from smolny.councils import wording
from smolny.councils.models import (
    CardBallot,
    CardRoll,
    Mandate,
    Member,
    Organ,
    OrganRules,
    Proxy,
    Session,
    Vote,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import roll_counts
from smolny.councils.queries.sessions import (
    fraction_names,
    get_session,
    majority_rule,
    require_status,
    seated,
    voting_mandate,
)
from smolny.councils.queries.votes import entitled, get_vote, in_hall, require_open
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    PermissionDenied,
    SystemActor,
    action_transaction,
    actor_label,
    fresh,
    record,
    require_secretary,
    within_action,
)
from smolny.rules.card import (
    CHOICES,
    CardError,
    Ended,
    ProxyBook,
    ProxyRefused,
    ProxyRules,
    card_weights,
    decide_card,
    show,
)
from smolny.rules.card import CardBallot as RuleBallot
from smolny.rules.majority import Decision
from smolny.rules.procedure import ClosedVote

# --- the organ's settings --------------------------------------------------------------------


def set_card_rules(
    actor: Actor,
    organ: Organ,
    *,
    proxies_allowed: bool,
    proxy_limit: int = 1,
    proxy_substitutes: bool = False,
    card_weights: Mapping[int, int] | None = None,
    at: datetime | None = None,
) -> OrganRules:
    """Set whether the organ allows proxies (how many one person holds, whether a substitute
    may hold one) and the weights that replace a constituency's membership in a card vote
    (constituency id -> weight, a whole number not below 0)."""
    try:
        ProxyRules(proxies_allowed, proxy_limit, proxy_substitutes)
    except ValueError as error:
        raise ActionError(
            gettext("proxy rules: %(error)s") % {"error": wording.refusal(str(error))}
        ) from None
    weights = dict(card_weights or {})
    for key, value in weights.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ActionError(
                gettext("card weight of constituency %(key)s: a whole number, not %(value)s")
                % {"key": key, "value": repr(value)}
            )
    with action_transaction(at) as at:
        organ = fresh(organ)
        require_secretary(actor, organ.council.organisation, at)
        from smolny.councils.models import Constituency

        known = set(
            Constituency.objects.filter(
                council_id=organ.council_id, pk__in=list(weights)
            ).values_list("pk", flat=True)
        )
        unknown = sorted(set(weights) - known)
        if unknown:
            raise ActionError(
                gettext("card weights: no constituency %(names)s in %(council)s")
                % {"names": ", ".join(map(str, unknown)), "council": organ.council.name}
            )
        rules = OrganRules.objects.filter(organ=organ).first() or OrganRules(organ=organ)
        rules.proxies_allowed = proxies_allowed
        rules.proxy_limit = proxy_limit
        rules.proxy_substitutes = proxy_substitutes
        rules.card_weights = {str(k): v for k, v in sorted(weights.items())}
        rules.save()
        record(
            actor,
            "set_card_rules",
            {
                "organ": organ.pk,
                "proxies_allowed": proxies_allowed,
                "proxy_limit": proxy_limit,
                "proxy_substitutes": proxy_substitutes,
                "card_weights": rules.card_weights,
            },
            at=at,
            organisation=organ.council.organisation,
        )
    return rules


def proxy_rules(rules: OrganRules) -> ProxyRules:
    return ProxyRules(rules.proxies_allowed, max(1, rules.proxy_limit), rules.proxy_substitutes)


# --- the cards, fixed at the opening -----------------------------------------------------------


@within_action
def fix_cards(vote: Vote, organ: Organ, rules: OrganRules, at: datetime) -> CardRoll:
    """Inside the opening of a card vote: every seated deputy's card (rules 1-3 of
    :mod:`smolny.rules.card`), stored with the vote so that a later roll change alters
    no card of a vote already open."""
    mandates = list(seated(organ, at).values())
    if not mandates:
        raise NotAllowed(
            gettext("%(organ)s has no seated deputies: there are no cards to vote")
            % {"organ": organ.name}
        )
    membership = roll_counts(organ.council, at)
    explicit = {int(k): int(v) for k, v in (rules.card_weights or {}).items()}
    try:
        cards = card_weights(membership, {m.pk: m.constituency_id for m in mandates}, explicit)
    except CardError as error:
        raise NotAllowed(
            gettext("the cards cannot be made: %(error)s") % {"error": wording.refusal(str(error))}
        ) from None
    basis = "the membership each constituency represents, shared among its deputies"
    if explicit:
        basis = "the weights the organ's rules set (else the membership), shared among deputies"
    return CardRoll.objects.create(
        vote=vote, cards={str(k): _text(w) for k, w in sorted(cards.items())}, basis=basis
    )


def _text(weight: Fraction) -> str:
    return str(weight)


def cards_of(vote: Vote) -> dict[int, Fraction]:
    """The cards of a card vote, by mandate id."""
    roll = CardRoll.objects.filter(vote=vote).first()
    if roll is None:
        return {}
    return {int(k): Fraction(v) for k, v in roll.cards.items()}


# --- proxies ----------------------------------------------------------------------------------


def _book(session: Session, rules: OrganRules, at: datetime) -> ProxyBook[int]:
    """The proxies in force in *session*, by the giver's member id."""
    from smolny.rules.card import Proxy as RuleProxy

    rows = Proxy.objects.filter(valid_at(at), session=session).select_related("giver")
    return ProxyBook(
        proxy_rules(rules),
        {r.giver.member_id: RuleProxy(r.giver.member_id, r.holder_id, r.substitute) for r in rows},
    )


def _in_person(actor: Actor, member: Member, what: str) -> None:
    if isinstance(actor, SystemActor):
        return
    if actor.is_authenticated and member.user_id is not None and member.user_id == actor.pk:
        return
    raise PermissionDenied(
        gettext("%(actor)s may not %(what)s for %(member)s")
        % {"actor": actor_label(actor), "what": what, "member": member.name}
    )


def give_proxy(
    actor: Actor,
    session: Session | int,
    giver: Member,
    holder: Member,
    *,
    at: datetime | None = None,
) -> Proxy:
    """*giver*, a deputy not in the hall, gives their proxy for the sitting to *holder* (a
    deputy, or a substitute where the rules allow); the giver does this in person."""
    from smolny.councils.queries.sessions import rules_of

    with action_transaction(at) as at:
        session = get_session(session)
        giver, holder = fresh(giver), fresh(holder)
        _in_person(actor, giver, "give a proxy")
        require_status(session, Session.CONVENED, Session.OPEN, Session.ADJOURNED)
        organ = session.organ
        organisation = organ.council.organisation
        if holder.organisation_id != organisation.pk or holder.end is not None:
            raise ActionError(
                gettext("%(holder)s is not a member of %(organisation)s")
                % {"holder": holder.name, "organisation": organisation.name}
            )
        mandate = voting_mandate(organ, giver, at)
        if mandate is None:
            raise NotAllowed(
                gettext("%(giver)s holds no seat in %(organ)s: no proxy to give")
                % {"giver": giver.name, "organ": organ.name}
            )
        rules = rules_of(organ)
        holder_seated = voting_mandate(organ, holder, at) is not None
        try:
            _book(session, rules, at).give(
                giver.pk,
                holder.pk,
                holder_seated=holder_seated,
                giver_present=in_hall(session, giver, at),
            )
        except ProxyRefused as refused:
            raise NotAllowed(
                gettext("%(giver)s's proxy to %(holder)s: %(refused)s")
                % {
                    "giver": giver.name,
                    "holder": holder.name,
                    "refused": wording.refusal(str(refused)),
                }
            ) from None
        row = Proxy.objects.create(
            session=session, giver=mandate, holder=holder, substitute=not holder_seated, start=at
        )
        record(
            actor,
            "give_proxy",
            {
                "session": session.pk,
                "giver": giver.external_id,
                "holder": holder.external_id,
                "substitute": row.substitute,
            },
            at=at,
            organisation=organisation,
        )
    return row


def revoke_proxy(
    actor: Actor, session: Session | int, giver: Member, *, at: datetime | None = None
) -> Proxy:
    """*giver* revokes the proxy in force; the giver does this in person."""
    with action_transaction(at) as at:
        session = get_session(session)
        giver = fresh(giver)
        _in_person(actor, giver, "revoke a proxy")
        row = (
            Proxy.objects.filter(valid_at(at), session=session, giver__member=giver)
            .select_related("holder")
            .first()
        )
        if row is None:
            raise NotAllowed(
                gettext("%(giver)s has no proxy in force in this sitting") % {"giver": giver.name}
            )
        row.end, row.ended_by = at, Ended.REVOKED.value
        row.save(update_fields=["end", "ended_by"])
        record(
            actor,
            "revoke_proxy",
            {"session": session.pk, "giver": giver.external_id, "holder": row.holder.external_id},
            at=at,
            organisation=session.organ.council.organisation,
        )
    return row


@within_action
def end_proxies_on_check_in(session: Session, member_ids: Iterable[int], at: datetime) -> list[str]:
    """Inside the check-in: the proxies of the givers who came in end (rule 4); the
    givers' member numbers, for the check-in's journal entry."""
    rows = list(
        Proxy.objects.filter(
            valid_at(at), session=session, giver__member_id__in=list(member_ids)
        ).select_related("giver__member")
    )
    for row in rows:
        row.end, row.ended_by = at, Ended.CHECKED_IN.value
    Proxy.objects.bulk_update(rows, ["end", "ended_by"])
    return sorted(r.giver.member.external_id for r in rows)


# --- casting ---------------------------------------------------------------------------------


def cast_card_vote(
    actor: Actor,
    vote: Vote | int,
    voter: Member,
    choice: str,
    *,
    holder: Member | None = None,
    at: datetime | None = None,
) -> CardBallot:
    """*voter*'s card is cast for *choice*: by the voter in person (*holder* ``None``), or by
    *holder*, in the hall, holding the voter's proxy in force. The actor is the one who casts."""
    if choice not in CHOICES:
        raise ActionError(
            gettext("choice %(choice)s: use for, against or abstain") % {"choice": repr(choice)}
        )
    with action_transaction(at) as at:
        vote = get_vote(vote)
        voter = fresh(voter)
        caster = fresh(holder) if holder is not None else voter
        _in_person(actor, caster, "cast a card")
        if vote.method != Vote.CARD:
            raise NotAllowed(
                gettext("this vote is by %(method)s, not a card vote")
                % {"method": wording.word(vote.method)}
            )
        require_open(vote)
        session = vote.item.session
        proxy_row: Proxy | None = None
        if holder is None:
            mandate = entitled(vote, voter, at)
        else:
            if not in_hall(session, holder, at):
                raise NotAllowed(gettext("%(holder)s is not in the hall") % {"holder": holder.name})
            proxy_row = (
                Proxy.objects.filter(valid_at(at), session=session, giver__member=voter)
                .select_related("giver")
                .first()
            )
            if proxy_row is None or proxy_row.holder_id != holder.pk:
                raise PermissionDenied(
                    gettext(
                        "%(holder)s holds no proxy of %(voter)s: a card is cast by its deputy or "
                        "the holder of their proxy"
                    )
                    % {"holder": holder.name, "voter": voter.name}
                )
            mandate = proxy_row.giver
            if voting_mandate(session.organ, voter, at) != mandate:
                raise NotAllowed(
                    gettext("%(voter)s holds no seat in %(organ)s now")
                    % {"voter": voter.name, "organ": session.organ.name}
                )
        cards = cards_of(vote)
        if mandate.pk not in cards:
            raise NotAllowed(
                gettext("%(voter)s has no card in this vote: the cards were fixed when it opened")
                % {"voter": voter.name}
            )
        if CardBallot.objects.filter(vote=vote, mandate=mandate).exists():
            raise NotAllowed(
                gettext("%(voter)s's card has been cast in this vote already")
                % {"voter": voter.name}
            )
        ended: str | None = None
        if holder is None:
            ended_rows = Proxy.objects.filter(valid_at(at), session=session, giver=mandate)
            if ended_rows.exists():
                ended_rows.update(end=at, ended_by=Ended.VOTED.value)
                ended = voter.external_id
        ballot = CardBallot.objects.create(
            vote=vote,
            mandate=mandate,
            weight=_text(cards[mandate.pk]),
            choice=choice,
            fraction=fraction_names([mandate], at).get(mandate.pk, ""),
            proxy=holder,
        )
        record(
            actor,
            "cast_card_vote",
            {
                "vote": vote.pk,
                "member": voter.external_id,
                "choice": choice,
                "weight": ballot.weight,
                "proxy": holder.external_id if holder is not None else None,
                **({"proxy_ended": ended} if ended else {}),
            },
            at=at,
            organisation=session.organ.council.organisation,
        )
    return ballot


# --- the count -------------------------------------------------------------------------------


def card_figures(vote: Vote) -> tuple[int, int, int, set[int]]:
    """For, against, abstain by head, and the members whose cards were cast."""
    rows = list(vote.card_ballots.values_list("choice", "mandate__member_id"))
    choices = [c for c, _ in rows]
    return (
        choices.count("for"),
        choices.count("against"),
        choices.count("abstain"),
        {m for _, m in rows},
    )


@within_action
def decide_card_vote(
    vote: Vote,
    rules: OrganRules,
    *,
    in_hall_ids: set[int],
    voting: Mapping[int, Mandate],
    irregular: bool,
) -> ClosedVote:
    """Inside the close of a card vote: the decision by weight (quorum by head) under the
    organ's majority rule, the figures by weight stored on the vote's card roll.

    Present are the deputies in the hall and those whose card was cast (in person, or by
    proxy); seated are the deputies seated now and those whose card was cast. The weight
    present and seated are the cards of the same deputies (a deputy seated after the opening
    has none); the weight seated is at least every card of the roll.
    """
    roll = vote.card_roll
    cards = {int(k): Fraction(v) for k, v in roll.cards.items()}
    rows = list(vote.card_ballots.select_related("mandate"))
    ballots = [
        RuleBallot(r.mandate_id, Fraction(r.weight), r.choice, r.proxy_id)  # type: ignore[arg-type]
        for r in rows
    ]
    cast = {r.mandate_id for r in rows}
    present = {voting[m].pk for m in in_hall_ids if m in voting} | cast
    seated_ids = {m.pk for m in voting.values()} | cast
    present_weight = sum((cards.get(m, Fraction(0)) for m in present), Fraction(0))
    seated_weight = sum((cards.get(m, Fraction(0)) for m in seated_ids | set(cards)), Fraction(0))
    decided = decide_card(
        ballots,
        majority_rule(rules),
        present=len(present),
        seated=len(seated_ids),
        present_weight=present_weight,
        seated_weight=seated_weight,
    )
    weight = decided.totals.weight
    roll.figures = {
        "for": _text(weight["for"]),
        "against": _text(weight["against"]),
        "abstain": _text(weight["abstain"]),
        "present": _text(present_weight),
        "seated": _text(seated_weight),
        "required": _text(decided.required),
        "more_than": decided.more_than,
        "by_proxy": decided.totals.by_proxy,
        "shown": {
            "for": show(weight["for"]),
            "against": show(weight["against"]),
            "abstain": show(weight["abstain"]),
            "present": show(present_weight),
            "seated": show(seated_weight),
        },
    }
    roll.save(update_fields=["figures"])
    # The procedure needs the outcome and the reason; the whole-number fields of a Decision
    # (votes required, size of the base) are rounded up from the weights for its sake only.
    decision = Decision(
        decided.outcome,
        decided.reason,
        ceil(decided.required),
        ceil(decided.base_weight),
        decided.quorum_required,
    )
    return ClosedVote(decision, irregular)


def figures_of(vote: Vote) -> dict[str, Any]:
    """The figures by weight of a closed card vote (empty while it runs or for another
    method)."""
    roll = CardRoll.objects.filter(vote=vote).first()
    return dict(roll.figures) if roll is not None else {}
