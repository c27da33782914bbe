"""Accounts, founding and invitations through the pages and the actions.

Mail goes through Django's SMTP backend to a real SMTP server the tests start
(:mod:`tests.mailbox`), and the tests follow the links in the messages it catches, as the
person would. The actions are checked for their refusals (who may not, and what is then
not written) and for their journal entries.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from smolny.accounts.models import Account, Invitation
from smolny.accounts.tokens import verification_token
from smolny.councils import actions
from smolny.councils.actions import founding
from smolny.councils.models import JournalEntry, Member, Organisation, OrganisationRole
from smolny.web.views.timeline_data import old_style
from tests.factories import d
from tests.integration.councils.conftest import make_frame
from tests.mailbox import Caught, Mailbox, links, smtp_server

pytestmark = pytest.mark.django_db

PASSWORD = "harbour-pass-2026"
User = get_user_model()


@pytest.fixture(scope="module")
def smtp() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def mailbox(smtp: Mailbox, settings: Any) -> Mailbox:
    """Django's SMTP backend pointed at the test's SMTP server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "smolny@harbour.test"
    return smtp


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def journal(action: str) -> list[dict[str, Any]]:
    import json

    return [
        json.loads(e.payload) for e in JournalEntry.objects.filter(action=action).order_by("seq")
    ]


