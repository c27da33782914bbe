"""The replay of a loaded world: a chronological account built from the database.

Every figure in it is read back from what the engine stored (votes with their counts,
presence and computed outcome; compositions of councils and organs at each date; the
apportionment of the March 1917 rolls), set beside what history records (the world's data
files), with dual dates ("25 October (7 November) 1917") from :mod:`smolny.rules.calendar`.
:func:`build_replay` gives the account as plain data (for ``--json``); :func:`render_text`
prints it for people.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from fractions import Fraction as Ratio
from typing import Any

from smolny.councils.models import (
    AgendaItem,
    ApportionedSeats,
    Apportionment,
    Council,
    FractionMembership,
    Organ,
    Organisation,
    OrganSeat,
    Session,
    Vote,
    Walkout,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import council_composition
from smolny.councils.queries.sessions import present_members, quorum_of, rules_of, seated
from smolny.rules.calendar import dual_date, gregorian_to_julian
from smolny.rules.measures import (
    category_indices,
    representation_by_category,
    representation_ratio,
)
from smolny.worlds import petrograd1917 as data
from smolny.worlds.petrograd1917 import flags


class NotLoaded(LookupError):
    """The world is not in the database."""


def local(at: datetime) -> datetime:
    return at.astimezone(data.PETROGRAD_TIME)


def when(at: datetime, time: str = "") -> dict[str, str]:
    """A moment as the sources date it: its dual date, and its clock *time* as the source
    gives it ("2 a.m.", "after 8:30 p.m."), or "" where the source gives none.

    The stored moment's own clock time is never shown: the engine needs a moment for every
    step, so the data places undated events in the day's order, and a vote closes a minute
    after it is put; neither is a recorded time (``at`` keeps the moment for sorting)."""
    moment = local(at)
    julian = gregorian_to_julian(moment.date())
    return {
        "at": at.isoformat(),
        "date": dual_date(julian),
        "julian": f"{julian.year:04d}-{julian.month:02d}-{julian.day:02d}",
        "gregorian": moment.date().isoformat(),
        "time": time,
    }


UNAFFILIATED = "unaffiliated"
"""How the account names deputies who sit with no fraction (stored as no fraction)."""


def ordered(composition: dict[str, int]) -> dict[str, int]:
    """A composition largest first (ties by name), deputies of no fraction as unaffiliated."""
    named = {(UNAFFILIATED if k == "none" else k): v for k, v in composition.items()}
    return dict(sorted(named.items(), key=lambda kv: (-kv[1], kv[0])))


def _ratio(value: Ratio) -> str:
    return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value)


def _councils(world: dict[str, dict[str, Any]]) -> dict[str, Council]:
    names = {c["key"]: c["name"] for c in world["councils"]["council"]}
    names |= {c["key"]: c["name"] for c in world["congresses"]["congress"]}
    orgs = [o["name"] for o in world["councils"]["organisation"]]
    found = {
        c.name: c
        for c in Council.objects.filter(organisation__name__in=orgs, name__in=names.values())
    }
    if len(found) != len(names):
        raise NotLoaded("the Petrograd 1917 world is not loaded (smolny world load petrograd-1917)")
    return {key: found[name] for key, name in names.items()}


def organ_by_fraction(organ: Organ, at: datetime) -> dict[str, int]:
    """Seats of *organ* at *at* by fraction: an allotted seat counts for its fraction (held,
    reserved or refused), an elected seat for its holder's fraction then ("none" without)."""
    seats = list(OrganSeat.objects.filter(valid_at(at), organ=organ).select_related("fraction"))
    holders = [s.holder_id for s in seats if s.fraction_id is None and s.holder_id is not None]
    fraction_of = dict(
        FractionMembership.objects.filter(valid_at(at), mandate_id__in=holders).values_list(
            "mandate_id", "fraction__name"
        )
    )
    counts: Counter[str] = Counter()
    for seat in seats:
        if seat.fraction is not None:
            counts[
                f"{seat.fraction.name} ({seat.status})"
                if seat.status != "held"
                else seat.fraction.name
            ] += 1
        elif seat.holder_id is not None:
            counts[fraction_of.get(seat.holder_id, "none")] += 1
        else:
            counts[f"({seat.status})"] += 1
    return dict(counts)


