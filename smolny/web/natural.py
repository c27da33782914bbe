"""Natural order for names that carry numbers: "Company 2" before "Company 10".

Lists on the pages (deputies, constituencies, members at the door) sort by these keys, not
as text, so that "1, 2, ..., 10, 11, 100" reads as people count and not "1, 10, 100, 11".
"""

from __future__ import annotations

import re
from typing import Any

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[Any, ...]:
    """The sort key of *text*: runs of digits compared as numbers, the rest without case."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in _DIGITS.split(text)
        if part
    )
