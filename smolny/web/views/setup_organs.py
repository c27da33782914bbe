"""A secretary's pages for a council's deputies, fractions and organs: forming fractions and
moving deputies between them, forming organs, their rules of procedure (notice, quorum,
majority) and their seats, and convening a sitting with its notice.

Every form calls the action the API calls: create_fraction, change_fraction, form_organ,
set_organ_rules, fill_organ_seat, vacate_organ_seat, convene_session (and add_agenda_item for
the agenda sent with the notice). A form that does not parse is answered 400 with its reason
and nothing written; an action's refusal 403 or 409 with the action's words. Deputies are
chosen by name from a search, never by number.
"""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction as Ratio
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smolny.councils import actions
from smolny.councils.actions import ActionError
from smolny.councils.actions import session as session_actions
from smolny.councils.models import (
    Council,
    Fraction,
    FractionMembership,
    Mandate,
    Organ,
    Organisation,
    OrganRules,
    OrganSeat,
    Session,
)
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import apportionment_at, organ_composition
from smolny.councils.queries.sessions import describe_quorum, majority_rule, quorum_of, rules_of
from smolny.rules.majority import Base, Kind, MajorityRule, Quorum
from smolny.web.views.server_time import require_live_post
from smolny.web.views.setup_common import (
    FOUND_SHOWN,
    QUERY_LIMIT,
    council_of,
    find_deputies,
    query_of,
    refusal_status,
    secretary_org,
)

AGENDA_ITEMS = 50
"""Items an agenda sent with the notice may have (more can be added at the sitting)."""


# --- deputies and fractions ------------------------------------------------------------------


class FractionForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Fraction name"), max_length=200)


