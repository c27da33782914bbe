"""What the engine says, in the reader's language.

The rules in :mod:`smolny.rules` are pure and speak one language: their outcomes, statuses
and reasons are English values and sentences built from a fixed set of patterns with figures
in them, and the record (the rows, the journal) keeps them as the rules said them, so that
the journal's hashes never depend on a reader's language. This module is the edge where they
are read: each stored word or sentence is matched against the patterns the rules write, and
the matching message of the catalogue (``gettext``) is filled with the same figures. A text
no pattern matches (a question written by hand in a world's data, a sentence a newer rule
writes) is shown as it stands rather than guessed at.

Every function here translates into the active language (Django's ``gettext``): the web
pages, the Markdown and PDF minutes and the API's refusals all go through it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext, pgettext

# --- single words ---------------------------------------------------------------------------


def word(value: str) -> str:
    """A stored word of the engine (an outcome, a status, a method, an answer, a fate, an
    item's state) in the reader's language; anything else as it stands."""
    table: dict[str, Callable[[], str]] = {
        "roll call": lambda: _("named roll call"),
        "show of hands": lambda: _("counted show of hands"),
        "division": lambda: _("division"),
        "secret ballot": lambda: _("secret ballot"),
        "card vote": lambda: _("card vote"),
        "for": lambda: _("for"),
        "against": lambda: _("against"),
        "abstain": lambda: _("abstained"),
        "carried": lambda: _("carried"),
        "lost": lambda: _("lost"),
        "tied — lost": lambda: _("tied — lost"),
        "inquorate": lambda: _("inquorate"),
        "preferred": lambda: _("preferred"),
        "fell": lambda: _("fell"),
        "open": lambda: _("open"),
        "closed": lambda: pgettext("status", "closed"),
        "convened": lambda: pgettext("status", "convened"),
        "adjourned": lambda: _("adjourned"),
        "voting": lambda: _("voting"),
        "adopted": lambda: _("adopted"),
        "rejected": lambda: _("rejected"),
        "concluded": lambda: _("concluded"),
        "tabled": lambda: _("tabled"),
        "postponed": lambda: _("postponed"),
        "withdrawn": lambda: _("withdrawn"),
        "pending": lambda: _("pending"),
        "main": lambda: _("main motion"),
        "amendment": lambda: _("amendment"),
        "counter": lambda: _("counter-motion"),
        "procedural": lambda: _("procedural motion"),
        "regular": lambda: _("regular"),
        "irregular": lambda: _("irregular"),
        # a directive's standing (smolny.rules.authority.Status)
        "binding": lambda: _("binding"),
        "countermanded": lambda: _("countermanded"),
        "vetoed": lambda: _("vetoed"),
        "not authentic": lambda: _("not authentic"),
        "awaiting countersignature": lambda: _("awaiting countersignature"),
    }
    found = table.get(value)
    return found() if found else value


# --- the majority rules (smolny.rules.majority) ---------------------------------------------

_ABSOLUTE: dict[str, Callable[[], str]] = {
    "votes cast": lambda: _("absolute majority (more than half) of votes cast"),
    "members present": lambda: _("absolute majority (more than half) of members present"),
    "members seated": lambda: _("absolute majority (more than half) of members seated"),
}
_QUALIFIED: dict[str, Callable[[], str]] = {
    "votes cast": lambda: _("qualified majority (%(share)s) of votes cast"),
    "members present": lambda: _("qualified majority (%(share)s) of members present"),
    "members seated": lambda: _("qualified majority (%(share)s) of members seated"),
}
_NEEDED: dict[str, Callable[[], str]] = {
    "votes cast": lambda: _("needed %(required)s of %(size)s votes cast"),
    "members present": lambda: _("needed %(required)s of %(size)s members present"),
    "members seated": lambda: _("needed %(required)s of %(size)s members seated"),
}


def _comparison(words: str, amount: str) -> str:
    if words == "more than":
        return _("more than %(amount)s") % {"amount": amount}
    return _("at least %(amount)s") % {"amount": amount}


_RULE_SIMPLE = "simple majority of votes cast"
_RULE_ABSOLUTE = re.compile(r"^absolute majority \(more than half\) of (.+)$")
_RULE_QUALIFIED = re.compile(r"^qualified majority \((more than|at least) (\S+)\) of (.+)$")
_QUORUM_SHARE = re.compile(r"^(more than|at least) (\d+/\d+|\d+) of (\d+) seated$")
_QUORUM_SHARE_RULE = re.compile(r"^(more than|at least) (\d+/\d+|\d+) of the seated members$")
_QUORUM_NUMBER = re.compile(r"^(more than|at least) (\d+) members$")


def rule(text: str) -> str:
    """A majority rule as :meth:`MajorityRule.describe` words it, or a quorum as
    :meth:`Quorum.describe` (or the organ's rules) word it."""
    if text.startswith(_CARD_RULE):
        return _("card vote by weight: %(rule)s") % {"rule": rule(text[len(_CARD_RULE) :])}
    if text == _RULE_SIMPLE:
        return _("simple majority of votes cast")
    if found := _RULE_ABSOLUTE.match(text):
        absolute = _ABSOLUTE.get(found[1])
        if absolute:
            return absolute()
    if found := _RULE_QUALIFIED.match(text):
        qualified = _QUALIFIED.get(found[3])
        if qualified:
            return qualified() % {
                "share": _comparison(found[1], found[2]),
            }
    if found := _QUORUM_SHARE.match(text):
        return _("%(share)s of %(seated)s seated") % {
            "share": _comparison(found[1], found[2]),
            "seated": found[3],
        }
    if found := _QUORUM_SHARE_RULE.match(text):
        return _("%(share)s of the seated members") % {"share": _comparison(found[1], found[2])}
    if found := _QUORUM_NUMBER.match(text):
        return _("%(share)s members") % {"share": _comparison(found[1], found[2])}
    return text


_FIGURES = re.compile(
    r"^(\d+) for, (\d+) against, (\d+) abstentions?(?:, (\d+) present)?$",
)


def figures(text: str) -> str:
    """A vote's figures as :meth:`Tally.figures` words them."""
    found = _FIGURES.match(text)
    if not found:
        return text
    abstain = int(found[3])
    said = _("%(for)s for, %(against)s against") % {"for": found[1], "against": found[2]}
    said += ", " + ngettext("%(count)d abstention", "%(count)d abstentions", abstain) % {
        "count": abstain
    }
    if found[4] is not None:
        said += ", " + _("%(present)s present") % {"present": found[4]}
    return said


_THRESHOLD_SIMPLE = re.compile(r"^needed (\d+): more than the (\d+) against$")
_THRESHOLD_BASE = re.compile(r"^needed (\d+) of (\d+) (votes cast|members present|members seated)$")


def _threshold(text: str) -> str:
    if found := _THRESHOLD_SIMPLE.match(text):
        return _("needed %(required)s: more than the %(against)s against") % {
            "required": found[1],
            "against": found[2],
        }
    if found := _THRESHOLD_BASE.match(text):
        return _NEEDED[found[3]]() % {"required": found[1], "size": found[2]}
    return text


_FIG = r"(\d+ for, \d+ against, \d+ abstentions?(?:, \d+ present)?)"
_REASONS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(rf"^carried: {_FIG}; (.+) \(([^()]+)\)$"),
        lambda m: (
            _("carried: %(figures)s; %(rule)s (%(threshold)s)")
            % {"figures": figures(m[1]), "rule": rule(m[2]), "threshold": _threshold(m[3])}
        ),
    ),
    (
        re.compile(rf"^lost: {_FIG}; (.+) \(([^()]+)\)$"),
        lambda m: (
            _("lost: %(figures)s; %(rule)s (%(threshold)s)")
            % {"figures": figures(m[1]), "rule": rule(m[2]), "threshold": _threshold(m[3])}
        ),
    ),
    (
        re.compile(
            rf"^carried on the chair's casting vote: {_FIG}; (.+) \(([^();]+); the casting "
            r"vote makes (\d+)\)$"
        ),
        lambda m: (
            _(
                "carried on the chair's casting vote: %(figures)s; %(rule)s (%(threshold)s; the "
                "casting vote makes %(total)s)"
            )
            % {
                "figures": figures(m[1]),
                "rule": rule(m[2]),
                "threshold": _threshold(m[3]),
                "total": m[4],
            }
        ),
    ),
    (
        re.compile(
            rf"^tied — lost: {_FIG}; the chair's casting vote \((for|against)\) does not "
            r"carry it under (.+) \(([^()]+)\)$"
        ),
        lambda m: (
            _(
                "tied — lost: %(figures)s; the chair's casting vote (%(side)s) does not carry it "
                "under %(rule)s (%(threshold)s)"
            )
            % {
                "figures": figures(m[1]),
                "side": word(m[2]),
                "rule": rule(m[3]),
                "threshold": _threshold(m[4]),
            }
        ),
    ),
    (
        re.compile(
            rf"^tied — lost: {_FIG}; the chair gave no casting vote under (.+) \(([^()]+)\)$"
        ),
        lambda m: (
            _(
                "tied — lost: %(figures)s; the chair gave no casting vote under %(rule)s "
                "(%(threshold)s)"
            )
            % {"figures": figures(m[1]), "rule": rule(m[2]), "threshold": _threshold(m[3])}
        ),
    ),
    (
        re.compile(rf"^tied — lost: {_FIG}; a tie loses the motion under (.+) \(([^()]+)\)$"),
        lambda m: (
            _("tied — lost: %(figures)s; a tie loses the motion under %(rule)s (%(threshold)s)")
            % {"figures": figures(m[1]), "rule": rule(m[2]), "threshold": _threshold(m[3])}
        ),
    ),
    (
        re.compile(
            rf"^inquorate: (\d+) present, quorum (\d+) \((.+?)\); the figures {_FIG} decide "
            r"nothing under (.+)$"
        ),
        lambda m: (
            _(
                "inquorate: %(present)s present, quorum %(required)s (%(quorum)s); the figures "
                "%(figures)s decide nothing under %(rule)s"
            )
            % {
                "present": m[1],
                "required": m[2],
                "quorum": rule(m[3]),
                "figures": figures(m[4]),
                "rule": rule(m[5]),
            }
        ),
    ),
    (
        re.compile(
            r"^(quorate|inquorate): (\d+) of (\d+) seated members present, (\d+) required "
            r"\((.+)\)$"
        ),
        lambda m: (
            (_("quorate") if m[1] == "quorate" else _("inquorate"))
            + ": "
            + _(
                "%(present)s of %(seated)s seated members present, %(required)s required (%(rule)s)"
            )
            % {"present": m[2], "seated": m[3], "required": m[4], "rule": rule(m[5])}
        ),
    ),
]

