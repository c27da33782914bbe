"""Attack 3 of issue 17: recall votes were neither voter-only nor secret.

Before the fix a secretary cast "keep" for three members (and the permission matrix said a
secretary may), a recall ballot row held member, choice and time together, and the admin
listed them. Now only the voter casts, in person; who voted is kept apart from what was
voted, as in the session's secret ballot; and the admin shows no choice of an open vote.
"""

from __future__ import annotations

import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client, RequestFactory

from smolny.councils import actions
from smolny.councils.actions import PermissionDenied, ballot, ballot_box
from smolny.councils.models import (
    ElectionBallot,
    JournalEntry,
    NamedVote,
    RecallBallot,
    RecallVoter,
    SecretBallot,
)
from tests.integration.api.conftest import SYS, World, call
from tests.integration.api.routes import narva_poll, open_vote, recall_vote
from tests.integration.attacks.conftest import state

pytestmark = pytest.mark.django_db


def test_a_secretary_cannot_cast_keep_for_members(world: World) -> None:
    """Through the API, and through the action itself: refused, nothing written."""
    vote = recall_vote(world)
    written = state()
    for i in (10, 20, 21):
        answer = call(
            world.client("admin"),
            "post",
            f"/api/recall/votes/{vote.pk}/ballots",
            {"member": world.narva(i).pk, "recall": False},
        )
        assert answer.status_code == 403
        assert "cast by the voter alone" in answer.json()["detail"]
        with pytest.raises(PermissionDenied):
            actions.cast_recall_vote(world.users["admin"], vote, world.narva(i), False)
    assert state() == written
    assert not RecallVoter.objects.filter(vote=vote).exists()
    # The member casts their own ballot.
    own = call(
        world.client("member"),
        "post",
        f"/api/recall/votes/{vote.pk}/ballots",
        {"member": world.narva(10).pk, "recall": False},
    )
    assert own.status_code == 201


def test_who_voted_is_kept_apart_from_what_was_voted(world: World) -> None:
    """No column of a ballot names a person or a time; the voter row holds no choice; no slot
    is made before the first cast, which writes k decoys beside its ballot, and its journal
    entry names no choice."""
    ballot_fields = {f.name: f for f in RecallBallot._meta.get_fields()}
    assert not any(
        isinstance(f, (models.DateTimeField, models.DateField))
        or (f.is_relation and f.related_model is not None and f.name != "vote")
        for f in ballot_fields.values()
    ), sorted(ballot_fields)
    voter_fields = {f.name for f in RecallVoter._meta.get_fields()}
    assert voter_fields == {"id", "vote", "member"}
    vote = recall_vote(world)
    assert not RecallBallot.objects.filter(vote=vote).exists()
    answer = call(
        world.client("member"),
        "post",
        f"/api/recall/votes/{vote.pk}/ballots",
        {"member": world.narva(10).pk, "recall": True},
    )
    assert answer.status_code == 201
    # The ballot and k decoys under new keys (the ballot box), none in clear while open.
    after = set(RecallBallot.objects.filter(vote=vote).values_list("key", flat=True))
    assert len(after) == ballot_box.bucket_size() + 1
    assert not RecallBallot.objects.filter(vote=vote).exclude(choice="").exists()
    entry = JournalEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action == "cast_recall_vote"
    assert "recall" not in {str(v) for v in json.loads(entry.payload).values()}
    assert "choice" not in entry.payload
    closed = actions.close_recall_vote(SYS, vote)
    assert closed.votes_recall == 1
    sealed = RecallBallot.objects.filter(vote=vote)
    assert [b.sealed for b in sealed] == [True]  # unused slots gone, the ballot rewritten


def test_the_admin_shows_no_choice_of_an_open_vote(world: World) -> None:
    """A recall ballot, a session's secret ballot and an election ballot, each cast and the
    vote still open: neither the admin's lists nor its detail pages show the choice. Once
    the vote is closed, the sealed ballots' choices are shown (the count is public)."""
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client = Client()
    client.force_login(superuser)
    recall = recall_vote(world)
    actions.cast_recall_vote(world.users["member"], recall, world.narva(10), False)
    secret = open_vote(world, "secret ballot")
    ballot.cast_secret_ballot(world.users["deputy"], secret, world.narva(1), "against")
    poll = narva_poll(world, cast=True)
    for model, cast in (
        # open votes hold sealed slots only (the ballot box): any slot of each
        (RecallBallot, RecallBallot.objects.filter(vote=recall).first()),
        (SecretBallot, SecretBallot.objects.filter(vote=secret).first()),
        (ElectionBallot, ElectionBallot.objects.filter(election_id=poll).first()),
    ):
        assert cast is not None
        name = model._meta.model_name
        listing = client.get(f"/admin/councils/{name}/").content.decode()
        detail = client.get(f"/admin/councils/{name}/{cast.pk}/change/").content.decode()
        for page in (listing, detail):
            assert "(secret until the close)" in page, name
            for secret_value in ("keep", "against", str(world.narva(4).pk)):
                assert f">{secret_value}<" not in page, (name, secret_value)
    # After the close the sealed recall ballot's choice is shown.
    actions.close_recall_vote(SYS, recall)
    sealed = RecallBallot.objects.get(vote=recall)
    assert (
        ">keep<" in client.get(f"/admin/councils/recallballot/{sealed.pk}/change/").content.decode()
    )


def test_no_admin_page_lists_a_secret_choice_field() -> None:
    """Every model registered in the admin: no list column and no detail field is a raw
    choice or ranking of a secret ballot (recall, session, election). Named votes and card
    votes are public, answered by name in the hall, and are left as they are."""
    wrong = []
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    for model, model_admin in admin.site._registry.items():
        if model is NamedVote or model._meta.model_name == "cardballot":
            continue
        names = {f.name for f in model._meta.get_fields()}
        raw = names & {"choice", "ranking", "receipt_hash"}
        if not raw:
            continue
        listed = [*model_admin.get_list_display(request), *model_admin.get_fields(request)]
        shown = {f for f in listed if isinstance(f, str)}
        if shown & raw:
            wrong.append(f"{model.__name__}: {sorted(shown & raw)}")
    assert wrong == []
