"""What the session pages show, read at the time of the request (no writes here).

The chair console, the deputy view and the projector show the same sitting from three
places; this module reads it once for all three: the item under debate, its speakers, the
vote open (or the last one closed) with its live tally and, for a named vote, each seat's
answer; the presence against the quorum; and, for one deputy, whether they may vote now and
if not, why. The reasons mirror the checks :func:`smolny.councils.queries.votes.entitled` makes
at the moment of a vote, so the page says beforehand what the action would refuse.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q
from django.http import Http404
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smolny.councils.actions.conduct import WITHDRAWN, running_clock
from smolny.councils.models import (
    AgendaItem,
    Fraction,
    Mandate,
    Member,
    Motion,
    NamedVote,
    SecretVoter,
    Session,
    Vote,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries.agenda import docket_of, load_speakers
from smolny.councils.queries.sessions import (
    current_chair,
    describe_quorum,
    fraction_names,
    present_members,
    quorum_of,
    rules_of,
    seated,
    voting_mandate,
)
from smolny.rules.calendar import dual_date
from smolny.rules.procedure import apply_amendment, quorum_to_open
from smolny.web.charts.hemicycle import FractionSeats, SeatState, hemicycle_svg, hemicycle_table
from smolny.web.natural import natural_key as natural_key

# Okabe-Ito and darker companions: told apart by colour-blind readers; each fraction also
# gets its own fill pattern from the chart, so colour never carries the meaning alone.
PALETTE = ("#0072b2", "#cc79a7", "#56b4e9", "#8a1c1c", "#6a3d9a", "#b15928", "#33a02c")
NO_FRACTION = "—"
GREGORIAN_IN_RUSSIA = date(1918, 2, 14)
"""The first New Style day in Russia: earlier dates are shown in both calendars."""


def session_or_404(session_id: int) -> Session:
    """The session of a page's URL (with its organ, council and organisation), or a 404."""
    found = (
        Session.objects.select_related("organ__council__organisation").filter(pk=session_id).first()
    )
    if found is None:
        raise Http404("no such session")
    return found


def show_date(moment: datetime) -> str:
    """A day as the pages write it: Old and New Style before Russia's change of calendar."""
    day = timezone.localtime(moment).date()
    if day < GREGORIAN_IN_RUSSIA:
        return dual_date(day)
    return str(formats.date_format(day, "DATE_FORMAT"))


def current_item(session: Session) -> AgendaItem | None:
    """The item before the sitting: the one with an open vote, else the first item still
    undecided, else the last one (items withdrawn from the agenda are never before it)."""
    items = [i for i in session.items.all() if i.state != WITHDRAWN]
    if not items:
        return None
    voting = set(
        Vote.objects.filter(item__session=session, status=Vote.OPEN).values_list(
            "item_id", flat=True
        )
    )
    for item in items:
        if item.pk in voting:
            return item
    for item in items:
        if item.state in ("open", "voting"):
            return item
    return items[-1]


def vote_shown(session: Session) -> Vote | None:
    """The vote open in the sitting, else the one closed last (its result stays on screen)."""
    votes = Vote.objects.filter(item__session=session).select_related("motion", "item")
    open_vote = votes.filter(status=Vote.OPEN).order_by("-pk").first()
    if open_vote is not None:
        return open_vote
    return votes.filter(status=Vote.CLOSED).order_by("-closed_at", "-pk").first()


@dataclass
class Presence:
    """Voting members in the hall against the quorum the organ's rules require."""

    present: int
    seated: int
    required: int
    quorate: bool
    rule: str
    observers: int
    names: list[str]


def presence(session: Session, at: datetime) -> Presence:
    voting = seated(session.organ, at)
    in_hall = present_members(session, at)
    quorum = quorum_of(rules_of(session.organ))
    check = quorum_to_open(quorum, voting, in_hall)
    names = list(
        Member.objects.filter(pk__in=in_hall).order_by("name").values_list("name", flat=True)
    )
    return Presence(
        present=check.present,
        seated=check.seated,
        required=check.required,
        quorate=check.quorate,
        rule=describe_quorum(quorum),
        observers=len(in_hall - set(voting)),
        names=names,
    )


