"""Names in their scope: a new name may not mix scripts nor look like an existing one.

The rule (Unicode skeletons, UTS #39, and the mixed-script check) is
:mod:`smolny.rules.names`; this reads the names already in the scope: organisations
everywhere, a council's councils within its organisation, constituencies and fractions within
their council, members within their organisation.
"""

from __future__ import annotations

from collections.abc import Iterable

from smolny.journal.actions import ActionError
from smolny.rules.names import name_problem


def require_distinct_name(name: str, existing: Iterable[str], what: str) -> None:
    """Refuse *name* for a new *what* (422, saying why) if it mixes scripts in a word or
    looks like one of the *existing* names of its scope."""
    problem = name_problem(name, existing, what)
    if problem is not None:
        raise ActionError(problem)
