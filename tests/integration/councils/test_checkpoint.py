"""Signed journal checkpoints: the instance key outside the database, the document, the
server's writer, and `audit verify --checkpoint` refusing what it cannot trust."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import pytest

from smolny.cli import main
from smolny.councils.models import JournalHead
from smolny.journal import checkpoint as checkpoints
from smolny.journal.actions import SYSTEM, action_transaction, record
from tests.factories import d
from tests.integration.councils.conftest import make_frame


@pytest.fixture
def key_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keys" / "instance_key"
    monkeypatch.setenv("SMOLNY_INSTANCE_KEY_FILE", str(path))
    return path


def test_the_instance_key_is_made_once_readable_by_its_owner_only(key_path: Path) -> None:
    assert not key_path.exists()
    first = checkpoints.instance_key()
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    again = checkpoints.instance_key()
    assert checkpoints._public_hex(first.public_key()) == checkpoints._public_hex(
        again.public_key()
    )
    key_path.write_text("not a key\n")
    with pytest.raises(checkpoints.CheckpointError, match="does not hold an instance key"):
        checkpoints.instance_key()


@pytest.mark.django_db
def test_the_printed_checkpoint_names_the_head_and_is_signed(
    key_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_frame({"Putilov works": 5}, at=d(3, 1))
    capsys.readouterr()
    assert main(["audit", "checkpoint"]) == 0
    document = json.loads(capsys.readouterr().out)
    head = JournalHead.objects.get()
    assert (document["seq"], document["hash"]) == (head.seq, head.hash)
    assert document["format"] == checkpoints.FORMAT
    assert document["public_key"] == checkpoints.local_public_key()
    taken = checkpoints.parse(json.dumps(document))
    taken.check_signature()
    # every field is covered by the signature
    for field, value in (("seq", head.seq - 1), ("hash", "0" * 64), ("time", "2000-01-01")):
        altered = checkpoints.parse(json.dumps({**document, field: value}))
        with pytest.raises(checkpoints.CheckpointError, match="signature is not valid"):
            altered.check_signature()


@pytest.mark.django_db
def test_verify_refuses_a_checkpoint_of_another_key_and_an_unreadable_one(
    key_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_frame({"Putilov works": 5}, at=d(3, 1))
    ours = tmp_path / "ours.json"
    assert main(["audit", "checkpoint", "--output", str(ours)]) == 0
    assert main(["audit", "verify", "--checkpoint", str(ours)]) == 0
    # a forger with the database but not the key file signs with a key of their own
    monkeypatch.setenv("SMOLNY_INSTANCE_KEY_FILE", str(tmp_path / "forger_key"))
    forged = tmp_path / "forged.json"
    assert main(["audit", "checkpoint", "--output", str(forged)]) == 0
    monkeypatch.setenv("SMOLNY_INSTANCE_KEY_FILE", str(key_path))
    capsys.readouterr()
    assert main(["audit", "verify", "--checkpoint", str(forged)]) == 1
    assert "not by this installation's instance key" in capsys.readouterr().out
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    assert main(["audit", "verify", "--checkpoint", str(garbage)]) == 2
    assert "is not JSON" in capsys.readouterr().err
    assert main(["audit", "verify", "--checkpoint", str(tmp_path / "absent.json")]) == 2


def append_entry(organisation_id: int) -> None:
    from smolny.councils.models import Organisation

    organisation = Organisation.objects.get(pk=organisation_id)
    with action_transaction(None) as at:
        record(SYSTEM, "note", {"text": "minutes filed"}, at=at, organisation=organisation)


@pytest.mark.django_db
def test_the_writer_writes_when_the_journal_has_grown(key_path: Path, tmp_path: Path) -> None:
    frame = make_frame({"Putilov works": 5}, at=d(3, 1))
    writer = checkpoints.CheckpointWriter(tmp_path / "out", interval=600)
    first = writer.write_if_grown()
    head = JournalHead.objects.get()
    assert first == tmp_path / "out" / f"{head.seq}.json"
    assert checkpoints.read(first).hash == head.hash
    assert (tmp_path / "out" / "latest.json").read_text() == first.read_text()
    assert writer.write_if_grown() is None  # nothing new
    append_entry(frame.organisation.pk)
    second = writer.write_if_grown()
    assert second == tmp_path / "out" / f"{head.seq + 1}.json"
    assert checkpoints.read(tmp_path / "out" / "latest.json").seq == head.seq + 1
    assert first.exists()  # the earlier checkpoints are kept


@pytest.mark.django_db(transaction=True)
def test_the_server_writer_thread_writes_at_its_interval(
    key_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = make_frame({"Putilov works": 5}, at=d(3, 1))
    monkeypatch.setenv("SMOLNY_CHECKPOINT_DIR", str(tmp_path / "server"))
    monkeypatch.setenv("SMOLNY_CHECKPOINT_INTERVAL", "0.2")
    lines: list[str] = []
    writer = checkpoints.start_server_writer(lines.append)
    assert writer is not None
    try:
        latest = tmp_path / "server" / "latest.json"
        head = JournalHead.objects.get().seq
        _wait_for(lambda: latest.exists() and checkpoints.read(latest).seq == head)
        append_entry(frame.organisation.pk)
        _wait_for(lambda: checkpoints.read(latest).seq == head + 1)
    finally:
        writer.stop()
    assert lines == [f"journal checkpoints every 0.2 s in {tmp_path / 'server'}"]


def test_the_interval_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMOLNY_CHECKPOINT_INTERVAL", raising=False)
    assert checkpoints.interval_from_environment() == 600
    monkeypatch.setenv("SMOLNY_CHECKPOINT_INTERVAL", "0")
    assert checkpoints.start_server_writer(print) is None
    for bad in ("ten", "-5"):
        monkeypatch.setenv("SMOLNY_CHECKPOINT_INTERVAL", bad)
        with pytest.raises(checkpoints.CheckpointError, match="SMOLNY_CHECKPOINT_INTERVAL"):
            checkpoints.interval_from_environment()


def _wait_for(condition: object, seconds: float = 10) -> None:
    assert callable(condition)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("the writer did not write in time")