def sign_up(client: Client, username: str, email: str) -> Any:
    answer = client.post(
        reverse("sign-up"),
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    return User.objects.get(username=username)


def verified_person(username: str) -> Any:
    """An account made at sign-up and verified."""
    user = User.objects.create_user(username, email=f"{username}@harbour.test", password=PASSWORD)
    Account.objects.create(user=user, email=user.email, verified_at=d(3, 1))
    return user


# --- signing up and verifying ----------------------------------------------------------------


def test_sign_up_mails_a_link_that_verifies_and_lets_the_person_found(mailbox: Mailbox) -> None:
    client = Client()
    user = sign_up(client, "mara", "mara@harbour.test")
    assert Account.objects.get(user=user).verified_at is None
    # Unverified: the founding page says so, and neither the page nor the action founds.
    assert client.get(reverse("found")).status_code == 403
    answer = client.post(
        reverse("found"),
        {"name": "Harbour", "time_zone": "UTC", "language": "en", "calendar": "new"},
    )
    assert answer.status_code == 403
    with pytest.raises(actions.PermissionDenied, match="not verified"):
        founding.found_organisation(user, "Harbour")
    assert not Organisation.objects.filter(name="Harbour").exists()

    caught = mailbox.wait_for("mara@harbour.test")
    assert "confirm" in caught.subject.lower()
    [link] = [u for u in links(caught) if "/account/verify/" in u]
    answer = client.get(path_of(link))
    assert answer.status_code == 200
    assert "Address confirmed" in answer.content.decode()
    assert Account.objects.get(user=user).verified_at is not None

    answer = client.post(
        reverse("found"),
        {
            "name": "Harbour Workers Federation",
            "time_zone": "Europe/London",
            "language": "en",
            "calendar": "new",
        },
    )
    assert answer.status_code == 302
    org = Organisation.objects.get(name="Harbour Workers Federation")
    assert (org.time_zone, org.calendar, org.public_record) == ("Europe/London", "new", False)
    assert OrganisationRole.objects.filter(
        organisation=org, user=user, role=OrganisationRole.SECRETARY, end=None
    ).exists()
    [entry] = journal("found_organisation")
    assert entry["name"] == "Harbour Workers Federation"
    assert entry["secretary"] == user.pk
    assert entry["organisation"] == org.pk
    # The organisation's journal page shows the founding, and no address.
    page = client.get(reverse("journal", args=[org.pk])).content.decode()
    assert "found_organisation" in page
    assert "mara@harbour.test" not in page


def test_a_verification_link_altered_or_expired_verifies_nothing(
    mailbox: Mailbox, settings: Any
) -> None:
    client = Client()
    user = sign_up(client, "ines", "ines@harbour.test")
    [link] = [u for u in links(mailbox.wait_for("ines@harbour.test")) if "/verify/" in u]
    altered = path_of(link).rstrip("/")[:-3] + "xyz/"
    answer = client.get(altered)
    assert answer.status_code == 400
    assert "not valid" in answer.content.decode()
    # A link for an address the account no longer has (the token names the address).
    other = verification_token(user.pk, "someone@else.test")
    assert client.get(reverse("verify-email", args=[other])).status_code == 400
    settings.SMOLNY_VERIFICATION_DAYS = -1  # every link is past its age
    answer = client.get(path_of(link))
    assert answer.status_code == 400
    assert "expired" in answer.content.decode()
    assert Account.objects.get(user=user).verified_at is None


def test_sign_up_by_invitation_only_makes_no_account(settings: Any) -> None:
    settings.SMOLNY_SIGNUP = "invitation"
    client = Client()
    assert client.get(reverse("sign-up")).status_code == 403
    answer = client.post(
        reverse("sign-up"),
        {"username": "lev", "email": "lev@x.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert answer.status_code == 403
    assert not User.objects.filter(username="lev").exists()
    assert "Sign up" not in client.get(reverse("sign-in")).content.decode()


def test_sign_up_refuses_bad_fields_and_writes_nothing() -> None:
    client = Client()
    answer = client.post(
        reverse("sign-up"),
        {
            "username": "nora",
            "email": "not-an-address",
            "password1": PASSWORD,
            "password2": PASSWORD + "x",
        },
    )
    assert answer.status_code == 400
    assert not User.objects.filter(username="nora").exists()
    assert not Account.objects.exists()
    User.objects.create_user("nina", email="Nina@Harbour.test", password=PASSWORD)
    taken = client.post(
        reverse("sign-up"),
        {
            "username": "nina2",
            "email": "nina@harbour.test",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert taken.status_code == 400
    assert "has this address already" in taken.content.decode()
    assert not User.objects.filter(username="nina2").exists()


# --- passwords -------------------------------------------------------------------------------


def test_password_reset_round_trip_through_smtp(mailbox: Mailbox) -> None:
    User.objects.create_user("olga", email="olga@harbour.test", password=PASSWORD)
    client = Client()
    answer = client.post(reverse("password-reset"), {"email": "olga@harbour.test"})
    assert answer.status_code == 302
    caught = mailbox.wait_for("olga@harbour.test")
    [link] = [u for u in links(caught) if "/password-reset/" in u]
    answer = client.get(path_of(link), follow=True)
    assert answer.status_code == 200
    form_path = answer.redirect_chain[-1][0]
    answer = client.post(
        form_path, {"new_password1": "new-harbour-2027", "new_password2": "new-harbour-2027"}
    )
    assert answer.status_code == 302
    assert Client().login(username="olga", password="new-harbour-2027")
    assert not Client().login(username="olga", password=PASSWORD)
    # The link is spent.
    assert "does not work" in Client().get(path_of(link), follow=True).content.decode()


def test_password_change_needs_the_old_password() -> None:
    User.objects.create_user("pavel", password=PASSWORD)
    client = Client()
    client.login(username="pavel", password=PASSWORD)
    wrong = {
        "old_password": "nope",
        "new_password1": "x-new-pass-9",
        "new_password2": "x-new-pass-9",
    }
    assert client.post(reverse("password-change"), wrong).status_code == 200
    assert Client().login(username="pavel", password=PASSWORD)
    right = dict(wrong, old_password=PASSWORD)
    assert client.post(reverse("password-change"), right).status_code == 302
    assert Client().login(username="pavel", password="x-new-pass-9")


# --- settings --------------------------------------------------------------------------------


def test_settings_are_a_secretarys_and_each_change_is_journalled() -> None:
    founder = verified_person("rosa")
    org = founding.found_organisation(founder, "Harbour Workers Federation")
    outsider = verified_person("sasha")
    with pytest.raises(actions.PermissionDenied):
        founding.change_organisation_settings(outsider, org, public_record=True)
    client = Client()
    client.force_login(outsider)
    assert client.get(reverse("organisation-settings", args=[org.pk])).status_code == 403
    assert (
        client.post(
            reverse("organisation-settings", args=[org.pk]),
            {"name": "Taken over", "time_zone": "UTC", "language": "en", "calendar": "new"},
        ).status_code
        == 403
    )
    org.refresh_from_db()
    assert org.name == "Harbour Workers Federation"
    assert journal("change_organisation_settings") == []

    client.force_login(founder)
    answer = client.post(
        reverse("organisation-settings", args=[org.pk]),
        {
            "name": "Harbour and Dock Workers Federation",
            "time_zone": "Europe/Lisbon",
            "language": "ru",
            "calendar": "dual",
            "public_record": "on",
        },
    )
    assert answer.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.time_zone, org.language, org.calendar, org.public_record) == (
        "Harbour and Dock Workers Federation",
        "Europe/Lisbon",
        "ru",
        "dual",
        True,
    )
    assert old_style(org)
    [entry] = journal("change_organisation_settings")
    assert entry["changes"] == {
        "name": "Harbour and Dock Workers Federation",
        "time_zone": "Europe/Lisbon",
        "language": "ru",
        "calendar": "dual",
        "public_record": True,
    }
    # The same settings again change nothing, and are refused with 409.
    again = client.post(
        reverse("organisation-settings", args=[org.pk]),
        {
            "name": org.name,
            "time_zone": "Europe/Lisbon",
            "language": "ru",
            "calendar": "dual",
            "public_record": "on",
        },
    )
    assert again.status_code == 409
    assert len(journal("change_organisation_settings")) == 1
    with pytest.raises(actions.ActionError, match="time zone"):
        founding.change_organisation_settings(founder, org, time_zone="Mars/Olympus")


def test_founding_refuses_a_taken_name_and_bad_settings() -> None:
    founder = verified_person("tanya")
    founding.found_organisation(founder, "Dockers")
    with pytest.raises(actions.NotAllowed, match="exists already"):
        founding.found_organisation(founder, "Dockers")
    with pytest.raises(actions.ActionError, match="calendar"):
        founding.found_organisation(founder, "Dockers 2", calendar="julian")
    with pytest.raises(actions.ActionError, match="language"):
        founding.found_organisation(founder, "Dockers 3", language="fr")
    with pytest.raises(actions.PermissionDenied):
        founding.found_organisation(actions.SYSTEM, "Dockers 4")
    assert Organisation.objects.filter(name__startswith="Dockers").count() == 1


def test_a_new_organisation_shows_only_what_it_has() -> None:
    founder = verified_person("vera")
    org = founding.found_organisation(founder, "Harbour Workers Federation")
    client = Client()
    client.force_login(founder)
    html = client.get(reverse("organisation", args=[org.pk])).content.decode()
    for absent in ("timeline", "directives", "congresses"):
        assert reverse(absent, args=[org.pk]) not in html
    assert reverse("organisation-settings", args=[org.pk]) in html
    assert reverse("invitations", args=[org.pk]) in html
    member = verified_person("wanda")
    client.force_login(member)
    html = client.get(reverse("organisation", args=[org.pk])).content.decode()
    assert reverse("organisation-settings", args=[org.pk]) not in html


# --- invitations -----------------------------------------------------------------------------


def harbour(founder: Any) -> Any:
    """A federation founded by *founder*, with a council of three branches on the roll."""
    frame = make_frame({"North quay": 3, "South quay": 2, "Dry dock": 1}, at=d(3, 1))
    actions.appoint_secretary(actions.SYSTEM, frame.organisation, founder)
    return frame


def test_inviting_a_member_mails_a_link_that_makes_a_linked_account(mailbox: Mailbox) -> None:
    founder = verified_person("yana")
    frame = harbour(founder)
    org = frame.organisation
    member = frame.members["North quay"][0]
    outsider = verified_person("zoya")
    with pytest.raises(actions.PermissionDenied):
        founding.invite_member(outsider, member, email="nq1@harbour.test")
    with pytest.raises(actions.NotAllowed, match="no email address"):
        founding.invite_member(founder, member)
    assert Invitation.objects.count() == 0

    secretary = Client()
    secretary.force_login(founder)
    page = secretary.get(reverse("invitations", args=[org.pk]), {"q": member.name})
    assert page.status_code == 200
    assert member.name in page.content.decode()
    answer = secretary.post(
        reverse("invite", args=[org.pk]), {"member": member.pk, "email": "nq1@harbour.test"}
    )
    assert answer.status_code == 302
    member.refresh_from_db()
    assert member.email == "nq1@harbour.test"
    [entry] = journal("invite_member")
    assert entry["member"] == member.external_id
    assert entry["email_changed"] is True
    assert "nq1@harbour.test" not in str(entry)  # the journal never holds an address

    caught = mailbox.wait_for("nq1@harbour.test")
    assert org.name in caught.subject
    assert member.name in caught.text
    [link] = [u for u in links(caught) if "/invitation/" in u]
    invited = Client()
    form = invited.get(path_of(link))
    assert form.status_code == 200
    assert member.name in form.content.decode()
    answer = invited.post(
        path_of(link), {"username": "nq-one", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert answer.status_code == 302
    assert answer["Location"] == reverse("portal", args=[org.pk])
    user = User.objects.get(username="nq-one")
    member.refresh_from_db()
    assert member.user_id == user.pk
    assert user.email == "nq1@harbour.test"
    [accepted] = journal("accept_invitation")
    assert accepted["user"] == user.pk
    assert accepted["member"] == member.external_id
    portal = invited.get(reverse("portal", args=[org.pk]))
    assert portal.status_code == 200
    # The link is spent: a second use makes no second account.
    again = Client().post(
        path_of(link), {"username": "nq-two", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert again.status_code == 410
    assert not User.objects.filter(username="nq-two").exists()
    with pytest.raises(actions.NotAllowed, match="has an account"):
        founding.invite_member(founder, member)


def test_inviting_a_roll_invites_those_with_an_address_and_no_account(mailbox: Mailbox) -> None:
    founder = verified_person("alla")
    frame = harbour(founder)
    north = frame.members["North quay"]
    founding.set_member_email(founder, north[0], "n0@harbour.test")
    founding.set_member_email(founder, north[1], "n1@harbour.test")
    linked = verified_person("boris")
    founding.set_member_email(founder, north[2], "n2@harbour.test")
    actions.link_member_user(founder, north[2], linked)
    assert [e["has_email"] for e in journal("set_member_email")] == [True, True, True]

    secretary = Client()
    secretary.force_login(founder)
    constituency = frame.constituencies["North quay"]
    answer = secretary.post(reverse("invite-roll", args=[frame.organisation.pk, constituency.pk]))
    assert answer.status_code == 302
    invited = {i.member_id for i in Invitation.objects.all()}
    assert invited == {north[0].pk, north[1].pk}
    assert sorted(e["member"] for e in journal("invite_member")) == sorted(
        [north[0].external_id, north[1].external_id]
    )
    mailbox.wait_for("n0@harbour.test")
    mailbox.wait_for("n1@harbour.test")
    page = secretary.get(reverse("invitations", args=[frame.organisation.pk])).content.decode()
    rolls = page.split('class="rolls"')[1].split("</ul>")[0]
    north_roll = rolls.split("North quay")[1].split("</li>")[0]
    assert "0 members with an address and no account" in north_roll  # all invited now
    assert mailbox.to("n2@harbour.test") == []
    # Once more: everyone with an address has a running invitation; refused, nothing written.
    again = secretary.post(reverse("invite-roll", args=[frame.organisation.pk, constituency.pk]))
    assert again.status_code == 409
    assert Invitation.objects.count() == 2
    dry = frame.constituencies["Dry dock"]
    with pytest.raises(actions.NotAllowed, match="nobody"):
        founding.invite_roll(founder, dry)


def test_an_unverified_account_gains_no_standing() -> None:
    founder = verified_person("clara")
    frame = harbour(founder)
    fresh = User.objects.create_user("dmitri", password=PASSWORD)
    Account.objects.create(user=fresh, email="d@harbour.test")  # signed up, not verified
    with pytest.raises(actions.PermissionDenied, match="not verified"):
        actions.link_member_user(founder, frame.members["Dry dock"][0], fresh)
    with pytest.raises(actions.PermissionDenied, match="not verified"):
        actions.appoint_secretary(founder, frame.organisation, fresh)
    assert Member.objects.filter(user=fresh).count() == 0
    assert not OrganisationRole.objects.filter(user=fresh).exists()


# --- home ------------------------------------------------------------------------------------


def test_home_shows_a_person_their_organisations() -> None:
    founder = verified_person("elena")
    frame = harbour(founder)
    member_user = verified_person("fyodor")
    member = frame.members["South quay"][0]
    actions.link_member_user(founder, member, member_user)
    other = verified_person("galina")
    founding.found_organisation(other, "Another union")

    client = Client()
    client.force_login(member_user)
    html = client.get(reverse("home")).content.decode()
    assert "Your organisations" in html
    section = html.split('class="my-home"')[1].split("</section>")[0]
    assert frame.organisation.name in section
    assert "South quay" in section
    assert "Another union" not in section
    client.force_login(founder)
    section = client.get(reverse("home")).content.decode().split('class="my-home"')[1]
    assert "secretary" in section.split("</section>")[0]
    visitor = Client().get(reverse("home")).content.decode()
    assert 'class="my-home"' not in visitor


def test_the_pages_speak_russian() -> None:
    client = Client(headers={"accept-language": "ru"})
    assert "Регистрация" in client.get(reverse("sign-up")).content.decode()
    assert "Забыли пароль?" in client.get(reverse("password-reset")).content.decode()


def test_mail_failures_are_said_and_undo_nothing(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = s.getsockname()[1]
    founder = verified_person("hanna")
    frame = harbour(founder)
    member = frame.members["Dry dock"][0]
    client = Client()
    client.force_login(founder)
    answer = client.post(
        reverse("invite", args=[frame.organisation.pk]),
        {"member": member.pk, "email": "dd@harbour.test"},
        follow=True,
    )
    assert "could not be sent" in answer.content.decode()
    assert Invitation.objects.filter(member=member).count() == 1


def test_caught_messages_are_parsed(mailbox: Mailbox) -> None:
    """The test server itself: a message Django sends arrives whole, its links found."""
    from django.core.mail import send_mail

    send_mail("Subject", "See https://example.test/a/b/ now.", None, ["x@harbour.test"])
    caught: Caught = mailbox.wait_for("x@harbour.test")
    assert caught.subject == "Subject"
    assert links(caught) == ["https://example.test/a/b/"]


def test_an_organisations_pages_show_times_in_its_time_zone() -> None:
    from zoneinfo import ZoneInfo

    from django.utils import formats

    founder = verified_person("irina")
    frame = harbour(founder)
    founding.change_organisation_settings(founder, frame.organisation, time_zone="Asia/Tokyo")
    invitation = founding.invite_member(
        founder, frame.members["Dry dock"][0], email="dd1@harbour.test"
    )
    client = Client()
    client.force_login(founder)
    html = client.get(reverse("invitations", args=[frame.organisation.pk])).content.decode()
    tokyo = invitation.created_at.astimezone(ZoneInfo("Asia/Tokyo"))
    utc = invitation.created_at.astimezone(ZoneInfo("UTC"))
    assert str(formats.date_format(tokyo, "DATETIME_FORMAT")) in html
    assert str(formats.date_format(utc, "DATETIME_FORMAT")) not in html
    # Pages of no organisation keep the installation's zone.
    assert client.get(reverse("account")).status_code == 200


def test_dual_dates_only_where_the_organisation_opts_in() -> None:
    """A council of 1917 in an organisation keeping New Style shows New Style dates alone;
    once it opts into the dual calendar, Old Style first and New Style in brackets."""
    founder = verified_person("kira")
    frame = harbour(founder)
    client = Client()
    client.force_login(founder)
    url = reverse("council", args=[frame.organisation.pk, frame.council.pk])
    new_style = client.get(url, {"at": "1917-03-02"}).content.decode()
    assert "March 2, 1917" in new_style
    assert "17 February (2 March) 1917" not in new_style
    founding.change_organisation_settings(founder, frame.organisation, calendar="dual")
    dual = client.get(url, {"at": "1917-03-02"}).content.decode()
    assert "17 February (2 March) 1917" in dual


def test_home_lists_a_persons_next_sittings_and_open_ballots() -> None:
    from smolny.councils.actions import session as sessions
    from smolny.councils.actions.election_ballot import nominate_candidate
    from smolny.councils.models import Organ

    sys_ = actions.SYSTEM
    founder = verified_person("lidia")
    frame = harbour(founder)
    north, south = frame.members["North quay"], frame.members["South quay"]
    deputy, voter, bystander = (verified_person(n) for n in ("mikhail", "nadia", "oleg"))
    actions.link_member_user(founder, north[0], deputy)
    actions.link_member_user(founder, south[0], voter)
    actions.link_member_user(founder, north[1], bystander)
    actions.apportion_council(sys_, frame.council, at=d(3, 1, 18))
    election = actions.open_election(sys_, frame.constituencies["North quay"], seats=1, at=d(3, 2))
    actions.record_election_result(sys_, election, [north[0]], at=d(3, 3))
    mandate = actions.seat_deputy(sys_, election, north[0], at=d(3, 4))
    organ = actions.form_organ(
        sys_,
        frame.council,
        "Quay committee",
        kind=Organ.PRESIDIUM,
        seat_rule=Organ.ELECTION,
        seats=1,
        elected=[mandate],
        at=d(3, 5),
    )
    sessions.convene_session(sys_, organ, "Quay sitting", starts_at=d(3, 9), at=d(3, 7))
    poll = actions.open_election(sys_, frame.constituencies["South quay"], seats=1, at=d(3, 8))
    nominate_candidate(sys_, poll, south[1], at=d(3, 8))

    def home_of(user: Any) -> str:
        client = Client()
        client.force_login(user)
        html = client.get(reverse("home")).content.decode()
        return html.split('class="my-home"')[1].split("</section>")[0]

    assert "Quay sitting" in home_of(deputy)  # seated in the committee
    assert "Quay sitting" in home_of(founder)  # a secretary sees all the sittings
    assert "Quay sitting" not in home_of(bystander)
    assert "Quay sitting" not in home_of(voter)
    ballot = home_of(voter)
    assert "Election in South quay" in ballot
    assert reverse("portal", args=[frame.organisation.pk]) in ballot
    assert "Election in South quay" not in home_of(bystander)