# --- card votes (smolny.rules.card) ----------------------------------------------------------

_CARD_RULE = "card vote by weight: "
_CARD = re.compile(
    r"^(carried|lost|tied by weight — lost) on a card vote: by weight (\S+) for, (\S+) "
    r"against, (\S+) abstaining; by head (\d+) for, (\d+) against, (\d+) abstaining"
    r"(?: \((\d+) by proxy\))?; (simple|absolute|qualified) majority(?: \(([^()]+)\))? of the "
    r"weight (cast|present|seated) \((.+)\)$"
)
_CARD_AGAINST = re.compile(r"^needed more than the (\S+) against$")
_CARD_OF = re.compile(r"^needed (more than|at least) (\S+) of (\S+)$")


def _card_reason(m: re.Match[str]) -> str:
    """A card vote's reason (:func:`smolny.rules.card.decide_card`) in the reader's language."""
    verdict = {
        "carried": lambda: _("carried on a card vote"),
        "lost": lambda: _("lost on a card vote"),
        "tied by weight — lost": lambda: _("tied by weight — lost on a card vote"),
    }[m[1]]()
    base = {
        "cast": lambda: _("of the weight cast"),
        "present": lambda: _("of the weight present"),
        "seated": lambda: _("of the weight seated"),
    }[m[11]]()
    if m[9] == "simple":
        said = _("simple majority %(base)s") % {"base": base}
    elif m[9] == "absolute":
        said = _("absolute majority (more than half) %(base)s") % {"base": base}
    else:
        said = _("qualified majority (%(share)s) %(base)s") % {"share": m[10], "base": base}
    threshold = m[12]
    if found := _CARD_AGAINST.match(threshold):
        threshold = _("needed more than the %(against)s against") % {"against": found[1]}
    elif found := _CARD_OF.match(threshold):
        threshold = _("needed %(share)s of %(size)s") % {
            "share": _comparison(found[1], found[2]),
            "size": found[3],
        }
    proxies = ""
    if m[8]:
        proxies = " " + _("(%(count)s by proxy)") % {"count": m[8]}
    return _(
        "%(verdict)s: by weight %(wf)s for, %(wa)s against, %(wx)s abstaining; by head "
        "%(hf)s for, %(ha)s against, %(hx)s abstaining%(proxies)s; %(rule)s (%(threshold)s)"
    ) % {
        "verdict": verdict,
        "wf": m[2],
        "wa": m[3],
        "wx": m[4],
        "hf": m[5],
        "ha": m[6],
        "hx": m[7],
        "proxies": proxies,
        "rule": said,
        "threshold": threshold,
    }


