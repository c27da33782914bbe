"""Loading a bundled world into the database through the actions, in date order.

The world's data (:mod:`smolny.worlds.petrograd1917`) becomes a list of steps, each a call of
one action at its moment; the steps run in chronological order inside one transaction, so a
load is all or nothing and a second load finds the world's organisation and does nothing.
Every recorded vote is put to the engine as tallies (its counts entered, the engine closing
the vote under the organ's rules), and the engine's outcome is compared with history's: a
disagreement stops the load with :class:`WorldMismatch` and nothing is written. Presidium
allotments are compared the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction as Ratio
from typing import Any

from django.db import transaction

from smolny.councils import actions, journal
from smolny.councils.actions import agenda, motion, session, vote
from smolny.councils.actions.slate import regroup_fractions, seat_slate
from smolny.councils.models import (
    Constituency,
    Council,
    Fraction,
    FractionMembership,
    Mandate,
    Member,
    Organ,
    Organisation,
    PresidiumReformation,
    Session,
    Vote,
)
from smolny.councils.models.dated import valid_at
from smolny.rules.majority import Quorum
from smolny.worlds import petrograd1917 as data

ACTOR = actions.SystemActor("world:petrograd-1917")
ORGANISATION_KEYS = ("soviets", "bolsheviks")


class WorldMismatch(Exception):
    """The engine decided a recorded question differently from history."""


@dataclass(frozen=True)
class LoadReport:
    """What a load did."""

    loaded: bool
    """False when the world was in the database already (nothing was done)."""
    steps: int = 0
    votes: int = 0
    deputies: int = 0


Progress = Callable[[int, int, str], None]
"""Called after each step with (steps done, steps in all, what was done)."""


@dataclass
class _World:
    """What the steps have built so far, by the data's keys."""

    organisations: dict[str, Organisation] = field(default_factory=dict)
    councils: dict[str, Council] = field(default_factory=dict)
    organs: dict[tuple[str, str], Organ] = field(default_factory=dict)
    groups: dict[tuple[str, str], list[Member]] = field(default_factory=dict)
    sittings: dict[str, Session] = field(default_factory=dict)
    votes: dict[str, Vote] = field(default_factory=dict)
    bodies: dict[str, Council | Organ] = field(default_factory=dict)
    """Councils and organs that issue, receive or rule on directives, by the data's names."""
    units: list[Any] = field(default_factory=list)
    grants: dict[str, Any] = field(default_factory=dict)
    workers: set[int] = field(default_factory=set)
    """Constituency ids of the Petrograd Soviet's works (its workers' section)."""
    deputies: int = 0


def is_loaded() -> bool:
    """Whether the Petrograd 1917 world is in the database (its organisations exist)."""
    names = [o["name"] for o in data.read_file("councils")["organisation"]]
    return Organisation.objects.filter(name__in=names).exists()


def load_petrograd_1917(progress: Progress | None = None) -> LoadReport:
    """Load the Petrograd 1917 world on a migrated database; a no-op when it is loaded."""
    world = data.read_world()
    steps = plan_world(world)
    done_votes = 0
    with transaction.atomic():
        journal.lock()  # a second loader waits here, then finds the world loaded
        if is_loaded():
            return LoadReport(loaded=False)
        built = _World()
        for i, (_, _, label, step) in enumerate(steps, start=1):
            step(built)
            if progress is not None:
                progress(i, len(steps), label)
        done_votes = len(built.votes)
    return LoadReport(loaded=True, steps=len(steps), votes=done_votes, deputies=built.deputies)


Step = tuple[datetime, int, str, Callable[[_World], None]]


def plan_world(world: dict[str, Any]) -> list[Step]:
    """Every step of *world* (its data files parsed), in chronological order.

    The data is checked as far as planning reads it: a missing table or field, or a value of
    the wrong type, is a :class:`~smolny.worlds.petrograd1917.WorldDataError` naming the file
    and the record, never a bare ``KeyError`` or ``TypeError``. The Petrograd Soviet's
    constituencies, generated from their figures when its council is created, are generated
    here once too, so that bad figures are refused before anything is written.
    """
    steps = _plan(world)
    with _reading("constituencies.toml: [petrograd]"):
        data.petrograd_constituencies(world["constituencies"]["petrograd"])
    return steps


