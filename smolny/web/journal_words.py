"""The journal's entries as sentences, in the reader's language.

An entry keeps the action's name and its payload (JSON) exactly as recorded: the hash chain is
computed over them and must not depend on who reads it. The journal page shows each entry as
one sentence per kind of action, filled from the payload's fields (a name, a title, a roll
number, a motion's key, an outcome), so that a reader sees what happened rather than
``close_vote`` and a JSON object; the entry's number and hash stay beside it for whoever checks
the chain. An action this table does not know yet is said as "A change was recorded".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from smolny.councils import wording
from smolny.web.access import HIDDEN


class _Fields(dict[str, str]):
    """The payload's fields as text; a field the entry lacks reads as a dash."""

    def __missing__(self, key: str) -> str:
        return "—"


def _fields(payload: Mapping[str, Any]) -> _Fields:
    found = _Fields()
    for key, value in payload.items():
        if value == HIDDEN:
            found[key] = _("(shown to secretaries only)")
        elif isinstance(value, str):
            found[key] = wording.word(value) if key in _WORDS else value
        elif isinstance(value, list) and all(isinstance(v, str | int) for v in value):
            found[key] = ", ".join(str(v) for v in value)
        elif value is None:
            continue
        else:
            found[key] = str(value)
    if "question" in found:
        found["question"] = wording.question(found["question"])
    return found


_WORDS = frozenset({"outcome", "method", "choice", "regularity", "kind"})
"""Fields whose values are the engine's words (translated through :func:`wording.word`)."""

