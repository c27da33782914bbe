"""A secretary's setup pages: councils, their representation rule, constituencies, and the
roll by CSV upload.

Each form calls the action the API calls (:mod:`smolny.councils.actions`), so there is one
write path; a refused action comes back as the page with the action's reason and a 4xx
status, an accepted one redirects (post/redirect/get). The rule's preview and the roll's
preview only read: the preview of a rule runs :mod:`smolny.rules.apportion` on the rolls as
they stand; the preview of a roll runs the import's own check
(:func:`~smolny.councils.actions.roll.check_roll`).

An uploaded roll is streamed to a file on disk by Django's upload handlers (above
``FILE_UPLOAD_MAX_MEMORY_SIZE``) and copied to a private temporary file that the confirm step
reads line by line, so the size of a roll is bounded by :data:`ROLL_MAX_BYTES`, not by memory
nor by ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (which does not count files).
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smolny.councils import actions
from smolny.councils.actions import ActionError, RollImportError
from smolny.councils.actions.organisation import METHODS, ROUNDINGS
from smolny.councils.actions.roll import RollError, check_roll
from smolny.councils.models import Council, Organisation, RepresentationRule
from smolny.councils.models.dated import valid_at
from smolny.councils.queries import constituency_rows, roll_counts
from smolny.rules.apportion import Apportionment, apportion, ratio_rule
from smolny.web.access import is_secretary, organisation_or_404
from smolny.web.views.server_time import require_live_post
from smolny.web.views.setup_common import council_of, council_steps, refusal_status

ROLL_MAX_BYTES = 256 * 1024 * 1024
"""The largest roll file accepted: 200,000 members are about 8 MB, so this is generous."""
ERRORS_SHOWN = 1000
UPLOADS_KEY = "smolny_roll_uploads"


UPLOAD_AGE = 24 * 3600
"""Seconds a previewed upload waits for its confirmation before a later preview sweeps it."""


def _upload_dir() -> Path:
    path = Path(tempfile.gettempdir()) / "smolny-roll-uploads"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _sweep(directory: Path) -> None:
    """Remove the uploads previewed and never confirmed (older than :data:`UPLOAD_AGE`)."""
    oldest = time.time() - UPLOAD_AGE
    for kept in directory.glob("*.csv"):
        try:
            if kept.stat().st_mtime < oldest:
                kept.unlink()
        except FileNotFoundError:  # another worker swept it first
            pass


def _secretary(request: HttpRequest, organisation_id: int) -> Organisation | HttpResponse:
    """The organisation, or the page saying only its secretaries may come here (403)."""
    org = organisation_or_404(organisation_id)
    if not is_secretary(request.user, org):
        return render(request, "accounts/secretaries_only.html", {"organisation": org}, status=403)
    return org


# --- councils ---------------------------------------------------------------------------------


class CouncilForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[("council", gettext_lazy("Council")), ("congress", gettext_lazy("Congress"))],
    )


class ConstituencyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Constituency name"), max_length=200)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of rule"),
        choices=[
            ("ratio", gettext_lazy("One deputy per so many members")),
            ("house", gettext_lazy("A house of a fixed number of seats")),
        ],
    )
    per = forms.IntegerField(label=gettext_lazy("Members per deputy"), min_value=1, required=False)
    minimum = forms.IntegerField(
        label=gettext_lazy("At least this many deputies per constituency"),
        min_value=0,
        initial=1,
        required=False,
    )
    rounding = forms.ChoiceField(
        label=gettext_lazy("A part of the ratio earns"),
        choices=[
            ("floor", gettext_lazy("nothing (round down)")),
            ("nearest", gettext_lazy("a deputy from one half on")),
            ("ceil", gettext_lazy("a whole deputy (round up)")),
        ],
        required=False,
    )
    house_size = forms.IntegerField(label=gettext_lazy("Seats"), min_value=1, required=False)
    method = forms.ChoiceField(
        label=gettext_lazy("Apportionment method"),
        choices=[(m, m) for m in METHODS],
        required=False,
    )
    min_seats = forms.IntegerField(
        label=gettext_lazy("Minimum seats per constituency"),
        min_value=0,
        initial=0,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "ratio" and not data.get("per"):
            self.add_error("per", _("Give the number of members per deputy."))
        if data.get("kind") == "house":
            if not data.get("house_size"):
                self.add_error("house_size", _("Give the number of seats."))
            if not data.get("method"):
                self.add_error("method", _("Choose a method."))
        if data.get("rounding") not in ROUNDINGS:
            data["rounding"] = "floor"
        return data

    def rule(self) -> dict[str, Any]:
        """The action's keyword arguments."""
        data = self.cleaned_data
        if data["kind"] == "ratio":
            return {
                "per": data["per"],
                "minimum": data.get("minimum") or 0,
                "rounding": data["rounding"],
            }
        return {
            "house_size": data["house_size"],
            "method": data["method"],
            "min_seats": data.get("min_seats") or 0,
        }