@dataclass
class Tally:
    """A vote's figures as far as they may be shown now."""

    vote: Vote
    cast: int
    for_votes: int | None
    against: int | None
    abstain: int | None
    secret: bool
    hemicycle: str = ""
    table: str = ""
    states: dict[str, int] = field(default_factory=dict)
    weights: dict[str, str] = field(default_factory=dict)
    """A card vote's figures by weight, as shown (for, against, abstain; at the close also
    present and seated); empty for every other method."""


def tally_of(vote: Vote, at: datetime, *, chart: bool = False, id_prefix: str = "vote") -> Tally:
    """The live tally of *vote*; for a named roll call also the hemicycle of the seats.

    A secret ballot shows only how many have voted until it closes: a running count of
    choices would let the hall link late ballots to the deputies seen voting.
    """
    secret = vote.method == Vote.SECRET
    if vote.status == Vote.CLOSED:
        total = sum(x or 0 for x in (vote.for_votes, vote.against, vote.abstain))
        result = Tally(vote, total, vote.for_votes, vote.against, vote.abstain, secret)
    elif vote.method == Vote.ROLL_CALL:
        counts = dict(
            vote.named.values("choice").annotate(n=Count("id")).values_list("choice", "n")
        )
        result = Tally(
            vote,
            sum(counts.values()),
            counts.get("for", 0),
            counts.get("against", 0),
            counts.get("abstain", 0),
            secret,
        )
    elif secret:
        result = Tally(vote, SecretVoter.objects.filter(vote=vote).count(), None, None, None, True)
    elif vote.counts_entered:
        total = sum(x or 0 for x in (vote.for_votes, vote.against, vote.abstain))
        result = Tally(vote, total, vote.for_votes, vote.against, vote.abstain, False)
    else:
        result = Tally(vote, 0, None, None, None, False)
    if vote.method == Vote.CARD:
        result = card_tally(vote, result)
    if chart and vote.method == Vote.ROLL_CALL:
        result.hemicycle, result.table, result.states = seat_chart(vote, at, id_prefix)
    return result


def card_tally(vote: Vote, closed: Tally) -> Tally:
    """A card vote's tally: by head and by weight, running while it is open (a card vote is
    an open vote: every card is cast by name), as the close recorded it after."""
    from fractions import Fraction

    from smolny.councils.actions.card import figures_of
    from smolny.rules.card import show

    if vote.status == Vote.CLOSED:
        shown = figures_of(vote).get("shown", {})
        return Tally(
            vote,
            closed.cast,
            closed.for_votes,
            closed.against,
            closed.abstain,
            False,
            weights=dict(shown),
        )
    heads = {"for": 0, "against": 0, "abstain": 0}
    weight = {"for": Fraction(0), "against": Fraction(0), "abstain": Fraction(0)}
    for choice, text in vote.card_ballots.values_list("choice", "weight"):
        heads[choice] += 1
        weight[choice] += Fraction(text)
    return Tally(
        vote,
        sum(heads.values()),
        heads["for"],
        heads["against"],
        heads["abstain"],
        False,
        weights={k: show(w) for k, w in weight.items()},
    )


def seat_chart(vote: Vote, at: datetime, id_prefix: str) -> tuple[str, str, dict[str, int]]:
    """The hemicycle of a named vote: every seat in the organ by fraction, coloured by its
    answer; absent when its holder is not in the hall (at the close: was not), and in its
    fraction's colour when the holder is in the hall and has not answered."""
    session = vote.item.session
    moment = vote.closed_at or at
    voting = seated(session.organ, moment)
    answers = {n.mandate_id: n for n in NamedVote.objects.filter(vote=vote)}
    mandates: dict[int, Mandate] = {m.pk: m for m in voting.values()}
    for row in Mandate.objects.filter(pk__in=answers.keys()):
        mandates.setdefault(row.pk, row)
    fractions_now = fraction_names(mandates.values(), moment)
    in_hall = present_members(session, moment)

    def fraction_of(mandate_id: int) -> str:
        if mandate_id in answers and answers[mandate_id].fraction:
            return answers[mandate_id].fraction
        return fractions_now.get(mandate_id) or NO_FRACTION

    order = list(
        Fraction.objects.filter(council=session.organ.council)
        .order_by("pk")
        .values_list("name", flat=True)
    )
    groups: dict[str, list[Mandate]] = {}
    for mandate in sorted(mandates.values(), key=lambda m: m.pk):
        groups.setdefault(fraction_of(mandate.pk), []).append(mandate)
    names = [n for n in order if n in groups] + sorted(n for n in groups if n not in order)
    fractions: list[FractionSeats] = []
    states: dict[int, SeatState] = {}
    number = 0
    for index, name in enumerate(names):
        fractions.append(FractionSeats(name, len(groups[name]), PALETTE[index % len(PALETTE)]))
        for mandate in groups[name]:
            number += 1
            answer = answers.get(mandate.pk)
            if answer is not None and answer.choice in ("for", "against", "abstain"):
                states[number] = SeatState(answer.choice)
            elif mandate.member_id not in in_hall:
                states[number] = SeatState.ABSENT
    title = _("Named vote on %(question)s") % {"question": vote.question}
    svg = hemicycle_svg(fractions, title=title, states=states, id_prefix=id_prefix)
    table = hemicycle_table(fractions, caption=_("Seats by fraction and answer"), states=states)
    counts: dict[str, int] = {}
    for state in states.values():
        counts[state.value] = counts.get(state.value, 0) + 1
    return svg, table, counts