def _plan(world: dict[str, dict[str, Any]]) -> list[Step]:
    """Every step of the world, in chronological order (ties in the order planned)."""
    steps: list[Step] = []

    def add(at: datetime, label: str, step: Callable[[_World], None]) -> None:
        steps.append((at, len(steps), label, step))

    for where, org in _records(world, "councils", "organisation"):
        with _reading(where):
            at = data.moment(org["founded"], where)
            add(at, f"organisation {org['name']}", _create_organisation(org, at))
    for where, council in _records(world, "councils", "council"):
        with _reading(where):
            at = data.moment(council["founded"], f"councils.toml: {council['key']}")
            add(at, council["name"], _create_council(world, council, at))
    for where, congress in _records(world, "congresses", "congress"):
        with _reading(where):
            at = data.moment(congress["opens"], f"congresses.toml: {congress['key']}")
            add(at, congress["name"], _create_congress(congress, at))
    for where, strength in _records(world, "fractions", "strength")[1:]:
        with _reading(where):
            at = data.moment(strength["at"], where)
            add(at, f"fractions of {strength['council']}", _regroup(strength, at))
    for where, organ in _records(world, "organs", "organ"):
        with _reading(where):
            at = data.moment(organ["formed"], f"organs.toml: {organ['key']}")
            add(at, f"{organ['council']}: {organ['name']}", _form_organ(organ, at))
    for where, sitting in _records(world, "sessions", "sitting"):
        with _reading(where):
            _plan_sitting(sitting, add)
    for where, reformation in _records(world, "sessions", "reformation"):
        with _reading(where):
            at = data.moment(reformation["at"], where)
            add(at, reformation["name"], _reform(reformation, at))
    with _reading("directives.toml"):
        _plan_authority(world["directives"], add)
    with _reading("congresses.toml: [second-congress-presidium]"):
        allotment = world["congresses"]["second-congress-presidium"]
        at = data.moment(allotment["at"], "congresses.toml: presidium")
        add(at, "Second Congress presidium", _allot_presidium(allotment, at))
    return sorted(steps, key=lambda s: (s[0], s[1]))


def _records(world: dict[str, Any], file: str, table: str) -> list[tuple[str, dict[str, Any]]]:
    """The records of the array of tables ``[[table]]`` in *file*, each with its place in
    words (``organs.toml: [[organ]] 3``), or the :class:`WorldDataError` saying it is not one."""
    where = f"{file}.toml: [[{table}]]"
    records = world.get(file, {}).get(table) if isinstance(world.get(file), dict) else None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise data.WorldDataError(f"{where}: missing, or not an array of tables")
    return [(f"{where} {i}", record) for i, record in enumerate(records, start=1)]


@contextmanager
def _reading(where: str) -> Iterator[None]:
    """Planning from one record of the data: a field it lacks, or a value of the wrong type,
    becomes a :class:`WorldDataError` naming the record (*where*)."""
    try:
        yield
    except data.WorldDataError:
        raise
    except KeyError as error:
        raise data.WorldDataError(f"{where}: missing field {error.args[0]!r}") from None
    except (TypeError, AttributeError, IndexError, ValueError, ArithmeticError) as error:
        raise data.WorldDataError(f"{where}: a value of the wrong kind ({error})") from None


# --- organisations, councils, rolls ----------------------------------------------------------


def _create_organisation(org: dict[str, Any], at: datetime) -> Callable[[_World], None]:
    def step(w: _World) -> None:
        w.organisations[org["key"]] = actions.create_organisation(
            ACTOR, org["name"], public_record=bool(org.get("public_record", False)), at=at
        )

    return step


def _roll(prefix: str, rows: list[tuple[str, int, int]]) -> list[str]:
    """CSV lines of a roll: *rows* of (constituency, entries, deputies named as such)."""
    lines = ["member_id,name,constituency\n"]
    for index, (constituency, entries, deputies) in enumerate(rows, start=1):
        quoted = '"' + constituency.replace('"', '""') + '"'
        for n in range(1, entries + 1):
            title = f"Deputy, {constituency}, {n}" if n <= deputies else f"{constituency}, {n}"
            name = '"' + title.replace('"', '""') + '"'
            lines.append(f"{prefix}-{index:04d}-{n:05d},{name},{quoted}\n")
    return lines


