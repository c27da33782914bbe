"""The state tables checked against the journal, entry by entry.

The hash chain proves the journal was not changed; it says nothing of the tables the
actions wrote beside it. Someone with write access to the database can change a ballot, a
tally or a role without touching the journal. Each check here reads the entries of one kind
of record (the payloads name what the action wrote) and the rows of that kind, and reports
every row that disagrees with its entry and every row that no entry accounts for.

One small function per kind of record, so that a change to one table touches one function:

- :func:`check_roles`: organisation roles (secretaries, recorders, chairs, clerks) and their
  ends;
- :func:`check_mandate_ends`: every ended mandate, its reason and time;
- :func:`check_named_votes`: every named (roll-call) vote's choice;
- :func:`check_closed_votes`: tallies and outcomes of closed votes;
- :func:`check_secret_ballots`: who cast a secret ballot, and the opened ballots against the
  tally;
- :func:`check_card_ballots`: every card cast in a card vote, its weight, and the proxy
  holder who cast it;
- :func:`check_recall_votes`: recall voters, ballots, tallies and outcomes;
- :func:`check_election_ballots`: who cast an election ballot, and the filled ballots;
- :func:`check_trackers`: one tracker on a secret vote's, a recall vote's or an election
  poll's bulletin board per cast;
- :func:`check_petition_signatures`: recall petitions' signatures and withdrawals;
- :func:`check_fraction_memberships`: each deputy's memberships and current fraction;
- :func:`check_organ_seats`: each organ seat's rows and current holder.

Not covered yet: mandates' beginnings, the times at which memberships and seats changed.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from smolny.councils.models import JournalEntry

Payload = dict[str, Any]


@dataclass
class Journal:
    """The payloads of the entries the checks read, by action, in journal order."""

    by_action: dict[str, list[tuple[int, str, Payload]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def of(self, *actions: str) -> list[tuple[int, str, Payload]]:
        """(seq, actor, payload) of the entries of *actions*, in journal order."""
        found = [row for action in actions for row in self.by_action.get(action, [])]
        return sorted(found, key=lambda row: row[0]) if len(actions) > 1 else found


ROLE_ACTIONS = (
    "create_organisation",
    "found_organisation",
    "appoint_secretary",
    "appoint_recorder",
    "appoint_chair",
    "appoint_clerk",
    "end_role",
)
MANDATE_END_ACTIONS = ("resign_mandate", "recall_by_delegating_body", "close_recall_vote")
NAMED_VOTE_ACTIONS = ("cast_vote", "record_roll_call")
SECRET_ACTIONS = ("cast_secret_ballot",)
CARD_ACTIONS = ("cast_card_vote",)
RECALL_ACTIONS = ("cast_recall_vote", "close_recall_vote")
ELECTION_BALLOT_ACTIONS = ("cast_election_ballot",)
PETITION_ACTIONS = ("open_recall_petition", "sign_recall_petition", "withdraw_signature")
FRACTION_ACTIONS = (
    "seat_deputy",
    "seat_slate",
    "change_fraction",
    "regroup_fractions",
    *MANDATE_END_ACTIONS,
)
SEAT_ACTIONS = (
    "form_organ",
    "fill_organ_seat",
    "vacate_organ_seat",
    "close_vote",
    *MANDATE_END_ACTIONS,
)
CHECKED_ACTIONS = frozenset(
    (
        *ROLE_ACTIONS,
        *FRACTION_ACTIONS,
        *SEAT_ACTIONS,
        *MANDATE_END_ACTIONS,
        *NAMED_VOTE_ACTIONS,
        "close_vote",
        *SECRET_ACTIONS,
        *CARD_ACTIONS,
        *RECALL_ACTIONS,
        *ELECTION_BALLOT_ACTIONS,
        *PETITION_ACTIONS,
    )
)


def load_journal() -> Journal:
    """Read the payloads of the checked kinds of entry (one pass over the journal)."""
    rows = (
        JournalEntry.objects.filter(action__in=CHECKED_ACTIONS)
        .order_by("seq")
        .values_list("seq", "action", "actor", "payload")
        .iterator(chunk_size=5000)
    )
    parsed: list[tuple[int, str, str, Any]] = []
    for seq, action, actor, text in rows:
        try:
            payload = json.loads(text)
        except ValueError:
            payload = None
        parsed.append((seq, action, actor, payload))
    return journal_from_rows(parsed)


def journal_from_rows(rows: Iterable[tuple[int, str, str, Any]]) -> Journal:
    """The :class:`Journal` of (seq, action, actor, parsed payload) rows in journal order,
    such as :func:`smolny.journal.chain.verify_journal` gathers while it walks the chain."""
    journal = Journal()
    for seq, action, actor, payload in rows:
        if isinstance(payload, dict):
            payload["_action"] = action
            journal.by_action[action].append((seq, actor, payload))
    return journal


def _time(text: Any) -> datetime | None:
    return datetime.fromisoformat(text) if isinstance(text, str) else None


def _compare(what: str, expected: Counter[Any], found: Counter[Any]) -> list[str]:
    """The differences between what the journal accounts for and the rows, in words."""
    problems = []
    for key in sorted(set(expected) | set(found), key=repr):
        if expected[key] != found[key]:
            problems.append(
                f"{what} {key}: the journal accounts for {expected[key]}, "
                f"the table holds {found[key]}"
            )
    return problems


def _members() -> dict[int, str]:
    from smolny.councils.models import Member

    return dict(Member.objects.values_list("pk", "external_id"))


def check_roles(journal: Journal) -> list[str]:
    """Every role row (organisation, user, role, ended or not) has its entries: the founding
    or appointment that made it, the ``end_role`` that ended it."""
    from smolny.councils.models import OrganisationRole

    expected: Counter[tuple[int, int, str, bool]] = Counter()
    for _, actor, p in journal.of(*ROLE_ACTIONS):
        organisation = int(p["organisation"])
        action = _role_action(p, actor)
        if action is None:
            continue
        for user, role, ended in action:
            if ended:
                expected[(organisation, user, role, False)] -= 1
            expected[(organisation, user, role, ended)] += 1
    found = Counter(
        (o, u, r, e is not None)
        for o, u, r, e in OrganisationRole.objects.values_list(
            "organisation_id", "user_id", "role", "end"
        )
    )
    return _compare("role (organisation, user, role, ended)", +expected, found)


def _role_action(p: Payload, actor: str) -> list[tuple[int, str, bool]] | None:
    """The roles an entry made (user, role, False) or ended (user, role, True)."""
    kind = p.get("_action")
    if kind == "found_organisation":
        return [(p["secretary"], "secretary", False)]
    if kind == "create_organisation":
        if not actor.startswith("user:"):
            return []
        user = int(actor.split(":")[1])
        roles = [(user, "secretary", False)]
        if "entered_later" in p:
            roles.append((user, "recorder", False))
        return roles
    if kind in ("appoint_secretary", "appoint_recorder", "appoint_chair", "appoint_clerk"):
        return [(p["user"], kind.removeprefix("appoint_"), False)]
    if kind == "end_role":
        return [(p["user"], p["role"], True)]
    return None


def _mandate_end(p: Payload) -> Payload | None:
    """The part of a payload that :func:`~smolny.councils.actions.mandate.end_mandate` wrote."""
    if "vacated_seats" in p and "reason" in p and "mandate" in p:
        return p
    ended = p.get("ended")
    return ended if isinstance(ended, dict) else None


def check_mandate_ends(journal: Journal) -> list[str]:
    """Every ended mandate ends as an entry says (reason and time); none ends without one,
    and none that an entry ended is current."""
    from smolny.councils.models import Mandate

    expected: dict[int, tuple[str, datetime | None]] = {}
    for _, _, p in journal.of(*MANDATE_END_ACTIONS):
        ended = _mandate_end(p)
        if ended is not None:
            expected[ended["mandate"]] = (ended["reason"], _time(p.get("at")))
    problems = []
    rows = Mandate.objects.values_list("pk", "end", "end_reason")
    for pk, end, reason in rows.iterator(chunk_size=5000):
        if pk not in expected:
            if end is not None or reason:
                problems.append(f"mandate {pk}: ended ({reason}) with no journal entry ending it")
            continue
        want_reason, want_end = expected.pop(pk)
        if end is None:
            problems.append(f"mandate {pk}: the journal ends it ({want_reason}), the table not")
        elif reason != want_reason or end != want_end:
            problems.append(
                f"mandate {pk}: ended {reason} at {end}, the journal says {want_reason} "
                f"at {want_end}"
            )
    problems += [f"mandate {pk}: ended in the journal, missing from the table" for pk in expected]
    return problems


def check_named_votes(journal: Journal) -> list[str]:
    """Every named vote row is one entry's (vote, member, choice, ranking), and back."""
    from smolny.councils.models import NamedVote

    expected: Counter[tuple[int, str, str]] = Counter()
    for _, _, p in journal.of(*NAMED_VOTE_ACTIONS):
        if "votes" in p:
            for member, answer in p["votes"].items():
                expected[(p["vote"], member, _answer(answer))] += 1
        else:
            choice = p["choice"] if p["choice"] != "ranked" else p.get("ranking", [])
            expected[(p["vote"], p["member"], _answer(choice))] += 1
    found: Counter[tuple[int, str, str]] = Counter()
    rows = NamedVote.objects.values_list(
        "vote_id", "mandate__member__external_id", "choice", "ranking"
    )
    for vote, member, choice, ranking in rows.iterator(chunk_size=5000):
        found[(vote, member, _answer(choice if choice != "ranked" else ranking))] += 1
    return _compare("named vote (vote, member, choice)", expected, found)


