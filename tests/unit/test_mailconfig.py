"""Mail settings from the environment: the console by default, SMTP from a URL or from the
separate variables, and a clear refusal of what cannot be used."""

from __future__ import annotations

import pytest

from smolny.accounts.mailconfig import (
    CONSOLE,
    SMTP,
    MailSettingsError,
    mail_settings,
    signup_mode,
)


def test_nothing_set_means_the_console_and_a_local_sender() -> None:
    found = mail_settings({})
    assert found["EMAIL_BACKEND"] == CONSOLE
    assert found["DEFAULT_FROM_EMAIL"] == "smolny@localhost"


def test_a_url_with_starttls_and_an_encoded_password() -> None:
    found = mail_settings(
        {
            "SMOLNY_EMAIL_URL": "smtp+tls://mailer%40union.org:p%3Ass@mail.union.org",
            "SMOLNY_FROM_EMAIL": "secretary@union.org",
        }
    )
    assert found["EMAIL_BACKEND"] == SMTP
    assert (found["EMAIL_HOST"], found["EMAIL_PORT"]) == ("mail.union.org", 587)
    assert (found["EMAIL_HOST_USER"], found["EMAIL_HOST_PASSWORD"]) == ("mailer@union.org", "p:ss")
    assert (found["EMAIL_USE_TLS"], found["EMAIL_USE_SSL"]) == (True, False)
    assert found["DEFAULT_FROM_EMAIL"] == "secretary@union.org"


def test_smtps_and_plain_urls_take_their_ports() -> None:
    assert mail_settings({"SMOLNY_EMAIL_URL": "smtps://h.example"})["EMAIL_PORT"] == 465
    plain = mail_settings({"SMOLNY_EMAIL_URL": "smtp://h.example:2525"})
    assert (plain["EMAIL_PORT"], plain["EMAIL_USE_TLS"], plain["EMAIL_USE_SSL"]) == (
        2525,
        False,
        False,
    )
    assert mail_settings({"SMOLNY_EMAIL_URL": "console:"})["EMAIL_BACKEND"] == CONSOLE


def test_the_separate_variables() -> None:
    found = mail_settings(
        {
            "SMOLNY_SMTP_HOST": "127.0.0.1",
            "SMOLNY_SMTP_PORT": "1025",
            "SMOLNY_SMTP_USER": "u",
            "SMOLNY_SMTP_PASSWORD": "p",
            "SMOLNY_SMTP_TLS": "1",
        }
    )
    assert found["EMAIL_BACKEND"] == SMTP
    assert (found["EMAIL_HOST"], found["EMAIL_PORT"], found["EMAIL_USE_TLS"]) == (
        "127.0.0.1",
        1025,
        True,
    )
    assert mail_settings({"SMOLNY_SMTP_HOST": "h", "SMOLNY_SMTP_TLS": "ssl"})["EMAIL_PORT"] == 465
    assert mail_settings({"SMOLNY_SMTP_HOST": "h"})["EMAIL_PORT"] == 25


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"SMOLNY_EMAIL_URL": "imap://h"}, "SMOLNY_EMAIL_URL"),
        ({"SMOLNY_EMAIL_URL": "smtp://"}, "SMOLNY_EMAIL_URL"),
        ({"SMOLNY_EMAIL_URL": "smtp://h:port"}, "SMOLNY_EMAIL_URL"),
        ({"SMOLNY_SMTP_HOST": "h", "SMOLNY_SMTP_PORT": "x"}, "SMOLNY_SMTP_PORT"),
    ],
)
def test_unusable_settings_are_refused_naming_the_variable(
    environ: dict[str, str], named: str
) -> None:
    with pytest.raises(MailSettingsError, match=named):
        mail_settings(environ)


def test_signup_mode() -> None:
    assert signup_mode({}) == "open"
    assert signup_mode({"SMOLNY_SIGNUP": "Invitation"}) == "invitation"
    with pytest.raises(MailSettingsError, match="SMOLNY_SIGNUP"):
        signup_mode({"SMOLNY_SIGNUP": "closed"})
