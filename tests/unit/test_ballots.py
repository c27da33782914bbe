"""Ballot readers: BLT, CSV of rankings, long format; merging; errors that name the line."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smolny.rules.ballots.blt as blt_module
from smolny.rules.ballots import (
    OVERVOTE,
    SKIPPED,
    BallotFileError,
    BallotSet,
    read_ballots,
    read_blt,
    read_long,
    read_rankings_csv,
    sniff_format,
)

DATA = Path(__file__).resolve().parents[1] / "data"
DROOP = DATA / "stv" / "droop-examples"
BURLINGTON = DATA / "irv" / "burlington-2009-mayor.csv"


def as_dict(ballots: BallotSet) -> dict[tuple[int, ...], int]:
    """The ballots as {ranking: count}, whatever order the reader produced them in."""
    merged: dict[tuple[int, ...], int] = {}
    for ranking, count in zip(ballots.rankings, ballots.counts, strict=True):
        merged[ranking] = merged.get(ranking, 0) + count
    return merged


def error_of(reader: object, text: str) -> BallotFileError:
    with pytest.raises(BallotFileError) as info:
        reader(text, "f.blt")  # type: ignore[operator]
    return info.value


# ---- BLT ------------------------------------------------------------------------------------

ALGORITHM_123 = """\
4 2
-2
3 1 3 4 0
4 1 3 2 0
2 4 1 3 0
1 2 0
2 2 4 3 1 0
1 3 4 2 0
0
"Adam"
"Basil"
"Charlotte"
"Donald"
"Title"
"""


def test_blt_reads_the_example_of_algorithm_123() -> None:
    ballots = read_blt(ALGORITHM_123, "a.blt")
    assert ballots.candidates == ("Adam", "Basil", "Charlotte", "Donald")
    assert ballots.seats == 2
    assert ballots.withdrawn == frozenset({1})
    assert ballots.title == "Title"
    assert as_dict(ballots) == {
        (0, 2, 3): 3,
        (0, 2, 1): 4,
        (3, 0, 2): 2,
        (1,): 1,
        (1, 3, 2, 0): 2,
        (2, 3, 1): 1,
    }
    assert ballots.total == 13


def test_blt_merges_identical_rankings_and_tolerates_padding() -> None:
    text = (
        "\ufeff  3   1  \n\n"
        "2 1 2 0   \n"
        "  1\t1 2 0\n"
        "# a comment line\n"
        "5 3 0 # trailing comment\n"
        "0\n\n"
        '"A" \n"B"\n"C, the third"\n"An election"\n'
        '"Source: somewhere"\nFirst Prefs\n  12 3 4\n'
    )
    ballots = read_blt(text, "p.blt")
    assert ballots.candidates == ("A", "B", "C, the third")
    assert ballots.seats == 1
    assert ballots.title == "An election"
    assert as_dict(ballots) == {(0, 1): 3, (2,): 5}
    assert len(ballots.rankings) == 2


def test_blt_accepts_lines_as_well_as_text() -> None:
    assert read_blt(ALGORITHM_123.splitlines(keepends=True), "a.blt") == read_blt(
        ALGORITHM_123, "a.blt"
    )


def test_blt_skipped_rank_marker() -> None:
    text = '2 1\n1 1 - 2 0\n1 2 - 0\n0\n"A"\n"B"\n"t"\n'
    assert as_dict(read_blt(text, "s.blt")) == {(0, SKIPPED, 1): 1, (1,): 1}


@pytest.mark.parametrize("name", ["42", "513", "SC", "SCw", "M135"])
def test_blt_reads_the_droop_examples(name: str) -> None:
    text = (DROOP / f"{name}.blt").read_text()
    ballots = read_blt(text, name)
    first = text.split()
    assert len(ballots.candidates) == int(first[0])
    assert ballots.seats == int(first[1])
    # Every ballot line's weight is counted once.
    lines = [line.split() for line in text.splitlines()]
    ballot_lines = [t for t in lines if len(t) >= 2 and t[-1] == "0" and not t[0].startswith("-")]
    assert ballots.total == sum(int(t[0]) for t in ballot_lines)
    assert all(c in range(len(ballots.candidates)) for r in ballots.rankings for c in r)


def test_droop_example_sc_withdrawn_line() -> None:
    ballots = read_blt((DROOP / "SCw.blt").read_text(), "SCw.blt")
    assert ballots.withdrawn == frozenset({3})
    assert ballots.candidates[3] == "Pat LaMarche"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "empty file"),
        ("\n\n   \n", 1, "empty file"),
        ("3\n", 1, "candidates seats"),
        ('2 3\n1 1 0\n0\n"A"\n"B"\n"t"\n', 1, "seat count is larger than the candidates"),
        ('2 2\n-1\n1 1 0\n0\n"A"\n"B"\n"t"\n', 1, "seat count is larger than the candidates"),
        ('2 1\n1 1 2\n0\n"A"\n"B"\n"t"\n', 2, "terminating 0"),
        ('2 1\n1 1 0\n1 2 1\n0\n"A"\n"B"\n"t"\n', 3, "terminating 0"),
        ('2 1\n1 1 3 0\n0\n"A"\n"B"\n"t"\n', 2, "candidate '3' does not exist"),
        ('2 1\n1 1 0 2 0\n0\n"A"\n"B"\n"t"\n', 2, "candidate '0' does not exist"),
        ('2 1\nx 1 0\n0\n"A"\n"B"\n"t"\n', 2, "bad weight 'x'"),
        ('2 1\n1.5 1 0\n0\n"A"\n"B"\n"t"\n', 2, "bad weight '1.5'"),
        ('2 1\n\n-3\n1 1 0\n0\n"A"\n"B"\n"t"\n', 3, "withdrawn candidate '-3' does not exist"),
        ('2 1\n-1 -x\n1 1 0\n0\n"A"\n"B"\n"t"\n', 2, "withdrawn candidate '-x' does not exist"),
        ('2 1\n1 1 2 1 0\n0\n"A"\n"B"\n"t"\n', 2, "ranked twice"),
        ('2 1\n1 1=2 0\n0\n"A"\n"B"\n"t"\n', 2, "equal rankings"),
        ('2 1\n1 1 0\n"A"\n"B"\n"t"\n', 3, "0 line missing"),
        ("2 1\n1 1 0\n", 2, "ends before the line '0'"),
        ('2 1\n1 1 0\n0\n"A"\n', 4, "expected 2 candidate names"),
    ],
)
def test_blt_errors_name_the_line(text: str, line: int, words: str) -> None:
    error = error_of(read_blt, text)
    assert error.line == line
    assert words in error.message
    assert str(error) == f"f.blt:{line}: {error.message}"
    assert isinstance(error, ValueError)


def big_blt(lines: list[str], n_candidates: int = 6, seats: int = 2) -> str:
    names = "\n".join(f'"C{i + 1}"' for i in range(n_candidates))
    return f"{n_candidates} {seats}\n" + "\n".join(lines) + f'\n0\n{names}\n"Big"\n'


def random_ballot_lines(count: int, seed: int, n_candidates: int = 6) -> list[str]:
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        ranking = rng.sample(range(1, n_candidates + 1), rng.randint(0, n_candidates))
        lines.append(f"{rng.randint(1, 50)} {' '.join(map(str, ranking))} 0".replace("  ", " "))
    return lines


def test_bulk_reader_agrees_with_the_line_by_line_reader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Large plain files are read in bulk; a comment forces the careful path."""
    lines = random_ballot_lines(3000, seed=7)
    with monkeypatch.context() as patch:

        def not_called(*args: object) -> None:
            raise AssertionError("the bulk reader should have read this file")

        patch.setattr(blt_module, "_blt_ballots", not_called)
        bulk = read_blt(big_blt(lines), "big.blt")
    careful = read_blt(big_blt([*lines, "# forces the careful reader"]), "big.blt")
    assert as_dict(bulk) == as_dict(careful)
    assert bulk.total == careful.total == sum(int(line.split()[0]) for line in lines)
    assert len(bulk.rankings) == len(as_dict(bulk))  # merged: no ranking twice
    expected: dict[tuple[int, ...], int] = {}
    for line in lines:
        tokens = [int(t) for t in line.split()]
        key = tuple(t - 1 for t in tokens[1:-1])
        expected[key] = expected.get(key, 0) + tokens[0]
    assert as_dict(bulk) == expected


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ("3 1 7 0", "candidate '7' does not exist"),
        ("3 1 2", "terminating 0"),
        ("3 1 2 1 0", "ranked twice"),
        ("0 1 2 0", "bad weight '0'"),
        ("3 1 0 2 0", "candidate '0' does not exist"),
    ],
)
def test_errors_in_large_files_still_name_the_line(bad: str, words: str) -> None:
    lines = random_ballot_lines(2500, seed=3)
    lines[1700] = bad
    error = error_of(read_blt, big_blt(lines))
    assert error.line == 1702  # the header is line 1
    assert words in error.message


