"""Open an Anki package (`.apkg`, `.colpkg`) in any format Anki writes, with bounded reads.

- `collection.anki2` (schema 11, Anki 2.0), `collection.anki21` (schema 11, 2.1), and
  `collection.anki21b`: zstd-compressed SQLite (schema 18) beside a decoy
  `collection.anki2` that only says "update Anki". The newest present wins.
- `meta` (protobuf PackageMetadata: field 1, the version: 1 legacy, 2 legacy 2,
  3 latest); a version above 3 is a newer format this reader refuses.
- `media`: JSON {"0": "name.png"} in legacy packages; in the latest, zstd-compressed
  protobuf MediaEntries (field 1: entries; an entry's field 1 is its name) and each
  file zstd-compressed. Read with the few lines of protobuf decoding below rather
  than a dependency.

Every member's uncompressed size is capped (a zip bomb stops at the cap), and the
collection is copied to a temporary file for sqlite3 to read.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flashcards.importing import PackageError

MAX_COLLECTION_BYTES = 4 << 30  # a collection this big is not a deck but an accident
MAX_MEDIA_BYTES = 256 << 20  # one media file
MAX_MEDIA_MAP_BYTES = 64 << 20
LATEST_VERSION = 3
_CHUNK = 1 << 20
_NAMES = ("collection.anki21b", "collection.anki21", "collection.anki2")


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if i >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, i


def protobuf_fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of a protobuf message: varints as ints, the length-delimited
    as bytes; fixed 32/64-bit values as bytes too."""
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
            yield number, value
        elif wire == 2:
            size, i = _varint(data, i)
            if i + size > len(data):
                raise ValueError("truncated field")
            yield number, data[i : i + size]
            i += size
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            yield number, data[i : i + size]
            i += size
        else:
            raise ValueError(f"wire type {wire}")


class Package:
    """An opened package: its collection as a sqlite3 connection, its media by name."""

    def __init__(
        self,
        path: Path,
        zf: zipfile.ZipFile,
        db: sqlite3.Connection,
        media: dict[str, str],
        zstd: bool,
    ) -> None:
        self.path = path
        self.zip = zf
        self.db = db
        self.media = media  # {file name: zip member}
        self._zstd = zstd

    def media_bytes(self, name: str) -> bytes:
        """A media file's bytes (at most MAX_MEDIA_BYTES)."""
        member = self.media[name]
        with self.zip.open(member) as raw:
            if self._zstd:
                return _read_zstd(raw, MAX_MEDIA_BYTES, self.path, f"media file {name}")
            return _read_capped(raw, MAX_MEDIA_BYTES, self.path, f"media file {name}")


def _read_capped(stream, cap: int, path: Path, what: str) -> bytes:  # noqa: ANN001
    data = stream.read(cap + 1)
    if len(data) > cap:
        raise PackageError(f"{path}: its {what} is over {cap >> 20} MiB; is it an Anki package?")
    return data


def _read_zstd(stream, cap: int, path: Path, what: str) -> bytes:  # noqa: ANN001
    import zstandard

    try:
        with zstandard.ZstdDecompressor().stream_reader(stream) as reader:
            return _read_capped(reader, cap, path, what)
    except zstandard.ZstdError as exc:
        raise PackageError(
            f"{path}: its {what} is not readable zstd data ({exc}); the package is damaged or truncated — export it again"
        ) from None


def _copy_collection(zf: zipfile.ZipFile, name: str, target: Path, path: Path) -> None:
    """The collection member, decompressed when zstd, to `target`, at most the cap."""
    import zstandard

    written = 0
    with zf.open(name) as raw, open(target, "wb") as out:
        stream = zstandard.ZstdDecompressor().stream_reader(raw) if name.endswith("b") else raw
        try:
            while chunk := stream.read(_CHUNK):
                written += len(chunk)
                if written > MAX_COLLECTION_BYTES:
                    raise PackageError(
                        f"{path}: its collection is over {MAX_COLLECTION_BYTES >> 30} GiB uncompressed; refusing to unpack it"
                    )
                out.write(chunk)
        except zstandard.ZstdError as exc:
            raise PackageError(
                f"{path}: its collection is not readable zstd data ({exc}); the package is damaged or truncated — export it again"
            ) from None