def check_card_ballots(journal: Journal) -> list[str]:
    """Every card ballot row is one entry's (vote, member, choice, weight, proxy holder), and
    back: a card's weight or its holder changed in the table is found here."""
    from smolny.councils.models import CardBallot

    expected: Counter[tuple[int, str, str, str, str]] = Counter()
    for _, _, p in journal.of(*CARD_ACTIONS):
        expected[(p["vote"], p["member"], p["choice"], p["weight"], p["proxy"] or "")] += 1
    found: Counter[tuple[int, str, str, str, str]] = Counter()
    rows = CardBallot.objects.values_list(
        "vote_id", "mandate__member__external_id", "choice", "weight", "proxy__external_id"
    )
    for vote, member, choice, weight, proxy in rows.iterator(chunk_size=5000):
        found[(vote, member, choice, weight, proxy or "")] += 1
    return _compare("card (vote, member, choice, weight, proxy)", expected, found)


def _answer(answer: Any) -> str:
    return answer if isinstance(answer, str) else json.dumps(answer)


CLOSE_FIELDS = (
    ("for", "for_votes"),
    ("against", "against"),
    ("abstain", "abstain"),
    ("present", "present"),
    ("seated", "seated"),
    ("outcome", "outcome"),
    ("irregular", "irregular"),
)


