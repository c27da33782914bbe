"""Helpers for the councils integration tests: dates in 1917, rolls, a small council."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from smolny.councils import actions
from smolny.councils.models import Constituency, Council, Member, Organisation
from tests.factories import d as d


def roll_lines(rows: Iterable[tuple[str, str, str]]) -> list[str]:
    """CSV lines of a roll file from (member_id, name, constituency) rows."""
    lines = ["member_id,name,constituency\n"]
    lines += [f"{i},{n},{c}\n" for i, n, c in rows]
    return lines


@dataclass
class Frame:
    """An organisation with one council and its roll constituencies, rolls imported."""

    organisation: Organisation
    council: Council
    constituencies: dict[str, Constituency]
    members: dict[str, list[Member]] = field(default_factory=dict)


def make_frame(
    sizes: dict[str, int],
    *,
    at: datetime,
    per: int = 10,
    name: str = "Petrograd",
    petition_threshold: str = "1/4",
    recall_quorum: str = "1/3",
) -> Frame:
    """Create an organisation, a council with a ratio rule, constituencies and their rolls."""
    organisation = actions.create_organisation(actions.SYSTEM, name, at=at)
    council = actions.create_council(
        actions.SYSTEM,
        organisation,
        f"{name} Soviet",
        petition_threshold=petition_threshold,
        recall_quorum=recall_quorum,
        at=at,
    )
    actions.set_representation_rule(actions.SYSTEM, council, per=per, minimum=1, at=at)
    constituencies = {
        c: actions.create_constituency(actions.SYSTEM, council, c, at=at) for c in sizes
    }
    rows = []
    for c, n in sizes.items():
        prefix = "".join(w[0] for w in c.split()).upper()
        rows += [(f"{prefix}-{i:04d}", f"{c} worker {i}", c) for i in range(1, n + 1)]
    actions.import_roll(actions.SYSTEM, council, roll_lines(rows), source="roll.csv", at=at)
    members = {
        c: list(Member.objects.filter(constituency=con).order_by("external_id"))
        for c, con in constituencies.items()
    }
    return Frame(organisation, council, constituencies, members)


@pytest.fixture
def frame_factory() -> Callable[..., Frame]:
    return make_frame