_REASONS.append((_CARD, _card_reason))

_CARD_INQUORATE = re.compile(
    r"^inquorate: (\d+) present by head, quorum (\d+) \((.+?)\); the card vote \(by weight "
    r"(\S+) for, (\S+) against, (\S+) abstaining; by head (\d+) for, (\d+) against, (\d+) "
    r"abstaining(?: \((\d+) by proxy\))?\) decides nothing$"
)


def _card_inquorate(m: re.Match[str]) -> str:
    """An inquorate card vote's reason (:func:`smolny.rules.card.decide_card` counts the
    quorum by head) in the reader's language."""
    proxies = ""
    if m[10]:
        proxies = " " + _("(%(count)s by proxy)") % {"count": m[10]}
    return _(
        "inquorate: %(present)s present by head, quorum %(required)s (%(quorum)s); the card "
        "vote (by weight %(wf)s for, %(wa)s against, %(wx)s abstaining; by head %(hf)s for, "
        "%(ha)s against, %(hx)s abstaining%(proxies)s) decides nothing"
    ) % {
        "present": m[1],
        "required": m[2],
        "quorum": rule(m[3]),
        "wf": m[4],
        "wa": m[5],
        "wx": m[6],
        "hf": m[7],
        "ha": m[8],
        "hx": m[9],
        "proxies": proxies,
    }