@dataclass
class Speakers:
    """An item's speakers' list, with names in place of roll numbers."""

    floor: str | None
    floor_seconds: int | None
    point_of_order: bool
    waiting: list[dict[str, Any]]
    spoken: int


def speakers_of(item: AgendaItem) -> Speakers:
    listing = load_speakers(item)
    order = listing.order
    ids = {r.speaker for r in order}
    names = dict(
        Member.objects.filter(
            organisation=item.session.organ.council.organisation, external_id__in=ids
        ).values_list("external_id", "name")
    )
    turn = listing.next_turn()
    waiting = [
        {
            "id": r.speaker,
            "name": names.get(r.speaker, r.speaker),
            "fraction": r.fraction,
            "point_of_order": r.point_of_order,
        }
        for r in order
    ]
    return Speakers(
        floor=names.get(turn.speaker, turn.speaker) if turn else None,
        floor_seconds=turn.seconds if turn else None,
        point_of_order=bool(turn and turn.point_of_order),
        waiting=waiting[1:] if turn else waiting,
        spoken=len(listing.spoken),
    )


def due_call(item: AgendaItem) -> Any:
    """The vote the rules of procedure put next on *item* (or ``None``)."""
    return docket_of(item).next


def chair_name(session: Session, at: datetime) -> str | None:
    term = current_chair(session, at)
    return term.member.name if term is not None else None


@dataclass
class Standing:
    """A deputy's standing in the sitting: present, voting, and why not."""

    member: Member | None
    present: bool
    mandate: Mandate | None
    reasons: list[str]
    voted: str | None = None
    """For a named vote, the answer given; for a secret ballot, "secret". Having voted is
    not a reason against (the page confirms the vote instead of warning)."""

    @property
    def may_vote(self) -> bool:
        return not self.reasons and self.voted is None


def standing(session: Session, member: Member | None, vote: Vote | None, at: datetime) -> Standing:
    """Whether *member* may vote in *vote* now; every reason that stands in the way."""
    if member is None:
        return Standing(None, False, None, [_("You are not on a roll of this organisation.")])
    present = member.pk in present_members(session, at)
    mandate = voting_mandate(session.organ, member, at)
    reasons: list[str] = []
    if mandate is None:
        ended = (
            Mandate.objects.filter(council_id=session.organ.council_id, member=member)
            .exclude(end=None)
            .order_by("-end")
            .first()
        )
        current = Mandate.objects.filter(
            valid_at(at), council_id=session.organ.council_id, member=member
        ).exists()
        if ended is not None and not current:
            reasons.append(_ended(ended))
        else:
            reasons.append(
                _("You are not a deputy of %(organ)s: you may attend as an observer, not vote.")
                % {"organ": session.organ.name}
            )
    if not present:
        reasons.append(_("You have not checked in: only deputies in the hall vote."))
    voted = None
    if vote is None or vote.status != Vote.OPEN:
        reasons.append(_("No vote is open."))
    elif mandate is not None:
        if vote.method in (Vote.DIVISION, Vote.SHOW_OF_HANDS):
            reasons.append(
                _("This vote is taken by %(method)s in the hall, not on this page.")
                % {"method": vote.method}
            )
        elif vote.method == Vote.ROLL_CALL:
            named = NamedVote.objects.filter(vote=vote, mandate=mandate).first()
            if named is not None:
                voted = named.choice
        elif vote.method == Vote.CARD:
            cast = vote.card_ballots.filter(mandate=mandate).values_list("choice", flat=True)
            voted = cast.first()
        elif SecretVoter.objects.filter(vote=vote, mandate=mandate).exists():
            voted = "secret"
    return Standing(member, present, mandate, reasons, voted)