def check_closed_votes(journal: Journal) -> list[str]:
    """Every closed vote has its ``close_vote`` entry and its tally and outcome are the
    entry's; no open vote has one."""
    from smolny.councils.models import Vote

    closes = {p["vote"]: p for _, _, p in journal.of("close_vote")}
    problems = []
    columns = ["pk", "status", *(column for _, column in CLOSE_FIELDS)]
    for row in Vote.objects.values(*columns).iterator(chunk_size=5000):
        entry = closes.pop(row["pk"], None)
        if row["status"] != Vote.CLOSED:
            if entry is not None:
                problems.append(f"vote {row['pk']}: closed in the journal, open in the table")
            continue
        if entry is None:
            problems.append(f"vote {row['pk']}: closed with no close_vote entry")
            continue
        for key, column in CLOSE_FIELDS:
            if row[column] != entry.get(key):
                problems.append(
                    f"vote {row['pk']}: {column} is {row[column]!r}, "
                    f"the journal's close says {entry.get(key)!r}"
                )
    problems += [f"vote {pk}: closed in the journal, missing from the table" for pk in closes]
    return problems


def check_secret_ballots(journal: Journal) -> list[str]:
    """Who cast a secret ballot is each ``cast_secret_ballot`` entry's voter, and back; a
    closed vote holds one opened ballot per voter, and they add up to the tally its close
    recorded (the choices are not in the journal, by design)."""
    from smolny.councils.models import SecretBallot, SecretVoter, Vote

    expected = Counter((p["vote"], p["member"]) for _, _, p in journal.of(*SECRET_ACTIONS))
    found = Counter(
        SecretVoter.objects.values_list("vote_id", "mandate__member__external_id").iterator()
    )
    problems = _compare("secret voter (vote, member)", expected, found)
    voters = Counter(vote for vote, _ in expected.elements())
    closes = {p["vote"]: p for _, _, p in journal.of("close_vote")}
    filled: dict[int, Counter[str]] = defaultdict(Counter)
    for vote, choice in SecretBallot.objects.exclude(choice="").values_list("vote_id", "choice"):
        filled[vote][choice] += 1
    # While a vote is open its slots hold only sealed boxes (under a key the database does
    # not hold, so a box written by SQL does not open at the close); the ballots are in clear
    # from the close on, and only then can they be counted here.
    closed = Vote.objects.filter(method=Vote.SECRET, status=Vote.CLOSED)
    for vote in closed.values_list("pk", flat=True):
        counts = filled.get(vote, Counter())
        if sum(counts.values()) != voters[vote]:
            problems.append(
                f"vote {vote}: {sum(counts.values())} filled secret ballots for "
                f"{voters[vote]} voters in the journal"
            )
        close = closes.get(vote)
        if close is None or close.get("for") is None:
            continue  # preferential (rankings), or no close (reported by check_closed_votes)
        tally = {"for": close["for"], "against": close["against"], "abstain": close["abstain"]}
        opened = {choice: counts[choice] for choice in tally}
        if opened != tally:
            problems.append(
                f"vote {vote}: the opened secret ballots count {opened}, "
                f"the journal's close counted {tally}"
            )
    return problems


