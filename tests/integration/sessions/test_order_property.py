"""Property: through the actions, an amendment is always decided before the motion it amends,
and the motion put as a whole reads as its carried amendments make it.

Random trees of amendments (two degrees, words added at the end) and random outcomes; at every
step the chair tries a vote that is not due (refused) and then the one that is. The text the
main motion is finally put with is computed independently: each carried amendment, with its
own carried amendments added first, is added to its parent's text in the order moved.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smolny.councils.actions import NotAllowed, agenda, motion, vote
from smolny.councils.models import Vote
from smolny.councils.queries.agenda import docket_of
from tests.integration.sessions.conftest import SYS, build_council, d, open_sitting, organ_of

trees = st.lists(st.integers(min_value=0, max_value=10), max_size=4)
"""For each amendment in the order moved, a pick among the motions it may amend."""


@pytest.mark.django_db
def test_amendments_are_always_decided_before_their_motion() -> None:
    c = build_council({"Bolsheviks": 12, "SRs": 6, "Mensheviks": 3}, at=d(3, 1))
    plenum = organ_of(c, "Plenum", at=d(3, 2))
    sitting = open_sitting(plenum, list(c.everyone()), chair=c.members("SRs")[0], at=d(9, 1))

    @settings(max_examples=20, deadline=None)
    @given(picks=trees, outcomes=st.lists(st.booleans(), min_size=6, max_size=6), wrong=st.data())
    def check(picks: list[int], outcomes: list[bool], wrong: st.DataObject) -> None:
        item = agenda.add_agenda_item(SYS, sitting, "Item", at=d(9, 1))
        motion.move_motion(SYS, item, "main", text="Resolved", at=d(9, 1))
        parent = {"M1": None}
        depth = {"M1": 0}
        for n, pick in enumerate(picks, start=1):
            open_to = [k for k in parent if depth[k] < 2]
            target = open_to[pick % len(open_to)]
            key = f"A{n}"
            motion.move_motion(SYS, item, "amendment", parent=target, text=f"+{key}", at=d(9, 1))
            parent[key], depth[key] = target, depth[target] + 1
        taken: list[str] = []
        carried: set[str] = set()
        for outcome in outcomes:
            due = docket_of(item).next
            if due is None:
                break
            others = [k for k in parent if k != due.motion and k not in taken]
            if others:
                bad = wrong.draw(st.sampled_from(others))
                with pytest.raises(NotAllowed, match=f"the vote due is on {due.motion}"):
                    vote.open_vote(SYS, item, bad, method="show of hands", at=d(9, 1))
            v = vote.open_vote(SYS, item, due.motion, method="show of hands", at=d(9, 1))
            vote.enter_counts(
                SYS, v, for_votes=15 if outcome else 6, against=6 if outcome else 15, at=d(9, 1)
            )
            vote.close_vote(SYS, v, at=d(9, 1))
            taken.append(due.motion)
            if outcome:
                carried.add(due.motion)
        for k, p in parent.items():
            if p is not None and k in taken and p in taken:
                assert taken.index(k) < taken.index(p), (k, p, taken)
            if p is not None and p in taken:
                assert k in taken, f"{p} was put while its amendment {k} was never decided"

        def text(k: str) -> str:
            base = "Resolved" if k == "M1" else f"+{k}"
            for a in parent:
                if parent[a] == k and a in carried:
                    base = f"{base} {text(a)}"
            return base

        if "M1" in taken:
            whole = Vote.objects.get(item=item, motion__key="M1")
            assert whole.text == text("M1")

    check()