_REASONS.insert(0, (_CARD_INQUORATE, _card_inquorate))

_IRREGULAR_TAIL = " (irregular: the sitting was called at short notice)"


def reason(text: str) -> str:
    """A decision's reason (:func:`smolny.rules.majority.decide`, a quorum check) in the
    reader's language; the irregular sitting's mark translated with it."""
    tail = ""
    if text.endswith(_IRREGULAR_TAIL):
        text = text[: -len(_IRREGULAR_TAIL)]
        tail = " " + _("(irregular: the sitting was called at short notice)")
    for pattern, say in _REASONS:
        if found := pattern.match(text):
            return say(found) + tail
    return text + (tail and _IRREGULAR_TAIL)


# --- notice (smolny.rules.procedure.notice) -------------------------------------------------

_INTERVAL = re.compile(r"(\d+) (day|hour|minute)s?")


def interval(text: str) -> str:
    """A notice interval as the notice rules word it ("2 days 3 hours", "no notice")."""
    if text == "no notice":
        return _("no notice")

    def one(found: re.Match[str]) -> str:
        n = int(found[1])
        if found[2] == "day":
            return ngettext("%(count)d day", "%(count)d days", n) % {"count": n}
        if found[2] == "hour":
            return ngettext("%(count)d hour", "%(count)d hours", n) % {"count": n}
        return ngettext("%(count)d minute", "%(count)d minutes", n) % {"count": n}

    return _INTERVAL.sub(one, text)