def _version(zf: zipfile.ZipFile, path: Path) -> int:
    if "meta" not in zf.namelist():
        return 1
    with zf.open("meta") as raw:
        data = _read_capped(raw, 4096, path, "meta file")
    try:
        fields = dict(protobuf_fields(data))
    except ValueError:
        raise PackageError(f"{path}: its meta file is damaged; export the package again") from None
    version = fields.get(1, 0)
    return version if isinstance(version, int) else 0


def _media_map(zf: zipfile.ZipFile, path: Path, zstd: bool) -> dict[str, str]:
    if "media" not in zf.namelist():
        return {}
    with zf.open("media") as raw:
        if not zstd:
            data = _read_capped(raw, MAX_MEDIA_MAP_BYTES, path, "media list")
            try:
                found = json.loads(data or b"{}")
            except ValueError:
                raise PackageError(
                    f"{path}: its media list is not JSON; export the package again"
                ) from None
            if not isinstance(found, dict):
                raise PackageError(
                    f"{path}: its media list is not a mapping; export the package again"
                )
            return {str(name): str(member) for member, name in found.items()}
        data = _read_zstd(raw, MAX_MEDIA_MAP_BYTES, path, "media list")
    out: dict[str, str] = {}
    try:
        entries = [value for number, value in protobuf_fields(data) if number == 1]
        for index, entry in enumerate(entries):
            fields = dict(protobuf_fields(entry))  # type: ignore[arg-type]
            name = fields.get(1, b"")
            member = fields.get(255, index)  # legacy_zip_filename, else the entry's index
            out[bytes(name).decode("utf-8", "replace")] = str(member)  # type: ignore[arg-type]
    except ValueError:
        raise PackageError(f"{path}: its media list is damaged; export the package again") from None
    return out


@contextmanager
def open_package(path: Path) -> Iterator[Package]:
    """The package at `path`, opened; PackageError says what is wrong with it."""
    if not path.is_file():
        raise PackageError(f"{path}: no such file; pass an Anki .apkg or .colpkg file")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageError(
            f"{path}: not an Anki package ({exc}); pass a .apkg or .colpkg file exported by Anki"
        ) from None
    scratch = Path(tempfile.mkdtemp(prefix="flashcards-import-"))
    db: sqlite3.Connection | None = None
    try:
        with zf:
            names = set(zf.namelist())
            present = [n for n in _NAMES if n in names]
            if not present:
                raise PackageError(
                    f"{path}: a zip file without an Anki collection in it; pass a .apkg or .colpkg file exported by Anki"
                )
            version = _version(zf, path)
            if version > LATEST_VERSION:
                raise PackageError(
                    f'{path}: made by a newer Anki (package format {version}, this flashcards reads up to {LATEST_VERSION}); export it from Anki with "Support older Anki versions" ticked'
                )
            name = present[0]
            target = scratch / "collection.sqlite"
            try:
                _copy_collection(zf, name, target, path)
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                raise PackageError(
                    f"{path}: the package is damaged or truncated ({exc}); export it again"
                ) from None
            db = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
            try:
                db.execute("SELECT ver FROM col").fetchone()
            except sqlite3.DatabaseError as exc:
                raise PackageError(
                    f"{path}: its collection is not a readable Anki database ({exc}): the package is damaged or truncated; export it again"
                ) from None
            zstd = name.endswith("b")
            yield Package(path, zf, db, _media_map(zf, path, zstd), zstd)
    finally:
        if db is not None:
            db.close()
        shutil.rmtree(scratch, ignore_errors=True)
