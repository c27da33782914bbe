"""The rules of procedure of a sitting: convening, quorum, motions, speakers, closing votes.

Pure functions over frozen dataclasses; the database actions of :mod:`smolny.councils` call
them before anything is stored. Each module cites the rule texts it follows:

* :mod:`.notice` — notice and emergency rule, quorum to open (GO-BT §§ 21, 45; Robert § 64);
* :mod:`.motions` — motions and the order of votes (Robert's precedence of motions; the German
  "weitestgehender Antrag zuerst"; Schulze for a preferential vote among alternatives);
* :mod:`.speakers` — the speakers' list (GO-BT §§ 28, 29, 35);
* :mod:`.closing` — quorum at the close of a vote, walkouts, the outcome through
  :mod:`smolny.rules.majority`.
"""

from smolny.rules.procedure.closing import (
    ClosedVote,
    close_vote,
    present_after_walkout,
    quorate_after_walkout,
    result_of,
    verdict_of,
)
from smolny.rules.procedure.motions import (
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
    check_motion,
    count_preference,
    order_of_votes,
)
from smolny.rules.procedure.notice import (
    Convening,
    EmergencyRule,
    NoticeRule,
    QuorumCheck,
    Regularity,
    check_quorum,
    decide_convening,
    quorum_to_open,
)
from smolny.rules.procedure.speakers import (
    Allowance,
    Request,
    SpeakerRefused,
    SpeakersList,
    SpeakingRules,
    SpeakingShare,
    Spoken,
    Turn,
    speaking_allowance,
)

__all__ = [
    "DEFAULT_PRECEDENCE",
    "PREFERENTIAL_VOTE",
    "STATUS_QUO",
    "Allowance",
    "AlternativeVoting",
    "CallKind",
    "ClosedVote",
    "Convening",
    "Docket",
    "EmergencyRule",
    "Event",
    "ItemState",
    "Motion",
    "MotionKind",
    "MotionRules",
    "NoticeRule",
    "Procedural",
    "ProcedureError",
    "PutOrder",
    "QuorumCheck",
    "Regularity",
    "Request",
    "Result",
    "Settlement",
    "SpeakerRefused",
    "SpeakersList",
    "SpeakingRules",
    "SpeakingShare",
    "Spoken",
    "Turn",
    "Verdict",
    "VoteCall",
    "apply_amendment",
    "check_motion",
    "check_quorum",
    "close_vote",
    "count_preference",
    "decide_convening",
    "order_of_votes",
    "present_after_walkout",
    "quorate_after_walkout",
    "quorum_to_open",
    "result_of",
    "speaking_allowance",
    "verdict_of",
]