SENTENCES: dict[str, Callable[[], str]] = {
    "accept_invitation": lambda: _("A member accepted the invitation to sign in."),
    "add_agenda_item": lambda: _("Item %(position)s added to the agenda: “%(title)s”."),
    "add_speaker": lambda: _("Member %(member)s put on the list of speakers."),
    "appoint_commissar": lambda: _("A commissar was appointed."),
    "appoint_secretary": lambda: _("%(username)s appointed secretary of the organisation."),
    "appoint_recorder": lambda: _("%(username)s appointed recorder of the organisation."),
    "appoint_chair": lambda: _("%(username)s appointed chair of the organisation."),
    "appoint_clerk": lambda: _("%(username)s appointed clerk of the organisation."),
    "apportion_council": lambda: _(
        "The council's seats were apportioned: %(house_size)s seats for %(population)s members."
    ),
    "cast_election_ballot": lambda: _("A ballot was cast in election %(election)s."),
    "cast_recall_vote": lambda: _("A ballot was cast in recall vote %(vote)s."),
    "cast_secret_ballot": lambda: _("Member %(member)s cast a secret ballot in vote %(vote)s."),
    "cast_vote": lambda: _("Member %(member)s voted %(choice)s in vote %(vote)s."),
    "change_fraction": lambda: _("A deputy changed fraction."),
    "change_organisation_settings": lambda: _("The organisation's settings were changed."),
    "check_credentials": lambda: _("Delegates' credentials were checked."),
    "check_in": lambda: _(
        "Checked in at the sitting: %(deputies)s deputies and %(observers)s observers."
    ),
    "check_out": lambda: _("Member %(member)s left the sitting."),
    "close_recall_vote": lambda: _("Recall vote %(vote)s closed: %(outcome)s."),
    "close_vote": lambda: _(
        "Vote %(vote)s on %(motion)s closed: %(outcome)s (%(for)s for, %(against)s against, "
        "%(abstain)s abstaining)."
    ),
    "convene_congress": lambda: _("A congress was convened."),
    "convene_session": lambda: _("Sitting “%(title)s” convened (%(regularity)s)."),
    "countermand_directive": lambda: _("Directive %(directive)s countermanded."),
    "countersign_directive": lambda: _("Directive %(directive)s countersigned."),
    "create_commissariat": lambda: _("A commissariat was created."),
    "create_constituencies": lambda: _("Constituencies were created."),
    "create_constituency": lambda: _("Constituency “%(name)s” created."),
    "create_council": lambda: _("Council “%(name)s” created."),
    "create_fraction": lambda: _("Fraction “%(name)s” formed."),
    "create_organisation": lambda: _("Organisation “%(name)s” created."),
    "create_unit": lambda: _("Unit “%(name)s” created."),
    "demand_convocation": lambda: _("A convocation was demanded."),
    "edit_agenda_item": lambda: _("Agenda item %(item)s renamed “%(title)s”."),
    "elect_central_executive": lambda: _("The central executive was elected."),
    "end_authority_rule": lambda: _("An authority rule was ended."),
    "end_role": lambda: _("A role was ended."),
    "end_subordination": lambda: _("A unit's subordination was ended."),
    "enter_counts": lambda: _(
        "Counts entered for vote %(vote)s: %(for)s for, %(against)s against, %(abstain)s "
        "abstaining."
    ),
    "fill_organ_seat": lambda: _("A seat of an organ was filled."),
    "finish_turn": lambda: _("A speaker finished after %(seconds)s seconds."),
    "form_organ": lambda: _("Organ “%(name)s” formed."),
    "found_organisation": lambda: _("Organisation “%(name)s” founded."),
    "grant_veto": lambda: _("A veto was granted."),
    "hand_over_chair": lambda: _("The chair was handed over to member %(chair)s."),
    "import_roll": lambda: _("A roll of %(members)s members imported."),
    "invite_member": lambda: _("A member was invited to sign in."),
    "issue_directive": lambda: _("Directive %(directive)s issued."),
    "link_member_user": lambda: _("Member %(member)s linked to a login."),
    "move_agenda_item": lambda: _("Agenda item %(item)s moved to place %(position)s."),
    "move_motion": lambda: _("Motion %(key)s moved (%(kind)s)."),
    "nominate_candidate": lambda: _("A candidate was nominated."),
    "open_by_election": lambda: _("A by-election was opened."),
    "open_election": lambda: _("An election for %(seats)s seats opened."),
    "open_election_poll": lambda: _("An election's poll opened."),
    "open_recall_petition": lambda: _("A recall petition was opened."),
    "open_session": lambda: _("The sitting opened with member %(chair)s in the chair."),
    "open_vote": lambda: _("Vote %(vote)s opened by %(method)s: %(question)s"),
    "place_under": lambda: _("A unit was placed under a body."),
    "record_election_result": lambda: _("An election's result was recorded."),
    "recall_by_delegating_body": lambda: _("A delegate was recalled by the delegating body."),
    "record_roll_call": lambda: _("A roll call sheet was entered for vote %(vote)s."),
    "record_walkout": lambda: _("A walkout was recorded."),
    "reform_presidium": lambda: _("The presidium was re-formed."),
    "regroup_fractions": lambda: _("Fractions were regrouped."),
    "remove_commissar": lambda: _("A commissar was removed."),
    "remove_speaker": lambda: _("Member %(member)s taken off the list of speakers."),
    "request_to_speak": lambda: _("Member %(member)s asked to speak."),
    "resign_mandate": lambda: _("A deputy resigned the mandate."),
    "rotate_organ_key": lambda: _("An organ's signing key was replaced."),
    "seat_deputy": lambda: _("Member %(member)s seated as deputy (%(fraction)s)."),
    "seat_slate": lambda: _("A slate's deputies were seated."),
    "send_session_notice": lambda: _("Notice of a sitting was sent."),
    "set_authority_rule": lambda: _("An authority rule was set."),
    "set_congress_settings": lambda: _("The congress's settings were set."),
    "set_member_email": lambda: _("A member's e-mail address was set."),
    "set_organ_rules": lambda: _("The organ's rules of procedure were set."),
    "set_public_record": lambda: _("Whether the organisation's record is public was set."),
    "set_representation_rule": lambda: _("The council's rule of representation was set."),
    "sign_recall_petition": lambda: _(
        "Recall petition %(petition)s signed by %(member)s (%(signatures)s signatures)."
    ),
    "start_clock": lambda: _("The speaker's clock was started."),
    "vacate_organ_seat": lambda: _("A seat of an organ was vacated."),
    "veto_directive": lambda: _("Directive %(directive)s vetoed."),
    "withdraw_agenda_item": lambda: _("Agenda item %(item)s withdrawn."),
    "withdraw_candidate": lambda: _("A candidate withdrew."),
    "withdraw_from_list": lambda: _("A candidate withdrew from a list."),
    "withdraw_signature": lambda: _(
        "%(member)s withdrew their signature from recall petition %(petition)s."
    ),
    "withdraw_veto": lambda: _("A veto was withdrawn."),
    "cast_card_vote": lambda: _(
        "Member %(member)s voted %(choice)s with a card of %(weight)s in vote %(vote)s."
    ),
    "give_proxy": lambda: _("Member %(giver)s gave their proxy to %(holder)s."),
    "revoke_proxy": lambda: _("Member %(giver)s took back their proxy from %(holder)s."),
    "set_card_rules": lambda: _("The organ's rules for card votes and proxies were set."),
    "leave_roll": lambda: _("Member %(member)s left the roll."),
    "move_member": lambda: _("Member %(member)s moved to another constituency."),
    "rejoin_roll": lambda: _("Member %(member)s rejoined the roll."),
    "adjourn_session": lambda: _("The sitting was adjourned."),
    "resume_session": lambda: _("The sitting was resumed."),
    "close_session": lambda: _("The sitting was closed."),
    "point_of_order": lambda: _("Member %(member)s raised a point of order."),
}


def sentence(action: str, payload: Mapping[str, Any]) -> str:
    """The entry as one sentence in the reader's language."""
    say = SENTENCES.get(action)
    if say is None:
        return _("A change was recorded.")
    fields = _fields(payload)
    said = say() % fields
    if action == "sign_recall_petition" and payload.get("reason"):
        said += " " + _("Reason given: “%(reason)s”") % {"reason": fields["reason"]}
    return said


def actor(label: str) -> str:
    """Who acted, as a reader names them: a user by their user name, the system as such (the
    journal keeps ``user:<id>:<name>`` and ``system:<name>``)."""
    kind, _sep, rest = label.partition(":")
    if kind == "user":
        return rest.partition(":")[2] or rest
    if kind == "system":
        return (
            _("the system")
            if rest in ("", "system")
            else _("the system (%(name)s)") % {"name": rest}
        )
    if label == "anonymous":
        return _("anonymous")
    return label
