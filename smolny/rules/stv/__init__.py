"""Single transferable vote: the Scottish rules (:mod:`.scottish`) and Meek (:mod:`.meek`)."""

from smolny.rules.stv.meek import meek_stv
from smolny.rules.stv.scottish import scottish_stv

__all__ = ["meek_stv", "scottish_stv"]
