"""Russian throughout (issue 16, item 5): what the engine says, not only the page furniture.

A sitting is taken through a carried roll call, a lost amendment on a show of hands, a
secret ballot and its close; a second sitting stays convened; a directive is countermanded
for one addressee and binds another. Then the main pages (home, council, the console, the
deputy's view, the projector, the journal, the minutes as a page, Markdown and PDF, a motion
PDF, the directive standings) are read with ``Accept-Language: ru``, and the text a reader sees
(tags, attributes and scripts removed) must hold none of the engine's English words: its
outcomes, statuses, methods, answers and the words of its reasons. The data typed by people
(titles, motion texts, names) is English in this seed and is allowed; the words chosen do not
occur in it.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from smolny.councils.models import Organisation, Vote
from tests.session_seed import seed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards() -> Any:
    """The locale middleware leaves the last request's language active in the test's thread:
    put the default back, so that tests run after these do not read Russian."""
    yield
    translation.deactivate()


ENGLISH = (
    "carried",
    "lost",
    "adopted",
    "closed",
    "open",
    "convened",
    "quorum",
    "quorate",
    "inquorate",
    "pending",
    "against",
    "abstain",
    "abstentions",
    "majority",
    "present",
    "seated",
    "roll call",
    "show of hands",
    "secret ballot",
    "division",
    "amendment",
    "motion",
    "binding",
    "countermanded",
    "vetoed",
    "prevails",
    "question",
    "minutes",
    "speech",
    "deputies",
    "the chair",
    "votes cast",
    "simple",
    "needed",
)
"""The engine's words: outcomes, statuses, methods, answers and the words of its reasons and
rules. A page that shows a stored outcome, status or reason untranslated has one of them."""

WORDS = re.compile(r"\b(" + "|".join(re.escape(w) for w in ENGLISH) + r")\b", re.IGNORECASE)


def visible(html: str) -> str:
    """The text a reader sees: scripts, styles and tags removed (attributes go with them)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def english_in(text: str) -> list[str]:
    """Each of the engine's English words found, with the text around it."""
    return sorted(
        {
            f"{m[0]!r} in …{text[max(0, m.start() - 60) : m.end() + 60]!r}…"
            for m in WORDS.finditer(text)
        }
    )


def sitting() -> dict[str, Any]:
    """The seed's sitting with a lost amendment (show of hands), the main motion carried on a
    roll call, and a closed secret ballot on a second item; the seed's second sitting stays
    convened."""
    from smolny.councils.actions import SYSTEM, agenda, ballot, motion, session, vote
    from smolny.councils.models import AgendaItem, Member

    s = seed(convened=True)
    item = AgendaItem.objects.get(pk=s["item"])
    people = {u: Member.objects.get(pk=pk) for u, pk in s["members"].items()}
    session.check_in(SYSTEM, item.session, [people[f"deputy{i}"] for i in range(1, 5)])
    motion.move_motion(SYSTEM, item, "amendment", parent="M1", strike="at once", text="soon")
    hands = vote.open_vote(SYSTEM, item, "A1", method=Vote.SHOW_OF_HANDS)
    vote.enter_counts(SYSTEM, hands, for_votes=2, against=5, abstain=1)
    vote.close_vote(SYSTEM, hands)
    named = vote.open_vote(SYSTEM, item, "M1", method=Vote.ROLL_CALL)
    for username, choice in (("chair", "for"), ("deputy1", "for"), ("deputy2", "against")):
        vote.cast_vote(SYSTEM, named, people[username], choice)
    vote.cast_vote(SYSTEM, named, people["deputy3"], "abstain")
    vote.close_vote(SYSTEM, named)
    second = agenda.add_agenda_item(SYSTEM, item.session, "On bread")
    motion.move_motion(SYSTEM, second, "main", text="Bread to be shared out by the works.")
    secret = vote.open_vote(SYSTEM, second, "M1", method=Vote.SECRET)
    ballot.cast_secret_ballot(SYSTEM, secret, people["deputy4"], "against")
    vote.close_vote(SYSTEM, secret)
    return s


def directive(organisation_name: str) -> tuple[int, int]:
    """A directive of the 1917 world countermanded for one addressee and binding another."""
    from smolny.federation import actions as fed
    from tests.integration.federation.conftest import SYS, d
    from tests.integration.federation.test_directives_1917 import petrograd

    w = petrograd(organisation_name)
    fed.set_authority_rule(SYS, "precedence", w.soviet, others=[w.commission], at=d(3, 1))
    order = fed.issue_directive(
        SYS,
        w.commission,
        "Officers take back the weapons: at once.",
        [w.volhynian, w.junkers],
        domain="political",
        at=d(3, 2, 10),
    )
    fed.countermand_directive(SYS, order, w.soviet, note="contradicts Order No. 1", at=d(3, 2, 18))
    return w.soviet.organisation_id, order.pk


