"""Helpers for the sessions tests: a council of deputies by fraction, through the issue-4 actions.

Deputies are seated as the council actions seat them: a roll imported, the council
apportioned (one deputy per 10 members), one election per fraction's constituency declared,
and each winner seated with their fraction by :func:`actions.seat_deputy`. At full size
(1,000 deputies) seating one by one costs about 10 s on PostgreSQL, so ``bulk=True`` writes
the same rows seat_deputy writes (a Mandate from the declared election, a FractionMembership)
with ``bulk_create``, after seating the first deputy of each fraction through the action;
the tests then check the council's composition through :mod:`smolny.councils.queries`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from smolny.councils import actions
from smolny.councils.actions import session
from smolny.councils.models import (
    Fraction,
    FractionMembership,
    JournalEntry,
    Mandate,
    Member,
    Organ,
    Session,
)
from tests.factories import d as d
from tests.integration.councils.conftest import Frame, make_frame

SYS = actions.SYSTEM


@dataclass
class Council:
    """A council frame with its fractions and seated deputies (by fraction, in seat order)."""

    frame: Frame
    fractions: dict[str, Fraction]
    deputies: dict[str, list[Mandate]]
    outsiders: list[Member]
    """Members on the roll with no mandate: observers when in the hall."""

    def members(self, fraction: str) -> list[Member]:
        return [m.member for m in self.deputies[fraction]]

    def everyone(self) -> Iterator[Member]:
        for mandates in self.deputies.values():
            yield from (m.member for m in mandates)


def build_council(
    strengths: dict[str, int],
    *,
    at: datetime,
    outsiders: int = 3,
    name: str = "Petrograd",
    unaffiliated: frozenset[str] = frozenset(),
    bulk: bool = False,
) -> Council:
    """Seat ``strengths[f]`` deputies for each group *f* (a constituency per group); the
    groups named in *unaffiliated* sit with no fraction (non-party deputies)."""
    sizes = {
        f"{f} district": n * 10 + (outsiders if i == 0 else 0)
        for i, (f, n) in enumerate(strengths.items())
    }
    frame = make_frame(sizes, at=at, per=10, name=name)
    actions.apportion_council(SYS, frame.council, at=at)
    fractions = {
        f: actions.create_fraction(SYS, frame.council, f, at=at)
        for f in strengths
        if f not in unaffiliated
    }
    deputies: dict[str, list[Mandate]] = {}
    rest: list[Member] = []
    for f, n in strengths.items():
        district = f"{f} district"
        election = actions.open_election(SYS, frame.constituencies[district], at=at)
        winners = frame.members[district][:n]
        actions.record_election_result(SYS, election, winners, at=at)
        fraction = fractions.get(f)
        step = 1 if bulk else n
        seated = [
            actions.seat_deputy(SYS, election, m, fraction=fraction, at=at) for m in winners[:step]
        ]
        if bulk:
            seated += Mandate.objects.bulk_create(
                Mandate(
                    council=frame.council,
                    constituency=election.constituency,
                    member=m,
                    election=election,
                    start=at,
                )
                for m in winners[step:]
            )
            if fraction is not None:
                FractionMembership.objects.bulk_create(
                    FractionMembership(fraction=fraction, mandate=m, start=at) for m in seated[1:]
                )
        deputies[f] = seated
        rest += frame.members[district][n:]
    return Council(frame, fractions, deputies, rest[:outsiders])


def journal_length() -> int:
    return JournalEntry.objects.count()


def organ_of(
    c: Council,
    name: str,
    *,
    kind: str = "plenum",
    elected: list[Mandate] | None = None,
    at: datetime,
    **rules: object,
) -> Organ:
    """An organ of the council (a plenum, or a committee of *elected* deputies) with rules."""
    seats = len(elected) if elected else 1
    organ = actions.form_organ(
        SYS,
        c.frame.council,
        name,
        kind=kind,
        seat_rule=Organ.ELECTION,
        seats=seats,
        elected=elected or (),
        at=at,
    )
    session.set_organ_rules(SYS, organ, at=at, **rules)  # type: ignore[arg-type]
    return organ


def open_sitting(
    organ: Organ, members: list[Member], *, chair: Member, at: datetime, title: str = "Sitting"
) -> Session:
    """Convene *organ* two days ahead, check *members* in and open under *chair*."""
    sitting = session.convene_session(SYS, organ, title, starts_at=at, at=at - timedelta(days=2))
    session.check_in(SYS, sitting, members, at=at)
    session.open_session(SYS, sitting, chair=chair, at=at)
    return sitting


def recall(c: Council, mandate: Mandate, at: datetime) -> None:
    """The constituency recalls *mandate*: petition over the threshold, a recall vote carried."""
    roll = c.frame.members[mandate.constituency.name]
    others = [m for m in roll if m.pk != mandate.member_id]
    petition = actions.open_recall_petition(SYS, mandate, others[0], at=at)
    recall_vote = None
    signers = iter(others[1:])
    while recall_vote is None:
        recall_vote = actions.sign_recall_petition(SYS, petition, next(signers), at=at)
    for member in others[: len(roll) // 2 + 1]:
        actions.cast_recall_vote(SYS, recall_vote, member, True, at=at)
    closed = actions.close_recall_vote(SYS, recall_vote, at=at)
    assert closed.outcome == "recalled"
