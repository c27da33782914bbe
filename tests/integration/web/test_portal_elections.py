"""The member portal's elections: the ballot form, "you have voted" (never what), the result.

Narva gate's deputy resigns, which opens a by-election for the seat; the secretary
nominates Narva members 5, 6 and 7 (see council_world: narva1..narva4 are members 1-4).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from smolny.councils import actions
from smolny.councils.models import (
    Election,
    ElectionBallot,
    ElectionVoter,
    JournalEntry,
    Mandate,
    Member,
)
from smolny.councils.queries.elections import live_candidates
from tests.integration.web.council_world import build
from tests.integration.web.test_member_portal import signed_in, text, url

pytestmark = pytest.mark.django_db
SYS = actions.SYSTEM


@pytest.fixture
def world() -> dict[str, Any]:
    world = build()
    mandate = Mandate.objects.get(pk=world["narva_deputy"])
    actions.resign_mandate(SYS, mandate)
    election = Election.objects.get(cause=mandate)
    narva = [Member.objects.get(pk=pk) for pk in world["narva_members"]]
    for member in narva[5:8]:
        actions.nominate_candidate(SYS, election, member)
    return {**world, "election": election.pk, "candidates": narva[5:8]}


def ballot_url(world: dict[str, Any]) -> str:
    return url(world, "portal-election-ballot", world["election"])


def ranks(world: dict[str, Any], *numbers: str) -> dict[str, str]:
    """Form fields giving the candidates (in nomination order) these numbers."""
    return {
        f"rank-{c.pk}": n for c, n in zip(world["candidates"], numbers, strict=False) if n != ""
    }


def written() -> tuple[int, int, int]:
    return (
        JournalEntry.objects.count(),
        ElectionVoter.objects.count(),
        ElectionBallot.objects.filter(filled=True).count(),
    )


def test_a_member_ranks_the_candidates_and_then_sees_only_that_they_voted(
    world: dict[str, Any],
) -> None:
    narva1 = signed_in("narva1")
    page = narva1.get(url(world, "portal")).content.decode()
    assert "By-election (the seat of Narva gate worker 1)" in text(page.encode())
    for candidate in world["candidates"]:
        field = f'name="rank-{candidate.pk}"'
        assert field in page
        assert re.search(rf'<label for="rank-{world["election"]}-{candidate.pk}">', page)
    assert "0 members have voted so far." in text(page.encode())

    answer = narva1.post(ballot_url(world), ranks(world, "2", "", "1"), follow=True)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Your ballot is cast." in text(answer.content)
    assert "You have voted" in text(answer.content)
    assert "1 member has voted so far." in text(answer.content)
    assert 'name="rank-' not in page  # no form, and nothing of the ranking to show
    voter = ElectionVoter.objects.get()
    assert voter.member.user.username == "narva1"
    # the ballot is in a sealed box until the close: no ranking in clear
    assert not ElectionBallot.objects.exclude(ranking=[]).exists()


def test_another_members_choice_is_never_shown(world: dict[str, Any]) -> None:
    c = world["candidates"]
    signed_in("narva1").post(ballot_url(world), ranks(world, "", "", "1"))
    for user in ("narva2", "narva1", "secretary"):
        page = signed_in(user).get(url(world, "portal")).content.decode()
        # The only trace of narva1's ballot anywhere is the turnout.
        assert "1 member has voted so far." in text(page.encode()) or user == "secretary"
        assert not re.search(r'name="rank-\d+"[^>]*value=', page)
        if user != "narva1":
            assert "narva1" not in page
            assert "Narva gate worker 2" not in page  # narva1's name: not even as a voter
    fragment = signed_in("narva2").get(url(world, "portal-recall")).content.decode()
    assert "1 member has voted so far." in text(fragment.encode())
    secretary = text(signed_in("secretary").get(url(world, "portal")).content)
    assert "3 candidates; 1 member has voted." in secretary
    # Before the close no page shows any candidate's votes.
    assert c[2].name not in re.sub(r"<label[^>]*>[^<]*</label>", "", fragment)


def test_bad_ballots_are_refused_with_a_reason_and_nothing_written(
    world: dict[str, Any],
) -> None:
    narva1 = signed_in("narva1")
    before = written()
    cases = [
        (ranks(world, "1", "1"), 400, "Give each candidate a different number."),
        (ranks(world, "first"), 400, "Use whole numbers from 1"),
        (ranks(world, "0"), 400, "Use whole numbers from 1"),
        ({}, 400, "Number at least one candidate"),
    ]
    for form, status, words in cases:
        answer = narva1.post(ballot_url(world), form)
        assert answer.status_code == status
        assert words in text(answer.content)
    putilov = signed_in("putilov").post(ballot_url(world), ranks(world, "1"))
    assert putilov.status_code == 409
    assert "is not on the roll of Narva gate" in text(putilov.content)
    outsider = signed_in("outsider").post(ballot_url(world), ranks(world, "1"))
    assert outsider.status_code == 403
    assert written() == before
    narva1.post(ballot_url(world), ranks(world, "1"))
    again = narva1.post(ballot_url(world), ranks(world, "", "1"))
    assert again.status_code == 409
    assert "has voted in this election already" in text(again.content)


def test_anonymous_is_refused(world: dict[str, Any]) -> None:
    before = written()
    anonymous = Client()
    assert anonymous.get(url(world, "portal")).status_code == 302
    answer = anonymous.post(ballot_url(world), ranks(world, "1"))
    assert answer.status_code == 302
    assert "/sign-in" in answer["Location"] or "login" in answer["Location"]
    closing = anonymous.post(url(world, "portal-election-close", world["election"]))
    assert closing.status_code == 302
    assert written() == before
    assert Election.objects.get(pk=world["election"]).status == Election.OPEN


def test_the_secretary_closes_the_poll_and_the_portal_shows_the_result(
    world: dict[str, Any],
) -> None:
    c = world["candidates"]
    for user, numbers in (("narva1", ("1", "2")), ("narva2", ("2", "1")), ("narva3", ("1",))):
        answer = signed_in(user).post(ballot_url(world), ranks(world, *numbers))
        assert answer.status_code == 200  # the portal with the ballot's receipt
    member_close = signed_in("narva4").post(url(world, "portal-election-close", world["election"]))
    assert member_close.status_code == 403
    assert "is not a secretary" in text(member_close.content)

    secretary = signed_in("secretary")
    assert "Close the poll in Narva gate and count it" in text(
        secretary.get(url(world, "portal")).content
    )
    closed = secretary.post(url(world, "portal-election-close", world["election"]), follow=True)
    assert "The poll in Narva gate is closed and counted." in text(closed.content)
    election = Election.objects.get(pk=world["election"])
    assert election.result["elected"] == [c[0].external_id]

    page = text(signed_in("narva4").get(url(world, "portal")).content)
    assert f"elected: {c[0].name}" in page
    assert "3 members of 8 on the roll voted." in page
    assert re.search(rf"{c[0].name} 2(\.0+)? elected", page)
    assert re.search(rf"{c[1].name} 1(\.0+)? not elected", page)
    assert "Close the poll in Narva gate" not in text(secretary.get(url(world, "portal")).content)


def test_the_ballot_speaks_russian(world: dict[str, Any]) -> None:
    narva1 = signed_in("narva1")
    page = text(narva1.get(url(world, "portal"), headers={"accept-language": "ru"}).content)
    assert "Ваш бюллетень" in page
    assert "Подать бюллетень" in page
    assert "Пока проголосовали 0 членов округа." in page
    answer = narva1.post(
        ballot_url(world), ranks(world, "1", "1"), headers={"accept-language": "ru"}
    )
    assert "Дайте каждому кандидату свой номер." in text(answer.content)


def test_the_secretary_nominates_and_withdraws_candidates_until_voting_starts(
    world: dict[str, Any],
) -> None:
    election = Election.objects.get(pk=world["election"])
    narva = [Member.objects.get(pk=pk) for pk in world["narva_members"]]
    secretary = signed_in("secretary")
    page = text(secretary.get(url(world, "portal")).content)
    assert "Candidates can change until the first ballot is cast." in page
    nominate = url(world, "portal-election-nominate", election.pk)
    before = JournalEntry.objects.count()

    # A member of the roll, by roll number.
    answer = secretary.post(nominate, {"member": narva[3].external_id}, follow=True)
    assert answer.status_code == 200
    assert f"{narva[3].name} is a candidate in Narva gate." in text(answer.content)
    assert [c.member_id for c in live_candidates(election)][-1] == narva[3].pk
    assert JournalEntry.objects.count() == before + 1

    # An unknown roll number, a second nomination and a member's attempt write nothing.
    for client, body, status, why in (
        (secretary, {"member": "N-9999"}, 400, "has the roll number “N-9999”"),
        (secretary, {"member": ""}, 400, "has the roll number “”"),
        (secretary, {"member": narva[3].external_id}, 409, "a candidate in this election already"),
        (signed_in("narva2"), {"member": narva[4].external_id}, 403, "is not a secretary"),
    ):
        refused = client.post(nominate, body)
        assert refused.status_code == status
        assert why in text(refused.content)
    assert JournalEntry.objects.count() == before + 1

    withdraw = url(world, "portal-election-withdraw", election.pk, narva[3].pk)
    answer = secretary.post(withdraw, follow=True)
    assert f"{narva[3].name} is no longer a candidate." in text(answer.content)
    assert narva[3].pk not in [c.member_id for c in live_candidates(election)]

    # The first ballot fixes the list: no form, and a nomination is refused.
    signed_in("narva1").post(ballot_url(world), {f"rank-{narva[5].pk}": "1"})
    assert ElectionVoter.objects.filter(election=election).count() == 1
    page = text(secretary.get(url(world, "portal")).content)
    assert "Roll number of the member to nominate" not in page
    late = secretary.post(nominate, {"member": narva[4].external_id})
    assert late.status_code == 409
    assert "voting has started" in text(late.content)
