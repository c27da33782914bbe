"""A small sitting to drive the session pages: nine deputies in three fractions, people with logins.

Used in-process by the integration tests of the pages and, as ``python -m tests.session_seed``
with a server's environment, by the browser tests (the server is another process). Everything
is written through the actions, as the system actor, at times in the recent past so that the
sitting is open *now*:

- an organisation with one council (one deputy per 10 members; recall petitions need a tenth
  of the roll, a recall vote a fifth), three works of 30 members, three deputies from each,
  each works' deputies in one fraction; the plenum sits under the default rules (quorum more
  than half of the 9 seated, simple majority of votes cast);
- logins: ``secretary`` (the organisation's secretary), ``chair`` (a deputy, in the chair),
  ``deputy1``..``deputy4`` (deputies of the three fractions, not yet checked in; the tests
  recall ``deputy4``, whose constituency's other members are ``electors``), ``observer``
  (on a roll, no mandate); all with the password :data:`PASSWORD`; an API token for the
  secretary;
- the sitting convened, the chair and the four other deputies checked in (5 of 9: quorate),
  opened;
  one agenda item with a main motion moved, so the vote on it is due.

The answer is a JSON object of the ids the tests need.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

PASSWORD = "Petrograd-1917"
WORKS = ("Putilov works", "Obukhov works", "Izhora works")
FRACTIONS = ("Bolsheviks", "Mensheviks", "Socialist Revolutionaries")


def seed(
    now: datetime | None = None,
    *,
    prefix: str = "",
    per_works: int = 3,
    convened: bool = False,
    present_tokens: bool = False,
) -> dict[str, Any]:
    """Build the sitting; *prefix* goes before every user name and the organisation's name, so
    that several seeds can share one database (a browser test server). *per_works* deputies
    come from each works (its roll is ten times that): the live benchmark seats more. With
    *convened*, a second sitting of the plenum is convened for an hour ago and not opened,
    with nobody checked in and an empty agenda (the chair console's tests open it); its id is
    the answer's ``convened``. With *present_tokens*, every deputy in the hall has a login
    (no password) and an API token, in the answer's ``present_tokens`` (member id -> token):
    each answers the roll call for themself, as nobody may answer for another."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from smolny.api.auth import create_token
    from smolny.councils import actions
    from smolny.councils.actions import agenda, motion, session
    from smolny.councils.models import Member, Organ
    from tests.integration.councils.conftest import make_frame

    sys = actions.SYSTEM
    now = now or timezone.now()
    start = now - timedelta(days=3)
    frame = make_frame(
        dict.fromkeys(WORKS, 10 * per_works),
        at=start,
        per=10,
        name=f"{prefix}Vyborg",
        petition_threshold="1/10",
        recall_quorum="1/5",
    )
    actions.apportion_council(sys, frame.council, at=start)
    deputies: dict[str, list[Any]] = {}
    for works, fraction_name in zip(WORKS, FRACTIONS, strict=True):
        fraction = actions.create_fraction(sys, frame.council, fraction_name, at=start)
        election = actions.open_election(sys, frame.constituencies[works], at=start)
        winners = frame.members[works][:per_works]
        actions.record_election_result(sys, election, winners, at=start)
        deputies[works] = [
            actions.seat_deputy(sys, election, m, fraction=fraction, at=start) for m in winners
        ]
    plenum = actions.form_organ(
        sys,
        frame.council,
        "Plenum",
        kind=Organ.PLENUM,
        seat_rule=Organ.ELECTION,
        seats=1,
        at=start,
    )
    session.set_organ_rules(sys, plenum, at=start)

    users = get_user_model().objects
    secretary = users.create_user(f"{prefix}secretary", password=PASSWORD)
    actions.appoint_secretary(sys, frame.organisation, secretary, at=start)
    _, token = create_token(secretary, "browser tests")
    chair_mandate = deputies[WORKS[0]][0]
    # deputy1..4: every fraction among them, none of them the chair
    voters = [
        deputies[WORKS[0]][1],
        deputies[WORKS[1]][0],
        deputies[WORKS[2]][0],
        deputies[WORKS[2]][1],
    ]
    people = {"chair": chair_mandate.member}
    people.update({f"deputy{i}": m.member for i, m in enumerate(voters, 1)})
    # the last on the roll of the second works: never among its deputies (the first ones)
    observer = (
        Member.objects.filter(constituency=frame.constituencies[WORKS[1]])
        .order_by("-external_id")
        .first()
    )
    assert observer is not None
    people["observer"] = observer
    for username, member in people.items():
        user = users.create_user(prefix + username, password=PASSWORD)
        actions.link_member_user(sys, member, user, at=start)

    sitting = session.convene_session(
        sys,
        plenum,
        "Sitting of the Vyborg Soviet",
        starts_at=now - timedelta(hours=1),
        at=start,
    )
    others = [m.member for ms in deputies.values() for m in ms if m not in voters]
    arriving = others  # the chair and the others: 5 of 9 (more than half; with more seated too)
    assert chair_mandate.member in arriving
    session.check_in(sys, sitting, arriving, at=now - timedelta(minutes=30))
    session.open_session(sys, sitting, chair=chair_mandate.member, at=now - timedelta(minutes=30))
    item = agenda.add_agenda_item(
        sys, sitting, "On the Constituent Assembly", at=now - timedelta(minutes=20)
    )
    motion.move_motion(
        sys,
        item,
        "main",
        text="The Soviet calls for the Constituent Assembly to meet at once.",
        at=now - timedelta(minutes=10),
    )
    second = None
    if convened:
        second = session.convene_session(
            sys, plenum, "Second sitting", starts_at=now - timedelta(hours=1), at=start
        )
    recalled = voters[3]
    roll = Member.objects.filter(constituency=recalled.constituency).order_by("external_id")
    # A recall ballot is cast by the voter alone: eight electors have logins and API tokens.
    elector_tokens: dict[int, str] = {}
    for elector in [m for m in roll if m.pk != recalled.member_id][:8]:
        user = elector.user  # a deputy among them keeps their own login
        if user is None:
            user = users.create_user(f"{prefix}elector-{elector.pk}", password=PASSWORD)
            actions.link_member_user(sys, elector, user, at=start)
        elector_tokens[elector.pk] = create_token(user, "browser tests")[1]
    hall_tokens: dict[int, str] = {}
    for deputy in arriving if present_tokens else []:
        user = Member.objects.get(pk=deputy.pk).user
        if user is None:
            user = users.create_user(f"{prefix}hall-{deputy.pk}", password=None)
            actions.link_member_user(sys, deputy, user, at=start)
        hall_tokens[deputy.pk] = create_token(user, "roll call")[1]
    return {
        "organisation": frame.organisation.pk,
        "council": frame.council.pk,
        "organ": plenum.pk,
        "session": sitting.pk,
        "item": item.pk,
        "token": token,
        "password": PASSWORD,
        "members": {u: m.pk for u, m in people.items()},
        "names": {u: m.name for u, m in people.items()},
        "mandates": {f"deputy{i}": m.pk for i, m in enumerate(voters, 1)},
        "electors": [m.pk for m in roll if m.pk != recalled.member_id],
        "elector_tokens": elector_tokens,
        "present": [m.pk for m in arriving],
        "present_tokens": hall_tokens,
        "convened": second.pk if second is not None else None,
    }


def main() -> None:
    import sys

    import django

    django.setup()
    prefix = sys.argv[1] if len(sys.argv) > 1 else ""
    per_works = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    convened = "convened" in sys.argv[3:]
    present_tokens = "present-tokens" in sys.argv[3:]
    answer = seed(
        prefix=prefix, per_works=per_works, convened=convened, present_tokens=present_tokens
    )
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
