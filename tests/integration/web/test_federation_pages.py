"""The federation pages through the Django test client, on the suite's database: the statuses
the directive pages show are the authority rules' for the 1917 cases (Order No. 1's
precedence, the MRC's countersignature rule, the MRC's veto window, a forged file), at the
moment asked; the congress page shows delegates apportioned, credentials, the central
executive and the commissariat; bad input gets a 400 and anonymous callers the sign-in page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.test import Client

from smolny.councils import actions
from smolny.councils.models import Council, JournalEntry, Organisation
from smolny.federation import actions as fed
from smolny.federation.models import Directive, OrganKey
from smolny.federation.queries import directive_standings, export_text
from smolny.rules.authority import Status
from smolny.rules.majority import Tally
from tests.integration.federation.conftest import SYS, d, delegation, elect_delegates, local_council
from tests.integration.federation.test_directives_1917 import petrograd, ref

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_client() -> Iterator[Client]:
    """A signed-in user on no roll, reading worlds kept as public records (as the 1917 world
    is): every organisation made during the test is made one (issue 17, item 7)."""
    user = get_user_model().objects.create_user("reader", password="pw-reader-1917")
    client = Client()
    client.force_login(user)

    def public(sender: Any, instance: Organisation, created: bool, **kwargs: Any) -> None:
        if created:
            instance.public_record = True
            Organisation.objects.filter(pk=instance.pk).update(public_record=True)

    post_save.connect(public, sender=Organisation, dispatch_uid="public-1917")
    try:
        yield client
    finally:
        post_save.disconnect(sender=Organisation, dispatch_uid="public-1917")


def at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def shown_standings(html: str) -> dict[str, str]:
    """Addressee → status as the page shows them (each standing's data and its badge)."""
    found = re.findall(
        r'data-addressee="([^"]+)" data-status="([^"]+)"><span class="badge \w+">([^<]+)</span>',
        html,
    )
    assert all(status == badge for _, status, badge in found)
    return {addressee: status for addressee, status, _ in found}


def test_directive_pages_show_the_authority_rules_statuses(browser_client: Client) -> None:
    w = petrograd()
    org = w.soviet.organisation_id
    # Order No. 1: the Military Commission's directive countermanded by the Soviet.
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
    # The MRC's rule: the Staff's directives bind the garrison only when countersigned.
    fed.set_authority_rule(SYS, "countersignature", w.mrc, at=d(10, 22, 0))
    hold = fed.issue_directive(
        SYS,
        w.staff,
        "Hold the barracks.",
        [w.pavlovsky, w.junkers],
        domain="military",
        at=d(10, 22, 9),
    )
    # The veto granted on 23 October and withdrawn that night.
    grant = fed.grant_veto(SYS, w.mrc, issuers=[w.staff], domains=["military"], at=d(10, 23, 10))
    bridges = fed.issue_directive(
        SYS, w.staff, "Raise the bridges.", [w.junkers], domain="military", at=d(10, 23, 15)
    )
    fed.veto_directive(SYS, bridges, w.mrc, at=d(10, 23, 16))
    fed.withdraw_veto(SYS, grant, at=d(10, 23, 23, 30))

    def page(directive: Directive, moment: datetime) -> dict[str, str]:
        answer = browser_client.get(f"/o/{org}/directives/{directive.pk}/?at={at(moment)}")
        assert answer.status_code == 200
        html = answer.content.decode()
        now, _, on_issue = html.partition('<ul class="standings on-issue">')
        shown = shown_standings(now)
        rules = {s.addressee: s.status.value for s in directive_standings(directive, moment)}
        assert shown == rules
        after = directive.issued_at + timedelta(hours=1)
        assert shown_standings(on_issue) == {
            s.addressee: s.status.value for s in directive_standings(directive, after)
        }
        return shown

    assert page(order, d(3, 2, 12)) == {ref(w.volhynian): "binding", ref(w.junkers): "binding"}
    assert page(order, d(3, 3)) == {
        ref(w.volhynian): Status.COUNTERMANDED.value,
        ref(w.junkers): Status.BINDING.value,  # not under the Soviet: Order No. 1 does not reach
    }
    assert page(hold, d(10, 22, 10))[ref(w.pavlovsky)] == "awaiting countersignature"
    assert page(hold, d(10, 22, 10))[ref(w.junkers)] == "binding"
    assert page(bridges, d(10, 23, 15, 30)) == {ref(w.junkers): "binding"}
    assert page(bridges, d(10, 23, 20)) == {ref(w.junkers): "vetoed"}
    assert page(bridges, d(10, 24)) == {ref(w.junkers): "binding"}
    fed.countersign_directive(SYS, hold, w.mrc, at=d(10, 22, 14))
    assert page(hold, d(10, 22, 15))[ref(w.pavlovsky)] == "binding"

    # The list shows every directive with the same statuses, the names of the addressees and
    # a reason for each.
    listing = browser_client.get(f"/o/{org}/directives/?at={at(d(10, 23, 20))}")
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "Volhynian Regiment" in html
    assert "Vladimir Junker School" in html
    assert html.count('class="standing"') == 2 + 2 + 1
    # Reasons name the bodies, not their ids.
    reasons = re.findall(r"</strong>: ([^<]*)", html)
    assert len(reasons) == 5
    assert not any(re.search(r"(council|organ|unit):\d", r) for r in reasons), reasons
    assert any(w.soviet.name in r for r in reasons)
    assert "vetoed" in html
    assert "countermanded" in html
    # The detail page names the signer's key, and the signature's check.
    detail = browser_client.get(f"/o/{org}/directives/{hold.pk}/").content.decode()
    key_id = re.search(r'<code class="key-id">([^<]+)</code>', detail)
    assert key_id is not None
    assert key_id.group(1) == OrganKey.objects.get(organ=w.staff).key_id
    assert 'data-verification="authentic' in detail
    assert "countersignature" in detail
    assert w.mrc.name in detail
    # The signed file is the export's bytes.
    download = browser_client.get(f"/o/{org}/directives/{hold.pk}/signed")
    assert download.status_code == 200
    assert download.content.decode() == export_text(hold)
    assert "attachment" in download["Content-Disposition"]

    # A file altered behind the actions' back: not authentic, on every page.
    Directive.objects.filter(pk=bridges.pk).update(
        document=bridges.document.replace("Raise the bridges.", "Lower the bridges.")
    )
    bridges.refresh_from_db()
    assert page(bridges, d(10, 24)) == {ref(w.junkers): "not authentic"}
    altered = browser_client.get(f"/o/{org}/directives/{bridges.pk}/").content.decode()
    assert 'data-verification="not authentic"' in altered


def test_directive_pages_refuse_bad_input_and_strangers(browser_client: Client) -> None:
    w = petrograd()
    org = w.soviet.organisation_id
    directive = fed.issue_directive(
        SYS, w.staff, "Stand by.", [w.pavlovsky], domain="military", at=d(8, 26, 10)
    )
    answer = browser_client.get(f"/o/{org}/directives/?at=26 August")
    assert answer.status_code == 400
    assert "is not a moment" in answer.content.decode()
    assert (
        browser_client.get(f"/o/{org}/directives/{directive.pk}/?at=1917-13-01").status_code == 400
    )
    assert browser_client.get(f"/o/{org}/directives/999999/").status_code == 404
    other = actions.create_organisation(SYS, "Another federation", at=d(1, 1))
    assert browser_client.get(f"/o/{other.pk}/directives/{directive.pk}/").status_code == 404
    assert browser_client.get(f"/o/{other.pk}/congresses/{w.soviet.pk}/").status_code == 404
    Organisation.objects.filter(pk=org).update(public_record=False)  # private from here on
    for path in (f"/o/{org}/directives/", f"/o/{org}/directives/{directive.pk}/"):
        assert browser_client.get(path).status_code == 404, path  # a stranger to it
    anonymous = Client()
    for path in (
        f"/o/{org}/directives/",
        f"/o/{org}/directives/{directive.pk}/",
        f"/o/{org}/directives/{directive.pk}/signed",
        f"/o/{org}/congresses/",
        f"/o/{org}/timeline/",
    ):
        answer = anonymous.get(path)
        assert answer.status_code == 302, path
        assert answer["Location"].startswith("/sign-in/"), path


def test_congress_page_shows_delegates_credentials_executive_and_commissariat(
    browser_client: Client,
) -> None:
    org = actions.create_organisation(SYS, "Union federation", at=d(1, 1))
    # One deputy per 10 members locally: Vyborg 12 deputies, Narva 4.
    vyborg = local_council(org, "Vyborg", 120, at=d(1, 2))
    narva = local_council(org, "Narva", 40, at=d(1, 2))
    congress = actions.create_council(SYS, org, "Congress", kind=Council.CONGRESS, at=d(1, 3))
    actions.set_representation_rule(SYS, congress, per=20, minimum=1, at=d(1, 3))
    for local in (vyborg, narva):
        actions.create_constituency(
            SYS, congress, local.council.name, delegating_council=local.council, at=d(1, 3)
        )
    fed.demand_convocation(SYS, congress, vyborg.council, at=d(1, 3))
    convocation = fed.convene_congress(SYS, congress, at=d(1, 4))
    left = actions.create_fraction(SYS, congress, "Left", at=d(1, 4))
    right = actions.create_fraction(SYS, congress, "Right", at=d(1, 4))
    # 120 and 40 members represented, one delegate per 20: 6 and 2 delegates.
    delegates = elect_delegates(
        delegation(congress, vyborg.council),
        [m.member for m in vyborg.deputies],
        at=d(1, 5),
        fractions=[left] * 5 + [right],
    )
    delegates += elect_delegates(
        delegation(congress, narva.council),
        [m.member for m in narva.deputies],
        at=d(1, 5),
        fractions=[right] * 2,
    )
    fed.check_credentials(SYS, convocation, at=d(1, 6))
    # Sainte-Laguë over Left 5, Right 3 for 3 seats: 5 L, 3 R, 5/3 L -> Left 2, Right 1.
    executive = fed.elect_central_executive(
        SYS,
        convocation,
        "Central Executive",
        seats=3,
        nominees={"Left": delegates[:2], "Right": delegates[5:6]},
        at=d(1, 7),
    )
    commissariat = fed.create_commissariat(
        SYS, "Council of Commissars", appointed_by=executive.organ, at=d(1, 8)
    )
    _, labour = fed.appoint_commissar(
        SYS, commissariat, delegates[0].member, "Labour", tally=Tally(3, 0), at=d(1, 8)
    )
    fed.appoint_commissar(
        SYS, commissariat, delegates[1].member, "Food", tally=Tally(3, 0), at=d(1, 8)
    )
    assert labour is not None
    fed.remove_commissar(SYS, labour, tally=Tally(3, 0), at=d(1, 9))

    answer = browser_client.get(f"/o/{org.pk}/congresses/{congress.pk}/")
    html = answer.content.decode()
    assert answer.status_code == 200
    apportioned = re.findall(
        r'<th scope="row">(\w+)</th><td class="number">(\d+)</td><td class="number">(\d+)</td>',
        html,
    )
    assert sorted(apportioned) == [("Narva", "40", "2"), ("Vyborg", "120", "6")]
    assert "8 credentials accepted" in html
    executive_table = html[html.index("Central Executive: seats by fraction") :]
    rows = re.findall(r'<th scope="row">(Left|Right)</th><td>(\d+)</td>', executive_table)
    assert rows[:2] == [("Left", "2"), ("Right", "1")]
    now = html[html.index("Portfolios now") : html.index("History of appointments")]
    assert "Food" in now
    assert "Labour" not in now
    history = html[html.index("History of appointments") :]
    assert "Labour" in history
    assert "removed by the appointing body" in history
    listing = browser_client.get(f"/o/{org.pk}/congresses/").content.decode()
    assert f"/o/{org.pk}/congresses/{congress.pk}/" in listing


def test_countersigning_from_the_directive_page(browser_client: Client) -> None:
    """The MRC's rule: the Staff's directive binds the regiment once the MRC countersigns;
    only the secretary may, the issuer may not countersign its own, and a refusal writes
    nothing."""
    w = petrograd()
    org = w.soviet.organisation
    fed.set_authority_rule(SYS, "countersignature", w.mrc, at=d(10, 22, 0))
    directive = fed.issue_directive(
        SYS, w.staff, "Hold the bridges.", [w.pavlovsky], domain="military", at=d(10, 22, 9)
    )
    page = f"/o/{org.pk}/directives/{directive.pk}/"
    acts = JournalEntry.objects.count

    # A reader who is not the secretary sees no form, and a forged post is refused.
    assert "countersign" not in browser_client.get(page).content.decode().split("<h2>")[0]
    assert 'name="organ"' not in browser_client.get(page).content.decode()
    before = acts()
    refused = browser_client.post(page + "countersign", {"organ": w.mrc.pk})
    assert refused.status_code == 403
    assert acts() == before
    assert not directive.acts.exists()

    secretary = get_user_model().objects.create_user("secretary", password="pw-secretary-1917")
    actions.appoint_secretary(SYS, org, secretary)
    client = Client()
    client.force_login(secretary)
    form = client.get(page).content.decode()
    assert f'<option value="{w.mrc.pk}">' in form
    assert f'<option value="{w.staff.pk}">' not in form  # the issuer
    assert client.post(page + "countersign", {"organ": "x"}).status_code == 400
    own = client.post(page + "countersign", {"organ": w.staff.pk})
    assert own.status_code == 409
    assert "does not countersign its own directive" in own.content.decode()
    assert acts() == before + 1  # the secretary's appointment only

    done = client.post(page + "countersign", {"organ": w.mrc.pk})
    assert done.status_code == 302
    after = client.get(done["Location"]).content.decode()
    assert "has countersigned the directive" in after
    assert shown_standings(after.partition('<ul class="standings on-issue">')[0]) == {
        ref(w.pavlovsky): "binding"
    }
    assert directive.acts.get().kind == "countersignature"
    assert JournalEntry.objects.order_by("-pk").first().action == "countersign_directive"
    # Countersigned once: the MRC is no longer offered.
    assert f'<option value="{w.mrc.pk}">' not in after
