"""The questions the rules of procedure put, in the reader's language.

A vote stores its question as the rules worded it (English, as the journal and the minutes
keep it); the session pages show it translated. Questions written by hand (a world's data,
an entry of the past) are shown as they were written.
"""

from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext as _

register = template.Library()

_AMENDMENT = re.compile(r"^shall amendment (\S+) to (\S+) be adopted\?$")
_AS_AMENDED = re.compile(r"^shall motion (\S+), as amended, be adopted\?$")
_MOTION = re.compile(r"^shall motion (\S+) be adopted\?$")
_PROCEDURAL = re.compile(r"^shall the procedural motion (\S+) be adopted\?$")
_RANK = re.compile(r"^rank the alternatives: (.+)$")


@register.filter
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