def test_the_pages_and_the_minutes_say_the_engines_words_in_russian() -> None:
    from django.contrib.auth import get_user_model
    from pypdf import PdfReader

    s = sitting()
    org, order = directive("Petrograd 1917")
    Organisation.objects.filter(pk=org).update(public_record=True)
    secretary = Client()
    assert secretary.login(username="secretary", password=s["password"])
    deputy = Client()
    assert deputy.login(username="deputy1", password=s["password"])
    reader = Client()
    reader.force_login(get_user_model().objects.create_user("reader-1917", password="pw-1917-r"))
    sitting_, convened = s["session"], s["convened"]
    pages = {
        "home": (secretary, "/"),
        "organisation": (secretary, f"/o/{s['organisation']}/"),
        "council": (secretary, f"/o/{s['organisation']}/councils/{s['council']}/"),
        "console": (secretary, f"/sessions/{sitting_}/chair"),
        "console of the convened sitting": (secretary, f"/sessions/{convened}/chair"),
        "deputy": (deputy, f"/sessions/{sitting_}/deputy"),
        "projector": (secretary, f"/sessions/{sitting_}/projector"),
        "journal": (secretary, f"/o/{s['organisation']}/journal/"),
        "minutes": (secretary, f"/sessions/{sitting_}/minutes"),
        "directives": (reader, f"/o/{org}/directives/?at=1917-03-20T12:00"),
        "directive": (reader, f"/o/{org}/directives/{order}/?at=1917-03-20T12:00"),
    }
    found = {}
    for name, (client, url) in pages.items():
        answer = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
        assert answer.status_code == 200, (name, answer.status_code)
        html = answer.content.decode()
        assert '<html lang="ru">' in html, name
        found[name] = english_in(visible(html))
    markdown = secretary.get(f"/sessions/{sitting_}/minutes.md", HTTP_ACCEPT_LANGUAGE="ru")
    found["minutes.md"] = english_in(markdown.content.decode())
    pdf = secretary.get(f"/sessions/{sitting_}/minutes.pdf", HTTP_ACCEPT_LANGUAGE="ru")
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    found["minutes.pdf"] = english_in(text)
    motion = secretary.get(
        f"/sessions/{sitting_}/items/{s['item']}/motion.pdf", HTTP_ACCEPT_LANGUAGE="ru"
    )
    found["motion.pdf"] = english_in(
        " ".join(p.extract_text() for p in PdfReader(BytesIO(motion.content)).pages)
    )
    assert {name: words for name, words in found.items() if words} == {}

    # What the pages say instead: the outcomes, the rule, the reason with its figures, the
    # convened sitting's status and the directive's standings, in Russian.
    minutes = visible(
        secretary.get(f"/sessions/{sitting_}/minutes", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    )
    assert "ПРИНЯТО" in minutes
    assert "ОТКЛОНЕНО" in minutes
    assert "Правило: простое большинство поданных голосов." in minutes
    assert "нужно 6: больше, чем 5 против" in minutes  # the lost amendment's threshold
    assert (
        "Предложение M1: The Soviet calls for the Constituent Assembly to meet at once." in minutes
    )
    assert "по григорианскому календарю" in minutes
    journal = secretary.get(f"/o/{s['organisation']}/journal/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "по M1 закрыто: принято (за — 2, против — 1, воздержались — 1)." in visible(
        journal.content.decode()
    )
    standing = visible(
        reader.get(pages["directive"][1], HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    )
    assert "отменено органом" in standing
    assert "обязательно" in standing
    # The same pages in English still say the engine's words (the list is not vacuous).
    english = visible(
        secretary.get(f"/sessions/{sitting_}/minutes", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert {"carried", "lost", "majority", "against", "abstain"} <= {
        w.lower() for w in WORDS.findall(english)
    }


def test_a_refusal_on_the_console_is_said_in_russian() -> None:
    """Opening the convened sitting with nobody in the hall is refused by the quorum rule;
    the console says why in Russian, with the figures, and a chair who is not in the hall is
    refused the same way."""
    s = seed(convened=True)
    secretary = Client()
    assert secretary.login(username="secretary", password=s["password"])
    answer = secretary.post(
        f"/sessions/{s['convened']}/chair/open",
        {"chair": s["members"]["chair"]},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert answer.status_code == 409
    said = visible(answer.content.decode())
    assert "нельзя открыть: нет кворума: присутствуют 0 из 9 избранных, нужно 5" in said
    assert english_in(said) == []