# ---- CSV of rankings ------------------------------------------------------------------------


def test_csv_with_count_header() -> None:
    text = "count,rank1,rank2,rank3\n120,Adam,Charlotte,Donald\n45,Basil\n5,Adam,Charlotte,Donald\n"
    ballots = read_rankings_csv(text, "r.csv")
    assert ballots.candidates == ("Adam", "Charlotte", "Donald", "Basil")
    assert as_dict(ballots) == {(0, 1, 2): 125, (3,): 45}
    assert len(ballots.rankings) == 2


def test_csv_count_detected_by_an_integer_first_cell() -> None:
    ballots = read_rankings_csv("3,A,B\n2,B\n", "r.csv")
    assert as_dict(ballots) == {(0, 1): 3, (1,): 2}


def test_csv_without_counts_or_header() -> None:
    ballots = read_rankings_csv("A,B,C\nB,,A\nA,B,C\n\n", "r.csv")
    assert as_dict(ballots) == {(0, 1, 2): 2, (1, SKIPPED, 0): 1}


def test_csv_rank_header_without_counts_and_markers() -> None:
    text = "choice 1,choice 2,choice 3\nA,$OVERVOTE,B\nB,$UNDERVOTE,\n"
    ballots = read_rankings_csv(text, "r.csv")
    assert ballots.candidates == ("A", "B")
    assert as_dict(ballots) == {(0, OVERVOTE, 1): 1, (1,): 1}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "empty file"),
        ("count,rank1\n", 1, "no ballots"),
        ("count,rank1\n3,A\nx,B\n", 3, "field 1 (count)"),
        ("3,A\n2,B\n-1,C\n", 3, "field 1 (count)"),
    ],
)
def test_csv_errors(text: str, line: int, words: str) -> None:
    error = error_of(read_rankings_csv, text)
    assert (error.line, words in error.message) == (line, True)


