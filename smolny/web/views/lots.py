"""Seats decided by lot, said where the seats are shown.

When the rules meet a tie for the last seat (an apportionment's highest averages or largest
remainders, a presidium's proportional allotment, a count's last place) and the caller gave a
seed, they settle it by a seeded lot (:func:`smolny.rules.ties.break_by_lot`) and record the
tie with its contenders, the winners and the seed. A reader of the composition must be told
that a seat went by lot, to whom, and under which seed (with it anyone can redraw the lot by
hand); this module turns the recorded ties into those sentences for the council page and the
minutes.
"""

from __future__ import annotations

from datetime import datetime

from smolny.councils.models import Apportionment, Council, Organ
from smolny.councils.wording import lot_sentences


def council_lots(council: Council, at: datetime) -> list[str]:
    """The lots of the council's apportionment in force at *at* and of its organs'
    proportional allotments formed by then."""
    found = Apportionment.objects.filter(council=council, at__lte=at).order_by("-at", "-pk").first()
    said = lot_sentences(found.ties) if found is not None else []
    for organ in Organ.objects.filter(council=council).order_by("pk"):
        ties = (organ.allotment or {}).get("ties", [])
        said += [f"{organ.name}: {s}" for s in lot_sentences(ties)]
    return said