_SPAN = r"((?:\d+ (?:days?|hours?|minutes?) ?)+|no notice)"
_CONVENING: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(rf"^regular: {_SPAN} given, {_SPAN} required$"),
        lambda m: (
            _("regular: %(given)s given, %(required)s required")
            % {"given": interval(m[1].strip()), "required": interval(m[2].strip())}
        ),
    ),
    (
        re.compile(
            rf"^irregular: {_SPAN} given, {_SPAN} required; convened under the emergency rule, "
            r"so the sitting and its decisions are marked irregular$"
        ),
        lambda m: (
            _(
                "irregular: %(given)s given, %(required)s required; convened under the emergency "
                "rule, so the sitting and its decisions are marked irregular"
            )
            % {"given": interval(m[1].strip()), "required": interval(m[2].strip())}
        ),
    ),
]


def convening(text: str) -> str:
    """Whether a sitting was regularly convened, as :func:`decide_convening` says it."""
    for pattern, say in _CONVENING:
        if found := pattern.match(text):
            return say(found)
    return text


# --- refusals -------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
Say = Callable[[re.Match[str]], str]


def _said(
    msgid: str,
    shape: Mapping[str, str] | None = None,
    read: Mapping[str, Callable[[str], str]] | None = None,
) -> tuple[re.Pattern[str], Say]:
    """A refusal the engine says in English as *msgid* with its figures put in: the pattern
    that finds it (each ``%(key)s`` a group, ``.+`` unless *shape* narrows it; a key used twice
    must read the same both times) and the catalogue's message filled with the same figures,
    each read through *read*'s function for its key where there is one. The English is written
    once, as the message id, so the pattern and the message cannot drift apart."""
    shape, read = shape or {}, read or {}
    parts = _PLACEHOLDER.split(msgid)
    pattern, seen = "^", set()
    for i, part in enumerate(parts):
        if i % 2 == 0:
            pattern += re.escape(part)
        elif part in seen:
            pattern += f"(?P={part})"
        else:
            seen.add(part)
            pattern += f"(?P<{part}>{shape.get(part, '.+')})"

    def say(m: re.Match[str]) -> str:
        figures = {key: read.get(key, str)(value) for key, value in m.groupdict().items()}
        return _(msgid) % figures if figures else _(msgid)

    return re.compile(pattern + "$"), say


def _person(label: str) -> str:
    """An actor as the journal labels them (``user:<id>:<name>``), by name."""
    kind, _sep, rest = label.partition(":")
    return (rest.partition(":")[2] or label) if kind == "user" else label


def _no_fraction(name: str) -> str:
    return _("no fraction") if name == "no fraction" else name


