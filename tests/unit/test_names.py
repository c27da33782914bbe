"""Look-alike names (smolny.rules.names): UTS #39 skeletons over the Latin, Cyrillic and Greek
look-alikes, and words that mix scripts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from smolny.rules.names import mixed_script_word, name_problem, skeleton


def test_skeletons_of_look_alikes_are_equal() -> None:
    assert skeleton("\u0410lpha") == skeleton("Alpha")  # Cyrillic А
    assert skeleton("\u0410\u04cf\u0440\u04bb\u0430") == skeleton("Alpha")  # all Cyrillic
    assert skeleton("\u0391\u0399\u03a1\u0397\u0391") == skeleton("AIPHA")  # all Greek
    assert skeleton("Smolny") == skeleton("Srnolny")  # m and rn
    assert skeleton("Ivan") == skeleton("lvan") == skeleton("1van")
    assert skeleton("Narva  Gate") == skeleton("Narva Gate")
    # Accents decompose, so a composed and a decomposed letter are one name.
    assert skeleton("P\u00e9trograd") == skeleton("Pe\u0301trograd")


def test_different_names_keep_different_skeletons() -> None:
    assert skeleton("Alpha") != skeleton("Alpine")
    assert skeleton("Большевики") != skeleton("Меньшевики")
    assert skeleton("Narva") != skeleton("Narvа".replace("а", "e"))


def test_mixed_script_words() -> None:
    assert mixed_script_word("\u0410lpha Group") == "\u0410lpha"
    assert mixed_script_word("Petrograd Совет") is None  # one script a word
    assert mixed_script_word("Совет рабочих депутатов") is None
    assert mixed_script_word("Ward 12-B") is None
    assert mixed_script_word("Αθήνα") is None  # Greek with its accents


def test_name_problem_says_why() -> None:
    assert name_problem("Alpha", ["Alpha"], "fraction") is None  # identical: the caller's rule
    assert name_problem("Beta", ["Alpha"], "fraction") is None
    lookalike = name_problem("\u0410\u04cf\u0440\u04bb\u0430", ["Beta", "Alpha"], "fraction")
    assert lookalike is not None
    assert "looks like the existing 'Alpha'" in lookalike
    mixed = name_problem("\u0410lpha", [], "council")
    assert mixed is not None
    assert "mixes scripts in the word" in mixed


def _reference_skeleton(name: str) -> str:
    """The skeleton as the standard states it, one character at a time (no fast path)."""
    import unicodedata

    from smolny.rules.names import _PROTOTYPES

    text = unicodedata.normalize("NFD", " ".join(name.split()))
    return unicodedata.normalize("NFD", "".join(_PROTOTYPES.get(c, c) for c in text))


@given(st.text(alphabet=st.sampled_from("AaIl1|mrn o Оо\u0430\u03bfé\u0301 \tBß"), max_size=30))
def test_the_fast_skeleton_agrees_with_the_standard_s_steps(name: str) -> None:
    assert skeleton(name) == _reference_skeleton(name)