def check_recall_votes(journal: Journal) -> list[str]:
    """Recall voters are the ``cast_recall_vote`` entries' voters, and back; a closed recall
    vote's tally and outcome are its close's, and it holds one opened ballot per voter,
    adding up to that tally."""
    from smolny.councils.models import RecallBallot, RecallVote, RecallVoter

    expected = Counter((p["vote"], p["member"]) for _, _, p in journal.of("cast_recall_vote"))
    members = _members()
    found = Counter(
        (vote, members.get(member))
        for vote, member in RecallVoter.objects.values_list("vote_id", "member_id")
    )
    problems = _compare("recall voter (vote, member)", expected, found)
    closes = {p["vote"]: p for _, _, p in journal.of("close_recall_vote")}
    ballots: dict[int, Counter[str]] = defaultdict(Counter)
    for vote, choice in RecallBallot.objects.exclude(choice="").values_list("vote_id", "choice"):
        ballots[vote][choice] += 1
    rows = RecallVote.objects.values_list(
        "pk", "closed_at", "outcome", "votes_recall", "votes_keep"
    )
    voters = Counter(vote for vote, _ in expected.elements())
    for pk, closed_at, outcome, recall, keep in rows:
        close = closes.get(pk)
        if close is None:  # open (sealed boxes), or lapsed unopened: nothing in clear
            if closed_at is not None and outcome != RecallVote.LAPSED:
                problems.append(f"recall vote {pk}: closed with no close_recall_vote entry")
            continue
        filled = sum(ballots.get(pk, Counter()).values())
        if filled != voters[pk]:
            problems.append(
                f"recall vote {pk}: {filled} filled ballots for {voters[pk]} voters in the journal"
            )
        if closed_at is None or (outcome, recall, keep) != (
            close["outcome"],
            close["recall"],
            close["keep"],
        ):
            problems.append(
                f"recall vote {pk}: {outcome or 'open'} {recall} to recall, {keep} to keep; "
                f"the journal's close says {close['outcome']} {close['recall']} to "
                f"{close['keep']}"
            )
        counted = ballots.get(pk, Counter())
        if (counted[RecallBallot.RECALL], counted[RecallBallot.KEEP]) != (
            close["recall"],
            close["keep"],
        ):
            problems.append(
                f"recall vote {pk}: the ballots count {counted[RecallBallot.RECALL]} to recall, "
                f"{counted[RecallBallot.KEEP]} to keep; the journal's close says "
                f"{close['recall']} to {close['keep']}"
            )
    return problems


