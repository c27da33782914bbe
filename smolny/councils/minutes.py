"""The minutes of a session, written from the record (Markdown and PDF).

The record is the session's rows: convening and its regularity, attendance, the chair's terms,
walkouts, agenda items with their speakers (by name), motions, votes with their figures, outcome
and the majority rule that decided them (named votes by fraction and name by name), the text
each item adopted (as amended, where an amendment carried), and what a carried
no-confidence motion did to the presidium. :func:`minutes_blocks` reads it once into a list
of blocks (headings, paragraphs, tables); :func:`minutes_markdown` and :func:`minutes_pdf`
render the same blocks, so the two can never say different things.

The PDF is drawn with fpdf2 in DejaVu Sans when the system has it (every character), else in
the PDF core font Helvetica, which holds Latin-1 only: other characters are then replaced by
their nearest Latin-1 spelling (an em dash becomes "-").
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _

from smolny.councils import wording
from smolny.councils.models import (
    AgendaItem,
    Attendance,
    ChairTerm,
    Mandate,
    Member,
    NamedVote,
    OrganSeat,
    PresidiumReformation,
    Session,
    Vote,
    Walkout,
)
from smolny.councils.queries.agenda import docket_of
from smolny.councils.queries.sessions import fraction_names, seated
from smolny.rules.calendar import dual_date

NAMES_UP_TO = 60
"""Attendance lists each name when at most this many are present, else counts by fraction."""


@dataclass(frozen=True)
class Block:
    """One block of the minutes: a heading (level 1-3), a paragraph, or a table."""

    kind: str
    text: str = ""
    level: int = 0
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


def _h(level: int, text: str) -> Block:
    return Block("heading", text, level)


def _p(text: str) -> Block:
    return Block("paragraph", text)


def _t(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> Block:
    return Block("table", header=header, rows=tuple(rows))


def _when(value: object) -> str:
    return "" if value is None else f"{value:%Y-%m-%d %H:%M}"


def minutes_blocks(session: Session) -> list[Block]:
    """The minutes of *session* as blocks, in the order of the sitting."""
    session = Session.objects.select_related("organ__council__organisation").get(pk=session.pk)
    organ = session.organ
    blocks = [
        _h(1, _("Minutes: %(title)s") % {"title": session.title}),
        _p(_("%(organ)s of %(council)s.") % {"organ": organ.name, "council": organ.council.name}),
        _p(
            _("Convened %(convened)s for %(starts)s: %(convening)s.")
            % {
                "convened": _when(session.convened_at),
                "starts": _when(session.starts_at),
                "convening": wording.convening(session.convening),
            }
        ),
    ]
    blocks.append(_p(_calendar_note(session)))
    irregular: list[str] = []
    if session.irregular:
        blocks.append(
            _p(
                _(
                    "IRREGULAR SITTING: convened at short notice under the emergency rule; it "
                    "and every decision it took are marked irregular."
                )
            )
        )
        irregular.append(
            _("The sitting itself: %(convening)s.")
            % {"convening": wording.convening(session.convening)}
        )
    if session.opened_at:
        blocks.append(
            _p(
                _("Opened %(opened)s; %(quorum)s.")
                % {
                    "opened": _when(session.opened_at),
                    "quorum": wording.reason(session.opening_quorum),
                }
            )
        )
    terms = ChairTerm.objects.filter(session=session).select_related("member").order_by("start")
    if terms:
        blocks.append(_h(2, _("Chair")))
        blocks.append(
            _t(
                (_("from"), _("until"), _("chair")),
                [(_when(t.start), _when(t.end), t.member.name) for t in terms],
            )
        )
    blocks += _attendance(session)
    blocks += _walkouts(session)
    for item in session.items.order_by("position"):
        blocks.append(
            _h(
                2,
                _("Item %(position)s: %(title)s")
                % {"position": item.position, "title": item.title},
            )
        )
        spoken = item.speakers.get("spoken", [])
        names = _names(session, [s["speaker"] for s in spoken])
        # Outside the f-string below, so that makemessages finds it (it reads no f-string).
        overran = _(" (overran)")
        if spoken:
            blocks.append(_p(_("Speakers heard:")))
            blocks.append(
                _t(
                    (_("speaker"), _("fraction"), _("kind"), _("seconds")),
                    [
                        (
                            names.get(s["speaker"], s["speaker"]),
                            s.get("fraction") or "",
                            _("point of order") if s["point_of_order"] else _("speech"),
                            f"{s['seconds']}{overran if s.get('overran') else ''}",
                        )
                        for s in spoken
                    ],
                )
            )
        motions = list(item.motions.select_related("mover").order_by("pk"))
        if motions:
            blocks.append(_h(3, _("Motions")))
            blocks.append(
                _t(
                    (_("motion"), _("kind"), _("text"), _("moved by"), _("fate")),
                    [
                        (
                            m.key,
                            _kind(m.kind, m.procedural, m.parent, m.strike),
                            m.text,
                            m.mover.name if m.mover else _("the chair"),
                            wording.word(m.settlement or "pending"),
                        )
                        for m in motions
                    ],
                )
            )
        votes = item.votes.select_related("motion").order_by("opened_at", "pk")
        for n, vote in enumerate(votes, start=1):
            blocks += _vote(n, vote, irregular)
        if motions:
            blocks += _decision(item)
    if session.closed_at:
        blocks.append(_p(_("Closed %(closed)s.") % {"closed": _when(session.closed_at)}))
    blocks.append(_h(2, _("Irregularities")))
    blocks.append(_p("; ".join(irregular) if irregular else _("None recorded.")))
    return blocks


def _calendar_note(session: Session) -> str:
    """Which calendar and clock the minutes' dates and times are in (and, for an organisation
    that keeps both calendars, the sitting's day in Old and New Style)."""
    note = _("Dates are in the Gregorian calendar (New Style); times are UTC.")
    organisation = session.organ.council.organisation
    if organisation.calendar == organisation.DUAL:
        try:
            zone: tzinfo = ZoneInfo(organisation.time_zone)
        except (ValueError, ZoneInfoNotFoundError):
            zone = UTC
        day = session.starts_at.astimezone(zone).date()
        note += " " + _("The sitting's day, Old Style (New Style): %(day)s.") % {
            "day": dual_date(day)
        }
    return note


