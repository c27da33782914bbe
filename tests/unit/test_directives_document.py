"""The directive file's form: canonical bytes, and malformed files named by line and field."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from smolny.directives import DocumentError, dumps, loads, read_keyring
from smolny.directives.document import canonical, parse_public_key
from tests.unit.test_directives import make_world, signed_and_countersigned

WORLD = make_world()
TEXT = dumps(signed_and_countersigned(WORLD))


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the *occurrence*-th line containing *needle* (found by hand)."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return found[occurrence - 1]


def rewritten(change: Any) -> str:
    data = json.loads(TEXT)
    change(data)
    return json.dumps(data, indent=2, ensure_ascii=False)


def error_of(text: str) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        loads(text, "order.json")
    return info.value


def test_canonical_form_is_sorted_compact_utf8() -> None:
    assert canonical({"b": [1, None, True], "a": "é"}) == b'{"a":"\xc3\xa9","b":[1,null,true]}'
    assert canonical({"a": {"d": 1, "c": 2}}) == b'{"a":{"c":2,"d":1}}'
    with pytest.raises(ValueError, match="not JSON compliant"):
        canonical(float("nan"))


def test_a_well_formed_file_loads() -> None:
    assert loads(TEXT, "order.json").directive.id == "staff-1917-10-22-1"


def test_wrong_type_names_line_and_field() -> None:
    text = rewritten(lambda d: d["directive"].__setitem__("domain", 5))
    error = error_of(text)
    assert error.field == "directive.domain"
    assert error.line == line_of(text, '"domain": 5')
    assert str(error) == f"order.json:{error.line}: field directive.domain: must be a string"


def test_missing_field_names_its_parent_line() -> None:
    text = rewritten(lambda d: d["directive"].pop("text"))
    error = error_of(text)
    assert error.field == "directive.text"
    assert "is missing" in str(error)
    assert error.line == line_of(text, '"directive": {')


def test_unknown_field_is_rejected() -> None:
    text = rewritten(lambda d: d["directive"].__setitem__("note", "unsigned"))
    error = error_of(text)
    assert error.field == "directive.note"
    assert error.line == line_of(text, '"note": "unsigned"')
    assert "not a field of this format" in str(error)


def test_nested_fields_are_located() -> None:
    def change(data: dict[str, Any]) -> None:
        data["countersignatures"][0]["certificate"]["public_key"] = "not base64!"

    text = rewritten(change)
    error = error_of(text)
    assert error.field == "countersignatures[0].certificate.public_key"
    assert error.line == line_of(text, "not base64!")
    assert "not valid base64" in str(error)


def test_short_keys_and_signatures_are_malformed() -> None:
    text = rewritten(lambda d: d["root"].__setitem__("public_key", "AAAA"))
    error = error_of(text)
    assert error.field == "root.public_key"
    assert "must be 32 bytes, not 3" in str(error)
    text = rewritten(lambda d: d["signature"].__setitem__("value", "AAAA"))
    assert "must be 64 bytes" in str(error_of(text))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("22 October 1917", "is not an ISO 8601 date and time"),
        ("1917-10-22T09:00:00", "has no UTC offset"),
    ],
)
def test_bad_instants(value: str, message: str) -> None:
    text = rewritten(lambda d: d["directive"].__setitem__("issued_at", value))
    error = error_of(text)
    assert error.field == "directive.issued_at"
    assert message in str(error)
    assert error.line == line_of(text, '"issued_at"')


def test_addressees_need_a_known_kind_and_at_least_one() -> None:
    text = rewritten(lambda d: d["directive"]["addressees"][1].__setitem__("kind", "regiment"))
    error = error_of(text)
    assert error.field == "directive.addressees[1].kind"
    assert error.line == line_of(text, '"regiment"')
    text = rewritten(lambda d: d["directive"].__setitem__("addressees", []))
    assert "at least one addressee" in str(error_of(text))


def test_lone_surrogates_are_malformed() -> None:
    text = TEXT.replace('"domain": "military"', '"domain": "mili\\ud800tary"')
    error = error_of(text)
    assert error.field == "directive.domain"
    assert "lone surrogate" in str(error)


def test_empty_strings_are_malformed() -> None:
    text = rewritten(lambda d: d["directive"].__setitem__("text", "  "))
    assert error_of(text).field == "directive.text"


def test_invalid_json_names_the_line() -> None:
    lines = TEXT.splitlines()
    broken_at = line_of(TEXT, '"domain"')
    lines[broken_at - 1] = lines[broken_at - 1].rstrip(",")
    error = error_of("\n".join(lines))
    assert error.field is None
    assert error.line == broken_at + 1
    assert "not valid JSON" in str(error)


def test_duplicate_keys_are_rejected() -> None:
    text = TEXT.replace(
        '"domain": "military",', '"domain": "military",\n    "domain": "political",'
    )
    assert "duplicate key 'domain'" in str(error_of(text))


def test_top_level_must_be_an_object() -> None:
    assert "must be an object" in str(error_of("[1, 2]"))


def test_keyring_reads_keys_labels_and_comments() -> None:
    other = "A" * 43 + "="
    root = base64.b64encode(WORLD.root.public_key).decode()
    text = f"# Petrograd roots\n\n{root}  root 1917\n{other}\n"
    assert read_keyring(text, "roots.txt") == {WORLD.root.public_key, bytes(32)}
    with pytest.raises(DocumentError) as info:
        read_keyring("# comment\nnot-a-key\n", "roots.txt")
    assert str(info.value).startswith("roots.txt:2: field public key:")
    with pytest.raises(DocumentError, match="holds no keys"):
        read_keyring("# nothing\n", "roots.txt")
    with pytest.raises(DocumentError, match="32 bytes, not 3"):
        parse_public_key("AAAA", file="--trust", line=None, field="ROOTKEY")
