"""Member rolls: importing a roll from CSV, all or nothing.

The file has a header with the columns ``member_id``, ``name`` and ``constituency`` (others
are ignored). Every line is checked before anything is written; if any line is bad, every
bad line is reported (file, line number, field, reason) and nothing is imported. One journal
entry records the whole import with the SHA-256 digest of the file's text and the counts, so
a million members cost one entry, and the digest ties the entry to the exact file.

On PostgreSQL the rows go in through ``COPY`` (psycopg's copy protocol); elsewhere through
``bulk_create`` in batches (see :mod:`smolny.councils.bulk`).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext

from smolny.councils.bulk import insert_rows
from smolny.councils.models import Constituency, Council, Member
from smolny.journal.actions import (
    ActionError,
    Actor,
    action_transaction,
    fresh,
    record,
    require_secretary,
)
from smolny.rules.names import mixed_script_word, skeleton

COLUMNS = ("member_id", "name", "constituency")
MAX_REPORTED = 1000
MAX_ID = Member._meta.get_field("external_id").max_length or 64
MAX_NAME = Member._meta.get_field("name").max_length or 200


@dataclass(frozen=True)
class RollError:
    line: int
    field: str
    message: str


class RollImportError(ActionError):
    """A roll with bad lines: nothing was imported; ``errors`` lists every bad line."""

    def __init__(self, source: str, errors: list[RollError]) -> None:
        self.source = source
        self.errors = errors
        shown = [f"{source}:{e.line}: {e.field}: {e.message}" for e in errors[:MAX_REPORTED]]
        if len(errors) > MAX_REPORTED:
            shown.append(gettext("... and %(n)s more") % {"n": len(errors) - MAX_REPORTED})
        summary = gettext("%(n)s bad line(s), nothing imported:") % {"n": len(errors)}
        super().__init__(summary + "\n" + "\n".join(shown))


@dataclass(frozen=True)
class RollImport:
    members: int
    constituencies: int
    digest: str


class _Digesting:
    """Feeds the csv module while hashing the text exactly as read."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.sha = hashlib.sha256()

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            self.sha.update(line.encode("utf-8"))
            yield line


def _csv_rows(reader: Any) -> Iterator[tuple[int, list[str]] | RollError]:
    """(line number, cells) of each CSV record; when the csv module refuses the text (a
    field longer than its limit of 131,072 characters, for one), a :class:`RollError` for
    that line ends the records."""
    while True:
        try:
            record_ = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield RollError(
                max(1, reader.line_num),
                "line",
                gettext("not readable as CSV: %(error)s") % {"error": error},
            )
            return
        yield reader.line_num, record_


def _parse(
    lines: Iterable[str],
    constituency_ids: dict[str, int],
    taken_ids: set[str],
    known_names: dict[str, str] | None = None,
) -> tuple[list[tuple[str, str, int]], list[RollError], str]:
    """Check every line; return the rows (external id, name, constituency id), errors, digest.

    *known_names* (skeleton: name) are the organisation's members' names: a name that mixes
    scripts in a word, or looks like another (the same skeleton, other characters), in the
    file or on the rolls already, is refused (:mod:`smolny.rules.names`); the same name twice
    is two people who share it."""
    known = {} if known_names is None else known_names
    source = _Digesting(lines)
    reader = _csv_rows(csv.reader(source))
    errors: list[RollError] = []
    rows: list[tuple[str, str, int]] = []
    first = next(reader, None)
    if first is None:
        return rows, [RollError(1, "header", gettext("the file is empty"))], source.sha.hexdigest()
    if isinstance(first, RollError):
        errors.append(first)
    else:
        names = [h.strip().lower() for h in first[1]]
        missing = [c for c in COLUMNS if c not in names]
        if missing:
            errors.append(
                RollError(
                    1,
                    "header",
                    gettext("missing column(s): %(names)s") % {"names": ", ".join(missing)},
                )
            )
    if errors:
        for _ in source:  # still digest the whole text
            pass
        return rows, errors, source.sha.hexdigest()
    i_id, i_name, i_con = (names.index(c) for c in COLUMNS)
    width = len(names)
    first_line: dict[str, int] = {}
    for read in reader:
        if isinstance(read, RollError):
            errors.append(read)
            break
        line, record_ = read
        if not record_:
            continue
        if any("\x00" in cell for cell in record_):
            errors.append(RollError(line, "line", gettext("contains a NUL character")))
            continue
        if len(record_) != width:
            errors.append(
                RollError(
                    line,
                    "line",
                    gettext("%(count)s fields, the header has %(width)s")
                    % {"count": len(record_), "width": width},
                )
            )
            continue
        external_id = record_[i_id].strip()
        name = record_[i_name].strip()
        con_name = record_[i_con].strip()
        ok = True
        if not external_id:
            errors.append(RollError(line, "member_id", gettext("empty member id")))
            ok = False
        elif len(external_id) > MAX_ID:
            errors.append(
                RollError(
                    line,
                    "member_id",
                    gettext("longer than %(limit)s characters") % {"limit": MAX_ID},
                )
            )
            ok = False
        elif external_id in first_line:
            errors.append(
                RollError(
                    line,
                    "member_id",
                    gettext("duplicate member id %(external_id)s (first on line %(line)s)")
                    % {"external_id": repr(external_id), "line": first_line[external_id]},
                )
            )
            ok = False
        elif external_id in taken_ids:
            errors.append(
                RollError(
                    line,
                    "member_id",
                    gettext("member id %(external_id)s is already on a roll")
                    % {"external_id": repr(external_id)},
                )
            )
            ok = False
        else:
            first_line[external_id] = line
        if not name:
            errors.append(RollError(line, "name", gettext("empty name")))
            ok = False
        elif len(name) > MAX_NAME:
            errors.append(
                RollError(
                    line,
                    "name",
                    gettext("longer than %(limit)s characters") % {"limit": MAX_NAME},
                )
            )
            ok = False
        elif (word := mixed_script_word(name)) is not None:
            errors.append(
                RollError(
                    line,
                    "name",
                    gettext("mixes scripts in the word %(word)s: one script a word")
                    % {"word": repr(word)},
                )
            )
            ok = False
        elif (other := known.setdefault(skeleton(name), name)) != name:
            errors.append(
                RollError(
                    line,
                    "name",
                    gettext("looks like %(other)s (UTS #39 skeleton): tell them apart")
                    % {"other": repr(other)},
                )
            )
            ok = False
        constituency_id = constituency_ids.get(con_name)
        if constituency_id is None:
            errors.append(
                RollError(
                    line,
                    "constituency",
                    gettext("unknown constituency %(name)s") % {"name": repr(con_name)},
                )
            )
            ok = False
        if ok and constituency_id is not None:
            rows.append((external_id, name, constituency_id))
    return rows, errors, source.sha.hexdigest()