def _ended(mandate: Mandate) -> str:
    assert mandate.end is not None
    day = show_date(mandate.end)
    if mandate.end_reason == Mandate.RECALLED:
        text = _("Your mandate ended: you were recalled by your constituency on %(day)s.")
    elif mandate.end_reason == Mandate.RECALLED_BY_DELEGATING_BODY:
        text = _("Your mandate ended: you were recalled by the council that sent you on %(day)s.")
    elif mandate.end_reason == Mandate.RESIGNED:
        text = _("Your mandate ended: you resigned on %(day)s.")
    else:
        text = _("Your mandate ended on %(day)s.")
    return text % {"day": day} + " " + _("The vote is no longer yours.")


# --- motions and amendments ---------------------------------------------------------------


def diff_html(before: str, after: str) -> SafeString:
    """*before* changed into *after*, word by word: struck words in ``<del>``, inserted words
    in ``<ins>`` (each with words a screen reader says, as the marks are not read out)."""
    old, new = before.split(), after.split()
    out: list[str] = []
    struck, inserted = _("struck:"), _("inserted:")
    for op, a, b, c, d in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(old[a:b])))
            continue
        if op in ("delete", "replace"):
            out.append(
                f'<del><span class="visually-hidden">{escape(struck)} </span>'
                f"{escape(' '.join(old[a:b]))}</del>"
            )
        if op in ("insert", "replace"):
            out.append(
                f'<ins><span class="visually-hidden">{escape(inserted)} </span>'
                f"{escape(' '.join(new[c:d]))}</ins>"
            )
    # Every piece of text is escaped above.
    return mark_safe(" ".join(out))


@dataclass
class MotionView:
    """A motion as the pages show it: for an amendment, the diff of what it would change."""

    row: Motion
    mover: str | None
    current: str
    """A main or counter-motion's text as amended so far; an amendment's own words."""
    diff: SafeString | None = None
    would_read: str | None = None
    kind_words: str = ""


def motions_of(item: AgendaItem) -> list[MotionView]:
    """The item's motions in the order moved, with each amendment's change shown as a diff
    against the text it amends as that text stands now."""
    docket = docket_of(item)
    rows = list(item.motions.select_related("mover").order_by("pk"))
    by_key = {row.key: row for row in rows}
    views: list[MotionView] = []
    for row in rows:
        current = docket.texts.get(row.key, row.text)
        view = MotionView(row, row.mover.name if row.mover else None, current)
        if row.kind == Motion.AMENDMENT:
            base = _text_before(row, by_key, rows, docket.texts)
            after = apply_amendment(base, row.strike, docket.texts.get(row.key, row.text))
            if after is not None:
                view.would_read = after
                view.diff = diff_html(base, after)
            if row.strike and row.text:
                view.kind_words = _("amendment to %(parent)s: replace") % {"parent": row.parent}
            elif row.strike:
                view.kind_words = _("amendment to %(parent)s: strike") % {"parent": row.parent}
            else:
                view.kind_words = _("amendment to %(parent)s: insert") % {"parent": row.parent}
        elif row.kind == Motion.COUNTER:
            view.kind_words = _("counter-motion to %(parent)s") % {"parent": row.parent}
        elif row.kind == Motion.PROCEDURAL:
            view.kind_words = _("procedural: %(which)s") % {
                "which": PROCEDURAL_WORDS.get(row.procedural, row.procedural)
            }
        else:
            view.kind_words = _("main motion")
        views.append(view)
    return views


def _text_before(
    amendment: Motion, by_key: dict[str, Motion], rows: list[Motion], texts: dict[str, str]
) -> str:
    """The text *amendment* amends as it read when the amendment came to be decided: its
    parent as moved, changed by the amendments to it moved earlier that carried (so that a
    carried amendment's diff is not shown against the text it already changed)."""
    parent = by_key.get(amendment.parent)
    if parent is None:
        return texts.get(amendment.parent, "")
    text = parent.text
    for earlier in rows:
        if earlier.pk >= amendment.pk:
            break
        if (
            earlier.kind == Motion.AMENDMENT
            and earlier.parent == amendment.parent
            and earlier.settlement == "carried"
        ):
            changed = apply_amendment(text, earlier.strike, texts.get(earlier.key, earlier.text))
            text = changed if changed is not None else text
    return text