def _composition(council: Council, at: datetime) -> dict[str, int]:
    return {(k or "none"): v for k, v in council_composition(council, at).by_fraction().items()}


def _votes(world: dict[str, dict[str, Any]], councils: dict[str, Council]) -> list[dict[str, Any]]:
    out = []
    for sitting in world["sessions"]["sitting"]:
        council = councils[sitting["council"]]
        found = Session.objects.filter(organ__council=council, title=sitting["title"]).first()
        if found is None:
            raise NotLoaded(f"sitting {sitting['title']!r} is missing")
        for event in sitting.get("event", []):
            if event["kind"] != "vote":
                continue
            item = AgendaItem.objects.get(session=found, title=event["question"])
            v = Vote.objects.filter(item=item, status=Vote.CLOSED).order_by("-closed_at").first()
            if v is None:
                raise NotLoaded(f"vote {event['id']} is missing")
            assert v.closed_at is not None
            out.append(
                {
                    "kind": "vote",
                    "id": event["id"],
                    **when(v.closed_at, event.get("time", "")),
                    "body": council.name,
                    "organ": found.organ.name,
                    "question": event["question"],
                    "method": v.method,
                    "recorded": {
                        "for": event.get("reading", event["for"]),
                        "against": event["against"],
                        "abstain": event.get("abstain"),
                    },
                    "reading": event.get("reading"),
                    "tallies": {"for": v.for_votes, "against": v.against, "abstain": v.abstain},
                    "present": v.present,
                    "seated": v.seated,
                    "rule": v.rule,
                    "outcome": v.outcome,
                    "reason": v.reason,
                    "history": event["history"],
                    "agrees": v.outcome == event["history"],
                    "note": event.get("note", ""),
                    "flags": flags(event),
                    "contested": bool(event.get("contested")),
                    "readings": list(event.get("readings", [])),
                    "source": event["source"],
                }
            )
    return out


def _walkouts(
    world: dict[str, dict[str, Any]], councils: dict[str, Council]
) -> list[dict[str, Any]]:
    """Walkouts as the engine stored them (who left, how many), with the data's recorded
    time and note; the quorum each sitting had left is in the votes that follow."""
    recorded = {
        (sitting["title"], event["statement"]): event
        for sitting in world["sessions"]["sitting"]
        for event in sitting.get("event", [])
        if event["kind"] == "walkout"
    }
    rows = Walkout.objects.filter(session__organ__council__in=list(councils.values()))
    out = []
    for w in rows.select_related("session__organ__council", "fraction").order_by("at"):
        spec = recorded.get((w.session.title, w.statement), {})
        organ = w.session.organ
        after = w.at + timedelta(seconds=1)
        in_hall = len(present_members(w.session, after))
        members = len(seated(organ, w.at))
        quorum = quorum_of(rules_of(organ))
        needed = quorum.required(members)
        out.append(
            {
                "kind": "walkout",
                **when(w.at, spec.get("time", "")),
                "body": w.session.organ.council.name,
                "sitting": w.session.title,
                "fraction": w.fraction.name if w.fraction else None,
                "group": spec.get("group"),
                "members": w.members,
                "statement": w.statement,
                "in_hall_after": in_hall,
                "seated": members,
                "quorum": quorum.describe(members),
                "quorum_needed": needed,
                "quorate_after": in_hall >= needed,
                "note": spec.get("note", ""),
                "flags": flags(spec),
            }
        )
    return out