def _deputies_page(
    request: HttpRequest,
    org: Organisation,
    council: Council,
    *,
    form: FractionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    query = query_of(request)
    mandates = find_deputies(council, query, now)
    sits_with = dict(
        FractionMembership.objects.filter(
            valid_at(now), mandate__in=[m.pk for m in mandates]
        ).values_list("mandate_id", "fraction_id")
    )
    fractions = list(Fraction.objects.filter(valid_at(now), council=council).order_by("name"))
    strength: dict[int, int] = {}
    for fraction_id in FractionMembership.objects.filter(
        valid_at(now), fraction__council=council
    ).values_list("fraction_id", flat=True):
        strength[fraction_id] = strength.get(fraction_id, 0) + 1
    context = {
        "organisation": org,
        "council": council,
        "query": query,
        "deputies": [(m, sits_with.get(m.pk)) for m in mandates],
        "fractions": [(f, strength.get(f.pk, 0)) for f in fractions],
        "form": form or FractionForm(),
        "error": error,
    }
    return render(request, "web/setup/deputies.html", context, status=status)


@login_required
def deputies(request: HttpRequest, organisation_id: int, council_id: int) -> HttpResponse:
    """The council's deputies (found by name) and the fraction each sits with; fractions."""
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    return _deputies_page(request, org, council_of(org, council_id))


@login_required
@require_live_post
def create_fraction(request: HttpRequest, organisation_id: int, council_id: int) -> HttpResponse:
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    council = council_of(org, council_id)
    form = FractionForm(request.POST)
    if not form.is_valid():
        return _deputies_page(request, org, council, form=form, status=400)
    try:
        made = actions.create_fraction(request.user, council, form.cleaned_data["name"])
    except ActionError as error:
        form.add_error(None, str(error))
        return _deputies_page(request, org, council, form=form, status=refusal_status(error))
    messages.success(request, _("The fraction %(name)s is formed.") % {"name": made.name})
    return redirect("setup-deputies", organisation_id=org.pk, council_id=council.pk)


@login_required
@require_live_post
def change_fraction(
    request: HttpRequest, organisation_id: int, council_id: int, mandate_id: int
) -> HttpResponse:
    """The deputy sits with the fraction posted from now on (none: with no fraction)."""
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    council = council_of(org, council_id)
    mandate = (
        Mandate.objects.filter(pk=mandate_id, council=council).select_related("member").first()
    )
    if mandate is None:
        raise Http404("no such deputy")
    fraction = None
    if request.POST.get("fraction"):
        try:
            fraction = Fraction.objects.get(pk=int(request.POST["fraction"]), council=council)
        except (ValueError, Fraction.DoesNotExist):
            return _deputies_page(
                request, org, council, error=_("Choose a fraction of this council."), status=400
            )
    try:
        actions.change_fraction(request.user, mandate, fraction)
    except ActionError as error:
        return _deputies_page(request, org, council, error=str(error), status=refusal_status(error))
    if fraction is None:
        done = _("%(name)s sits with no fraction.") % {"name": mandate.member.name}
    else:
        done = _("%(name)s sits with %(fraction)s.") % {
            "name": mandate.member.name,
            "fraction": fraction.name,
        }
    messages.success(request, done)
    return redirect("setup-deputies", organisation_id=org.pk, council_id=council.pk)


# --- organs --------------------------------------------------------------------------------


class OrganForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Organ name"), max_length=200)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of organ"),
        choices=[
            (Organ.PLENUM, gettext_lazy("plenum (every deputy sits)")),
            (Organ.EXECUTIVE, gettext_lazy("executive committee")),
            (Organ.PRESIDIUM, gettext_lazy("presidium")),
            (Organ.SECTION, gettext_lazy("section")),
            (Organ.COMMISSION, gettext_lazy("commission")),
        ],
    )
    seat_rule = forms.ChoiceField(
        label=gettext_lazy("How its seats are filled"),
        choices=[
            (Organ.ELECTION, gettext_lazy("elected by the council, one by one")),
            (Organ.PROPORTIONAL, gettext_lazy("allotted to the fractions by their strength")),
            (Organ.EX_OFFICIO, gettext_lazy("held by office: the deputies named below")),
        ],
    )
    seats = forms.IntegerField(
        label=gettext_lazy("Seats"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=gettext_lazy("An ex officio organ has one seat for each holder named."),
    )
    method = forms.ChoiceField(
        label=gettext_lazy("Allotment method (fractions)"),
        choices=[("sainte-lague", "Sainte-Laguë"), ("dhondt", "D'Hondt"), ("hamilton", "Hamilton")],
        initial="sainte-lague",
    )
    refused = forms.ChoiceField(
        label=gettext_lazy("A seat a fraction refuses"),
        choices=[
            ("vacant", gettext_lazy("stays vacant")),
            ("redistribute", gettext_lazy("goes to the other fractions")),
        ],
        initial="vacant",
    )

    def __init__(self, *args: Any, holders: list[Mandate] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.holders = holders or []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        named = len(self.holders)
        if data["seat_rule"] == Organ.EX_OFFICIO:
            if not named:
                raise forms.ValidationError(
                    _("Name the holders of an ex officio organ: find each deputy by name.")
                )
            if data["seats"] is None:
                data["seats"] = named
            elif data["seats"] != named:
                raise forms.ValidationError(
                    _(
                        "An ex officio organ has one seat for each holder: %(named)d named, "
                        "%(seats)d seats."
                    )
                    % {"named": named, "seats": data["seats"]}
                )
        elif data["seats"] is None:
            self.add_error("seats", _("How many seats has the organ?"))
        return data


HOLDER_STEPS = ("find", "add", "remove")
"""Buttons of the organ form that only pick the holders by office, writing nothing."""


def _posted_ids(values: list[str]) -> list[int] | None:
    """The mandate ids posted as holders, in order and once each; None if one is no id."""
    ids: list[int] = []
    for value in values:
        try:
            pk = int(value)
        except ValueError:
            return None
        if not 0 < pk < 2**63:
            return None
        if pk not in ids:
            ids.append(pk)
    return ids


def _holders_of(council: Council, ids: list[int]) -> list[Mandate]:
    """The council's current mandates among *ids*, in the order named (others left out)."""
    found = {
        m.pk: m
        for m in Mandate.objects.filter(
            valid_at(timezone.now()), council=council, pk__in=ids
        ).select_related("member", "constituency")
    }
    return [found[pk] for pk in ids if pk in found]


def _organ_of(org: Organisation, organ_id: int) -> Organ:
    found = (
        Organ.objects.select_related("council")
        .filter(pk=organ_id, council__organisation=org)
        .first()
    )
    if found is None:
        raise Http404("no such organ")
    return found


def _house(council: Council) -> int:
    """The council's seats under its apportionment in force (the default size of a plenum)."""
    found = apportionment_at(council, timezone.now())
    if found is None:
        return 1
    return max(1, sum(found.entries.values_list("seats", flat=True)))


def _organs_page(
    request: HttpRequest,
    org: Organisation,
    council: Council,
    *,
    form: OrganForm | None = None,
    holders: list[Mandate] | None = None,
    query: str = "",
    status: int = 200,
) -> HttpResponse:
    listed = list(council.organs.filter(end=None).order_by("name"))
    ruled = set(OrganRules.objects.filter(organ__in=listed).values_list("organ_id", flat=True))
    holders = holders or []
    named = {m.pk for m in holders}
    found = (
        [m for m in find_deputies(council, query, timezone.now()) if m.pk not in named][
            :FOUND_SHOWN
        ]
        if query
        else []
    )
    context = {
        "organisation": org,
        "council": council,
        "organs": [(o, o.pk in ruled) for o in listed],
        "form": form
        or OrganForm(initial={"seats": _house(council), "kind": Organ.PLENUM, "name": _("Plenum")}),
        "holders": holders,
        "holder_query": query,
        "holders_found": found,
    }
    return render(request, "web/setup/organs.html", context, status=status)


@login_required
def organs(request: HttpRequest, organisation_id: int, council_id: int) -> HttpResponse:
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    return _organs_page(request, org, council_of(org, council_id))


@login_required
@require_live_post
def form_organ(request: HttpRequest, organisation_id: int, council_id: int) -> HttpResponse:
    """Form an organ; an elected organ's seats start vacant, a proportional organ's are
    allotted to the fractions at once (and filled on the organ's page), an ex officio organ's
    are held from the start by the deputies named.

    The holders by office are picked on the same form: its Find, Add and Remove buttons post
    the form back to be shown again with the deputies found by name and those named so far
    (so nothing typed is lost, and no roll number is ever typed); they write nothing.
    """
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    council = council_of(org, council_id)
    ids = _posted_ids(request.POST.getlist("holder"))
    step = next((s for s in HOLDER_STEPS if s in request.POST), None)
    if step is not None:
        ids = [pk for pk in ids or [] if step != "remove" or str(pk) != request.POST["remove"]]
        if step == "add":
            ids += _posted_ids([request.POST["add"]]) or []
        initial = {name: request.POST.get(name) for name in OrganForm.base_fields}
        return _organs_page(
            request,
            org,
            council,
            form=OrganForm(initial=initial),
            holders=_holders_of(council, ids),
            query=request.POST.get("q", "").strip()[:QUERY_LIMIT],
        )
    holders = _holders_of(council, ids or [])
    form = OrganForm(request.POST, holders=holders)
    valid = form.is_valid()
    if ids is None or len(holders) != len(ids):
        form.add_error(None, _("Choose the holders by office among the deputies found by name."))
        valid = False
    if not valid:
        return _organs_page(request, org, council, form=form, holders=holders, status=400)
    data = form.cleaned_data
    try:
        organ = actions.form_organ(
            request.user,
            council,
            data["name"],
            kind=data["kind"],
            seat_rule=data["seat_rule"],
            seats=data["seats"],
            method=data["method"],
            refused=data["refused"],
            ex_officio=holders,
        )
    except ActionError as error:
        form.add_error(None, str(error))
        return _organs_page(
            request, org, council, form=form, holders=holders, status=refusal_status(error)
        )
    messages.success(request, _("%(name)s is formed.") % {"name": organ.name})
    return redirect("setup-organ", organisation_id=org.pk, organ_id=organ.pk)


# --- one organ: rules, seats, convening ------------------------------------------------------


RATIO_HELP = gettext_lazy("A share such as 1/2, or a number of members such as 50.")


def _ratio(text: str) -> Ratio:
    try:
        value = Ratio(text.strip())
    except (ValueError, ZeroDivisionError):
        raise forms.ValidationError(_("Write a share such as 1/2, or a whole number.")) from None
    if value < 0:
        raise forms.ValidationError(_("Write a share such as 1/2, or a whole number."))
    return value


class RulesForm(forms.Form):
    notice_hours = forms.FloatField(
        label=gettext_lazy("Notice a sitting needs (hours)"), min_value=0, max_value=24 * 366
    )
    emergency_hours = forms.FloatField(
        label=gettext_lazy("Shortest notice in an emergency (hours; empty: no emergency rule)"),
        min_value=0,
        max_value=24 * 366,
        required=False,
    )
    quorum = forms.CharField(label=gettext_lazy("Quorum"), max_length=21, help_text=RATIO_HELP)
    quorum_more_than = forms.BooleanField(
        label=gettext_lazy("More than the quorum is needed (not just reaching it)"),
        required=False,
    )
    majority = forms.ChoiceField(
        label=gettext_lazy("Majority"),
        choices=[
            ("simple", gettext_lazy("simple")),
            ("absolute", gettext_lazy("absolute")),
            ("qualified", gettext_lazy("qualified")),
        ],
    )
    base = forms.ChoiceField(
        label=gettext_lazy("Counted among"),
        choices=[
            ("votes cast", gettext_lazy("votes cast")),
            ("members present", gettext_lazy("members present")),
            ("members seated", gettext_lazy("members seated")),
        ],
    )
    fraction = forms.CharField(
        label=gettext_lazy("Share needed"),
        max_length=21,
        help_text=gettext_lazy("Such as 1/2 or 2/3."),
    )
    more_than = forms.BooleanField(
        label=gettext_lazy("More than that share (not just reaching it)"), required=False
    )
    casting_vote = forms.BooleanField(
        label=gettext_lazy("The chair has a casting vote"), required=False
    )

    def clean_quorum(self) -> Quorum:
        text = self.cleaned_data["quorum"]
        share = _ratio(text)
        more = bool(self.data.get("quorum_more_than"))
        try:
            if "/" in text:
                return Quorum(share, more_than=more)
            if share.denominator != 1:
                raise forms.ValidationError(_("Write a share such as 1/2, or a whole number."))
            return Quorum(int(share), more_than=more)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_fraction(self) -> Ratio:
        return _ratio(self.cleaned_data["fraction"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data["rule"] = MajorityRule(
                Kind(data["majority"]),
                Base(data["base"]),
                data["fraction"],
                data["more_than"],
                casting_vote=data["casting_vote"],
            )
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return data


def _rules_initial(rules: OrganRules) -> dict[str, Any]:
    quorum = quorum_of(rules)
    majority = majority_rule(rules)
    return {
        "notice_hours": rules.notice_seconds / 3600,
        "emergency_hours": rules.emergency_minimum_seconds / 3600 if rules.emergency else None,
        "quorum": str(quorum.threshold),
        "quorum_more_than": quorum.more_than,
        "majority": majority.kind.value,
        "base": majority.base.value,
        "fraction": str(majority.fraction),
        "more_than": majority.more_than,
        "casting_vote": majority.casting_vote,
    }


class ConveneForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title of the sitting"), max_length=200)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Date and time"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("In the organisation's time zone."),
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=300)
    agenda = forms.CharField(
        label=gettext_lazy("Agenda"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("One item a line."),
        required=False,
    )

    def clean_agenda(self) -> list[str]:
        items = [line.strip() for line in self.cleaned_data["agenda"].splitlines() if line.strip()]
        if len(items) > AGENDA_ITEMS:
            raise forms.ValidationError(
                _("At most %(n)d items; add more at the sitting.") % {"n": AGENDA_ITEMS}
            )
        long = [item for item in items if len(item) > 300]
        if long:
            raise forms.ValidationError(
                _("An item's title is at most 300 characters: %(item)s…") % {"item": long[0][:40]}
            )
        return items


def _organ_page(
    request: HttpRequest,
    org: Organisation,
    organ: Organ,
    *,
    rules_form: RulesForm | None = None,
    convene_form: ConveneForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    rules = rules_of(organ)
    query = query_of(request)
    composition = organ_composition(organ, now)
    vacant = [s for s in composition.seats if s.status != OrganSeat.HELD]
    holders = {s.mandate for s in composition.seats if s.mandate is not None}
    deputies = (
        [m for m in find_deputies(organ.council, query, now) if m.pk not in holders]
        if query
        else []
    )
    sits_with = dict(
        FractionMembership.objects.filter(
            valid_at(now), mandate__in=[m.pk for m in deputies]
        ).values_list("mandate_id", "fraction__name")
    )
    # Each deputy found is offered the first vacant seat they may take: one allotted to their
    # fraction, else one allotted to no fraction.
    found = []
    for mandate in deputies:
        fraction = sits_with.get(mandate.pk)
        fitting = [s for s in vacant if s.fraction == fraction] or [
            s for s in vacant if s.fraction is None
        ]
        if fitting:
            found.append((mandate, fitting[0].number))
    notice = timedelta(seconds=rules.notice_seconds)
    sittings = list(organ.sessions.order_by("-starts_at")[:20])
    context = {
        "organisation": org,
        "council": organ.council,
        "organ": organ,
        "plenum": organ.kind == Organ.PLENUM,
        "rules_saved": rules.pk is not None,
        "quorum": describe_quorum(quorum_of(rules)),
        "majority": majority_rule(rules).describe(),
        "notice_hours": round(notice.total_seconds() / 3600, 2),
        "rules_form": rules_form or RulesForm(initial=_rules_initial(rules)),
        "seats": composition.seats,
        "vacant": [s.number for s in vacant],
        "query": query,
        "found": found,
        "convene_form": convene_form
        or ConveneForm(
            initial={
                "starts_at": timezone.localtime(now + notice + timedelta(days=1)).replace(
                    minute=0, second=0, microsecond=0
                )
            }
        ),
        "sittings": sittings,
        # The sittings whose notice may be sent again (send_session_notice's own test).
        "noticeable": (Session.CONVENED, Session.ADJOURNED),
        "error": error,
    }
    return render(request, "web/setup/organ.html", context, status=status)


@login_required
def organ(request: HttpRequest, organisation_id: int, organ_id: int) -> HttpResponse:
    """An organ: its rules, its seats (filled by a deputy found by name), its sittings."""
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    return _organ_page(request, org, _organ_of(org, organ_id))


@login_required
@require_live_post
def set_rules(request: HttpRequest, organisation_id: int, organ_id: int) -> HttpResponse:
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    chosen = _organ_of(org, organ_id)
    form = RulesForm(request.POST)
    if not form.is_valid():
        return _organ_page(request, org, chosen, rules_form=form, status=400)
    data = form.cleaned_data
    emergency = data.get("emergency_hours")
    try:
        session_actions.set_organ_rules(
            request.user,
            chosen,
            notice=timedelta(hours=data["notice_hours"]),
            emergency=None if emergency is None else timedelta(hours=emergency),
            quorum=data["quorum"],
            majority=data["rule"],
        )
    except ActionError as error:
        form.add_error(None, str(error))
        return _organ_page(request, org, chosen, rules_form=form, status=refusal_status(error))
    messages.success(request, _("The rules of %(name)s are saved.") % {"name": chosen.name})
    return redirect("setup-organ", organisation_id=org.pk, organ_id=chosen.pk)


@login_required
@require_live_post
def seat(
    request: HttpRequest, organisation_id: int, organ_id: int, number: int, step: str
) -> HttpResponse:
    """Fill seat *number* with the deputy posted (``fill``), or leave it vacant (``vacate``)."""
    if step not in ("fill", "vacate"):
        raise Http404("no such step")
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    chosen = _organ_of(org, organ_id)
    try:
        if step == "fill":
            try:
                pk = int(request.POST.get("mandate", ""))
            except ValueError:
                pk = 0
            mandate = (
                Mandate.objects.filter(pk=pk, council=chosen.council)
                .select_related("member")
                .first()
            )
            if mandate is None:
                return _organ_page(
                    request, org, chosen, error=_("Choose a deputy found by name."), status=400
                )
            actions.fill_organ_seat(request.user, chosen, number, mandate)
            done = _("%(name)s takes seat %(number)d.") % {
                "name": mandate.member.name,
                "number": number,
            }
        else:
            actions.vacate_organ_seat(request.user, chosen, number)
            done = _("Seat %(number)d is vacant.") % {"number": number}
    except ActionError as error:
        return _organ_page(request, org, chosen, error=str(error), status=refusal_status(error))
    messages.success(request, done)
    return redirect("setup-organ", organisation_id=org.pk, organ_id=chosen.pk)


@login_required
@require_live_post
def convene(request: HttpRequest, organisation_id: int, organ_id: int) -> HttpResponse:
    """Convene a sitting with its notice: date and time, place and agenda; the convening
    action mails the notice (with its calendar file) to every deputy after the commit."""
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    chosen = _organ_of(org, organ_id)
    form = ConveneForm(request.POST)
    if not form.is_valid():
        return _organ_page(request, org, chosen, convene_form=form, status=400)
    data = form.cleaned_data
    try:
        sitting = session_actions.convene_session(
            request.user,
            chosen,
            data["title"],
            starts_at=data["starts_at"],
            place=data["place"],
            agenda=data["agenda"],
        )
    except ActionError as error:
        form.add_error(None, str(error))
        return _organ_page(request, org, chosen, convene_form=form, status=refusal_status(error))
    messages.success(
        request,
        _("%(title)s is convened; the deputies are sent its notice.") % {"title": sitting.title},
    )
    return redirect("setup-organ", organisation_id=org.pk, organ_id=chosen.pk)


@login_required
@require_live_post
def send_notice(
    request: HttpRequest, organisation_id: int, organ_id: int, session_id: int
) -> HttpResponse:
    """Send a sitting's notice again, to every deputy seated now (its agenda has grown, its
    deputies changed): the action the API's POST /api/sessions/{id}/notice calls."""
    org = secretary_org(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    chosen = _organ_of(org, organ_id)
    sitting = chosen.sessions.filter(pk=session_id).first()
    if sitting is None:
        raise Http404("no such sitting of this organ")
    try:
        session_actions.send_session_notice(request.user, sitting)
    except ActionError as error:
        return _organ_page(request, org, chosen, error=str(error), status=refusal_status(error))
    messages.success(
        request,
        _("The notice of %(title)s is sent again to the deputies seated now.")
        % {"title": sitting.title},
    )
    return redirect("setup-organ", organisation_id=org.pk, organ_id=chosen.pk)
