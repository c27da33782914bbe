"""The front page: the organisations this installation holds, and a guided tour of the 1917
world when it is loaded. A signed-in person sees their own first (:mod:`.my_home`): their
organisations, next sittings, open ballots and petitions; the tour stays for visitors and for
people who belong to no organisation yet.

The tour is a handful of steps through the bundled world, each a link to a page that shows the
engine at work: the Petrograd Soviet's composition, the timeline from March to October (the
presidium changing hands), the minutes of the 9 September sitting that turned the Soviet, the
directives of October under the Military Revolutionary Committee's rule, and the Second
Congress with its proportionally allotted presidium. A step whose record or page is missing
is left out rather than shown broken.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from smolny.councils.models import Council, Organisation, Session
from smolny.federation.models import Directive
from smolny.web.views.links import COUNCIL, MINUTES, PROJECTOR, optional_url
from smolny.web.views.my_home import my_home
from smolny.web.views.timeline_data import world_1917

TOUR_SOVIET = "Petrograd Soviet of Workers' and Soldiers' Deputies"
TOUR_SITTING = "Petrograd Soviet, 9 September 1917"
TOUR_CONGRESS = "Second All-Russian Congress of Soviets"


@dataclass(frozen=True)
class Step:
    """One step of the tour: what to look at, why, and where (with a second link at times)."""

    title: str
    text: str
    url: str
    link: str
    extra_url: str | None = None
    extra_link: str = ""


def tour(organisation: Organisation) -> list[Step]:
    """The tour's steps through the 1917 world's *organisation* (empty for other ones)."""
    if not world_1917(organisation):
        return []
    steps: list[Step] = []
    soviet = Council.objects.filter(organisation=organisation, name=TOUR_SOVIET).first()
    if soviet is not None:
        url = optional_url(COUNCIL, organisation.pk, soviet.pk)
        if url:
            steps.append(
                Step(
                    _("The Petrograd Soviet"),
                    _(
                        "About 3,000 deputies elected by works and companies at one per "
                        "thousand workers and one per company: see the hemicycle by fraction, "
                        "and how the ratio rule gave soldiers about twice the workers' weight."
                    ),
                    url,
                    _("Open the Petrograd Soviet"),
                )
            )
    timeline = reverse("timeline", args=[organisation.pk])
    steps.append(
        Step(
            _("The timeline of 1917"),
            _(
                "Move the slider from March to October: the Soviet's presidium passes from "
                "Mensheviks and SRs to a Bolshevik majority, and each day shows its votes "
                "and directives, dated Old Style and New Style."
            ),
            f"{timeline}?date=1917-03-01",
            _("Start on 1 March 1917"),
            f"{timeline}?date=1917-10-25",
            _("Jump to 25 October 1917"),
        )
    )
    sitting = Session.objects.filter(organ__council=soviet, title=TOUR_SITTING).first()
    if sitting is not None:
        minutes = optional_url(MINUTES, sitting.pk)
        projector = optional_url(PROJECTOR, sitting.pk)
        if minutes or projector:
            steps.append(
                Step(
                    _("A sitting that changed the Soviet"),
                    _(
                        "9 September 1917: no confidence in the presidium carried 519–414–67, "
                        "decided by the engine from the recorded tallies; the minutes give the "
                        "majority rule and the presidium's fall."
                    ),
                    minutes or projector or "",
                    _("Read the minutes") if minutes else _("Open the projector"),
                    projector if minutes else None,
                    _("Open the projector") if minutes and projector else "",
                )
            )
    october = (
        Directive.objects.filter(organisation=organisation, issuer__name__contains="Military")
        .order_by("issued_at")
        .first()
    )
    steps.append(
        Step(
            _("The directives of October"),
            _(
                "Signed orders and the rules of dual power: Order No. 1, and the Military "
                "Revolutionary Committee's rule that orders it has not countersigned do not "
                "bind the garrison; each addressee's status comes with its reason."
            ),
            reverse("directives", args=[organisation.pk]),
            _("See the directives"),
            reverse("directive", args=[organisation.pk, october.pk]) if october else None,
            _("The Committee's commissars to the units") if october else "",
        )
    )
    congress = Council.objects.filter(organisation=organisation, name=TOUR_CONGRESS).first()
    if congress is not None:
        steps.append(
            Step(
                _("The Second Congress of Soviets"),
                _(
                    "670 delegates; its presidium of 25 allotted proportionally between the "
                    "fractions, 14/7/3/1, with the Mensheviks' refused seats and the "
                    "Menshevik-Internationalists' reserved one."
                ),
                reverse("congress", args=[organisation.pk, congress.pk]),
                _("Open the Second Congress"),
            )
        )
    return steps


def home(request: HttpRequest) -> HttpResponse:
    """List the organisations; each links to its overview. The tour comes first when the
    1917 world is there."""
    organisations = list(Organisation.objects.order_by("name"))
    mine = my_home(request.user) if request.user.is_authenticated else None
    tours = []
    if mine is None or not mine.organisations:
        tours = [(o, tour(o)) for o in organisations if world_1917(o)]
    # The world has two organisations; the tour walks the one holding the Soviet.
    best = max(tours, key=lambda t: len(t[1]), default=None)
    context = {
        "organisations": organisations,
        "mine": mine,
        "tour_organisation": best[0] if best and best[1] else None,
        "tour": best[1] if best else [],
    }
    return render(request, "web/home.html", context)