# ---- Long format ----------------------------------------------------------------------------


def test_long_groups_rows_by_ballot_id_and_reads_markers() -> None:
    text = (
        "ballot_id,rank,choice\n"
        "b1,1,A\n"
        "b2,1,B\n"
        "b1,2,B\n"
        "b3,1,$OVERVOTE\n"
        "b3,2,A\n"
        "b4,1,A\n"
        "b4,3,C\n"  # rank 2 missing: skipped
        "b5,1,$UNDERVOTE\n"
        "b5,2,$UNDERVOTE\n"
        "b6,1,B\n"
        "b6,1,C\n"  # two candidates at one rank: an overvote
        "b7,2,A\n"
        "b7,1,B\n"  # ranks out of order
        "b8,1,A\n"
        "b8,2,B\n"
    )
    ballots = read_long(text, "l.csv")
    assert ballots.candidates == ("A", "B", "C")
    assert as_dict(ballots) == {
        (0, 1): 2,
        (1,): 1,
        (OVERVOTE, 0): 1,
        (0, SKIPPED, 2): 1,
        (): 1,
        (OVERVOTE,): 1,
        (1, 0): 1,
    }
    assert ballots.total == 8


def test_long_reads_burlington() -> None:
    ballots = read_long(BURLINGTON.read_text(), "burlington")
    assert ballots.total == 8980
    assert set(ballots.candidates) == {
        "Bob Kiss",
        "Andy Montroll",
        "Dan Smith",
        "Kurt Wright",
        "James Simpson",
        "Write-in",
    }
    assert len(ballots.rankings) < 8980  # merged


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "empty file"),
        ("id,rank,name\nb1,1,A\n", 1, "header"),
        ("ballot_id,rank,choice\nb1,1,A\nb1,two,B\n", 3, "field 2 (rank)"),
        ("ballot_id,rank,choice\nb1,0,A\n", 2, "field 2 (rank)"),
        ("ballot_id,rank,choice\nb1,1\n", 2, "expected 3 fields"),
        ("ballot_id,rank,choice\n,1,A\n", 2, "field 1 (ballot_id)"),
        ("ballot_id,rank,choice\nb1,1,\n", 2, "field 3 (choice)"),
    ],
)
def test_long_errors(text: str, line: int, words: str) -> None:
    error = error_of(read_long, text)
    assert (error.line, words in error.message) == (line, True)


# ---- Sniffing -------------------------------------------------------------------------------


