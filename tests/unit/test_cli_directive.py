"""``smolny directive verify``: exit 0 authentic, 1 not authentic, 2 unreadable or malformed."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from smolny.cli import main
from smolny.directives import Addressee, Directive, dumps
from tests.unit.test_directives import (
    LVOV,
    ORGANISATION,
    World,
    at,
    forge,
    make_world,
    signed_and_countersigned,
)

WORLD: World = make_world()
ROOT = base64.b64encode(WORLD.root.public_key).decode()


def write(tmp_path: Path, text: str, name: str = "order.json") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_consistent_unpinned_is_not_a_success(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 3, never 0: the file names its own root. The root key printed is the form --trust
    takes: given back, the same file is authentic."""
    path = write(tmp_path, dumps(signed_and_countersigned(WORLD)))
    status, out, err = run(["directive", "verify", path], capsys)
    assert status == 3
    assert f"smolny: {path}: consistent, but not authenticated: pin the root" in err
    first = out.splitlines()[0]
    assert first.startswith(
        "consistent, but not authenticated: pin the root: directive staff-1917-10-22-1"
    )
    assert "countersigned by organ mrc (Military Revolutionary Committee)" in out
    printed = out.splitlines()[-1].rsplit("--trust ", 1)[1]
    assert printed == ROOT
    status, out, _ = run(["directive", "verify", path, "--trust", printed], capsys)
    assert status == 0
    assert out.startswith("authentic:")


def test_authentic_pinned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, dumps(signed_and_countersigned(WORLD)))
    status, out, _ = run(["directive", "verify", path, "--trust", ROOT], capsys)
    assert status == 0
    assert out.startswith("authentic: directive staff-1917-10-22-1 issued by organ district-staff")
    assert out.splitlines()[-1].endswith(": pinned")
    keyring = write(tmp_path, f"# roots\n{ROOT} Petrograd\n", "roots.txt")
    status, out, _ = run(["directive", "verify", path, "--keyring", keyring], capsys)
    assert status == 0
    assert out.startswith("authentic:")


def test_altered_text_is_not_authentic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(dumps(signed_and_countersigned(WORLD)))
    data["directive"]["text"] = "The Pavlovsky Regiment will march on Smolny."
    path = write(tmp_path, json.dumps(data, indent=2))
    status, out, err = run(["directive", "verify", path, "--trust", ROOT], capsys)
    assert status == 1
    assert out == "not authentic: directive staff-1917-10-22-1\n"
    assert f"smolny: {path}: not authentic" in err
    assert "directive.text: altered after signing" in err


def test_kerensky_as_lvov_is_not_authentic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claim = Directive(
        "hughes-1917-08-26",
        ORGANISATION,
        LVOV,
        at(8, 26, 20),
        "political",
        "I confirm the proposal transmitted through me.",
        (Addressee("organ", "stavka", "Stavka"),),
    )
    path = write(tmp_path, dumps(forge(WORLD, claim, WORLD.premier)))
    status, out, err = run(["directive", "verify", path], capsys)
    assert status == 1
    assert out.startswith("not authentic")
    assert "signed by key of organ minister-president" in err
    assert "claims organ lvov (V. N. Lvov)" in err


def test_unpinned_root_rejected_by_a_pin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = make_world()
    path = write(tmp_path, dumps(signed_and_countersigned(other)))
    status, _, err = run(["directive", "verify", path, "--trust", ROOT], capsys)
    assert status == 1
    assert "is not a trusted root" in err


def test_malformed_file_exits_2_naming_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = dumps(signed_and_countersigned(WORLD)).replace('"domain": "military"', '"domain": 7')
    path = write(tmp_path, text)
    line = next(n for n, t in enumerate(text.splitlines(), start=1) if '"domain": 7' in t)
    status, out, err = run(["directive", "verify", path], capsys)
    assert status == 2
    assert out == ""
    assert err == f"smolny: {path}:{line}: field directive.domain: must be a string\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        (b"\xff\xfe{", "not UTF-8"),
        (b'{\n  "format": ', "not valid JSON"),
    ],
)
def test_unreadable_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    path = tmp_path / "order.json"
    if content is not None:
        path.write_bytes(content)
    status, out, err = run(["directive", "verify", str(path)], capsys)
    assert status == 2
    assert out == ""
    assert err.startswith(f"smolny: {path}")
    assert message in err


def test_bad_trust_key_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, dumps(signed_and_countersigned(WORLD)))
    status, _, err = run(["directive", "verify", path, "--trust", "AAAA"], capsys)
    assert status == 2
    assert "ROOTKEY #1" in err
    keyring = write(tmp_path, "# roots\nnonsense!\n", "roots.txt")
    status, _, err = run(["directive", "verify", path, "--keyring", keyring], capsys)
    assert status == 2
    assert f"{keyring}:2:" in err


def test_directive_without_action_fails(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["directive"], capsys)
    assert status == 2
    assert "verify" in err


def test_verify_reads_stdin_and_imports_no_django(tmp_path: Path) -> None:
    """Run as a real process: the exit status and that Django was never imported."""
    signed = signed_and_countersigned(WORLD)
    tampered = dumps(replace(signed, directive=replace(signed.directive, domain="political")))
    code = (
        "import sys\n"
        "from smolny.cli import main\n"
        "status = main(['directive', 'verify', '-'])\n"
        "assert 'django' not in sys.modules, 'django imported'\n"
        "sys.exit(status)\n"
    )
    for text, expected in ((dumps(signed), 3), (tampered, 1)):
        result = subprocess.run(
            [sys.executable, "-c", code], input=text, capture_output=True, text=True, check=False
        )
        assert result.returncode == expected, result.stderr
        assert "django imported" not in result.stderr
    assert "directive.domain: altered after signing" in result.stderr
