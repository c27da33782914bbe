"""The generic kinds of step: the tables any world's data may hold, each turned into actions.

A world of data alone (no ``steps`` in its manifest) is planned by :func:`plan_tables` from
these tables, in whichever of its files they stand:

``[[organisation]]``
    ``key``, ``name``, ``founded``, ``public_record``, ``calendar`` (``dual`` for Old Style
    beside New Style; absent: New Style alone): :func:`create_organisation`.
``[[council]]``
    ``key``, ``organisation``, ``name``, ``founded``, optional ``fractions`` (names) and
    ``rule`` (``per``, ``minimum``, ``rounding``: the representation rule). Its
    ``[[constituency]]`` records (``council``, ``key``, ``name``, ``prefix``, ``roll``: the
    number of members, ``named``: the first members' names, ``seats``: the seats the data
    expects) are created with the council, their rolls imported (roll numbers
    ``PREFIX-0001``...), and the council apportioned; an apportionment that differs from
    ``seats`` is a :class:`WorldMismatch`.
``[[election]]``
    ``key``, ``constituency``, ``at``, ``ballots`` (``{ n, ranking }``, candidates by roll
    number), ``elected`` (roll numbers, as the data expects), optional ``method``
    (``scottish-stv`` or ``meek-stv``), ``fractions`` (roll number to fraction), and
    ``after_recall`` (the key of the recall whose by-election this is). The engine counts;
    the elected are seated.
``[[organ]]``
    ``council``, ``key``, ``name``, ``kind``, ``formed``, ``members`` (roll numbers of
    deputies; none for a plenum), ``quorum`` (a number, or a share such as ``"1/2"``).
``[[recall]]``
    ``key``, ``deputy``, ``opens``, ``petitioner``, ``signatures`` (how many of the roll sign,
    in roll order, the deputy not among them), ``votes_recall`` and ``votes_keep`` (the roll
    votes in roll order after them), ``closes`` and ``outcome`` as the data expects.
``[[sitting]]``
    as in the 1917 world: ``id``, ``council``, ``organ``, ``title``, ``at``, ``present``
    (a number or ``"all"``), ``absent`` (fractions not in the hall) and ``[[sitting.event]]``
    records: ``vote`` (by tallies ``for``/``against``/``abstain`` as counts, or by named roll
    call with them as lists of roll numbers; ``history``: the outcome the data expects),
    ``walkout`` and ``leave``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from fractions import Fraction as Ratio
from typing import Any

from smolny.councils import actions
from smolny.councils.actions import agenda, motion, session, vote
from smolny.councils.models import (
    Constituency,
    Election,
    Fraction,
    FractionMembership,
    Member,
    Organ,
    Session,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries.sessions import present_members, seated
from smolny.rules.ballots import BallotSet
from smolny.rules.majority import Quorum
from smolny.worlds.data import Built, Plan, WorldDataError, WorldMismatch, reading, tables

Run = Callable[[Built], None]


def plan_tables(world: dict[str, Any], plan: Plan) -> None:
    """Plan every generic table of *world* (see the module's description), in this order:
    organisations, councils, organs, elections, recalls, sittings."""
    for where, org in tables(world, "organisation"):
        with reading(where):
            at = plan.moment(org["founded"], where)
            plan.add(at, f"organisation {org['name']}", create_organisation(org, at))
    constituencies = tables(world, "constituency")
    for where, council in tables(world, "council"):
        with reading(where):
            at = plan.moment(council["founded"], where)
            own = [c for _, c in constituencies if c.get("council") == council["key"]]
            plan.add(at, council["name"], create_council(council, own, at))
    for where, organ in tables(world, "organ"):
        with reading(where):
            at = plan.moment(organ["formed"], where)
            plan.add(at, f"{organ['council']}: {organ['name']}", form_organ(organ, at))
    for where, election in tables(world, "election"):
        with reading(where):
            at = plan.moment(election["at"], where)
            plan.add(at, f"election: {election['key']}", hold_election(election, at))
    for where, recall in tables(world, "recall"):
        with reading(where):
            opens = plan.moment(recall["opens"], where)
            closes = plan.moment(recall["closes"], where)
            if closes <= opens:
                raise WorldDataError(f"{where}: the recall closes before it opens")
            plan.add(opens, f"recall petition: {recall['key']}", open_recall(recall, opens))
            plan.add(closes, f"recall vote: {recall['key']}", close_recall(recall, closes))
    for where, sitting in tables(world, "sitting"):
        with reading(where):
            plan_sitting(sitting, plan)


# --- organisations, councils, rolls ----------------------------------------------------------


def create_organisation(org: dict[str, Any], at: datetime) -> Run:
    def step(w: Built) -> None:
        # A world opts into dual dates (Old Style beside New Style) only by saying so.
        calendar = {"calendar": str(org["calendar"])} if "calendar" in org else {}
        w.organisations[org["key"]] = actions.create_organisation(
            w.actor,
            org["name"],
            public_record=bool(org.get("public_record", False)),
            at=at,
            **calendar,
        )

    return step


def roll_lines(rows: list[tuple[str, str, list[str]]]) -> list[str]:
    """CSV lines of a roll: *rows* of (prefix, constituency, members' names), each
    constituency's members numbered ``PREFIX-0001``... in roll order."""
    lines = ["member_id,name,constituency\n"]
    for prefix, constituency, people in rows:
        quoted = '"' + constituency.replace('"', '""') + '"'
        for number, person in enumerate(people, start=1):
            name = '"' + person.replace('"', '""') + '"'
            lines.append(f"{prefix}-{number:04d},{name},{quoted}\n")
    return lines


def _people(spec: dict[str, Any]) -> list[str]:
    """The names on a constituency's roll: the named first, then numbered members."""
    named = [str(n) for n in spec.get("named", [])]
    size = int(spec["roll"])
    if size < len(named) or size > 1_000_000:
        raise WorldDataError(f"constituency {spec['key']}: roll {size} for {len(named)} named")
    return named + [f"{spec['name']}, member {n}" for n in range(len(named) + 1, size + 1)]


def create_council(spec: dict[str, Any], constituencies: list[dict[str, Any]], at: datetime) -> Run:
    """The council, its fractions, its rule, its constituencies and their rolls, apportioned."""
    rolls = [(c, _people(c)) for c in constituencies]

    def step(w: Built) -> None:
        council = actions.create_council(
            w.actor, w.organisations[spec["organisation"]], spec["name"], at=at
        )
        w.councils[spec["key"]] = council
        for name in spec.get("fractions", []):
            actions.create_fraction(w.actor, council, name, at=at)
        if not rolls:
            return
        rule = spec.get("rule", {})
        actions.set_representation_rule(
            w.actor,
            council,
            per=int(rule.get("per", 1)),
            minimum=int(rule.get("minimum", 1)),
            rounding=str(rule.get("rounding", "floor")),
            at=at,
        )
        actions.create_constituencies(w.actor, council, [c["name"] for c, _ in rolls], at=at)
        lines = roll_lines([(str(c["prefix"]), c["name"], people) for c, people in rolls])
        actions.import_roll(w.actor, council, lines, source=f"{spec['key']}-rolls.csv", at=at)
        apportionment = actions.apportion_council(w.actor, council, at=at)
        seats = dict(apportionment.entries.values_list("constituency__name", "seats"))
        rows = Constituency.objects.filter(council=council)
        by_name = {c.name: c for c in rows}
        for c, _ in rolls:
            w.constituencies[c["key"]] = by_name[c["name"]]
            if "seats" in c and seats.get(c["name"]) != int(c["seats"]):
                raise WorldMismatch(
                    f"{c['name']}: the engine apportions {seats.get(c['name'])} seat(s), "
                    f"the data {c['seats']}"
                )
        for member in Member.objects.filter(constituency__council=council):
            w.members[member.external_id] = member

    return step


# --- elections and recall --------------------------------------------------------------------


def _ballots(spec: dict[str, Any]) -> list[tuple[tuple[str, ...], int]]:
    return [(tuple(str(c) for c in b["ranking"]), int(b["n"])) for b in spec["ballots"]]


def hold_election(spec: dict[str, Any], at: datetime) -> Run:
    """Open the election (or find the by-election a recall opened), count its ballots, check
    the elected against the data, and seat them with the fractions the data gives."""
    ballots = _ballots(spec)
    expected = [str(e) for e in spec["elected"]]
    method = str(spec.get("method", "scottish-stv"))
    fractions: dict[str, str] = dict(spec.get("fractions", {}))

    def step(w: Built) -> None:
        constituency = w.constituencies[spec["constituency"]]
        if "after_recall" in spec:
            mandate = w.recalls[spec["after_recall"]].petition.mandate
            election = Election.objects.get(cause=mandate, status=Election.OPEN)
        else:
            election = actions.open_election(w.actor, constituency, at=at)
        candidates = sorted({c for ranking, _ in ballots for c in ranking})
        index = {c: i for i, c in enumerate(candidates)}
        ballot_set = BallotSet.merge(
            candidates,
            [(tuple(index[c] for c in ranking), n) for ranking, n in ballots],
            seats=election.seats,
        )
        counted = actions.count_election(w.actor, election, ballot_set, method=method, at=at)
        elected = list(counted.result["elected"])
        if sorted(elected) != sorted(expected):
            raise WorldMismatch(
                f"election {spec['key']}: the engine elects {', '.join(elected)}, "
                f"the data {', '.join(expected)}"
            )
        w.elections[spec["key"]] = counted
        named = {f.name: f for f in Fraction.objects.filter(council=constituency.council)}
        for number in elected:
            label = fractions.get(number)
            actions.seat_deputy(
                w.actor,
                counted,
                w.members[number],
                fraction=named[label] if label else None,
                at=at + timedelta(minutes=30),
            )
            w.deputies += 1

    return step


def _mandate_of(w: Built, number: str, at: datetime) -> Any:
    from smolny.councils.models import Mandate

    return Mandate.objects.get(valid_at(at), member=w.members[number])


def _roll_order(w: Built, constituency: Constituency, at: datetime, skip: str) -> list[Member]:
    rows = Member.objects.filter(valid_at(at), constituency=constituency).order_by("external_id")
    return [m for m in rows if m.external_id != skip]


def open_recall(spec: dict[str, Any], at: datetime) -> Run:
    """A member of the roll opens a petition to recall the deputy; the roll signs in roll
    order until the data's number of signatures (the vote opens at the threshold)."""

    def step(w: Built) -> None:
        mandate = _mandate_of(w, spec["deputy"], at)
        petitioner = w.members[spec["petitioner"]]
        petition = actions.open_recall_petition(w.actor, mandate, petitioner, at=at)
        others = [
            m
            for m in _roll_order(w, mandate.constituency, at, spec["deputy"])
            if m.pk != petitioner.pk
        ]
        opened = None
        for member in others[: int(spec["signatures"]) - 1]:
            opened = actions.sign_recall_petition(w.actor, petition, member, at=at) or opened
        if opened is None:
            raise WorldMismatch(f"recall {spec['key']}: the signatures did not open a vote")
        w.recalls[spec["key"]] = opened

    return step


def close_recall(spec: dict[str, Any], at: datetime) -> Run:
    """The roll votes in roll order (to recall, then to keep) and the vote is closed; its
    outcome must be the data's."""

    def step(w: Built) -> None:
        opened = w.recalls[spec["key"]]
        voters = _roll_order(w, opened.petition.mandate.constituency, at, spec["deputy"])
        recall, keep = int(spec["votes_recall"]), int(spec["votes_keep"])
        if recall + keep > len(voters):
            raise WorldMismatch(
                f"recall {spec['key']}: {recall + keep} votes, {len(voters)} on the roll"
            )
        for i, member in enumerate(voters[: recall + keep]):
            actions.cast_recall_vote(
                w.actor, opened, member, i < recall, at=at - timedelta(minutes=30)
            )
        closed = actions.close_recall_vote(w.actor, opened, at=at)
        if closed.outcome != spec["outcome"]:
            raise WorldMismatch(
                f"recall {spec['key']}: the engine decides {closed.outcome!r}, "
                f"the data {spec['outcome']!r}"
            )
        w.recalls[spec["key"]] = closed

    return step


# --- organs ----------------------------------------------------------------------------------


def quorum(value: Any) -> Quorum | None:
    """A quorum in the data: a number of members, or a share (``"1/2"``: more than half)."""
    if value is None:
        return None
    if isinstance(value, int):
        return Quorum(value)
    return Quorum(Ratio(value), more_than=True)


def form_organ(spec: dict[str, Any], at: datetime) -> Run:
    """An organ of a council, its seats held by the deputies the data names."""

    def step(w: Built) -> None:
        council = w.councils[spec["council"]]
        elected = [_mandate_of(w, str(n), at) for n in spec.get("members", [])]
        organ = actions.form_organ(
            w.actor,
            council,
            spec["name"],
            kind=spec["kind"],
            seat_rule=Organ.ELECTION,
            seats=max(len(elected), 1),
            elected=elected,
            at=at,
        )
        session.set_organ_rules(
            w.actor, organ, notice=timedelta(0), quorum=quorum(spec.get("quorum")), at=at
        )
        w.organs[(spec["council"], spec["key"])] = organ

    return step


# --- sittings and votes ----------------------------------------------------------------------


def plan_sitting(spec: dict[str, Any], plan: Plan) -> None:
    """A sitting: opened, its events (votes, walkouts, members leaving) and its close."""
    where = f"sessions.toml: {spec['id']}"
    opens = plan.moment(spec["at"], where)
    plan.add(opens, spec["title"], open_sitting(spec, opens))
    last = opens
    for event in spec.get("event", []):
        at = plan.moment(event["at"], where)
        last = max(last, at)
        kind = event["kind"]
        if kind == "vote":
            plan.add(at, f"{spec['title']}: {event['question']}", take_vote(spec, event, at))
        elif kind == "walkout":
            plan.add(at, f"{spec['title']}: walkout", walkout(spec, event, at))
        elif kind == "leave":
            plan.add(at, f"{spec['title']}: members leave", leave(spec, event, at))
        else:
            raise WorldDataError(f"{where}: unknown event kind {kind!r}")
    plan.add(last + timedelta(minutes=30), f"{spec['title']}: closed", close_sitting(spec, last))


def open_sitting(spec: dict[str, Any], at: datetime) -> Run:
    def step(w: Built) -> None:
        organ = w.organs[(spec["council"], spec["organ"])]
        voting = seated(organ, at)
        absent = set(spec.get("absent", ()))
        if absent:
            away = set(
                FractionMembership.objects.filter(
                    valid_at(at), mandate__in=list(voting.values()), fraction__name__in=absent
                ).values_list("mandate__member_id", flat=True)
            )
            voting = {k: v for k, v in voting.items() if k not in away}
        # The first *present* members in roll order (by id): only they are read whole.
        ids = sorted(voting)
        present = spec["present"]
        if present != "all":
            if int(present) > len(ids):
                raise WorldMismatch(f"{spec['title']}: {present} present of {len(ids)}")
            ids = ids[: int(present)]
        members = list(Member.objects.filter(pk__in=ids).order_by("pk"))
        sitting = session.convene_session(w.actor, organ, spec["title"], starts_at=at, at=at)
        session.check_in(w.actor, sitting, members, at=at)
        session.open_session(w.actor, sitting, chair=members[0], at=at)
        w.sittings[spec["id"]] = sitting

    return step


def in_hall(sitting: Session, at: datetime) -> list[Member]:
    ids = present_members(sitting, at)
    return list(Member.objects.filter(pk__in=ids).order_by("pk"))


def take_vote(spec: dict[str, Any], event: dict[str, Any], at: datetime) -> Run:
    """Put the question; enter its tallies (or, by named roll call, each member's answer);
    close it, and compare the engine's outcome with the data's ``history``."""

    def step(w: Built) -> None:
        sitting = w.sittings[spec["id"]]
        item = agenda.add_agenda_item(w.actor, sitting, event["question"], at=at)
        if event.get("motion") == "no-confidence":
            row = motion.move_motion(
                w.actor,
                item,
                "procedural",
                procedural="no-confidence",
                text=event["question"],
                at=at,
            )
        else:
            row = motion.move_motion(w.actor, item, "main", text=event["question"], at=at)
        method = event["method"]
        opened = vote.open_vote(w.actor, item, row.key, method=method, at=at)
        if isinstance(event["for"], list):
            sheet = {
                w.members[str(number)]: answer
                for answer in ("for", "against", "abstain")
                for number in event.get(answer, [])
            }
            # A named vote of history is the minutes of a meeting held on paper: the
            # sheet is entered as a past event (journalled as entered later), the only
            # path by which anyone enters answers for the deputies.
            with actions.entering_past_events(at):
                vote.record_roll_call(w.actor, opened, sheet, at=at)
        else:
            tellers = in_hall(sitting, at)[:2] if method == "division" else []
            vote.enter_counts(
                w.actor,
                opened,
                for_votes=int(event["for"]),
                against=int(event["against"]),
                abstain=int(event.get("abstain", 0)),
                tellers=tellers,
                at=at,
            )
        closed = vote.close_vote(w.actor, opened, at=at + timedelta(minutes=1))
        if closed.outcome != event["history"]:
            raise WorldMismatch(
                f"{event['id']} ({spec['title']}: {event['question']}): the engine decides "
                f"{closed.outcome!r} ({closed.reason}), history records {event['history']!r}"
            )
        w.votes[event["id"]] = closed

    return step


def walkout(spec: dict[str, Any], event: dict[str, Any], at: datetime) -> Run:
    def step(w: Built) -> None:
        sitting = w.sittings[spec["id"]]
        if "fraction" in event:
            fraction = Fraction.objects.get(
                council=w.councils[spec["council"]], name=event["fraction"]
            )
            session.record_walkout(
                w.actor, sitting, fraction=fraction, statement=event["statement"], at=at
            )
        else:
            members = w.groups[(spec["council"], event["group"])]
            session.record_walkout(
                w.actor, sitting, members=members, statement=event["statement"], at=at
            )

    return step


def leave(spec: dict[str, Any], event: dict[str, Any], at: datetime) -> Run:
    def step(w: Built) -> None:
        sitting = w.sittings[spec["id"]]
        for member in in_hall(sitting, at)[int(event["keep"]) :]:
            session.check_out(w.actor, sitting, member, at=at)

    return step


def close_sitting(spec: dict[str, Any], last: datetime) -> Run:
    def step(w: Built) -> None:
        session.close_session(w.actor, w.sittings[spec["id"]], at=last + timedelta(minutes=30))

    return step