# The actions' refusals and the rules' own (smolny.rules.procedure.speakers, .motions,
# smolny.rules.card) that the actions pass on as they were said. Order matters where one
# message ends another: the longer comes first.
_REFUSALS: list[tuple[re.Pattern[str], Say]] = [
    _said(
        gettext_noop("%(session)s is %(status)s; this needs it %(needed)s"),
        shape={"status": "convened|open|adjourned|closed", "needed": r"\w+"},
        read={"status": word, "needed": word},
    ),
    _said(
        gettext_noop("%(actor)s neither chairs %(session)s nor is a secretary"),
        shape={"actor": r"\S+"},
        read={"actor": _person},
    ),
    _said(gettext_noop("a vote is open on this item already")),
    _said(
        gettext_noop("no vote is due on item %(position)s: it is %(state)s"),
        shape={"position": r"\d+"},
        read={"state": word},
    ),
    _said(
        gettext_noop(
            "the vote on %(motion)s cannot be opened: the vote due is on %(due)s (%(question)s)"
        ),
        shape={"motion": r"\S+", "due": r"\S+"},
        read={"question": lambda text: question(text)},
    ),
    _said(gettext_noop("this vote is by %(method)s, not a secret ballot"), read={"method": word}),
    (re.compile(r"^(inquorate: .+)$"), lambda m: reason(m[1])),
    _said(gettext_noop("%(name)s is not in the hall and cannot move a motion")),
    _said(gettext_noop("%(name)s is not in the hall and cannot take the chair")),
    _said(gettext_noop("%(name)s is not in the hall")),
    _said(gettext_noop("%(name)s is not a member of this organisation")),
    _said(gettext_noop("already checked in: %(names)s")),
    _said(gettext_noop("%(name)s has voted in this roll call already")),
    _said(gettext_noop("%(name)s has voted in this ballot already")),
    _said(gettext_noop("%(session)s cannot open: %(reason)s"), read={"reason": reason}),
    _said(
        gettext_noop("%(session)s has %(n)s vote(s) open; close them first"), shape={"n": r"\d+"}
    ),
    _said(
        gettext_noop("item %(position)s has been withdrawn from the agenda"),
        shape={"position": r"\d+"},
    ),
    _said(
        gettext_noop("item %(position)s has been voted on; the record keeps it as it was"),
        shape={"position": r"\d+"},
    ),
    _said(gettext_noop("this vote is by %(method)s, not a named roll call"), read={"method": word}),
    _said(gettext_noop("a vote is open on this item; no motion can be moved until it closes")),
    _said(gettext_noop("a vote is open on this item; the debate waits for its close")),
    _said(gettext_noop("nobody has the floor: the speakers' list is empty")),
    _said(gettext_noop("the clock is running already")),
    _said(gettext_noop("the clock has not been started for the speaker who has the floor")),
    _said(gettext_noop("a division is counted by two tellers at least; name them")),
    _said(gettext_noop("the counts of this vote have not been entered")),
    _said(gettext_noop("an agenda item needs a title")),
    _said(gettext_noop("a session needs a title")),
    _said(gettext_noop("a request for the floor names the speaker")),
    _said(gettext_noop("nobody has the floor")),
    _said(gettext_noop("the organ's rules allow no proxies")),
    _said(gettext_noop("a deputy cannot give a proxy to themself")),
    _said(gettext_noop("a deputy in the hall votes in person: check out to give a proxy")),
    _said(gettext_noop("this deputy has given a proxy already: revoke it first")),
    _said(gettext_noop("the organ's rules allow no substitutes: give it to a deputy")),
    _said(gettext_noop("a deputy who holds proxies cannot pass them on by giving one")),
    _said(gettext_noop("the holder has given their own proxy away: a proxy is not passed on")),
    _said(gettext_noop("this deputy has no proxy in force")),
    _said(gettext_noop("time limits must be positive numbers of seconds")),
    _said(gettext_noop("%(speaker)s is already on the speakers' list")),
    _said(gettext_noop("%(speaker)s is not on the speakers' list")),
    _said(
        gettext_noop(
            "%(speaker)s: the debate is divided between fractions, and %(fraction)s has no share"
        ),
        read={"fraction": _no_fraction},
    ),
    _said(gettext_noop("%(speaker)s: the %(fraction)s fraction's turns are taken")),
    _said(gettext_noop("%(speaker)s: the %(fraction)s fraction's time is used up")),
    _said(
        gettext_noop("the holder holds %(held)s proxies already, the limit is %(limit)s"),
        shape={"held": r"\d+", "limit": r"\d+"},
    ),
    _said(
        gettext_noop("amendment %(motion)s neither strikes nor inserts words"),
        shape={"motion": r"\S+"},
    ),
    _said(
        gettext_noop("amendment %(motion)s: procedural motions are not amended"),
        shape={"motion": r"\S+"},
    ),
    _said(gettext_noop("motion %(motion)s: an item has one main motion"), shape={"motion": r"\S+"}),
    _said(
        gettext_noop("counter-motion %(motion)s must rival the main motion"),
        shape={"motion": r"\S+"},
    ),
    _said(
        gettext_noop("motion %(motion)s: its parent %(parent)s must be moved before it"),
        shape={"motion": r"\S+"},
    ),
    _said(
        gettext_noop(
            "amendment %(motion)s is of degree %(degree)s; the organ's rules allow %(limit)s"
        ),
        shape={"motion": r"\S+", "degree": r"\d+", "limit": r"\d+"},
    ),
    _said(
        gettext_noop(
            "amendment %(motion)s to %(parent)s is out of order: %(parent)s was already "
            "%(fate)s (an amendment is decided before its motion)"
        ),
        shape={"motion": r"\S+", "parent": r"\S+", "fate": r"\w+"},
        read={"fate": word},
    ),
    _said(
        gettext_noop(
            "%(kind)s %(motion)s is out of order: debate was closed by vote %(vote)s, and "
            "closing debate also closes amendment"
        ),
        shape={"kind": "main|amendment|counter|procedural", "motion": r"\S+", "vote": r"\d+"},
        read={"kind": word},
    ),
    _said(
        gettext_noop(
            "counter-motion %(motion)s is out of order: the question was decided after "
            "vote %(vote)s"
        ),
        shape={"motion": r"\S+", "vote": r"\d+"},
    ),
]