def pending_amendments(views: list[MotionView]) -> list[MotionView]:
    """The amendments not yet decided (the ones the hall is debating)."""
    return [v for v in views if v.row.kind == Motion.AMENDMENT and not v.row.settlement]


PROCEDURAL_WORDS = {
    "adjourn": gettext_lazy("adjourn the sitting"),
    "no-confidence": gettext_lazy("no confidence in the presidium"),
    "table": gettext_lazy("lay the item on the table"),
    "close-debate": gettext_lazy("close the debate"),
    "postpone": gettext_lazy("postpone the item"),
}


def vote_diff(vote: Vote) -> SafeString | None:
    """For a vote on an amendment, the change it would make (as a diff), else ``None``."""
    if vote.motion is None or vote.motion.kind != Motion.AMENDMENT:
        return None
    for view in motions_of(vote.item):
        if view.row.pk == vote.motion_id:
            return view.diff
    return None


# --- the door and the clock ----------------------------------------------------------------


def door_search(session: Session, query: str, at: datetime, limit: int = 12) -> list[Member]:
    """Members of the organisation whose name (or roll number) contains *query*, not yet in
    the hall, in natural order: the clerk at the door checks them in."""
    query = query.strip()
    if not query:
        return []
    organisation = session.organ.council.organisation
    inside = present_members(session, at)
    found = (
        Member.objects.filter(organisation=organisation)
        .filter(Q(name__icontains=query) | Q(external_id__iexact=query))
        .exclude(pk__in=inside)[: limit * 4]
    )
    return sorted(found, key=lambda m: natural_key(m.name))[:limit]


def in_hall(session: Session, at: datetime) -> list[Member]:
    """The members in the hall, in natural order of name (for the chair's choices)."""
    members = Member.objects.filter(pk__in=present_members(session, at))
    return sorted(members, key=lambda m: natural_key(m.name))


@dataclass
class Clock:
    """The speaking clock of the speaker with the floor: started when, how long so far."""

    started: datetime
    elapsed: int
    limit: int | None


def clock_of(item: AgendaItem, speakers: Speakers, at: datetime) -> Clock | None:
    started = running_clock(item)
    if started is None:
        return None
    return Clock(started, max(0, int((at - started).total_seconds())), speakers.floor_seconds)


@dataclass
class Proxies:
    """A deputy's proxies in the sitting, for the phone view: whether the rules allow them,
    the proxy the deputy has given (its holder's name), the proxies the deputy holds (with
    the answer cast for each in the open card vote), and whom the deputy could give it to."""

    allowed: bool = False
    given_to: str | None = None
    held: list[tuple[Member, str | None]] = field(default_factory=list)
    holders: list[Member] = field(default_factory=list)
    card_vote: Vote | None = None


def proxies_of(session: Session, member: Member | None, vote: Vote | None, at: datetime) -> Proxies:
    """What the phone view shows of proxies for *member* (see :class:`Proxies`)."""
    from smolny.councils.models import CardBallot, Proxy
    from smolny.councils.queries.sessions import rules_of

    rules = rules_of(session.organ)
    if member is None or not rules.proxies_allowed:
        return Proxies()
    card_vote = (
        vote if vote is not None and vote.method == Vote.CARD and vote.status == Vote.OPEN else None
    )
    rows = Proxy.objects.filter(valid_at(at), session=session).select_related(
        "giver__member", "holder"
    )
    given = next((r for r in rows if r.giver.member_id == member.pk), None)
    held_rows = [r for r in rows if r.holder_id == member.pk]
    cast: dict[int, str] = {}
    if card_vote is not None:
        cast = dict(
            CardBallot.objects.filter(
                vote=card_vote, mandate_id__in=[r.giver_id for r in held_rows]
            ).values_list("mandate_id", "choice")
        )
    held = [(r.giver.member, cast.get(r.giver_id)) for r in held_rows]
    holders: list[Member] = []
    if given is None and voting_mandate(session.organ, member, at) is not None:
        ids = [m for m in seated(session.organ, at) if m != member.pk]
        holders = sorted(Member.objects.filter(pk__in=ids), key=lambda m: natural_key(m.name))
    return Proxies(True, given.holder.name if given else None, held, holders, card_vote)