def _names(session: Session, ids: Sequence[str]) -> dict[str, str]:
    """Members' names by roll number (the speakers' list keeps roll numbers)."""
    return dict(
        Member.objects.filter(
            organisation_id=session.organ.council.organisation_id, external_id__in=set(ids)
        ).values_list("external_id", "name")
    )


def _decision(item: AgendaItem) -> list[Block]:
    """What the item decided: the text adopted, as amended where an amendment carried."""
    docket = docket_of(item)
    if docket.adopted is None:
        return [
            _p(
                _("Decision: nothing adopted (the item is %(state)s).")
                % {"state": wording.word(docket.state.value)}
            )
        ]
    original = item.motions.get(key=docket.adopted).text
    amended = docket.adopted_text != original
    if amended:
        return [
            _h(3, _("Adopted text (as amended)")),
            _p(
                _("Motion %(key)s, as amended: %(text)s")
                % {"key": docket.adopted, "text": docket.adopted_text}
            ),
        ]
    return [
        _h(3, _("Adopted text")),
        _p(_("Motion %(key)s: %(text)s") % {"key": docket.adopted, "text": docket.adopted_text}),
    ]


def _kind(kind: str, procedural: str, parent: str, strike: str) -> str:
    if kind == "procedural":
        return _("procedural: %(which)s") % {"which": procedural}
    if kind == "amendment":
        said = _("amendment to %(parent)s") % {"parent": parent}
        if strike:
            said += _(", striking %(words)s") % {"words": repr(strike)}
        return said
    if kind == "counter":
        return _("counter-motion to %(parent)s") % {"parent": parent}
    return wording.word(kind)


def _attendance(session: Session) -> list[Block]:
    rows = list(Attendance.objects.filter(session=session).select_related("member"))
    if not rows:
        return [_h(2, _("Attendance")), _p(_("Nobody checked in."))]
    at = session.opened_at or session.starts_at
    voting = seated(session.organ, at)
    people = {r.member_id: r.member for r in rows}
    deputies = [voting[i] for i in people if i in voting]
    observers = sorted(m.name for i, m in people.items() if i not in voting)
    fractions = fraction_names(deputies, at)
    by_fraction = Counter(fractions.get(m.pk, _("no fraction")) for m in deputies)
    blocks = [
        _h(2, _("Attendance")),
        _p(
            _(
                "%(present)s of %(seated)s deputies with a vote in %(organ)s checked in, and "
                "%(observers)s observer(s)."
            )
            % {
                "present": len(deputies),
                "seated": len(voting),
                "organ": session.organ.name,
                "observers": len(observers),
            }
        ),
        _t(
            (_("fraction"), _("deputies present")),
            sorted(((f, str(n)) for f, n in by_fraction.items()), key=lambda r: (-int(r[1]), r[0])),
        ),
    ]
    if len(deputies) <= NAMES_UP_TO:
        names = ", ".join(sorted(m.member.name for m in deputies))
        blocks.append(_p(_("Deputies: %(names)s.") % {"names": names}))
    if observers:
        blocks.append(_p(_("Observers (no vote): %(names)s.") % {"names": ", ".join(observers)}))
    return blocks