def refusal(text: str) -> str:
    """A refused action's reason in the reader's language where the catalogue knows its
    pattern; otherwise as the action said it."""
    for pattern, say in _REFUSALS:
        if found := pattern.match(text):
            return say(found)
    return text


# --- questions ------------------------------------------------------------------------------

_AMENDMENT = re.compile(r"^shall amendment (\S+) to (\S+) be adopted\?$")
_AS_AMENDED = re.compile(r"^shall motion (\S+), as amended, be adopted\?$")
_MOTION = re.compile(r"^shall motion (\S+) be adopted\?$")
_PROCEDURAL = re.compile(r"^shall the procedural motion (\S+) be adopted\?$")
_RANK = re.compile(r"^rank the alternatives: (.+)$")


def question(text: str) -> str:
    """*text* translated when it is one of the rules' questions, else as it stands."""
    if found := _AMENDMENT.match(text):
        return _("shall amendment %(key)s to %(parent)s be adopted?") % {
            "key": found[1],
            "parent": found[2],
        }
    if found := _AS_AMENDED.match(text):
        return _("shall motion %(key)s, as amended, be adopted?") % {"key": found[1]}
    if found := _MOTION.match(text):
        return _("shall motion %(key)s be adopted?") % {"key": found[1]}
    if found := _PROCEDURAL.match(text):
        return _("shall the procedural motion %(key)s be adopted?") % {"key": found[1]}
    if found := _RANK.match(text):
        return _("rank the alternatives: %(options)s") % {"options": found[1]}
    return text


# --- a directive's standing (smolny.rules.authority) ----------------------------------------

_WINDOW = re.compile(r"^(?:from (\S+)|always)(?: until (\S+))?$")


def _window(text: str) -> str:
    found = _WINDOW.match(text)
    if not found:
        return text
    start, until = found[1], found[2]
    said = _("from %(moment)s") % {"moment": start} if start else _("always")
    if until:
        said += " " + _("until %(moment)s") % {"moment": until}
    return said


