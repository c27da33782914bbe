"""The world runner's progress display: one rewriting line on a terminal, plain lines else."""

from __future__ import annotations

import io

from smolny.worlds.runner import percent, terminal_progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_pipe_gets_one_plain_line_a_step() -> None:
    out = io.StringIO()
    with terminal_progress("loading w", out) as show:
        show(1, 3, "organisation")
        show(2, 3, "council")
        show(3, 3, "sitting")
    assert out.getvalue().splitlines() == [
        "loading w: 1/3 (33%) organisation",
        "loading w: 2/3 (66%) council",
        "loading w: 3/3 (100%) sitting",
    ]


def test_a_terminal_gets_one_line_rewritten_then_cleared() -> None:
    out = Terminal()
    with terminal_progress("loading w", out) as show:
        show(1, 2, "a long first step name")
        show(2, 2, "short")
    text = out.getvalue()
    assert "\n" not in text
    frames = text.split("\r")[1:]
    assert frames[0] == "loading w: 1/2 (50%) a long first step name"
    # The second frame is padded to cover the first; the last clears the line.
    assert frames[1].rstrip() == "loading w: 2/2 (100%) short"
    assert len(frames[1]) == len(frames[0])
    assert frames[2] == " " * len(frames[0])
    assert frames[3] == ""


def test_percent_reaches_100_only_at_the_end() -> None:
    assert percent(199, 200) == 99
    assert percent(200, 200) == 100
    assert percent(0, 0) == 100
