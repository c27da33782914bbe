"""Single transferable vote: the Scottish rules (:mod:`.scottish`) and Meek (:mod:`.meek`).

Each count is imported when first asked for, so that ``smolny tally --method scottish-stv``
does not load the Meek module too.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smolny.rules.stv.meek import meek_stv
    from smolny.rules.stv.scottish import scottish_stv

__all__ = ["meek_stv", "scottish_stv"]

_MODULES = {"meek_stv": "smolny.rules.stv.meek", "scottish_stv": "smolny.rules.stv.scottish"}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return getattr(importlib.import_module(_MODULES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