def _members_by_constituency(
    council: Council, at: datetime, *, deputies_only: bool = False
) -> dict[int, list[Member]]:
    """The roll of each constituency in roll order; with *deputies_only*, only the entries
    generated as deputies (the rest of a 600,000-member roll is never read back)."""
    found: dict[int, list[Member]] = {}
    rows = Member.objects.filter(valid_at(at), constituency__council=council).order_by("pk")
    if deputies_only:
        rows = rows.filter(name__startswith="Deputy, ")
    for member in rows:
        found.setdefault(member.constituency_id, []).append(member)
    return found


def _create_council(
    world: dict[str, dict[str, Any]], spec: dict[str, Any], at: datetime
) -> Callable[[_World], None]:
    key = spec["key"]

    def step(w: _World) -> None:
        organisation = w.organisations[spec["organisation"]]
        council = actions.create_council(ACTOR, organisation, spec["name"], at=at)
        w.councils[key] = council
        for entry in world["fractions"]["fraction"]:
            if entry["council"] == key:
                for name in entry["names"]:
                    actions.create_fraction(ACTOR, council, name, at=at)
        if key == "petrograd":
            _seat_petrograd(w, council, world, at)
        else:
            groups = [d for d in world["constituencies"]["delegation"] if d["council"] == key]
            _seat_delegations(w, key, council, groups, at)

    return step