def _organ_specs(
    world: dict[str, dict[str, Any]], councils: dict[str, Council]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The data's organs by (council name, organ name)."""
    return {
        (councils[o["council"]].name, o["name"]): o
        for o in world["organs"]["organ"]
        if o["council"] in councils
    }


def _organs(world: dict[str, dict[str, Any]], councils: dict[str, Council]) -> list[dict[str, Any]]:
    specs = _organ_specs(world, councils)
    presidium = world["congresses"]["second-congress-presidium"]
    specs[(councils[presidium["congress"]].name, presidium["name"])] = presidium
    for r in world["sessions"]["reformation"]:
        specs[(councils[r["council"]].name, r["name"])] = r
    for o in world["directives"]["powers"]["organ"]:
        if o["council"] in councils:
            specs[(councils[o["council"]].name, o["name"])] = o
    out = []
    for organ in Organ.objects.filter(council__in=list(councils.values())).select_related(
        "council"
    ):
        if organ.kind == Organ.PLENUM:
            continue
        entry: dict[str, Any] = {
            "kind": "organ",
            **when(organ.start),
            "body": organ.council.name,
            "organ": organ.name,
            "organ_kind": organ.kind,
            "seats": organ.seats,
            "seat_rule": organ.seat_rule,
            "composition": ordered(organ_by_fraction(organ, organ.start)),
            "note": specs.get((organ.council.name, organ.name), {}).get("note", ""),
            "flags": flags(specs.get((organ.council.name, organ.name), {})),
        }
        if organ.allotment:
            entry["allotment"] = organ.allotment
            entry["method"] = organ.method
        out.append(entry)
        if organ.end is not None:
            out.append(
                {
                    "kind": "organ-ended",
                    **when(organ.end),
                    "body": organ.council.name,
                    "organ": organ.name,
                }
            )
    return out


_SETTLED = timedelta(hours=1)
"""Compositions are read an hour after a change, when the seating of the day is done."""


def _compositions(
    world: dict[str, dict[str, Any]], councils: dict[str, Council]
) -> list[dict[str, Any]]:
    out = []
    for spec in world["fractions"]["strength"]:
        council = councils[spec["council"]]
        at = data.moment(spec["at"])
        out.append(
            {
                "kind": "composition",
                **when(at),
                "body": council.name,
                "composition": ordered(_composition(council, at + _SETTLED)),
                "source": spec["source"],
                "note": spec.get("note", ""),
                "flags": flags(spec),
            }
        )
    specs = {c["key"]: c for c in world["councils"]["council"]}
    specs |= {c["key"]: c for c in world["congresses"]["congress"]}
    for key, council in councils.items():
        if key == "petrograd":
            continue
        spec = specs[key]
        out.append(
            {
                "kind": "composition",
                **when(council.start, spec.get("time", "")),
                "body": council.name,
                "composition": ordered(_composition(council, council.start)),
                "source": spec["source"],
                "note": spec.get("note", ""),
                "flags": flags(spec),
            }
        )
    return out


def malapportionment(world: dict[str, dict[str, Any]], council: Council) -> dict[str, Any]:
    """The March 1917 Petrograd Soviet: members and deputies per category, from the
    apportionment the engine made of the rolls under the ratio rule."""
    spec = world["constituencies"]["petrograd"]
    scale = int(spec["roll_scale"])
    category = {c.name: c.category for c in data.petrograd_constituencies(spec)}
    apportionment = Apportionment.objects.filter(council=council).order_by("at", "pk").first()
    if apportionment is None:
        raise NotLoaded("the Petrograd Soviet has no apportionment")
    rows = ApportionedSeats.objects.filter(apportionment=apportionment).values_list(
        "constituency__name", "population", "seats"
    )
    table = [(category[name], population * scale, seats) for name, population, seats in rows]
    by = representation_by_category(table)
    soldiers, workers = by["soldiers"], by["workers"]
    lh, gallagher = category_indices(by)
    return {
        **when(apportionment.at),
        "body": council.name,
        "rule": (
            f"one deputy per {spec['rule_per']} members, "
            f"at least {spec['rule_minimum']} per constituency"
        ),
        "roll_scale": scale,
        "roll_note": (
            "each roll entry stands for this many people; members below are entries times the scale"
        ),
        "categories": {
            name: {
                "constituencies": c.constituencies,
                "members": c.members,
                "deputies": c.deputies,
                "members_per_deputy": float(c.members_per_deputy) if c.members_per_deputy else None,
                "weight": float(c.weight),
                "member_share": float(c.member_share),
                "deputy_share": float(c.deputy_share),
            }
            for name, c in by.items()
        },
        "soldiers_to_workers_deputies": float(Ratio(soldiers.deputies, workers.deputies)),
        "soldier_weight_per_worker": float(representation_ratio(soldiers, workers)),
        "soldier_weight_per_worker_exact": _ratio(representation_ratio(soldiers, workers)),
        "loosemore_hanby": float(lh),
        "gallagher": str(gallagher),
        "finding": (
            f"{soldiers.members:,} soldiers in {soldiers.constituencies:,} companies sent "
            f"{soldiers.deputies:,} deputies, {soldiers.deputies / workers.deputies:.2f}"
            f" times the {workers.deputies:,} of {workers.members:,} workers in "
            f"{workers.constituencies:,} works. The source's own figure: about 150,000 "
            "soldiers had twice the representation of about 450,000 workers."
        ),
        "per_head": (
            f"Per head, with the world's estimated sizes of works and companies, a soldier's "
            f"voice weighed {float(representation_ratio(soldiers, workers)):.1f} times a "
            "worker's: derived from estimates, not a figure of the source."
        ),
        "flags": ["estimate"],
        "source": spec["source"],
    }


def _presidium_over_time(councils: dict[str, Council]) -> list[dict[str, Any]]:
    council = councils["petrograd"]
    out = []
    for text in ("1917-03-01T12:00", "1917-09-01T12:00", "1917-09-10T12:00", "1917-09-26T12:00"):
        at = data.moment(text)
        organ = (
            Organ.objects.filter(valid_at(at), council=council, kind=Organ.PRESIDIUM)
            .order_by("-start")
            .first()
        )
        out.append(
            {
                **when(at),
                "presidium": organ.name if organ else None,
                "composition": organ_by_fraction(organ, at) if organ else {},
            }
        )
    return out


def _directives(world: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Directives as the engine stores them, each with its status for its first addressee an
    hour after issue under the authority rules then in force; and the rules themselves."""
    from smolny.federation.models import Directive
    from smolny.federation.queries import status_of

    orgs = [o["name"] for o in world["councils"]["organisation"]]
    out = []
    for d in world["directives"]["directive"]:
        at = data.moment(d["at"])
        found = Directive.objects.filter(
            organisation__name__in=orgs, issued_at=at, text__startswith=d["title"] + ":"
        ).first()
        if found is None:
            raise NotLoaded(f"directive {d['id']} is missing")
        first = found.addressees[0]
        out.append(
            {
                "kind": "directive",
                **when(at),
                "body": d["issuer"],
                "organ": found.issuer.name,
                "title": d["title"],
                "domain": found.domain,
                "addressees": d["addressees"],
                "addressed": len(found.addressees),
                "rules": d["rules"],
                "status": status_of(found, first, at + timedelta(hours=1)).value,
                "source": d["source"],
                "note": d.get("note", ""),
                "flags": flags(d),
            }
        )
    for rule in world["directives"]["authority"]:
        out.append(
            {
                "kind": "authority",
                **when(data.moment(rule["at"])),
                "body": rule["body"],
                "rule": rule["kind"],
                "until": when(data.moment(rule["until"])) if "until" in rule else None,
                "source": rule["source"],
                "note": rule.get("note", ""),
                "flags": flags(rule),
            }
        )
    return out


def build_replay() -> dict[str, Any]:
    """The account of the Petrograd 1917 world as loaded in the database."""
    world = data.read_world()
    if not Organisation.objects.filter(
        name__in=[o["name"] for o in world["councils"]["organisation"]]
    ).exists():
        raise NotLoaded("the Petrograd 1917 world is not loaded (smolny world load petrograd-1917)")
    councils = _councils(world)
    votes = _votes(world, councils)
    entries: list[dict[str, Any]] = []
    specs = {c["key"]: c for c in world["councils"]["council"]}
    specs |= {c["key"]: c for c in world["congresses"]["congress"]}
    entries += [
        {
            "kind": "council",
            **when(c.start, specs[key].get("time", "")),
            "body": c.name,
            "council_kind": c.kind,
        }
        for key, c in councils.items()
    ]
    entries += _compositions(world, councils)
    entries += _organs(world, councils)
    entries += votes
    entries += _walkouts(world, councils)
    entries += _directives(world)
    for e in world["sessions"].get("election", []):
        entries.append(
            {
                "kind": "election",
                **when(data.moment(e["at"])),
                "body": e["body"],
                "votes": e.get("votes"),
                "ballots": e.get("ballots"),
                "shares": e.get("shares"),
                "source": e["source"],
                "note": e["note"],
                "flags": flags(e),
            }
        )
    for e in world["timeline"]["event"]:
        entries.append(
            {
                "kind": "event",
                **when(data.moment(e["at"]), e.get("time", "")),
                "text": e["text"],
                "source": e["source"],
                "note": e.get("note", ""),
                "flags": flags(e),
            }
        )
    entries.sort(key=lambda e: e["at"])
    presidium = world["congresses"]["second-congress-presidium"]
    second = Organ.objects.get(council=councils[presidium["congress"]], name=presidium["name"])
    return {
        "world": data.NAME,
        "entries": entries,
        "votes": votes,
        "all_votes_agree": all(v["agrees"] for v in votes),
        "second_congress_presidium": {
            **when(second.start),
            "seats": second.seats,
            "method": second.method,
            "allotment": second.allotment,
            "composition": organ_by_fraction(second, second.start),
            "history": presidium["expected"],
            "note": presidium["note"],
            "left_sr_note": next(
                g["note"]
                for c in world["congresses"]["congress"]
                if c["key"] == presidium["congress"]
                for g in c["delegations"]
                if g.get("fraction") == "Left SRs"
            ),
        },
        "petrograd_presidium": _presidium_over_time(councils),
        "malapportionment": malapportionment(world, councils["petrograd"]),
    }


def _tally(t: dict[str, Any], recorded: dict[str, Any] | None = None) -> str:
    """for–against–abstentions; the abstentions left out where the source records none."""
    parts = [str(t["for"]), str(t["against"])]
    if t.get("abstain") is not None and (recorded is None or recorded.get("abstain") is not None):
        parts.append(str(t["abstain"]))
    return "–".join(parts)


def _parts(composition: dict[str, int]) -> str:
    """A composition in words, largest first: "SRs 537, unaffiliated 315, ..."."""
    return ", ".join(f"{k} {v:,}" for k, v in ordered(composition).items())


def _noted(e: dict[str, Any]) -> list[str]:
    """The lines that qualify an entry's figures, shown beside them: its kinds of figure
    (contested, estimate, modelling choice) and its note."""
    marks = e.get("flags") or []
    note = e.get("note") or ""
    if not marks and not note:
        return []
    label = f"[{'; '.join(marks)}] " if marks else ""
    return [f"    {label}{note}".rstrip()]


def _organ_line(e: dict[str, Any]) -> str:
    composition = e["composition"]
    if composition and all(k.startswith("(") for k in composition):
        return f"{e['organ']} formed (its members are not recorded)"
    seats = f"{e['seats']} seat{'s' if e['seats'] != 1 else ''}"
    return f"{e['organ']} formed ({seats}: {_parts(composition)})"


def render_text(replay: dict[str, Any]) -> str:
    """The account as text, one paragraph per entry, in date order. A clock time is shown
    only where the source gives one, as it gives it; each figure's note stands beside it."""
    lines = [f"The world {replay['world']}: a chronological account", ""]
    for e in replay["entries"]:
        head = f"{e['date']}, {e['time']}" if e["time"] else e["date"]
        kind = e["kind"]
        if kind == "vote":
            agree = "agrees with history" if e["agrees"] else f"history: {e['history'].upper()}"
            lines.append(f"{head} — {e['body']}, {e['organ']}: {e['question']}")
            reading = f" (recorded as '{e['reading']}')" if e["reading"] else ""
            lines.append(
                f"    {e['method']}: {_tally(e['tallies'], e['recorded'])}{reading}; "
                f"{e['present']} present of {e['seated']}; "
                f"engine: {e['outcome'].upper()} ({agree})"
            )
            lines.append(f"    {e['reason']}")
            if e["contested"]:
                lines.append("    A contested record; both readings:")
                lines += [f"      - {r}" for r in e["readings"]]
            lines += _noted(e)
        elif kind == "composition":
            lines.append(f"{head} — {e['body']}: composition {_parts(e['composition'])}")
            lines += _noted(e)
        elif kind == "organ":
            lines.append(f"{head} — {e['body']}: {_organ_line(e)}")
            lines += _noted(e)
        elif kind == "organ-ended":
            lines.append(f"{head} — {e['body']}: {e['organ']} ends (all its seats vacated)")
        elif kind == "council":
            lines.append(f"{head} — {e['body']} ({e['council_kind']}) constituted")
        elif kind == "walkout":
            if e["fraction"]:
                who = f"the {e['fraction']}"
            elif e["group"]:
                who = f"the {e['group']}"
            else:
                who = "delegates"
            lines.append(f"{head} — {e['sitting']}: walkout of {who} ({e['members']} members)")
            if e["statement"]:
                lines.append(f"    {e['statement']}")
            still = "still quorate" if e["quorate_after"] else "no longer quorate"
            lines.append(
                f"    {e['in_hall_after']} of {e['seated']} remain in the hall; quorum "
                f"{e['quorum']} ({e['quorum_needed']} needed): {still}"
            )
            lines += _noted(e)
        elif kind == "directive":
            lines.append(
                f"{head} — {e['body']} ({e['organ']}): {e['title']} (to {e['addressees']}; "
                f"{e['domain']}; engine: {e['status']})"
            )
            lines += [f"    - {r}" for r in e["rules"]]
            lines += _noted(e)
        elif kind == "authority":
            until = f", until {e['until']['date']}" if e["until"] else ""
            lines.append(f"{head} — authority rule: {e['rule']} of {e['body']}{until}")
            lines += _noted(e)
        elif kind == "election":
            if e["votes"]:
                parts = ", ".join(f"{k} {v:,}" for k, v in e["votes"].items())
            else:
                shares = ", ".join(f"{k} {v}%" for k, v in e["shares"].items())
                parts = f"{e['ballots']:,} ballots: {shares}"
            lines.append(f"{head} — {e['body']}: {parts} (an election, not a motion)")
            lines += _noted(e)
        else:
            lines.append(f"{head} — {e['text']}")
            lines += _noted(e)
    m = replay["malapportionment"]
    lines += [
        "",
        f"Malapportionment, {m['body']} ({m['date']}; {m['rule']}):",
        f"    {m['finding']}",
        f"    [estimate] {m['per_head']}",
    ]
    lines.append(f"    Loosemore–Hanby {m['loosemore_hanby']:.3f}, Gallagher {m['gallagher']}")
    p = replay["second_congress_presidium"]
    lines += ["", f"Second Congress presidium ({p['seats']} seats, {p['method']}):"]
    lines.append("    " + _parts(p["composition"]))
    lines.append(f"    [estimate] The Left SRs' 150 delegates: {p['left_sr_note']}.")
    lines.append(f"    {p['note']}")
    lines += ["", "Petrograd Soviet presidium over time:"]
    for row in replay["petrograd_presidium"]:
        parts = _parts(row["composition"]) or "none in office"
        lines.append(f"    {row['date']}: {parts}")
    agree = sum(v["agrees"] for v in replay["votes"])
    lines += ["", f"{agree} of {len(replay['votes'])} recorded votes decided as history records."]
    return "\n".join(lines) + "\n"
