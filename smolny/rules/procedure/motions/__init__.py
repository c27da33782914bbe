"""Motions on an agenda item and the order in which they are put to the vote.

Rule texts followed
-------------------
* **Precedence of procedural motions**: Robert's Rules of Order (1915 revision, "Order of
  Precedence of Motions"; RONR 12th ed. keeps the same ranking in its chart of motions): fix the
  time to adjourn, adjourn, recess, question of privilege, orders of the day, lay on the table,
  previous question (close debate), limit debate, postpone to a certain time, commit, amend,
  postpone indefinitely, main motion. The higher-ranking pending motion is disposed of first.
  Smolny keeps five of them, in this default order (:data:`DEFAULT_PRECEDENCE`):

  1. ``adjourn`` (Robert: adjourn; GO-BT § 26 Vertagung der Sitzung);
  2. ``no-confidence`` in the presidium (Robert: a question of privilege affecting the assembly,
     which ranks just below adjourn and recess; it asks who shall preside);
  3. ``table`` (Robert: lay on the table);
  4. ``close-debate`` (Robert: the previous question; GO-BT § 25 Schluss der Aussprache);
     when carried, no amendment or counter-motion may be moved any more (Robert: the previous
     question closes debate and stops amendment);
  5. ``postpone`` (Robert: postpone to a certain time; GO-BT § 25 Vertagung der Beratung).

  An organ may state another order (:attr:`MotionRules.precedence`).
* **Amendments before the motion they amend** (Robert: "amend" ranks above the main motion, and
  an amendment to an amendment above the amendment; the amendment is disposed of first). Smolny
  puts amendments deepest first, then the motion *as amended* as a whole. A carried amendment
  changes the text of the motion it amends ("strike out ... and insert ..."); an amendment whose
  words to strike no longer occur exactly once in that text when its turn comes *falls*
  (Robert: an amendment that conflicts with one already adopted is out of order).
  Depth: Robert allows two degrees (primary and secondary amendment); so does the default here
  (:attr:`MotionRules.max_depth`).
* **Counter-motions** (alternatives to the same question, Robert has none: it treats a rival text
  as a "substitute" amendment; German assemblies treat it as a "Gegenantrag" or
  "Alternativantrag"). Either by **successive votes** in an order the organ's rules state —
  as moved, or the German practice of putting the *weitestgehende Antrag* first (the
  alternative furthest from the status quo; the chair's ruling of how far each goes is
  data, :attr:`Motion.reach`) — the first alternative carried wins and the others fall; or by a
  single **preferential vote** (Schulze method, :mod:`smolny.rules.ranked`) among the
  alternatives as amended, with the status quo on the ballot unless the organ's rules say not.
  Where Robert and the German practice differ: Robert puts amendments to the motion one at a
  time in the order moved; the German practice orders them (and rival texts) by how far they go.
  Both are offered: :class:`PutOrder`.
* **No confidence in the presidium**: when carried, the presidium's seats end and its
  re-formation opens; the result carries :attr:`Event.PRESIDIUM_REFORMATION` for the database
  action to act on (9 September 1917: the vote against the presidium carried 519–414–67, the
  presidium resigned and was re-formed on proportional lines). The item's other votes go on;
  who chairs meanwhile is for the organ's rules and the database action.

The 1917 muddle this module makes impossible: at the Democratic Conference (19 September 1917)
the coalition motion passed 766–688–38, *then* two amendments passed, then the doubly amended
motion was put again and rejected (history/petrograd-1917.md). Here the record of votes is
replayed against the rules: a vote on a motion while an amendment to it is pending is refused
(:class:`ProcedureError`), and :func:`order_of_votes` never offers such a vote.

How to call it
--------------
``motions`` are all motions on the item *in the order moved*; ``results`` the votes taken so far
*in the order taken*. :attr:`Motion.moved_after` says how many of those votes had been taken when
the motion was moved (0: before any vote), so that a motion moved in the middle of voting is
replayed exactly. The answer, a :class:`Docket`, lists the votes to take now in order (the first
is to be taken next; the rest is the announced order, which the next result may change), the
current texts, what was adopted and what fell, and the events.
"""

from smolny.rules.procedure.motions.order import check_motion, order_of_votes
from smolny.rules.procedure.motions.preference import count_preference
from smolny.rules.procedure.motions.types import (
    DEFAULT_PRECEDENCE,
    PREFERENTIAL_VOTE,
    STATUS_QUO,
    AlternativeVoting,
    CallKind,
    Docket,
    Event,
    ItemState,
    Motion,
    MotionKind,
    MotionRules,
    Procedural,
    ProcedureError,
    PutOrder,
    Result,
    Settlement,
    Verdict,
    VoteCall,
    apply_amendment,
)
from smolny.rules.procedure.motions.validation import validate

__all__ = [
    "DEFAULT_PRECEDENCE",
    "PREFERENTIAL_VOTE",
    "STATUS_QUO",
    "AlternativeVoting",
    "CallKind",
    "Docket",
    "Event",
    "ItemState",
    "Motion",
    "MotionKind",
    "MotionRules",
    "Procedural",
    "ProcedureError",
    "PutOrder",
    "Result",
    "Settlement",
    "Verdict",
    "VoteCall",
    "apply_amendment",
    "check_motion",
    "count_preference",
    "order_of_votes",
    "validate",
]
