"""A small council built through the actions, for the council and member page tests.

Three constituencies with rolls of 30, 8 and 5 under one deputy per 10 members (at least
one): 3, 1 and 1 seats. Putilov works seats two Bolsheviks (a seat stays vacant), Narva gate
one Menshevik, Vyborg side one deputy of no fraction; so members per deputy are 15, 8 and 5,
the council's average 43/4 = 10.75. An executive committee of three is allotted between the
fractions (2 Bolsheviks, 1 Menshevik). One session sits (its three members present) and
closes, for the minutes.

Users: ``secretary`` (the organisation's secretary), ``narva1``…``narva4`` (members 2-5 of
the Narva roll; member 1 is its deputy), ``putilov`` (a Putilov member), ``outsider`` (on no
roll). Every password is :data:`PASSWORD`. The browser tests run :func:`main` in the
server's environment and read the ids it prints as JSON.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from tests.factories import d as d

PASSWORD = "council-pass-1917"
SIZES = {"Putilov works": 30, "Narva gate": 8, "Vyborg side": 5}


def build(tag: str = "", name: str = "") -> dict[str, Any]:
    """Build the council (through the actions) and its users; return their ids.

    *tag* is appended to the organisation's name and the user names, so that several
    worlds can live in one server's database (the browser tests share one server); *name*,
    when given, names the organisation instead.
    """
    from django.contrib.auth import get_user_model

    from smolny.councils import actions
    from smolny.councils.actions import session as sessions
    from smolny.councils.actions.founding import change_organisation_settings
    from smolny.councils.models import Member
    from tests.integration.councils.conftest import make_frame

    sys_ = actions.SYSTEM
    frame = make_frame(SIZES, at=d(3, 1), per=10, name=name or f"Petrograd{tag}")
    council = frame.council
    # a council of 1917: its pages give dual dates (Old Style and New Style)
    change_organisation_settings(sys_, frame.organisation, calendar="dual", at=d(3, 1))
    actions.apportion_council(sys_, council, at=d(3, 1, 18))
    bolsheviks = actions.create_fraction(sys_, council, "Bolsheviks", at=d(3, 2))
    mensheviks = actions.create_fraction(sys_, council, "Mensheviks", at=d(3, 2))
    plan = {
        "Putilov works": (2, bolsheviks),
        "Narva gate": (1, mensheviks),
        "Vyborg side": (1, None),
    }
    mandates: dict[str, list[Any]] = {}
    for cname, (n, fraction) in plan.items():
        election = actions.open_election(sys_, frame.constituencies[cname], seats=n, at=d(3, 3))
        elected = frame.members[cname][:n]
        actions.record_election_result(sys_, election, elected, at=d(3, 4))
        mandates[cname] = [
            actions.seat_deputy(sys_, election, m, fraction=fraction, at=d(3, 5)) for m in elected
        ]
    organ = actions.form_organ(
        sys_,
        council,
        "Executive Committee",
        kind="executive committee",
        seat_rule="proportional",
        seats=3,
        nominees={"Bolsheviks": mandates["Putilov works"], "Mensheviks": mandates["Narva gate"]},
        at=d(3, 6),
    )
    session = sessions.convene_session(sys_, organ, "First sitting", starts_at=d(3, 9), at=d(3, 7))
    executive = [m.member for m in mandates["Putilov works"] + mandates["Narva gate"]]
    sessions.check_in(sys_, session, executive, at=d(3, 9, 13))
    sessions.open_session(sys_, session, chair=executive[0], at=d(3, 9, 14))
    sessions.close_session(sys_, session, at=d(3, 9, 18))

    users = get_user_model().objects
    secretary = users.create_user(f"secretary{tag}", password=PASSWORD)
    actions.appoint_secretary(sys_, frame.organisation, secretary, at=d(3, 1, 13))
    narva = frame.members["Narva gate"]
    for i, member in enumerate(narva[1:5], start=1):
        user = users.create_user(f"narva{i}{tag}", password=PASSWORD)
        actions.link_member_user(sys_, member, user, at=d(3, 1, 14))
    putilov = users.create_user(f"putilov{tag}", password=PASSWORD)
    actions.link_member_user(sys_, frame.members["Putilov works"][5], putilov, at=d(3, 1, 14))
    users.create_user(f"outsider{tag}", password=PASSWORD)
    return {
        "organisation": frame.organisation.pk,
        "council": council.pk,
        "organ": organ.pk,
        "session": session.pk,
        "narva_deputy": mandates["Narva gate"][0].pk,
        "narva_deputy_name": narva[0].name,
        "narva_members": [m.pk for m in narva],
        "constituencies": {k: v.pk for k, v in frame.constituencies.items()},
        "members": Member.objects.filter(organisation=frame.organisation).count(),
        "later": (d(3, 10) + timedelta(days=1)).isoformat(),
    }


def main(tag: str, name: str = "") -> None:
    """Build the world and print its ids as one JSON line (for the browser tests)."""
    print("WORLD " + json.dumps(build(tag, name)))
