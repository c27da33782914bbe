"""The questions the rules of procedure put, in the reader's language.

A vote stores its question as the rules worded it (English, as the journal and the minutes
keep it); the session pages show it translated. Questions written by hand (a world's data,
an entry of the past) are shown as they were written.
"""

from __future__ import annotations

from django import template

from smolny.councils import wording

register = template.Library()


@register.filter
def question(text: str) -> str:
    """*text* translated when it is one of the rules' questions, else as it stands."""
    return wording.question(text)


@register.filter
def engine_word(value: str) -> str:
    """A stored outcome, status, method, answer or fate in the reader's language."""
    return wording.word(value or "")


@register.filter
def rule_words(text: str) -> str:
    """A majority or quorum rule as the rules word it, in the reader's language."""
    return wording.rule(text or "")


@register.filter
def reason_words(text: str) -> str:
    """A decision's reason in the reader's language."""
    return wording.reason(text or "")


@register.filter
def refusal_words(text: object) -> str:
    """A refused action's reason in the reader's language (where its pattern is known)."""
    return wording.refusal(str(text))


@register.filter
def convening_words(text: str) -> str:
    """Whether a sitting was regularly convened, in the reader's language."""
    return wording.convening(text or "")
