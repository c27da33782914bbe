"""Helpers for the federation tests: local councils with rolls and deputies, delegations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from smolny.councils import actions
from smolny.councils.models import Constituency, Council, Fraction, Mandate, Member, Organisation
from smolny.councils.queries import seats_at
from tests.factories import d as d

SYS = actions.SYSTEM


@dataclass
class Local:
    """A local council with one roll constituency and its deputies."""

    council: Council
    constituency: Constituency
    deputies: list[Mandate]


def roll(prefix: str, constituency: str, first: int, count: int) -> list[str]:
    lines = ["member_id,name,constituency\n"]
    lines += [
        f"{prefix}-{i:04d},{prefix} worker {i},{constituency}\n"
        for i in range(first, first + count)
    ]
    return lines


def local_council(
    organisation: Organisation, name: str, members: int, *, per: int = 10, at: datetime
) -> Local:
    """A council of one works: *members* on its roll, one deputy per *per*, all seated."""
    council = actions.create_council(SYS, organisation, name, at=at)
    actions.set_representation_rule(SYS, council, per=per, minimum=1, at=at)
    works = actions.create_constituency(SYS, council, f"{name} works", at=at)
    actions.import_roll(SYS, council, roll(name, works.name, 1, members), at=at)
    actions.apportion_council(SYS, council, at=at)
    election = actions.open_election(SYS, works, at=at)
    elected = list(Member.objects.filter(constituency=works).order_by("external_id"))
    elected = elected[: election.seats]
    actions.record_election_result(SYS, election, elected, at=at)
    deputies = [actions.seat_deputy(SYS, election, m, at=at) for m in elected]
    return Local(council, works, deputies)


def delegation(congress: Council, sender: Council) -> Constituency:
    return Constituency.objects.get(council=congress, delegating_council=sender)


def elect_delegates(
    constituency: Constituency,
    candidates: Sequence[Member],
    *,
    at: datetime,
    fractions: Sequence[Fraction | None] | None = None,
) -> list[Mandate]:
    """The sending council elects as many delegates as it is apportioned (result entry), and
    the congress seats them (with their fractions, if given)."""
    seats = seats_at(constituency, at)
    election = actions.open_election(SYS, constituency, at=at)
    chosen = list(candidates[:seats])
    assert len(chosen) == seats, f"{constituency.name} has too few candidates"
    actions.record_election_result(SYS, election, chosen, at=at)
    return [
        actions.seat_deputy(SYS, election, m, fraction=fractions[i] if fractions else None, at=at)
        for i, m in enumerate(chosen)
    ]