def check_election_ballots(journal: Journal) -> list[str]:
    """Election voters are the ``cast_election_ballot`` entries' voters, and back; a counted
    election holds one filled ballot per voter."""
    from smolny.councils.models import Election, ElectionBallot, ElectionVoter

    expected = Counter(
        (p["election"], p["member"]) for _, _, p in journal.of(*ELECTION_BALLOT_ACTIONS)
    )
    members = _members()
    found = Counter(
        (election, members.get(member))
        for election, member in ElectionVoter.objects.values_list("election_id", "member_id")
    )
    problems = _compare("election voter (election, member)", expected, found)
    filled = Counter(
        ElectionBallot.objects.filter(filled=True).values_list("election_id", flat=True)
    )
    # Ballots are in clear only once the election is counted (sealed boxes until then).
    counted = set(Election.objects.exclude(status=Election.OPEN).values_list("pk", flat=True))
    voters = Counter(election for election, _ in expected.elements() if election in counted)
    return problems + _compare("filled election ballots of election", voters, filled)


def check_trackers(journal: Journal) -> list[str]:
    """Each vote's bulletin board lists one tracker per cast the journal records: a tracker
    added by SQL would vouch for a stuffed ballot on the board, a tracker removed would leave
    a voter's receipt unaccounted for (``smolny verify-vote`` checks ballots against trackers,
    this checks trackers against the casts). A vote with no tracker at all is left out: its
    ballots were cast before this installation gave receipts as trackers."""
    from smolny.councils.models import ElectionTracker, RecallTracker, SecretTracker

    problems: list[str] = []
    kinds = (
        ("secret vote", SecretTracker, "vote_id", "cast_secret_ballot", "vote"),
        ("recall vote", RecallTracker, "vote_id", "cast_recall_vote", "vote"),
        ("election", ElectionTracker, "election_id", "cast_election_ballot", "election"),
    )
    for label, model, column, action, key in kinds:
        casts = Counter(p[key] for _, _, p in journal.of(action))
        trackers = Counter(model._default_manager.values_list(column, flat=True).iterator())
        for parent, count in sorted(trackers.items()):
            if count != casts[parent]:
                problems.append(
                    f"{label} {parent}: {count} trackers on its board for {casts[parent]} "
                    "ballots cast in the journal"
                )
    return problems


def check_petition_signatures(journal: Journal) -> list[str]:
    """Each petition's signatures, live and withdrawn, are its entries': the opener's and
    each ``sign_recall_petition`` make one, each ``withdraw_signature`` withdraws one."""
    from smolny.councils.models import RecallSignature

    expected: Counter[tuple[int, str, bool]] = Counter()
    for _, _, p in journal.of(*PETITION_ACTIONS):
        key = (p["petition"], p["member"])
        if p["_action"] == "withdraw_signature":
            expected[(*key, False)] -= 1
            expected[(*key, True)] += 1
        else:
            expected[(*key, False)] += 1
    members = _members()
    found = Counter(
        (petition, members.get(member), withdrawn is not None)
        for petition, member, withdrawn in RecallSignature.objects.values_list(
            "petition_id", "member_id", "withdrawn_at"
        )
    )
    return _compare("signature (petition, member, withdrawn)", +expected, found)


def check_fraction_memberships(journal: Journal) -> list[str]:
    """Each deputy's fraction memberships: how many rows the entries made (seating with a
    fraction, a slate, a change, a regrouping), and the fraction of the current one (none
    after the mandate ended), per council and member."""
    from smolny.councils.models import FractionMembership, Mandate

    mandates = {
        pk: (council, member)
        for pk, council, member in Mandate.objects.values_list(
            "pk", "council_id", "member__external_id"
        ).iterator(chunk_size=5000)
    }
    made: Counter[tuple[int, str]] = Counter()
    current: dict[tuple[int, str], str | None] = {}

    def join(key: tuple[int, str], fraction: str | None) -> None:
        current[key] = fraction
        if fraction is not None:
            made[key] += 1

    for _, _, p in journal.of(*FRACTION_ACTIONS):
        action = p["_action"]
        if action == "seat_deputy":
            join((p["council"], p["member"]), p["fraction"])
        elif action == "seat_slate":
            for _, elected in p.get("deputies", []):
                for member, fraction in elected:
                    join((p["council"], member), fraction)
        elif action == "regroup_fractions":
            for member, fraction in p["moves"]:
                join((p["council"], member), fraction)
        elif action == "change_fraction":
            join(mandates.get(p["mandate"], (0, p["member"])), p["to"])
        else:
            ended = _mandate_end(p)
            if ended is not None:
                current[mandates.get(ended["mandate"], (0, ended["member"]))] = None
    found: Counter[tuple[int, str]] = Counter()
    found_current: dict[tuple[int, str], str] = {}
    rows = FractionMembership.objects.values_list(
        "mandate__council_id", "mandate__member__external_id", "fraction__name", "end"
    )
    for council, member, fraction, end in rows.iterator(chunk_size=5000):
        found[(council, member)] += 1
        if end is None:
            found_current[(council, member)] = fraction
    problems = _compare("fraction memberships of (council, member)", made, found)
    for key in sorted(set(current) | set(found_current)):
        if current.get(key) != found_current.get(key):
            problems.append(
                f"fraction of (council, member) {key}: the table says "
                f"{found_current.get(key)!r}, the journal {current.get(key)!r}"
            )
    return problems


