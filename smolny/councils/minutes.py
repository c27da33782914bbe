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
        _h(1, f"Minutes: {session.title}"),
        _p(f"{organ.name} of {organ.council.name}."),
        _p(
            f"Convened {_when(session.convened_at)} for {_when(session.starts_at)}: "
            f"{session.convening}."
        ),
    ]
    blocks.append(_p(_calendar_note(session)))
    irregular: list[str] = []
    if session.irregular:
        blocks.append(
            _p(
                "IRREGULAR SITTING: convened at short notice under the emergency rule; it and "
                "every decision it took are marked irregular."
            )
        )
        irregular.append(f"The sitting itself: {session.convening}.")
    if session.opened_at:
        blocks.append(_p(f"Opened {_when(session.opened_at)}; {session.opening_quorum}."))
    terms = ChairTerm.objects.filter(session=session).select_related("member").order_by("start")
    if terms:
        blocks.append(_h(2, "Chair"))
        blocks.append(
            _t(
                ("from", "until", "chair"),
                [(_when(t.start), _when(t.end), t.member.name) for t in terms],
            )
        )
    blocks += _attendance(session)
    blocks += _walkouts(session)
    for item in session.items.order_by("position"):
        blocks.append(_h(2, f"Item {item.position}: {item.title}"))
        spoken = item.speakers.get("spoken", [])
        names = _names(session, [s["speaker"] for s in spoken])
        if spoken:
            blocks.append(_p("Speakers heard:"))
            blocks.append(
                _t(
                    ("speaker", "fraction", "kind", "seconds"),
                    [
                        (
                            names.get(s["speaker"], s["speaker"]),
                            s.get("fraction") or "",
                            "point of order" if s["point_of_order"] else "speech",
                            f"{s['seconds']}{' (overran)' if s.get('overran') else ''}",
                        )
                        for s in spoken
                    ],
                )
            )
        motions = list(item.motions.select_related("mover").order_by("pk"))
        if motions:
            blocks.append(_h(3, "Motions"))
            blocks.append(
                _t(
                    ("motion", "kind", "text", "moved by", "fate"),
                    [
                        (
                            m.key,
                            _kind(m.kind, m.procedural, m.parent, m.strike),
                            m.text,
                            m.mover.name if m.mover else "the chair",
                            m.settlement or "pending",
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
        blocks.append(_p(f"Closed {_when(session.closed_at)}."))
    blocks.append(_h(2, "Irregularities"))
    blocks.append(_p("; ".join(irregular) if irregular else "None recorded."))
    return blocks


def _calendar_note(session: Session) -> str:
    """Which calendar and clock the minutes' dates and times are in (and, for an organisation
    that keeps both calendars, the sitting's day in Old and New Style)."""
    note = "Dates are in the Gregorian calendar (New Style); times are UTC."
    organisation = session.organ.council.organisation
    if organisation.calendar == organisation.DUAL:
        try:
            zone: tzinfo = ZoneInfo(organisation.time_zone)
        except (ValueError, ZoneInfoNotFoundError):
            zone = UTC
        day = session.starts_at.astimezone(zone).date()
        note += f" The sitting's day, Old Style (New Style): {dual_date(day)}."
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
        return [_p(f"Decision: nothing adopted (the item is {docket.state.value}).")]
    original = item.motions.get(key=docket.adopted).text
    amended = docket.adopted_text != original
    return [
        _h(3, "Adopted text" + (" (as amended)" if amended else "")),
        _p(f"Motion {docket.adopted}{', as amended' if amended else ''}: {docket.adopted_text}"),
    ]


def _kind(kind: str, procedural: str, parent: str, strike: str) -> str:
    if kind == "procedural":
        return f"procedural: {procedural}"
    if kind == "amendment":
        return f"amendment to {parent}" + (f", striking {strike!r}" if strike else "")
    if kind == "counter":
        return f"counter-motion to {parent}"
    return kind


def _attendance(session: Session) -> list[Block]:
    rows = list(Attendance.objects.filter(session=session).select_related("member"))
    if not rows:
        return [_h(2, "Attendance"), _p("Nobody checked in.")]
    at = session.opened_at or session.starts_at
    voting = seated(session.organ, at)
    people = {r.member_id: r.member for r in rows}
    deputies = [voting[i] for i in people if i in voting]
    observers = sorted(m.name for i, m in people.items() if i not in voting)
    fractions = fraction_names(deputies, at)
    by_fraction = Counter(fractions.get(m.pk, "no fraction") for m in deputies)
    blocks = [
        _h(2, "Attendance"),
        _p(
            f"{len(deputies)} of {len(voting)} deputies with a vote in {session.organ.name} "
            f"checked in, and {len(observers)} observer(s)."
        ),
        _t(
            ("fraction", "deputies present"),
            sorted(((f, str(n)) for f, n in by_fraction.items()), key=lambda r: (-int(r[1]), r[0])),
        ),
    ]
    if len(deputies) <= NAMES_UP_TO:
        blocks.append(_p("Deputies: " + ", ".join(sorted(m.member.name for m in deputies)) + "."))
    if observers:
        blocks.append(_p("Observers (no vote): " + ", ".join(observers) + "."))
    return blocks


def _walkouts(session: Session) -> list[Block]:
    walkouts = list(Walkout.objects.filter(session=session).select_related("fraction"))
    if not walkouts:
        return []
    rows = [
        (
            _when(w.at),
            w.fraction.name if w.fraction else "named deputies",
            str(w.members),
            w.statement,
        )
        for w in walkouts
    ]
    return [_h(2, "Walkouts"), _t(("when", "who", "members", "statement"), rows)]


def _vote(n: int, vote: Vote, irregular: list[str]) -> list[Block]:
    key = vote.motion.key if vote.motion else vote.call
    blocks = [
        _h(3, f"Vote {n}: {key}"),
        _p(f"Question: {vote.question} Text put: {vote.text or '(none)'}"),
        _p(f"Method: {vote.method}; opened {_when(vote.opened_at)}."),
    ]
    if vote.tellers:
        names = _names(vote.item.session, vote.tellers)
        blocks.append(_p("Tellers: " + ", ".join(names.get(t, t) for t in vote.tellers) + "."))
    if vote.status == Vote.OPEN:
        blocks.append(_p("The vote is still open."))
        return blocks
    if vote.options:
        return blocks + _preferential(vote)
    blocks.append(
        _t(
            ("for", "against", "abstain", "present", "seated", "outcome"),
            [
                (
                    str(vote.for_votes),
                    str(vote.against),
                    str(vote.abstain),
                    str(vote.present),
                    str(vote.seated),
                    vote.outcome.upper(),
                )
            ],
        )
    )
    blocks.append(_p(f"Rule: {vote.rule}. {vote.reason[:1].upper()}{vote.reason[1:]}."))
    if vote.outcome == "inquorate":
        blocks.append(_p("INQUORATE: this vote decided nothing; the question stands."))
    if vote.irregular:
        irregular.append(f"vote on {key} (taken at an irregular sitting)")
    if vote.method == Vote.ROLL_CALL:
        table: dict[str, Counter[str]] = defaultdict(Counter)
        for fraction, choice in NamedVote.objects.filter(vote=vote).values_list(
            "fraction", "choice"
        ):
            table[fraction or "no fraction"][choice] += 1
        blocks.append(_p("Named vote by fraction:"))
        blocks.append(
            _t(
                ("fraction", "for", "against", "abstain"),
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
        blocks.append(_p("Named vote, name by name:"))
        blocks.append(
            _t(
                ("name", "fraction", "answer"),
                [
                    (name or "", fraction or "no fraction", choice)
                    for name, fraction, choice in named
                ],
            )
        )
    if vote.method == Vote.SECRET:
        blocks.append(_p("Secret ballot: the minutes record who voted, never how."))
    reformation = PresidiumReformation.objects.filter(vote=vote).first()
    if reformation is not None:
        blocks += _reformation(reformation)
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
        _p(f"Options: {', '.join(vote.options)}."),
        _t(
            ("option", "first preferences"),
            [(o, str(first.get(o, 0))) for o in vote.options],
        ),
        _p(
            f"Ballots {vote.for_votes}; present {vote.present} of {vote.seated} seated. "
            f"Rule: {vote.rule}. Outcome: {vote.outcome.upper()}. {vote.reason}."
        ),
    ]
    if vote.outcome == "inquorate":
        blocks.append(_p("INQUORATE: this vote decided nothing; the question stands."))
    return blocks


def _reformation(reformation: PresidiumReformation) -> list[Block]:
    old = reformation.old_organ
    ended = OrganSeat.objects.filter(organ=old, end=reformation.opened_at, holder__isnull=False)
    names = sorted(
        Mandate.objects.filter(pk__in=ended.values("holder_id")).values_list(
            "member__name", flat=True
        )
    )
    blocks = [
        _p(
            f"No confidence carried: the {old.name} ({old.seats} seats) resigned; its seats "
            f"ended {_when(reformation.opened_at)}"
            + (f" (held by {', '.join(names)})" if names else "")
            + "; its re-formation opened."
        )
    ]
    new = reformation.new_organ
    if new is None:
        blocks.append(_p("The presidium has not yet been re-formed."))
        return blocks
    taken = new.allotment.get("taken", {})
    strength = new.allotment.get("strength", {})
    blocks.append(
        _p(
            f"Re-formed {_when(reformation.completed_at)} as {new.name}: {new.seats} seats "
            f"allotted proportionally ({new.method}) from the fractions' strengths."
        )
    )
    blocks.append(
        _t(
            ("fraction", "strength", "seats"),
            [(f, str(strength.get(f, "")), str(n)) for f, n in taken.items()],
        )
    )
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
    return blocks_pdf(minutes_blocks(session), f"Minutes: {session.title}")


def motion_blocks(item: AgendaItem) -> list[Block]:
    """One item's motion as a document: the text moved, its amendments (what each strikes
    and inserts, who moved it, its fate), the other motions, the votes taken, and the text
    adopted (as amended where an amendment carried)."""
    item = AgendaItem.objects.select_related("session__organ__council").get(pk=item.pk)
    session = item.session
    motions = list(item.motions.select_related("mover").order_by("pk"))
    main = next((m for m in motions if m.kind == "main"), None)
    blocks = [
        _h(1, f"Item {item.position}: {item.title}"),
        _p(
            f"{session.organ.name} of {session.organ.council.name}, sitting "
            f"'{session.title}' of {_when(session.starts_at)}. {_calendar_note(session)}"
        ),
    ]
    if main is None:
        return [*blocks, _p("No main motion was moved on this item.")]
    mover = main.mover.name if main.mover else "the chair"
    blocks += [_h(2, f"Motion {main.key}, moved by {mover}"), _p(main.text)]
    amendments = [m for m in motions if m.kind == "amendment"]
    if amendments:
        blocks.append(_h(2, "Amendments"))
        blocks.append(
            _t(
                ("amendment", "amends", "strikes", "inserts", "moved by", "fate"),
                [
                    (
                        m.key,
                        m.parent,
                        m.strike,
                        m.text,
                        m.mover.name if m.mover else "the chair",
                        m.settlement or "pending",
                    )
                    for m in amendments
                ],
            )
        )
    others = [m for m in motions if m.kind in ("counter", "procedural")]
    if others:
        blocks.append(_h(2, "Other motions"))
        blocks.append(
            _t(
                ("motion", "kind", "text", "fate"),
                [
                    (m.key, _kind(m.kind, m.procedural, m.parent, m.strike), m.text, m.settlement)
                    for m in others
                ],
            )
        )
    votes = list(item.votes.select_related("motion").order_by("opened_at", "pk"))
    if votes:
        blocks.append(_h(2, "Votes"))
        blocks.append(
            _t(
                ("question", "method", "for", "against", "abstain", "outcome"),
                [
                    (
                        v.question,
                        v.method,
                        "" if v.for_votes is None else str(v.for_votes),
                        "" if v.against is None else str(v.against),
                        "" if v.abstain is None else str(v.abstain),
                        v.outcome or "open",
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