def _seat_petrograd(
    w: _World, council: Council, world: dict[str, dict[str, Any]], at: datetime
) -> None:
    """The March rolls of works and companies, the ratio rule, the apportionment, and every
    apportioned seat filled, the deputies joining fractions as the first strength says."""
    spec = world["constituencies"]["petrograd"]
    scale = int(spec["roll_scale"])
    actions.set_representation_rule(
        ACTOR,
        council,
        per=int(spec["rule_per"]) // scale,
        minimum=int(spec["rule_minimum"]),
        rounding=spec["rule_rounding"],
        at=at,
    )
    generated = data.petrograd_constituencies(spec)
    actions.create_constituencies(ACTOR, council, [c.name for c in generated], at=at)
    per = int(spec["rule_per"])
    expected = {c.name: max(int(spec["rule_minimum"]), c.people // per) for c in generated}
    rows = [(c.name, c.people // scale, expected[c.name]) for c in generated]
    actions.import_roll(ACTOR, council, _roll("PS", rows), source="petrograd-rolls.csv", at=at)
    apportionment = actions.apportion_council(ACTOR, council, at=at)
    ids = dict(Constituency.objects.filter(council=council).values_list("name", "pk"))
    seats = dict(apportionment.entries.values_list("constituency_id", "seats"))
    w.workers = {ids[c.name] for c in generated if c.category == "workers"}
    members = _members_by_constituency(council, at, deputies_only=True)
    order: list[tuple[int, Member]] = []
    for c in generated:
        pk = ids[c.name]
        if seats[pk] != expected[c.name]:
            raise WorldMismatch(
                f"{c.name}: the engine apportions {seats[pk]} seat(s) to {c.people:,} people, "
                f"the March rule {expected[c.name]}"
            )
        order += [(pk, m) for m in members[pk]]
    first = world["fractions"]["strength"][0]
    labels = _fraction_labels(first["fractions"], len(order))
    slate: dict[int, list[tuple[Member, str | None]]] = {}
    for (pk, member), label in zip(order, labels, strict=True):
        slate.setdefault(pk, []).append((member, label))
    w.deputies += seat_slate(ACTOR, council, slate, at=at + timedelta(minutes=30))


def _fraction_labels(strengths: dict[str, int], total: int) -> list[str | None]:
    """Deputies' fractions in seat order: each fraction's count in turn, the rest none."""
    labels: list[str | None] = []
    for name, n in strengths.items():
        labels += [name] * int(n)
    if len(labels) > total:
        raise WorldMismatch(f"fraction strengths add to {len(labels)}, the council has {total}")
    return labels + [None] * (total - len(labels))


def _seat_delegations(
    w: _World, key: str, council: Council, groups: list[dict[str, Any]], at: datetime
) -> None:
    """A body of delegates: one constituency per group, one deputy per roll entry."""
    actions.set_representation_rule(ACTOR, council, per=1, minimum=1, at=at)
    names = [g["group"] for g in groups]
    actions.create_constituencies(ACTOR, council, names, at=at)
    prefix = "".join(p[:3].upper() for p in key.split("-"))
    rows = [(g["group"], int(g["delegates"]), int(g["delegates"])) for g in groups]
    actions.import_roll(ACTOR, council, _roll(prefix, rows), source=f"{key}.csv", at=at)
    actions.apportion_council(ACTOR, council, at=at)
    ids = dict(Constituency.objects.filter(council=council).values_list("name", "pk"))
    members = _members_by_constituency(council, at)
    slate: dict[int, list[tuple[Member, str | None]]] = {}
    for g in groups:
        pk = ids[g["group"]]
        w.groups[(key, g["group"])] = members[pk]
        slate[pk] = [(m, g.get("fraction")) for m in members[pk]]
    w.deputies += seat_slate(ACTOR, council, slate, at=at)


def _create_congress(spec: dict[str, Any], at: datetime) -> Callable[[_World], None]:
    key = spec["key"]

    def step(w: _World) -> None:
        organisation = w.organisations["soviets"]
        council = actions.create_council(ACTOR, organisation, spec["name"], kind="congress", at=at)
        w.councils[key] = council
        for name in dict.fromkeys(g["fraction"] for g in spec["delegations"] if "fraction" in g):
            actions.create_fraction(ACTOR, council, name, at=at)
        groups = [{**g, "council": key} for g in spec["delegations"]]
        _seat_delegations(w, key, council, groups, at)

    return step


def _regroup(strength: dict[str, Any], at: datetime) -> Callable[[_World], None]:
    """Deputies change sides so that the fractions reach the strengths given: surplus
    members (the latest seated) leave first, the non-party and the leavers fill the gaps."""

    def step(w: _World) -> None:
        council = w.councils[strength["council"]]
        mandates = list(
            Mandate.objects.filter(valid_at(at), council=council)
            .select_related("member")
            .order_by("pk")
        )
        names = dict(
            FractionMembership.objects.filter(valid_at(at), mandate__council=council).values_list(
                "mandate_id", "fraction__name"
            )
        )
        target: dict[str, int] = {k: int(v) for k, v in strength["fractions"].items()}
        keep: dict[int, str | None] = {}
        pool: list[Mandate] = []
        counts: dict[str, int] = {}
        for m in mandates:
            f = names.get(m.pk)
            if f is not None and counts.get(f, 0) < target.get(f, 0):
                counts[f] = counts.get(f, 0) + 1
                keep[m.pk] = f
            else:
                pool.append(m)
        leavers = [m for m in pool if names.get(m.pk) is not None]
        pool = leavers + [m for m in pool if names.get(m.pk) is None]
        moves: dict[Mandate, str | None] = {}
        for f, n in target.items():
            for _ in range(n - counts.get(f, 0)):
                if not pool:
                    raise WorldMismatch(f"{council.name}: not enough deputies for {f}")
                moves[pool.pop(0)] = f
        for m in leavers:
            if m not in moves:
                moves[m] = None
        moves = {m: f for m, f in moves.items() if names.get(m.pk) != f}
        regroup_fractions(ACTOR, council, moves, at=at)

    return step


# --- organs ----------------------------------------------------------------------------------


def _quorum(value: Any) -> Quorum | None:
    if value is None:
        return None
    if isinstance(value, int):
        return Quorum(value)
    return Quorum(Ratio(value), more_than=True)


def _holders(council: Council, wanted: dict[str, int], at: datetime) -> list[Mandate]:
    """The first deputies (in seat order) of each fraction named ("none": no fraction)."""
    mandates = list(
        Mandate.objects.filter(valid_at(at), council=council)
        .select_related("member")
        .order_by("pk")
    )
    names = dict(
        FractionMembership.objects.filter(valid_at(at), mandate__council=council).values_list(
            "mandate_id", "fraction__name"
        )
    )
    chosen: list[Mandate] = []
    for fraction, n in wanted.items():
        label = None if fraction == "none" else fraction
        pick = [m for m in mandates if names.get(m.pk) == label][: int(n)]
        if len(pick) < int(n):
            raise WorldMismatch(f"{council.name}: {n} holders wanted from {fraction}")
        chosen += pick
    return chosen


def _form_organ(spec: dict[str, Any], at: datetime) -> Callable[[_World], None]:
    def step(w: _World) -> None:
        council = w.councils[spec["council"]]
        if spec.get("members") == "factory deputies":
            elected = list(
                Mandate.objects.filter(
                    valid_at(at), council=council, constituency_id__in=w.workers
                ).order_by("pk")
            )
        else:
            elected = _holders(council, spec.get("holders", {}), at)
        organ = actions.form_organ(
            ACTOR,
            council,
            spec["name"],
            kind=spec["kind"],
            seat_rule=Organ.ELECTION,
            seats=max(len(elected), 1),
            elected=elected,
            at=at,
        )
        session.set_organ_rules(
            ACTOR, organ, notice=timedelta(0), quorum=_quorum(spec.get("quorum")), at=at
        )
        w.organs[(spec["council"], spec["key"])] = organ

    return step


def _nominees(council: Council, taken: dict[str, int], at: datetime) -> dict[str, list[Mandate]]:
    return {f: _holders(council, {f: n}, at) for f, n in taken.items() if n}


def _reform(spec: dict[str, Any], at: datetime) -> Callable[[_World], None]:
    def step(w: _World) -> None:
        council = w.councils[spec["council"]]
        reformation = PresidiumReformation.objects.get(vote=w.votes[spec["after"]])
        expected = {k: int(v) for k, v in spec["expected"].items()}
        organ = motion.reform_presidium(
            ACTOR,
            reformation,
            name=spec["name"],
            seats=int(spec["seats"]),
            nominees=_nominees(council, expected, at),
            at=at,
        )
        taken = {k: v for k, v in organ.allotment["taken"].items() if v}
        if taken != expected:
            raise WorldMismatch(f"{spec['name']}: the engine allots {taken}, history {expected}")
        w.organs[(spec["council"], "presidium")] = organ

    return step


def _allot_presidium(spec: dict[str, Any], at: datetime) -> Callable[[_World], None]:
    def step(w: _World) -> None:
        council = w.councils[spec["congress"]]
        expected = spec["expected"]
        organ = actions.form_organ(
            ACTOR,
            council,
            spec["name"],
            kind=Organ.PRESIDIUM,
            seat_rule=Organ.PROPORTIONAL,
            seats=int(spec["seats"]),
            method=spec["method"],
            refused="vacant",
            refusing=spec["refusing"],
            reserving=spec["reserving"],
            nominees=_nominees(council, expected["taken"], at),
            at=at,
        )
        allotment = organ.allotment
        refused = {f: allotment["entitled"][f] for f in spec["refusing"]}
        got = {
            "taken": {k: v for k, v in allotment["taken"].items() if v},
            "refused": refused,
            "reserved": {k: v for k, v in allotment["reserved"].items() if v},
        }
        if got != expected:
            raise WorldMismatch(
                f"Second Congress presidium: the engine allots {got}, history {expected}"
            )
        w.organs[(spec["congress"], "presidium")] = organ

    return step


# --- sittings and votes ----------------------------------------------------------------------


def _plan_sitting(spec: dict[str, Any], add: Callable[..., None]) -> None:
    where = f"sessions.toml: {spec['id']}"
    opens = data.moment(spec["at"], where)
    add(opens, spec["title"], _open_sitting(spec, opens))
    last = opens
    for event in spec.get("event", []):
        at = data.moment(event["at"], where)
        last = max(last, at)
        kind = event["kind"]
        if kind == "vote":
            add(at, f"{spec['title']}: {event['question']}", _take_vote(spec, event, at))
        elif kind == "walkout":
            add(at, f"{spec['title']}: walkout", _walkout(spec, event, at))
        elif kind == "leave":
            add(at, f"{spec['title']}: members leave", _leave(spec, event, at))
        else:
            raise data.WorldDataError(f"{where}: unknown event kind {kind!r}")
    add(last + timedelta(minutes=30), f"{spec['title']}: closed", _close_sitting(spec, last))


def _open_sitting(spec: dict[str, Any], at: datetime) -> Callable[[_World], None]:
    def step(w: _World) -> None:
        organ = w.organs[(spec["council"], spec["organ"])]
        voting = session.seated(organ, at)
        absent = set(spec.get("absent", ()))
        if absent:
            away = set(
                FractionMembership.objects.filter(
                    valid_at(at), mandate__in=list(voting.values()), fraction__name__in=absent
                ).values_list("mandate__member_id", flat=True)
            )
            voting = {k: v for k, v in voting.items() if k not in away}
        members = list(Member.objects.filter(pk__in=list(voting)).order_by("pk"))
        present = spec["present"]
        if present != "all":
            if int(present) > len(members):
                raise WorldMismatch(f"{spec['title']}: {present} present of {len(members)}")
            members = members[: int(present)]
        sitting = session.convene_session(ACTOR, organ, spec["title"], starts_at=at, at=at)
        session.check_in(ACTOR, sitting, members, at=at)
        session.open_session(ACTOR, sitting, chair=members[0], at=at)
        w.sittings[spec["id"]] = sitting

    return step


def _in_hall(sitting: Session, at: datetime) -> list[Member]:
    ids = session.present_members(sitting, at)
    return list(Member.objects.filter(pk__in=ids).order_by("pk"))


def _take_vote(
    spec: dict[str, Any], event: dict[str, Any], at: datetime
) -> Callable[[_World], None]:
    def step(w: _World) -> None:
        sitting = w.sittings[spec["id"]]
        item = agenda.add_agenda_item(ACTOR, sitting, event["question"], at=at)
        if event.get("motion") == "no-confidence":
            row = motion.move_motion(
                ACTOR, item, "procedural", procedural="no-confidence", text=event["question"], at=at
            )
        else:
            row = motion.move_motion(ACTOR, item, "main", text=event["question"], at=at)
        method = event["method"]
        opened = vote.open_vote(ACTOR, item, row.key, method=method, at=at)
        tellers = _in_hall(sitting, at)[:2] if method == "division" else []
        vote.enter_counts(
            ACTOR,
            opened,
            for_votes=int(event["for"]),
            against=int(event["against"]),
            abstain=int(event.get("abstain", 0)),
            tellers=tellers,
            at=at,
        )
        closed = vote.close_vote(ACTOR, opened, at=at + timedelta(minutes=1))
        if closed.outcome != event["history"]:
            raise WorldMismatch(
                f"{event['id']} ({spec['title']}: {event['question']}): the engine decides "
                f"{closed.outcome!r} ({closed.reason}), history records {event['history']!r}"
            )
        w.votes[event["id"]] = closed

    return step


def _walkout(spec: dict[str, Any], event: dict[str, Any], at: datetime) -> Callable[[_World], None]:
    def step(w: _World) -> None:
        sitting = w.sittings[spec["id"]]
        if "fraction" in event:
            fraction = Fraction.objects.get(
                council=w.councils[spec["council"]], name=event["fraction"]
            )
            session.record_walkout(
                ACTOR, sitting, fraction=fraction, statement=event["statement"], at=at
            )
        else:
            members = w.groups[(spec["council"], event["group"])]
            session.record_walkout(
                ACTOR, sitting, members=members, statement=event["statement"], at=at
            )

    return step


def _leave(spec: dict[str, Any], event: dict[str, Any], at: datetime) -> Callable[[_World], None]:
    def step(w: _World) -> None:
        sitting = w.sittings[spec["id"]]
        for member in _in_hall(sitting, at)[int(event["keep"]) :]:
            session.check_out(ACTOR, sitting, member, at=at)

    return step


def _close_sitting(spec: dict[str, Any], last: datetime) -> Callable[[_World], None]:
    def step(w: _World) -> None:
        session.close_session(ACTOR, w.sittings[spec["id"]], at=last + timedelta(minutes=30))

    return step


# --- dual power: the other powers, the garrison, authority rules, directives ---------------


def _plan_authority(spec: dict[str, Any], add: Callable[..., None]) -> None:
    """Directives go through the federation actions: issued and signed by an organ, bound
    or not by the authority rules in force, as the engine says (not the data)."""
    powers = spec["powers"]
    at = data.moment(powers["founded"], "directives.toml: powers")
    add(at, "the other powers", _create_powers(powers["councils"], at))
    for organ in powers["organ"]:
        formed = data.moment(organ["formed"], f"directives.toml: {organ['name']}")
        add(formed, organ["name"], _power_organ(organ, formed))
    garrison = spec["garrison"]
    under_soviet = data.moment(garrison["under_soviet"], "directives.toml: garrison")
    under_mrc = data.moment(garrison["under_mrc"], "directives.toml: garrison")
    add(under_soviet, "the garrison under the Soviet", _garrison(garrison["units"], under_soviet))
    add(under_mrc, "the garrison under the MRC", _under_mrc(under_mrc))
    for rule in spec["authority"]:
        at = data.moment(rule["at"], f"directives.toml: {rule['kind']}")
        add(at, f"authority rule: {rule['kind']}", _authority(rule, at))
        if "until" in rule:
            until = data.moment(rule["until"], f"directives.toml: {rule['kind']}")
            add(until, f"authority rule ends: {rule['kind']}", _withdraw(rule, until))
    for directive in spec["directive"]:
        at = data.moment(directive["at"], f"directives.toml: {directive['id']}")
        add(at, directive["title"], _issue(directive, at))


def _create_powers(names: list[str], at: datetime) -> Callable[[_World], None]:
    def step(w: _World) -> None:
        for name in names:
            council = actions.create_council(ACTOR, w.organisations["soviets"], name, at=at)
            w.bodies[name] = council

    return step


def _power_organ(spec: dict[str, Any], at: datetime) -> Callable[[_World], None]:
    from smolny.federation import actions as federation

    def step(w: _World) -> None:
        name = spec["council"]
        council = w.councils["petrograd"] if name == "petrograd" else w.bodies[name]
        assert isinstance(council, Council)
        organ = actions.form_organ(
            ACTOR,
            council,
            spec["name"],
            kind=spec["kind"],
            seat_rule=Organ.ELECTION,
            seats=1,
            at=at,
        )
        federation.rotate_organ_key(ACTOR, organ, at=at)
        w.bodies[spec["name"]] = organ

    return step


def _garrison(names: list[str], at: datetime) -> Callable[[_World], None]:
    from smolny.federation import actions as federation

    def step(w: _World) -> None:
        soviet = w.councils["petrograd"]
        w.bodies["Petrograd Soviet"] = soviet
        plenum = w.organs[("petrograd", "plenum")]
        federation.rotate_organ_key(ACTOR, plenum, at=at)
        w.bodies["Plenum"] = plenum
        for name in names:
            unit = federation.create_unit(ACTOR, w.organisations["soviets"], name, at=at)
            federation.place_under(ACTOR, unit, soviet, at=at)
            w.units.append(unit)

    return step


def _under_mrc(at: datetime) -> Callable[[_World], None]:
    from smolny.federation import actions as federation

    def step(w: _World) -> None:
        for unit in w.units:
            federation.place_under(ACTOR, unit, w.bodies["Military Revolutionary Committee"], at=at)

    return step


def _authority(rule: dict[str, Any], at: datetime) -> Callable[[_World], None]:
    from smolny.federation import actions as federation

    def step(w: _World) -> None:
        body = w.bodies[rule["body"]]
        if rule["kind"] == "veto":
            grant = federation.grant_veto(
                ACTOR,
                body,
                issuers=[w.bodies[n] for n in rule["issuers"]],
                domains=rule.get("domains"),
                at=at,
            )
            w.grants[rule["body"]] = grant
            return
        others = [w.bodies[n] for n in rule["others"]] if "others" in rule else None
        federation.set_authority_rule(
            ACTOR, rule["kind"], body, others=others, domains=rule.get("domains"), at=at
        )

    return step


def _withdraw(rule: dict[str, Any], at: datetime) -> Callable[[_World], None]:
    from smolny.federation import actions as federation

    def step(w: _World) -> None:
        federation.withdraw_veto(ACTOR, w.grants[rule["body"]], at=at)

    return step


def _issue(spec: dict[str, Any], at: datetime) -> Callable[[_World], None]:
    from smolny.federation import actions as federation

    def step(w: _World) -> None:
        organ = w.bodies[spec["organ"]]
        assert isinstance(organ, Organ)
        to = list(w.units) if spec["to"] == "garrison" else [w.bodies[spec["to"]]]
        text = spec["title"] + ": " + " ".join(spec["rules"])
        federation.issue_directive(ACTOR, organ, text, to, domain=spec["domain"], at=at)

    return step
