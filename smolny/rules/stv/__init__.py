"""Single transferable vote: the Scottish rules (:mod:`.scottish`) and Meek's method."""

from smolny.rules.stv.scottish import scottish_stv

__all__ = ["scottish_stv"]