def test_sniffing() -> None:
    assert sniff_format(ALGORITHM_123) == "blt"
    assert sniff_format("\n\nballot_id,rank,choice\nb,1,A\n") == "long"
    assert sniff_format("count,rank1\n3,A\n") == "csv"
    assert sniff_format("A,B\n") == "csv"
    assert read_ballots(ALGORITHM_123, "a") == read_blt(ALGORITHM_123, "a")
    assert read_ballots("3,A\n", "a", "csv").counts == (3,)
    with pytest.raises(BallotFileError):
        read_ballots("   \n", "e")
    with pytest.raises(ValueError, match="unknown ballot format"):
        read_ballots("3,A\n", "a", "xml")


def test_forced_format_reports_the_mismatch() -> None:
    with pytest.raises(BallotFileError) as info:
        read_ballots("A,B\n", "a.csv", "blt")
    assert info.value.line == 1


# ---- Round trip (property) ------------------------------------------------------------------


@st.composite
def ballot_sets(draw: st.DrawFn) -> BallotSet:
    n = draw(st.integers(1, 7))
    rankings = draw(
        st.lists(
            st.tuples(
                st.lists(st.integers(0, n - 1), unique=True, max_size=n).map(tuple),
                st.integers(1, 10**6),
            ),
            min_size=1,
            max_size=30,
        )
    )
    return BallotSet.merge([f"C{i}" for i in range(n)], rankings, seats=draw(st.integers(1, n)))


def to_blt(ballots: BallotSet) -> str:
    lines = [f"{len(ballots.candidates)} {ballots.seats}"]
    for ranking, count in zip(ballots.rankings, ballots.counts, strict=True):
        lines.append(" ".join(str(x) for x in (count, *(c + 1 for c in ranking), 0)))
    lines.append("0")
    lines += [f'"{name}"' for name in ballots.candidates]
    lines.append('"round trip"')
    return "\n".join(lines) + "\n"


def to_csv(ballots: BallotSet) -> str:
    rows = ["count,rank1"]
    for ranking, count in zip(ballots.rankings, ballots.counts, strict=True):
        rows.append(",".join([str(count), *(ballots.candidates[c] for c in ranking)]))
    return "\n".join(rows) + "\n"


@settings(max_examples=60, deadline=None)
@given(ballot_sets())
def test_blt_round_trip(ballots: BallotSet) -> None:
    read = read_blt(to_blt(ballots), "rt.blt")
    assert read.candidates == ballots.candidates
    assert read.seats == ballots.seats
    assert as_dict(read) == as_dict(ballots)


@settings(max_examples=60, deadline=None)
@given(ballot_sets())
def test_csv_round_trip(ballots: BallotSet) -> None:
    read = read_rankings_csv(to_csv(ballots), "rt.csv")
    # Candidates are numbered in order of first appearance: compare by name.
    by_name = {tuple(read.candidates[c] for c in r): n for r, n in as_dict(read).items()}
    expected = {tuple(ballots.candidates[c] for c in r): n for r, n in as_dict(ballots).items()}
    assert by_name == expected


# ---- The plain BLT reader against the careful one (property) --------------------------------


def careful(text: str) -> BallotSet | BallotFileError:
    """What the line-by-line reader makes of *text*: its ballots or its error."""
    try:
        return read_blt(text.splitlines(), "f.blt")  # lines: the plain reader is not asked
    except BallotFileError as error:
        return error


def same_reading(a: BallotSet, b: BallotSet) -> bool:
    """Equal in everything a count reads, rankings in the same order."""
    return (
        tuple(a.rankings) == tuple(b.rankings)
        and a.counts == b.counts
        and (a.candidates, a.seats, a.withdrawn, a.title)
        == (b.candidates, b.seats, b.withdrawn, b.title)
    )


@st.composite
def plain_blt_files(draw: st.DrawFn) -> str:
    """BLT files written plainly, with repeated lines, withdrawn candidates, empty ballots."""
    n = draw(st.integers(1, 14))
    lines = draw(
        st.lists(
            st.tuples(
                st.integers(1, 10**7),
                st.lists(st.integers(1, n), unique=True, max_size=n),
            ),
            min_size=1,
            max_size=25,
        )
    )
    lines += draw(st.lists(st.sampled_from(lines), max_size=10))  # the same line again
    withdrawn = draw(st.sets(st.integers(1, n), max_size=n - 1))
    head = f"{n} {draw(st.integers(1, n - len(withdrawn)))}\n"
    if withdrawn:
        head += " ".join(f"-{c}" for c in sorted(withdrawn)) + "\n"
    body = "".join(" ".join(map(str, (w, *r, 0))) + "\n" for w, r in lines)
    names = "".join(f'"C{i}"\n' for i in range(1, n + 1))
    return f'{head}{body}0\n{names}"plain"\n'