def _walkouts(session: Session) -> list[Block]:
    walkouts = list(Walkout.objects.filter(session=session).select_related("fraction"))
    if not walkouts:
        return []
    rows = [
        (
            _when(w.at),
            w.fraction.name if w.fraction else _("named deputies"),
            str(w.members),
            w.statement,
        )
        for w in walkouts
    ]
    return [
        _h(2, _("Walkouts")),
        _t((_("when"), _("who"), _("members"), _("statement")), rows),
    ]


def _vote(n: int, vote: Vote, irregular: list[str]) -> list[Block]:
    key = vote.motion.key if vote.motion else vote.call
    blocks = [
        _h(3, _("Vote %(n)s: %(key)s") % {"n": n, "key": key}),
        _p(
            _("Question: %(question)s Text put: %(text)s")
            % {"question": wording.question(vote.question), "text": vote.text or _("(none)")}
        ),
        _p(
            _("Method: %(method)s; opened %(opened)s.")
            % {"method": wording.word(vote.method), "opened": _when(vote.opened_at)}
        ),
    ]
    if vote.tellers:
        names = _names(vote.item.session, vote.tellers)
        tellers = ", ".join(names.get(t, t) for t in vote.tellers)
        blocks.append(_p(_("Tellers: %(names)s.") % {"names": tellers}))
    if vote.status == Vote.OPEN:
        blocks.append(_p(_("The vote is still open.")))
        return blocks
    if vote.options:
        return blocks + _preferential(vote)
    blocks.append(
        _t(
            (_("for"), _("against"), _("abstain"), _("present"), _("seated"), _("outcome")),
            [
                (
                    str(vote.for_votes),
                    str(vote.against),
                    str(vote.abstain),
                    str(vote.present),
                    str(vote.seated),
                    wording.word(vote.outcome).upper(),
                )
            ],
        )
    )
    said = wording.reason(vote.reason)
    blocks.append(
        _p(
            _("Rule: %(rule)s. %(reason)s.")
            % {"rule": wording.rule(vote.rule), "reason": said[:1].upper() + said[1:]}
        )
    )
    if vote.outcome == "inquorate":
        blocks.append(_p(_("INQUORATE: this vote decided nothing; the question stands.")))
    if vote.irregular:
        irregular.append(_("vote on %(key)s (taken at an irregular sitting)") % {"key": key})
    if vote.method == Vote.ROLL_CALL:
        table: dict[str, Counter[str]] = defaultdict(Counter)
        for fraction, choice in NamedVote.objects.filter(vote=vote).values_list(
            "fraction", "choice"
        ):
            table[fraction or _("no fraction")][choice] += 1
        blocks.append(_p(_("Named vote by fraction:")))
        blocks.append(
            _t(
                (_("fraction"), _("for"), _("against"), _("abstain")),
                [
                    (f, str(c["for"]), str(c["against"]), str(c["abstain"]))
                    for f, c in sorted(table.items(), key=lambda fc: -sum(fc[1].values()))
                ],
            )
        )
    if vote.method == Vote.ROLL_CALL:
        named = sorted(
            NamedVote.objects.filter(vote=vote).values_list(
                "mandate__member__name", "fraction", "choice"
            ),
            key=lambda row: (row[0] or "").casefold(),
        )
        blocks.append(_p(_("Named vote, name by name:")))
        blocks.append(
            _t(
                (_("name"), _("fraction"), _("answer")),
                [
                    (name or "", fraction or _("no fraction"), wording.word(choice))
                    for name, fraction, choice in named
                ],
            )
        )
    if vote.method == Vote.CARD:
        blocks += _card(vote)
    if vote.method == Vote.SECRET:
        blocks.append(_p(_("Secret ballot: the minutes record who voted, never how.")))
    reformation = PresidiumReformation.objects.filter(vote=vote).first()
    if reformation is not None:
        blocks += _reformation(reformation)
    return blocks