@dataclass(frozen=True)
class RollCheck:
    """What an import of a file would do, read without writing (the upload page's preview)."""

    rows: int
    per_constituency: dict[int, int]
    errors: list[RollError]
    digest: str


def _read_against_rolls(
    council: Council, lines: Iterable[str]
) -> tuple[list[tuple[str, str, int]], list[RollError], str]:
    """Parse *lines* against *council*'s open rolls, the member numbers in use and the names
    already known (by skeleton): the one reading the preview and the import share, so a
    preview that passes is an import that passes unless the rolls change in between."""
    organisation = council.organisation
    constituency_ids = dict(
        Constituency.objects.filter(council=council, kind=Constituency.ROLL, end=None).values_list(
            "name", "id"
        )
    )
    taken = set(
        Member.objects.filter(organisation=organisation, end=None).values_list(
            "external_id", flat=True
        )
    )
    known = {
        skeleton(n): n
        for n in Member.objects.filter(organisation=organisation).values_list("name", flat=True)
    }
    return _parse(lines, constituency_ids, taken, known)


def check_roll(council: Council, lines: Iterable[str]) -> RollCheck:
    """Check *lines* against *council*'s current rolls as :func:`import_roll` would, and
    write nothing: the same parse, so a preview that passes is an import that passes
    unless the rolls change in between (the import checks again)."""
    rows, errors, digest = _read_against_rolls(council, lines)
    if not rows and not errors:
        errors = [RollError(2, "line", gettext("the roll lists no members"))]
    per: dict[int, int] = {}
    for _, _, constituency_id in rows:
        per[constituency_id] = per.get(constituency_id, 0) + 1
    return RollCheck(rows=len(rows), per_constituency=per, errors=errors, digest=digest)


def import_roll(
    actor: Actor,
    council: Council,
    lines: Iterable[str],
    *,
    source: str = "roll",
    at: datetime | None = None,
) -> RollImport:
    """Add the members listed in *lines* (CSV text) to the rolls of *council*'s constituencies.

    *source* names the file in error messages. Raises :class:`RollImportError` listing every
    bad line, with nothing imported.
    """
    with action_transaction(at) as at:
        council = fresh(council)
        organisation = council.organisation
        require_secretary(actor, organisation, at)
        rows, errors, digest = _read_against_rolls(council, lines)
        if errors:
            raise RollImportError(source, errors)
        if not rows:
            raise RollImportError(
                source, [RollError(2, "line", gettext("the roll lists no members"))]
            )
        _insert(organisation.pk, rows, at)
        per_constituency = len({c for _, _, c in rows})
        record(
            actor,
            "import_roll",
            {
                "council": council.pk,
                "source": source,
                "sha256": digest,
                "members": len(rows),
                "constituencies": per_constituency,
            },
            at=at,
            organisation=organisation,
        )
    return RollImport(members=len(rows), constituencies=per_constituency, digest=digest)


def _insert(organisation_id: int, rows: list[tuple[str, str, int]], at: datetime) -> None:
    insert_rows(
        Member,
        ("organisation_id", "constituency_id", "external_id", "name", "start"),
        ((organisation_id, c, external_id, name, at) for external_id, name, c in rows),
    )