@login_required
def councils(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The organisation's councils, and a form to create one."""
    org = _secretary(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    return _councils_page(request, org, CouncilForm())


def _councils_page(
    request: HttpRequest, org: Organisation, form: CouncilForm, status: int = 200
) -> HttpResponse:
    listed = Council.objects.filter(organisation=org).order_by("name")
    now = timezone.now()
    steps = [(c, council_steps(c, now)) for c in listed]
    return render(
        request,
        "web/setup/councils.html",
        {"organisation": org, "councils": listed, "steps": steps, "form": form},
        status=status,
    )


@login_required
@require_live_post
def create_council(request: HttpRequest, organisation_id: int) -> HttpResponse:
    org = _secretary(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    form = CouncilForm(request.POST)
    if not form.is_valid():
        return _councils_page(request, org, form, status=400)
    try:
        council = actions.create_council(
            request.user, org, form.cleaned_data["name"], kind=form.cleaned_data["kind"]
        )
    except ActionError as error:
        form.add_error(None, str(error))
        return _councils_page(request, org, form, status=refusal_status(error))
    messages.success(request, _("The council %(name)s is created.") % {"name": council.name})
    return redirect("setup-council", organisation_id=org.pk, council_id=council.pk)


# --- one council: rule, preview, constituencies -------------------------------------------------


def _preview(council: Council, form: RuleForm) -> dict[str, Any] | None:
    """Seats per constituency under the rule of *form*, on the rolls as they stand now."""
    if not form.is_valid():
        return None
    now = timezone.now()
    rows = constituency_rows(council, now)
    if not rows:
        return {"rows": [], "error": _("The council has no constituencies yet.")}
    counts = roll_counts(council, now, only=rows)
    populations = [counts[c.pk] for c in rows]
    rule = form.rule()
    try:
        result: Apportionment
        if "per" in rule:
            result = ratio_rule(populations, rule["per"], rule["minimum"], rule["rounding"])
        else:
            result = apportion(
                populations,
                rule["house_size"],
                rule["method"],
                min_seats=rule["min_seats"],
                labels=[c.name for c in rows],
            )
    except ValueError as error:
        return {"rows": [], "error": str(error)}
    lines = []
    for row, population, seats in zip(rows, populations, result.seats, strict=True):
        per_deputy = round(population / seats, 1) if seats else None
        lines.append({"name": row.name, "members": population, "seats": seats, "per": per_deputy})
    ratios = [line["per"] for line in lines if line["per"]]
    spread = round(max(ratios) / min(ratios), 2) if ratios and min(ratios) > 0 else None
    return {
        "rows": lines,
        "house": result.house_size,
        "allocated": result.allocated,
        "members": sum(populations),
        "spread": spread,
        "unresolved": result.unresolved,
        "error": "",
    }


def _council_page(
    request: HttpRequest,
    org: Organisation,
    council: Council,
    *,
    rule_form: RuleForm | None = None,
    constituency_form: ConstituencyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    current = RepresentationRule.objects.filter(valid_at(now), council=council).first()
    if rule_form is None:
        if current is not None:
            initial = {
                "kind": "ratio" if current.kind == RepresentationRule.RATIO else "house",
                "per": current.per,
                "minimum": current.minimum,
                "rounding": current.rounding,
                "house_size": current.house_size,
                "method": current.method or "hamilton",
                "min_seats": current.min_seats,
            }
        else:
            initial = {"kind": "ratio", "minimum": 1, "min_seats": 0, "method": "hamilton"}
        rule_form = RuleForm(initial=initial)
        preview = _preview(council, RuleForm(initial)) if current is not None else None
    else:
        preview = _preview(council, rule_form)
    rows = constituency_rows(council, now)
    counts = roll_counts(council, now, only=rows) if rows else {}
    return render(
        request,
        "web/setup/council.html",
        {
            "organisation": org,
            "council": council,
            "rule": current,
            "rule_form": rule_form,
            "preview": preview,
            "constituencies": [(row, counts.get(row.pk, 0)) for row in rows],
            "constituency_form": constituency_form or ConstituencyForm(),
        },
        status=status,
    )


@login_required
def council(request: HttpRequest, organisation_id: int, council_id: int) -> HttpResponse:
    """A council's constituencies and its rule, with the preview of the rule in force."""
    org = _secretary(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    return _council_page(request, org, council_of(org, council_id))


@login_required
@require_live_post
def set_rule(request: HttpRequest, organisation_id: int, council_id: int) -> HttpResponse:
    """Save the rule of the form; or, with ``preview`` in the form, show what it would give
    and write nothing (the page's live preview posts so, and takes the fragment alone). The
    preview is posted, not asked for in a query, so that the form's CSRF token never goes
    into a URL."""
    org = _secretary(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    chosen = council_of(org, council_id)
    form = RuleForm(request.POST)
    if request.POST.get("preview"):
        if request.headers.get("HX-Request"):
            context = {"preview": _preview(chosen, form), "rule_form": form}
            return render(request, "web/setup/_preview.html", context)
        return _council_page(request, org, chosen, rule_form=form)
    if not form.is_valid():
        return _council_page(request, org, chosen, rule_form=form, status=400)
    try:
        actions.set_representation_rule(request.user, chosen, **form.rule())
    except ActionError as error:
        form.add_error(None, str(error))
        return _council_page(request, org, chosen, rule_form=form, status=refusal_status(error))
    messages.success(request, _("The representation rule is saved."))
    return redirect("setup-council", organisation_id=org.pk, council_id=chosen.pk)


@login_required
@require_live_post
def apportion_seats(request: HttpRequest, organisation_id: int, council_id: int) -> HttpResponse:
    """Apportion the council's seats under its rule, on the rolls as they stand: the seats
    each constituency elects from now on."""
    org = _secretary(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    chosen = council_of(org, council_id)
    try:
        result = actions.apportion_council(request.user, chosen)
    except ActionError as error:
        messages.error(request, str(error))
        return _council_page(request, org, chosen, status=refusal_status(error))
    messages.success(
        request,
        _("The seats are apportioned: %(seats)s deputies.") % {"seats": result.house_size},
    )
    return redirect("setup-council", organisation_id=org.pk, council_id=chosen.pk)


@login_required
@require_live_post
def create_constituency(
    request: HttpRequest, organisation_id: int, council_id: int
) -> HttpResponse:
    org = _secretary(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    chosen = council_of(org, council_id)
    form = ConstituencyForm(request.POST)
    if not form.is_valid():
        return _council_page(request, org, chosen, constituency_form=form, status=400)
    try:
        made = actions.create_constituency(request.user, chosen, form.cleaned_data["name"])
    except ActionError as error:
        form.add_error(None, str(error))
        return _council_page(
            request, org, chosen, constituency_form=form, status=refusal_status(error)
        )
    messages.success(request, _("The constituency %(name)s is created.") % {"name": made.name})
    return redirect("setup-council", organisation_id=org.pk, council_id=chosen.pk)


# --- the roll by upload -------------------------------------------------------------------------


class RollUploadForm(forms.Form):
    roll = forms.FileField(
        label=gettext_lazy("Roll (CSV)"),
        help_text=gettext_lazy(
            "A header line with the columns member_id, name and constituency, then one member "
            "a line, UTF-8."
        ),
    )


def _lines(path: Path) -> Iterator[str]:
    """The file's lines as the csv module wants them (no newline translation)."""
    with open(path, encoding="utf-8", newline="") as text:
        yield from text


def _roll_page(
    request: HttpRequest, org: Organisation, council: Council, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {
        "organisation": org,
        "council": council,
        "form": extra.pop("form", None) or RollUploadForm(),
        "max_mb": ROLL_MAX_BYTES // (1024 * 1024),
    }
    context.update(extra)
    return render(request, "web/setup/roll.html", context, status=status)


@login_required
def roll(request: HttpRequest, organisation_id: int, council_id: int) -> HttpResponse:
    """The upload form of a council's roll."""
    org = _secretary(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    return _roll_page(request, org, council_of(org, council_id))


def _errors(errors: list[RollError]) -> dict[str, Any]:
    return {"errors": errors[:ERRORS_SHOWN], "more_errors": max(0, len(errors) - ERRORS_SHOWN)}


@login_required
@require_live_post
def preview_roll(request: HttpRequest, organisation_id: int, council_id: int) -> HttpResponse:
    """Check an uploaded roll and show what importing it would do; write nothing."""
    org = _secretary(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    chosen = council_of(org, council_id)
    form = RollUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _roll_page(request, org, chosen, status=400, form=form)
    upload = form.cleaned_data["roll"]
    if upload.size > ROLL_MAX_BYTES:
        form.add_error(
            "roll", _("The file is larger than %(mb)s MB.") % {"mb": ROLL_MAX_BYTES >> 20}
        )
        return _roll_page(request, org, chosen, status=413, form=form)
    directory = _upload_dir()
    _sweep(directory)
    token = secrets.token_urlsafe(18)
    kept = directory / f"{token}.csv"
    with os.fdopen(os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        check = check_roll(chosen, _lines(kept))
    except UnicodeDecodeError as error:
        kept.unlink(missing_ok=True)
        bad = [RollError(1, "file", f"not UTF-8 text (byte {error.start})")]
        return _roll_page(request, org, chosen, status=400, name=upload.name, **_errors(bad))
    if check.errors:
        kept.unlink(missing_ok=True)
        return _roll_page(
            request, org, chosen, status=400, name=upload.name, **_errors(check.errors)
        )
    uploads = request.session.get(UPLOADS_KEY, {})
    uploads[token] = {"council": chosen.pk, "name": str(upload.name)[:200]}
    request.session[UPLOADS_KEY] = uploads
    now = timezone.now()
    rows = constituency_rows(chosen, now)
    counts = roll_counts(chosen, now, only=rows)
    per = [
        {"name": r.name, "now": counts.get(r.pk, 0), "new": check.per_constituency.get(r.pk, 0)}
        for r in rows
        if check.per_constituency.get(r.pk) or counts.get(r.pk)
    ]
    return _roll_page(
        request,
        org,
        chosen,
        name=upload.name,
        token=token,
        rows=check.rows,
        per=per,
        constituencies=len(check.per_constituency),
        existing=sum(counts.values()),
        digest=check.digest,
    )


@login_required
@require_live_post
def import_roll(request: HttpRequest, organisation_id: int, council_id: int) -> HttpResponseBase:
    """Import a previewed roll: the import action checks every line again, all or nothing."""
    org = _secretary(request, organisation_id)
    if isinstance(org, HttpResponse):
        return org
    chosen = council_of(org, council_id)
    token = request.POST.get("token", "")
    uploads = request.session.get(UPLOADS_KEY, {})
    entry = uploads.get(token)
    kept = _upload_dir() / f"{token}.csv"
    if entry is None or entry.get("council") != chosen.pk or not kept.is_file():
        messages.error(request, _("That upload is no longer here: upload the file again."))
        return _roll_page(request, org, chosen, status=410)
    try:
        result = actions.import_roll(request.user, chosen, _lines(kept), source=entry["name"])
    except RollImportError as error:
        return _roll_page(
            request, org, chosen, status=409, name=entry["name"], **_errors(error.errors)
        )
    except ActionError as error:
        messages.error(request, str(error))
        return _roll_page(request, org, chosen, status=refusal_status(error))
    finally:
        kept.unlink(missing_ok=True)
        uploads.pop(token, None)
        request.session[UPLOADS_KEY] = uploads
    messages.success(
        request,
        _("%(members)s members are on the rolls of %(constituencies)s constituencies.")
        % {"members": result.members, "constituencies": result.constituencies},
    )
    return redirect("setup-council", organisation_id=org.pk, council_id=chosen.pk)