def read_plainly(text: str) -> BallotSet | None:
    """The plain reader's reading of *text*, whatever its size (it waits for large files
    otherwise)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(blt_module, "_PLAIN_MIN_CHARS", 0)
        patch.setattr(blt_module, "_BULK", 1)
        return blt_module._read_blt_plain(text, "f.blt")


@settings(max_examples=150, deadline=None)
@given(plain_blt_files())
def test_the_plain_reader_reads_a_plain_file_as_the_careful_reader_does(text: str) -> None:
    plain = read_plainly(text)
    assert plain is not None, "a plainly written file should be read by the plain reader"
    expected = careful(text)
    assert isinstance(expected, BallotSet)
    assert same_reading(plain, expected)
    assert plain.rankings == expected.rankings  # a PackedRankings equals the tuple
    assert hash(plain.rankings) == hash(tuple(expected.rankings))
    assert list(plain.rankings) == list(expected.rankings)
    table, counts = plain.padded(-9)
    assert counts.tolist() == list(expected.counts)
    assert [tuple(c for c in row if c != -9) for row in table.tolist()] == list(plain.rankings)


SLIPS = [
    *(" ", "  ", "\t", "\r", "\n", "0", "00", "-", "#", '"', "=", "x", "7", "99999999999999"),
    *(" 0", "0 ", "\n0", "0\n", " 0\n", "\n0\n", "\n\n"),
]


@settings(max_examples=400, deadline=None)
@given(plain_blt_files(), st.data())
def test_the_plain_reader_never_reads_what_the_careful_reader_would_not(
    text: str, data: st.DataObject
) -> None:
    """One slip anywhere (a character added or removed): the plain reader either gives up,
    or gives exactly the careful reader's ballots; where the careful reader refuses the
    file, the plain reader gives up, so the refusal names the line."""
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()):
            text = text[:at] + data.draw(st.sampled_from(SLIPS)) + text[at:]
        else:
            text = text[:at] + text[at + 1 :]
    plain = read_plainly(text)
    if plain is not None:
        expected = careful(text)
        assert isinstance(expected, BallotSet), f"careful reader refused: {expected}"
        assert same_reading(plain, expected)


def test_a_large_file_not_written_plainly_is_read_in_bulk_all_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Tabs, carriage returns and padding send a large file past the plain reader to the
    bulk line reader, which gives the same ballots."""
    lines = random_ballot_lines(3000, seed=11)
    plain_text = big_blt(lines)
    untidy = big_blt([f" {line.replace(' ', chr(9), 1)}  " for line in lines]).replace("\n", "\r\n")
    assert blt_module._read_blt_plain(plain_text, "big.blt") is not None
    assert blt_module._read_blt_plain(untidy, "big.blt") is None
    with monkeypatch.context() as patch:

        def not_called(*args: object) -> None:
            raise AssertionError("the bulk reader should have read this file")

        patch.setattr(blt_module, "_blt_ballots", not_called)
        bulk = read_blt(untidy, "big.blt")
    assert same_reading(bulk, read_blt(plain_text, "big.blt"))


@pytest.mark.parametrize(
    ("slip", "words"),
    [
        ("5 0 1\n3 2 0", "terminating 0"),  # a 0 inside the line, none at its end
        ("0 1 2 0", "bad weight '0'"),
        ("4 1 9 0", "candidate '9' does not exist"),
        ("4 2 1 2 0", "ranked twice"),
        ("4 1 99999999999999999999999 0", "does not exist"),
        ("4 1 2 00", "terminating 0"),
        ("4 1 -2 0", "does not exist"),
    ],
)
def test_a_near_plain_file_with_a_fault_is_left_to_the_careful_reader(
    slip: str, words: str
) -> None:
    """The plain reader gives up on each of these faults; the careful reader names the line."""
    lines = ["3 1 2 0", "2 3 0", "7 2 0", *slip.split("\n"), "1 3 2 0"]
    text = "3 2\n" + "\n".join(lines) + '\n0\n"A"\n"B"\n"C"\n"t"\n'
    assert read_plainly(text) is None
    error = error_of(read_blt, text)
    assert error.line == 5  # the header is line 1, the slip's first line is line 5
    assert words in error.message