def _card(vote: Vote) -> list[Block]:
    """A card vote: the figures by weight beside those by head, each card name by name with
    its weight, and the proxies used (who cast the card for whom)."""
    from smolny.councils.actions.card import figures_of
    from smolny.councils.models import CardBallot

    shown = figures_of(vote).get("shown", {})
    blocks = [
        _p(_("Card vote, by weight and by head:")),
        _t(
            ("", _("for"), _("against"), _("abstain")),
            [
                (
                    _("by weight"),
                    shown.get("for", ""),
                    shown.get("against", ""),
                    shown.get("abstain", ""),
                ),
                (_("by head"), str(vote.for_votes), str(vote.against), str(vote.abstain)),
            ],
        ),
    ]
    from fractions import Fraction

    from smolny.rules.card import show

    rows = sorted(
        CardBallot.objects.filter(vote=vote).values_list(
            "mandate__member__name", "fraction", "weight", "choice", "proxy__name"
        ),
        key=lambda row: (row[0] or "").casefold(),
    )
    blocks.append(_p(_("Cards, name by name (a proxy's holder named where one cast it):")))
    blocks.append(
        _t(
            (_("name"), _("fraction"), _("weight"), _("answer"), _("cast by (proxy holder)")),
            [
                (
                    name or "",
                    fraction or _("no fraction"),
                    show(Fraction(weight)),
                    wording.word(choice),
                    holder or "",
                )
                for name, fraction, weight, choice, holder in rows
            ],
        )
    )
    return blocks


def _preferential(vote: Vote) -> list[Block]:
    """A preferential vote: the options, first preferences, the winner and any lot."""
    from smolny.councils.models import SecretBallot

    if vote.method == Vote.SECRET:
        rankings = SecretBallot.objects.filter(vote=vote, choice="ranked")
    else:
        rankings = NamedVote.objects.filter(vote=vote)  # type: ignore[assignment]
    first = Counter(r[0] for r in rankings.values_list("ranking", flat=True) if r)
    blocks = [
        _p(_("Options: %(options)s.") % {"options": ", ".join(vote.options)}),
        _t(
            (_("option"), _("first preferences")),
            [(o, str(first.get(o, 0))) for o in vote.options],
        ),
        _p(
            _(
                "Ballots %(ballots)s; present %(present)s of %(seated)s seated. Rule: %(rule)s. "
                "Outcome: %(outcome)s. %(reason)s."
            )
            % {
                "ballots": vote.for_votes,
                "present": vote.present,
                "seated": vote.seated,
                "rule": wording.rule(vote.rule),
                "outcome": wording.word(vote.outcome).upper(),
                "reason": wording.reason(vote.reason),
            }
        ),
    ]
    if vote.outcome == "inquorate":
        blocks.append(_p(_("INQUORATE: this vote decided nothing; the question stands.")))
    blocks += [_p(said) for said in wording.lot_sentences(vote.ties or [])]
    return blocks


def _reformation(reformation: PresidiumReformation) -> list[Block]:
    old = reformation.old_organ
    ended = OrganSeat.objects.filter(organ=old, end=reformation.opened_at, holder__isnull=False)
    names = sorted(
        Mandate.objects.filter(pk__in=ended.values("holder_id")).values_list(
            "member__name", flat=True
        )
    )
    held = _(" (held by %(names)s)") % {"names": ", ".join(names)} if names else ""
    blocks = [
        _p(
            _(
                "No confidence carried: the %(organ)s (%(seats)s seats) resigned; its seats "
                "ended %(ended)s%(held)s; its re-formation opened."
            )
            % {
                "organ": old.name,
                "seats": old.seats,
                "ended": _when(reformation.opened_at),
                "held": held,
            }
        )
    ]
    new = reformation.new_organ
    if new is None:
        blocks.append(_p(_("The presidium has not yet been re-formed.")))
        return blocks
    taken = new.allotment.get("taken", {})
    strength = new.allotment.get("strength", {})
    blocks.append(
        _p(
            _(
                "Re-formed %(when)s as %(organ)s: %(seats)s seats allotted proportionally "
                "(%(method)s) from the fractions' strengths."
            )
            % {
                "when": _when(reformation.completed_at),
                "organ": new.name,
                "seats": new.seats,
                "method": new.method,
            }
        )
    )
    blocks.append(
        _t(
            (_("fraction"), _("strength"), _("seats")),
            [(f, str(strength.get(f, "")), str(n)) for f, n in taken.items()],
        )
    )
    blocks += [_p(said) for said in wording.lot_sentences(new.allotment.get("ties", []))]
    return blocks


# --- rendering ---------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def minutes_markdown(session: Session) -> str:
    """The minutes as Markdown."""
    out: list[str] = []
    for b in minutes_blocks(session):
        if b.kind == "heading":
            out.append(f"{'#' * b.level} {b.text}\n")
        elif b.kind == "paragraph":
            out.append(f"{b.text}\n")
        else:
            out.append("| " + " | ".join(b.header) + " |")
            out.append("|" + "---|" * len(b.header))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            out.append("")
    return "\n".join(out)


FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _latin1(text: str) -> str:
    text = text.replace("\u2014", "-").replace("\u2013", "-").replace("\u2019", "'")
    text = unicodedata.normalize("NFKD", text)
    return text.encode("latin-1", "replace").decode("latin-1")


def minutes_pdf(session: Session) -> bytes:
    """The minutes as a PDF document (real text and tables)."""
    return blocks_pdf(minutes_blocks(session), _("Minutes: %(title)s") % {"title": session.title})


def motion_blocks(item: AgendaItem) -> list[Block]:
    """One item's motion as a document: the text moved, its amendments (what each strikes
    and inserts, who moved it, its fate), the other motions, the votes taken, and the text
    adopted (as amended where an amendment carried)."""
    item = AgendaItem.objects.select_related("session__organ__council").get(pk=item.pk)
    session = item.session
    motions = list(item.motions.select_related("mover").order_by("pk"))
    main = next((m for m in motions if m.kind == "main"), None)
    blocks = [
        _h(1, _("Item %(position)s: %(title)s") % {"position": item.position, "title": item.title}),
        _p(
            _("%(organ)s of %(council)s, sitting '%(title)s' of %(starts)s.")
            % {
                "organ": session.organ.name,
                "council": session.organ.council.name,
                "title": session.title,
                "starts": _when(session.starts_at),
            }
            + " "
            + _calendar_note(session)
        ),
    ]
    if main is None:
        return [*blocks, _p(_("No main motion was moved on this item."))]
    mover = main.mover.name if main.mover else _("the chair")
    blocks += [
        _h(2, _("Motion %(key)s, moved by %(mover)s") % {"key": main.key, "mover": mover}),
        _p(main.text),
    ]
    amendments = [m for m in motions if m.kind == "amendment"]
    if amendments:
        blocks.append(_h(2, _("Amendments")))
        blocks.append(
            _t(
                (_("amendment"), _("amends"), _("strikes"), _("inserts"), _("moved by"), _("fate")),
                [
                    (
                        m.key,
                        m.parent,
                        m.strike,
                        m.text,
                        m.mover.name if m.mover else _("the chair"),
                        wording.word(m.settlement or "pending"),
                    )
                    for m in amendments
                ],
            )
        )
    others = [m for m in motions if m.kind in ("counter", "procedural")]
    if others:
        blocks.append(_h(2, _("Other motions")))
        blocks.append(
            _t(
                (_("motion"), _("kind"), _("text"), _("fate")),
                [
                    (
                        m.key,
                        _kind(m.kind, m.procedural, m.parent, m.strike),
                        m.text,
                        wording.word(m.settlement or "pending"),
                    )
                    for m in others
                ],
            )
        )
    votes = list(item.votes.select_related("motion").order_by("opened_at", "pk"))
    if votes:
        blocks.append(_h(2, _("Votes")))
        blocks.append(
            _t(
                (_("question"), _("method"), _("for"), _("against"), _("abstain"), _("outcome")),
                [
                    (
                        wording.question(v.question),
                        wording.word(v.method),
                        "" if v.for_votes is None else str(v.for_votes),
                        "" if v.against is None else str(v.against),
                        "" if v.abstain is None else str(v.abstain),
                        wording.word(v.outcome or "open"),
                    )
                    for v in votes
                ],
            )
        )
    return blocks + _decision(item)


def blocks_pdf(blocks: Sequence[Block], title: str) -> bytes:
    """Blocks as a PDF document (the minutes, a motion)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    clean: Callable[[str], str] = _latin1
    family = "helvetica"
    if regular.exists() and bold.exists():
        pdf.add_font("body", "", str(regular))
        pdf.add_font("body", "B", str(bold))
        family, clean = "body", str
    pdf.set_title(clean(title))
    pdf.add_page()
    width = pdf.epw
    for b in blocks:
        if b.kind == "heading":
            pdf.set_font(family, "B", {1: 16, 2: 13}.get(b.level, 11))
            pdf.ln(2)
            pdf.multi_cell(width, 7, clean(b.text), new_x="LMARGIN", new_y="NEXT")
        elif b.kind == "paragraph":
            pdf.set_font(family, "", 10)
            pdf.multi_cell(width, 5, clean(b.text), new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font(family, "", 9)
            with pdf.table(text_align="LEFT", first_row_as_headings=True) as table:
                row = table.row()
                for cell in b.header:
                    row.cell(clean(cell))
                for values in b.rows:
                    row = table.row()
                    for cell in values:
                        row.cell(clean(cell))
            pdf.ln(1)
    return bytes(pdf.output())
