"""The Petrograd 1917 world's own kinds of step, run by the generic runner.

What no other world shares: the Petrograd Soviet seated from works and companies generated
from the March figures (:func:`~smolny.worlds.petrograd1917.petrograd_constituencies`) under
the ratio rule, checked seat by seat; congresses as bodies of delegations; deputies changing
sides to reach the strengths the sources give; organs held by fraction; the presidium
re-formed after no confidence and the Second Congress's presidium allotted, each compared
with history; and dual power's other bodies, garrison, authority rules and directives, issued
through the federation actions. Organisations and sittings (with their recorded votes, by
tallies) are the generic kinds of :mod:`smolny.worlds.steps`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from smolny.councils import actions
from smolny.councils.actions import motion, session
from smolny.councils.actions.slate import regroup_fractions, seat_slate
from smolny.councils.models import (
    Constituency,
    Council,
    FractionMembership,
    Mandate,
    Member,
    Organ,
    PresidiumReformation,
)
from smolny.councils.models.dated import valid_at
from smolny.worlds import petrograd1917 as data
from smolny.worlds import steps as generic
from smolny.worlds.data import Built, Plan, WorldMismatch, reading, records
from smolny.worlds.steps import quorum

ACTOR = actions.SystemActor("world:petrograd-1917")
"""The actor of every step of this world (the runner's ``w.actor`` has the same name)."""

Run = Callable[[Built], None]


def read_world() -> dict[str, dict[str, Any]]:
    """The world's data files, read through :func:`smolny.worlds.petrograd1917.read_world`
    at load time (the tests alter the data there)."""
    return data.read_world()


def plan(world: dict[str, Any], plan: Plan) -> None:
    """Every step of the 1917 world (its data files parsed), in planning order.

    The data is checked as far as planning reads it: a missing table or field, or a value of
    the wrong type, is a :class:`~smolny.worlds.data.WorldDataError` naming the file and the
    record. The Petrograd Soviet's constituencies, generated from their figures when its
    council is created, are generated here once too, so that bad figures are refused before
    anything is written.
    """
    add = plan.add
    for where, org in records(world, "councils", "organisation"):
        with reading(where):
            at = data.moment(org["founded"], where)
            add(at, f"organisation {org['name']}", generic.create_organisation(org, at))
    for where, council in records(world, "councils", "council"):
        with reading(where):
            at = data.moment(council["founded"], f"councils.toml: {council['key']}")
            add(at, council["name"], _create_council(world, council, at))
            if council["key"] == "petrograd":
                seated = data.moment(council["seated"], where)
                add(seated, f"{council['name']}: seated", _seat_step(world, seated))
    for where, congress in records(world, "congresses", "congress"):
        with reading(where):
            at = data.moment(congress["opens"], f"congresses.toml: {congress['key']}")
            add(at, congress["name"], _create_congress(congress, at))
    for where, strength in records(world, "fractions", "strength")[1:]:
        with reading(where):
            at = data.moment(strength["at"], where)
            add(at, f"fractions of {strength['council']}", _regroup(strength, at))
    for where, organ in records(world, "organs", "organ"):
        with reading(where):
            at = data.moment(organ["formed"], f"organs.toml: {organ['key']}")
            add(at, f"{organ['council']}: {organ['name']}", _form_organ(organ, at))
    for where, sitting in records(world, "sessions", "sitting"):
        with reading(where):
            generic.plan_sitting(sitting, plan)
    for where, reformation in records(world, "sessions", "reformation"):
        with reading(where):
            at = data.moment(reformation["at"], where)
            add(at, reformation["name"], _reform(reformation, at))
    with reading("directives.toml"):
        _plan_authority(world["directives"], add)
    with reading("congresses.toml: [second-congress-presidium]"):
        allotment = world["congresses"]["second-congress-presidium"]
        at = data.moment(allotment["at"], "congresses.toml: presidium")
        add(at, "Second Congress presidium", _allot_presidium(allotment, at))
    with reading("constituencies.toml: [petrograd]"):
        data.petrograd_constituencies(world["constituencies"]["petrograd"])


# --- councils, congresses, rolls -------------------------------------------------------------


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


def _bodies(w: Built) -> dict[str, Any]:
    """Councils and organs that issue, receive or rule on directives, by the data's names."""
    found: dict[str, Any] = w.extra.setdefault("bodies", {})
    return found


def _units(w: Built) -> list[Any]:
    """The garrison's units, in the data's order."""
    found: list[Any] = w.extra.setdefault("units", [])
    return found


def _grants(w: Built) -> dict[str, Any]:
    """Veto grants by the body holding them."""
    found: dict[str, Any] = w.extra.setdefault("grants", {})
    return found


def _create_council(world: dict[str, dict[str, Any]], spec: dict[str, Any], at: datetime) -> Run:
    key = spec["key"]

    def step(w: Built) -> None:
        organisation = w.organisations[spec["organisation"]]
        council = actions.create_council(ACTOR, organisation, spec["name"], at=at)
        w.councils[key] = council
        for entry in world["fractions"]["fraction"]:
            if entry["council"] == key:
                for name in entry["names"]:
                    actions.create_fraction(ACTOR, council, name, at=at)
        if key == "petrograd":
            return  # seated under the March rule by its own step (see plan)
        else:
            groups = [d for d in world["constituencies"]["delegation"] if d["council"] == key]
            _seat_delegations(w, key, council, groups, at)

    return step


def _seat_step(world: dict[str, dict[str, Any]], at: datetime) -> Run:
    """The Petrograd Soviet seated under the March rule, after its founding night (whose
    delegations are not recorded)."""

    def step(w: Built) -> None:
        _seat_petrograd(w, w.councils["petrograd"], world, at)

    return step


def _seat_petrograd(
    w: Built, council: Council, world: dict[str, dict[str, Any]], at: datetime
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
    w.extra["workers"] = {ids[c.name] for c in generated if c.category == "workers"}
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
    w: Built, key: str, council: Council, groups: list[dict[str, Any]], at: datetime
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


def _create_congress(spec: dict[str, Any], at: datetime) -> Run:
    key = spec["key"]

    def step(w: Built) -> None:
        organisation = w.organisations["soviets"]
        council = actions.create_council(ACTOR, organisation, spec["name"], kind="congress", at=at)
        w.councils[key] = council
        for name in dict.fromkeys(g["fraction"] for g in spec["delegations"] if "fraction" in g):
            actions.create_fraction(ACTOR, council, name, at=at)
        groups = [{**g, "council": key} for g in spec["delegations"]]
        _seat_delegations(w, key, council, groups, at)

    return step


def _regroup(strength: dict[str, Any], at: datetime) -> Run:
    """Deputies change sides so that the fractions reach the strengths given: surplus
    members (the latest seated) leave first, the non-party and the leavers fill the gaps."""

    def step(w: Built) -> None:
        council = w.councils[strength["council"]]
        # Seat order is worked out on the mandates' ids; only the movers are read whole.
        mandates = _seat_order(council, at)
        names = _fraction_of(council, at)
        target: dict[str, int] = {k: int(v) for k, v in strength["fractions"].items()}
        pool: list[int] = []
        counts: dict[str, int] = {}
        for m in mandates:
            f = names.get(m)
            if f is not None and counts.get(f, 0) < target.get(f, 0):
                counts[f] = counts.get(f, 0) + 1
            else:
                pool.append(m)
        leavers = [m for m in pool if names.get(m) is not None]
        pool = leavers + [m for m in pool if names.get(m) is None]
        ids: dict[int, str | None] = {}
        taken = 0
        for f, n in target.items():
            for _ in range(n - counts.get(f, 0)):
                if taken == len(pool):
                    raise WorldMismatch(f"{council.name}: not enough deputies for {f}")
                ids[pool[taken]] = f
                taken += 1
        for m in leavers:
            if m not in ids:
                ids[m] = None
        ids = {m: f for m, f in ids.items() if names.get(m) != f}
        whole = Mandate.objects.select_related("member").in_bulk(list(ids))
        moves = {whole[m]: f for m, f in ids.items()}
        regroup_fractions(ACTOR, council, moves, at=at)

    return step


# --- organs -----------------------------------------------------------------------------------


def _seat_order(council: Council, at: datetime) -> list[int]:
    """The ids of the council's current mandates, in seat order."""
    return list(
        Mandate.objects.filter(valid_at(at), council=council)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _fraction_of(council: Council, at: datetime) -> dict[int, str]:
    """The fraction each current mandate of the council sits with, by mandate id."""
    return dict(
        FractionMembership.objects.filter(valid_at(at), mandate__council=council).values_list(
            "mandate_id", "fraction__name"
        )
    )


def _holders(council: Council, wanted: dict[str, int], at: datetime) -> list[Mandate]:
    """The first deputies (in seat order) of each fraction named ("none": no fraction)."""
    mandates = _seat_order(council, at)
    names = _fraction_of(council, at)
    chosen: list[int] = []
    for fraction, n in wanted.items():
        label = None if fraction == "none" else fraction
        pick = [m for m in mandates if names.get(m) == label][: int(n)]
        if len(pick) < int(n):
            raise WorldMismatch(f"{council.name}: {n} holders wanted from {fraction}")
        chosen += pick
    whole = Mandate.objects.select_related("member").in_bulk(chosen)
    return [whole[m] for m in chosen]


def _form_organ(spec: dict[str, Any], at: datetime) -> Run:
    def step(w: Built) -> None:
        council = w.councils[spec["council"]]
        if spec.get("members") == "factory deputies":
            elected = list(
                Mandate.objects.filter(
                    valid_at(at), council=council, constituency_id__in=w.extra["workers"]
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
            ACTOR, organ, notice=timedelta(0), quorum=quorum(spec.get("quorum")), at=at
        )
        w.organs[(spec["council"], spec["key"])] = organ

    return step


def _nominees(council: Council, taken: dict[str, int], at: datetime) -> dict[str, list[Mandate]]:
    return {f: _holders(council, {f: n}, at) for f, n in taken.items() if n}


def _reform(spec: dict[str, Any], at: datetime) -> Run:
    def step(w: Built) -> None:
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


def _allot_presidium(spec: dict[str, Any], at: datetime) -> Run:
    def step(w: Built) -> None:
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


# --- dual power: the other powers, the garrison, authority rules, directives ---------------


def _plan_authority(spec: dict[str, Any], add: Callable[[datetime, str, Run], None]) -> None:
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


def _create_powers(names: list[str], at: datetime) -> Run:
    def step(w: Built) -> None:
        for name in names:
            council = actions.create_council(ACTOR, w.organisations["soviets"], name, at=at)
            _bodies(w)[name] = council

    return step


def _power_organ(spec: dict[str, Any], at: datetime) -> Run:
    from smolny.federation import actions as federation

    def step(w: Built) -> None:
        name = spec["council"]
        council = w.councils["petrograd"] if name == "petrograd" else _bodies(w)[name]
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
        _bodies(w)[spec["name"]] = organ

    return step


def _garrison(names: list[str], at: datetime) -> Run:
    from smolny.federation import actions as federation

    def step(w: Built) -> None:
        soviet = w.councils["petrograd"]
        _bodies(w)["Petrograd Soviet"] = soviet
        plenum = w.organs[("petrograd", "plenum")]
        federation.rotate_organ_key(ACTOR, plenum, at=at)
        _bodies(w)["Plenum"] = plenum
        for name in names:
            unit = federation.create_unit(ACTOR, w.organisations["soviets"], name, at=at)
            federation.place_under(ACTOR, unit, soviet, at=at)
            _units(w).append(unit)

    return step


def _under_mrc(at: datetime) -> Run:
    from smolny.federation import actions as federation

    def step(w: Built) -> None:
        for unit in _units(w):
            federation.place_under(
                ACTOR, unit, _bodies(w)["Military Revolutionary Committee"], at=at
            )

    return step


def _authority(rule: dict[str, Any], at: datetime) -> Run:
    from smolny.federation import actions as federation

    def step(w: Built) -> None:
        body = _bodies(w)[rule["body"]]
        if rule["kind"] == "veto":
            grant = federation.grant_veto(
                ACTOR,
                body,
                issuers=[_bodies(w)[n] for n in rule["issuers"]],
                domains=rule.get("domains"),
                at=at,
            )
            _grants(w)[rule["body"]] = grant
            return
        others = [_bodies(w)[n] for n in rule["others"]] if "others" in rule else None
        federation.set_authority_rule(
            ACTOR, rule["kind"], body, others=others, domains=rule.get("domains"), at=at
        )

    return step


def _withdraw(rule: dict[str, Any], at: datetime) -> Run:
    from smolny.federation import actions as federation

    def step(w: Built) -> None:
        federation.withdraw_veto(ACTOR, _grants(w)[rule["body"]], at=at)

    return step


def _issue(spec: dict[str, Any], at: datetime) -> Run:
    from smolny.federation import actions as federation

    def step(w: Built) -> None:
        organ = _bodies(w)[spec["organ"]]
        assert isinstance(organ, Organ)
        to = list(_units(w)) if spec["to"] == "garrison" else [_bodies(w)[spec["to"]]]
        text = spec["title"] + ": " + " ".join(spec["rules"])
        federation.issue_directive(ACTOR, organ, text, to, domain=spec["domain"], at=at)

    return step