_STANDINGS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^no rule withholds it$"), lambda m: _("no rule withholds it")),
    (re.compile(r"^its signature did not verify$"), lambda m: _("its signature did not verify")),
    (
        re.compile(r"^withdrawn by its issuer (\S+) at (\S+)$"),
        lambda m: (
            _("withdrawn by its issuer %(body)s at %(moment)s") % {"body": m[1], "moment": m[2]}
        ),
    ),
    (
        re.compile(
            r"^countermanded by (\S+) at (\S+): (\S+) is under (\S+), which prevails over (\S+) "
            r"in (.+) matters \((.+)\)$"
        ),
        lambda m: (
            _(
                "countermanded by %(body)s at %(moment)s: %(addressee)s is under %(body)s, which "
                "prevails over %(issuer)s in %(domain)s matters (%(window)s)"
            )
            % {
                "body": m[1],
                "moment": m[2],
                "addressee": m[3],
                "issuer": m[5],
                "domain": m[6],
                "window": _window(m[7]),
            }
        ),
    ),
    (
        re.compile(
            r"^vetoed by (\S+) at (\S+) under its veto over (.+) directives of (\S+) \((.+)\)$"
        ),
        lambda m: (
            _(
                "vetoed by %(body)s at %(moment)s under its veto over %(domain)s directives of "
                "%(issuer)s (%(window)s)"
            )
            % {
                "body": m[1],
                "moment": m[2],
                "domain": m[3],
                "issuer": m[4],
                "window": _window(m[5]),
            }
        ),
    ),
    (
        re.compile(
            r"^(\S+) is under (\S+), whose countersignature is required \((.+)\); \S+ has not "
            r"countersigned$"
        ),
        lambda m: (
            _(
                "%(addressee)s is under %(body)s, whose countersignature is required (%(window)s); "
                "%(body)s has not countersigned"
            )
            % {"addressee": m[1], "body": m[2], "window": _window(m[3])}
        ),
    ),
]


def standing_reason(text: str) -> str:
    """Why a directive binds an addressee or not, as :mod:`smolny.rules.authority` says it
    (bodies still as ``organ:17`` and moments as ISO text: the caller names them)."""
    for pattern, say in _STANDINGS:
        if found := pattern.match(text):
            return say(found)
    return text


# --- seats decided by lot (smolny.rules.ties) -----------------------------------------------

_SEAT = re.compile(r"^(?:(.+): )?seat (\d+)$")
_SEATS = re.compile(r"^(?:(.+): )?seats (\d+)-(\d+)$")
# A preferential vote's ties (smolny.rules.ranked, smolny.rules.stv): a place in the order,
# or a round or stage of the count and what was being decided there.
_PLACE = re.compile(r"^place (\d+)$")
_STAGE = re.compile(
    r"^(round|stage) (\d+): (elimination|exclusion|order of surpluses|"
    r"choice of the candidate to defeat)$"
)


def _place(at: str) -> str:
    """Where the tie arose ("seat 435", "Soviet apportionment: seats 9-10"), translated."""
    if found := _SEAT.match(at):
        return _("seat %(n)s") % {"n": found[2]}
    if found := _SEATS.match(at):
        return _("seats %(first)s–%(last)s") % {"first": found[2], "last": found[3]}
    if found := _PLACE.match(at):
        return _("place %(n)s") % {"n": found[1]}
    if found := _STAGE.match(at):
        step = {
            "elimination": lambda: _("elimination"),
            "exclusion": lambda: _("exclusion"),
            "order of surpluses": lambda: _("order of surpluses"),
            "choice of the candidate to defeat": lambda: _("choice of the candidate to defeat"),
        }[found[3]]()
        if found[1] == "round":
            return _("round %(n)s: %(step)s") % {"n": found[2], "step": step}
        return _("stage %(n)s: %(step)s") % {"n": found[2], "step": step}
    return at


def lot_sentences(ties: Iterable[Mapping[str, Any]]) -> list[str]:
    """One sentence for each tie that was settled by lot, with the seed it was drawn under."""
    said = []
    for tie in ties:
        if tie.get("resolved_by") != "lot":
            continue
        said.append(
            _(
                "%(place)s decided by lot among %(contenders)s: it went to %(chosen)s "
                "(seed %(seed)s; anyone can redraw the lot from the seed)."
            )
            % {
                "place": _place(str(tie.get("at", ""))).capitalize(),
                "contenders": ", ".join(str(c) for c in tie.get("contenders", [])),
                "chosen": ", ".join(str(c) for c in tie.get("chosen", [])),
                "seed": tie.get("seed"),
            }
        )
    return said