ENDED = "(ended)"


def check_organ_seats(journal: Journal) -> list[str]:
    """Each organ seat's rows: how many the entries made (the forming, each filling and
    vacating, a vacancy left by an ended mandate) and who holds the current one (nobody
    once a no-confidence vote ended the presidium)."""
    from smolny.councils.models import OrganSeat

    made: Counter[tuple[int, int]] = Counter()
    holder: dict[tuple[int, int], str | None] = {}
    for _, _, p in journal.of(*SEAT_ACTIONS):
        action = p["_action"]
        if action == "form_organ":
            for number in range(1, p["seats"] + 1):
                made[(p["organ"], number)] += 1
                holder[(p["organ"], number)] = p["holders"].get(str(number))
        elif action in ("fill_organ_seat", "vacate_organ_seat"):
            made[(p["organ"], p["seat"])] += 1
            holder[(p["organ"], p["seat"])] = p.get("holder")
        elif action == "close_vote":
            ended = (p.get("presidium") or {}).get("presidium")
            for key in [k for k in holder if k[0] == ended]:
                holder[key] = ENDED
        if action in MANDATE_END_ACTIONS:
            ending = _mandate_end(p)
            for seat in ending["vacated_seats"] if ending else []:
                made[(seat["organ"], seat["seat"])] += 1
                holder[(seat["organ"], seat["seat"])] = None
    found: Counter[tuple[int, int]] = Counter()
    found_holder: dict[tuple[int, int], str | None] = {}
    rows = OrganSeat.objects.values_list("organ_id", "number", "holder__member__external_id", "end")
    for organ, number, member, end in rows.iterator(chunk_size=5000):
        found[(organ, number)] += 1
        if end is None:
            found_holder[(organ, number)] = member
    problems = _compare("rows of organ seat (organ, number)", made, found)
    for key in sorted(set(holder) | set(found_holder)):
        if holder.get(key, ENDED) != found_holder.get(key, ENDED):
            problems.append(
                f"organ seat (organ, number) {key}: held by "
                f"{found_holder.get(key, ENDED)!r} in the table, by "
                f"{holder.get(key, ENDED)!r} in the journal"
            )
    return problems


CHECKS: tuple[Callable[[Journal], list[str]], ...] = (
    check_roles,
    check_mandate_ends,
    check_named_votes,
    check_closed_votes,
    check_secret_ballots,
    check_card_ballots,
    check_recall_votes,
    check_election_ballots,
    check_trackers,
    check_petition_signatures,
    check_fraction_memberships,
    check_organ_seats,
)


def check_state(
    checks: Iterable[Callable[[Journal], list[str]]] = CHECKS, journal: Journal | None = None
) -> list[str]:
    """Every disagreement between the state tables and the journal, in words.

    *journal*: the checked entries when already read (by the chain's walk); else they are
    read here."""
    if journal is None:
        journal = load_journal()
    problems: list[str] = []
    for check in checks:
        try:
            problems += check(journal)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            # A payload without the fields its action always writes: altered (the chain
            # check names the entry); the check of this kind cannot be completed.
            problems.append(
                f"{check.__name__}: cannot be completed, an entry's payload is malformed "
                f"({type(error).__name__}: {error})"
            )
    return problems
