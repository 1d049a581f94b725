"""The gazetteer index on disk: plain arrays in a NumPy .npz file, loaded without pickle (a file in the data
folder cannot run code), written atomically, and checked on load so that a damaged file is reported as such.

An index is a dict of tables (name → equal-length lists of ints, floats or strings) and maps (str → an int,
or a tuple of ints). Strings are stored as one UTF-8 blob with a separator; a map's keys likewise, its values
as an int array (a tuple is stored in a side table, pointed to by a negative value).

A large map can be written hashed: its keys sorted by a 32-bit hash (CRC-32 of the UTF-8 key) with their byte
offsets, so that a reader finds a key by binary search over the hashes and checks the key's own bytes, without
building a Python dict of every key at start-up. read(lazy=True) returns such a map as a HashedMap and the
tables' columns as compact sequences decoded on access (a new process loads in a tenth of the time and memory).
"""

from __future__ import annotations

import json
import os
import zipfile
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from pathlib import Path
from zlib import crc32

import numpy as np

FORMAT = "frontmap-index/1"
_SEPARATOR = "\x1e"  # the ASCII record separator: never in a place name or a word


class IndexFileError(ValueError):
    """The file is not an index this version wrote, or it is damaged."""


def _strings(values: list[str], what: str) -> np.ndarray:
    if any(_SEPARATOR in v for v in values):
        raise IndexFileError(f"{what}: a string holds the separator character")
    return np.frombuffer(_SEPARATOR.join(values).encode("utf-8"), dtype=np.uint8)


def _unstrings(array: np.ndarray, count: int, what: str) -> list[str]:
    values = array.tobytes().decode("utf-8").split(_SEPARATOR) if count else []
    if len(values) != count:
        raise IndexFileError(f"{what}: {len(values)} strings where {count} were written")
    return values


def write(path: Path, index: dict[str, dict], hashed: tuple[str, ...] = ()) -> None:
    """Write an index to path atomically (a reader sees the old file or the new one, never half of one); the maps
    named in `hashed` are written hashed (see the module's docstring)."""
    arrays: dict[str, np.ndarray] = {}
    manifest: dict = {"format": FORMAT, "tables": {}, "maps": {}, "hashed": {}}
    for name, part in index.items():
        if name in hashed:
            arrays.update(_hashed_arrays(name, part))
            manifest["hashed"][name] = {"count": len(part)}
        elif part and all(isinstance(v, list) for v in part.values()):
            columns = {}
            for column, values in part.items():
                kind = "str" if values and isinstance(values[0], str) else \
                    "float" if any(isinstance(v, float) for v in values) else "int"
                arrays[f"{name}.{column}"] = _strings(values, f"{name}.{column}") if kind == "str" else \
                    np.asarray(values, dtype=np.float64 if kind == "float" else np.int64)
                columns[column] = {"kind": kind, "count": len(values)}
            manifest["tables"][name] = columns
        else:
            keys = list(part)
            values, multi = np.empty(len(keys), dtype=np.int64), []
            for i, value in enumerate(part.values()):
                if isinstance(value, tuple):
                    multi.append(value)
                    values[i] = -len(multi)
                else:
                    values[i] = value
            arrays[f"{name}.keys"] = _strings(keys, f"{name} keys")
            arrays[f"{name}.values"] = values
            arrays[f"{name}.multi_lengths"] = np.asarray([len(t) for t in multi], dtype=np.int64)
            arrays[f"{name}.multi_ids"] = np.asarray([i for t in multi for i in t], dtype=np.int64)
            manifest["maps"][name] = {"count": len(keys)}
    arrays["manifest"] = np.frombuffer(json.dumps(manifest).encode("utf-8"), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read(path: Path, lazy: bool = False) -> dict[str, dict]:
    """Read an index written by write(); IndexFileError when it is damaged or of another format. lazy: tables'
    columns as compact sequences (StringColumn, array) and hashed maps as HashedMap, decoded on access; else
    lists and dicts."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as exc:
        raise IndexFileError(f"cannot read {path.name}: {exc}") from None
    try:
        manifest = json.loads(arrays["manifest"].tobytes())
        if manifest.get("format") != FORMAT:
            raise IndexFileError(f"{path.name} is in format {manifest.get('format')!r}, not {FORMAT!r}")
        index: dict[str, dict] = {}
        for name, columns in manifest["tables"].items():
            table = {}
            for column, info in columns.items():
                array = arrays[f"{name}.{column}"]
                if lazy:
                    table[column] = _lazy_column(array, info, f"{name}.{column}")
                else:
                    table[column] = _unstrings(array, info["count"], f"{name}.{column}") if info["kind"] == "str" \
                        else array.tolist()
                if len(table[column]) != info["count"]:
                    raise IndexFileError(f"{name}.{column}: {len(table[column])} values, {info['count']} written")
            index[name] = table
        for name, info in manifest["maps"].items():
            keys = _unstrings(arrays[f"{name}.keys"], info["count"], f"{name} keys")
            values = arrays[f"{name}.values"].tolist()
            lengths = arrays[f"{name}.multi_lengths"].tolist()
            flat = arrays[f"{name}.multi_ids"].tolist()
            ends = np.cumsum(lengths).tolist() if lengths else []
            multi = [tuple(flat[end - length:end]) for end, length in zip(ends, lengths, strict=True)]
            index[name] = dict(zip(keys, (v if v >= 0 else multi[-v - 1] for v in values), strict=True))
        for name, info in manifest.get("hashed", {}).items():
            found = HashedMap(*(arrays[f"{name}.{part}"] for part in _HASHED_PARTS), count=info["count"], what=name)
            index[name] = found if lazy else dict(found.items())
    except (KeyError, TypeError, ValueError, IndexError, UnicodeDecodeError) as exc:
        if isinstance(exc, IndexFileError):
            raise
        raise IndexFileError(f"{path.name} is damaged ({type(exc).__name__}: {exc})") from None
    return index


# ---------------------------------------------------------------------------------------------
# Hashed maps and lazily decoded columns

_HASHED_PARTS = ("hashes", "key_bytes", "key_offsets", "values", "multi_starts", "multi_ids")


def _hash(encoded: bytes) -> int:
    return crc32(encoded)


def _hashed_arrays(name: str, part: dict) -> dict[str, np.ndarray]:
    encoded = [key.encode("utf-8") for key in part]
    order = sorted(range(len(encoded)), key=lambda i: (_hash(encoded[i]), encoded[i]))
    values = list(part.values())
    flat, starts, codes = [], [0], []
    for i in order:
        value = values[i]
        if isinstance(value, tuple):
            flat.extend(value)
            starts.append(len(flat))
            codes.append(-(len(starts) - 1))
        else:
            codes.append(value)
    if any(_SEPARATOR.encode() in key for key in encoded):
        raise IndexFileError(f"{name} keys: a string holds the separator character")
    # Key j's bytes are key_bytes[key_offsets[j]:key_offsets[j + 1] - 1]: the keys are joined by the separator
    # (so that all of them decode at once), each offset is where a key starts.
    lengths = [len(encoded[i]) + 1 for i in order]
    return {
        f"{name}.hashes": np.asarray([_hash(encoded[i]) for i in order], dtype=np.uint32),
        f"{name}.key_bytes": np.frombuffer(_SEPARATOR.encode().join(encoded[i] for i in order), dtype=np.uint8),
        f"{name}.key_offsets": np.concatenate(([0], np.cumsum(lengths, dtype=np.int64))).astype(np.int64),
        f"{name}.values": np.asarray(codes, dtype=np.int64),
        f"{name}.multi_starts": np.asarray(starts, dtype=np.int64),
        f"{name}.multi_ids": np.asarray(flat, dtype=np.int64),
    }


class HashedMap(Mapping):
    """A read-only str → int | tuple[int, ...] map over a hashed map's arrays: a look-up hashes the key, finds
    the hash by binary search and compares the stored key's bytes, so it is exact."""

    def __init__(self, hashes: np.ndarray, key_bytes: np.ndarray, key_offsets: np.ndarray, values: np.ndarray,
                 multi_starts: np.ndarray, multi_ids: np.ndarray, count: int, what: str = "map"):
        if not (len(hashes) == len(values) == count and len(key_offsets) == count + 1
                and int(key_offsets[-1]) == (len(key_bytes) + 1 if count else 0) and len(multi_starts) >= 1
                and int(multi_starts[-1]) == len(multi_ids)):
            raise IndexFileError(f"{what}: the hashed map's parts do not agree ({count} keys written)")
        # array.array: indexing gives Python ints at C speed, and bisect works on it directly.
        self._hashes = array("I", hashes.astype(np.uint32).tobytes())
        self._bytes = key_bytes.tobytes()
        self._offsets = array("q", key_offsets.astype(np.int64).tobytes())
        self._values = array("q", values.astype(np.int64).tobytes())
        self._starts = array("q", multi_starts.astype(np.int64).tobytes())
        self._ids = array("q", multi_ids.astype(np.int64).tobytes())

    def _position(self, key: str) -> int:
        encoded = key.encode("utf-8")
        code = _hash(encoded)
        hashes, offsets = self._hashes, self._offsets
        j = bisect_left(hashes, code)
        while j < len(hashes) and hashes[j] == code:
            if self._bytes[offsets[j]:offsets[j + 1] - 1] == encoded:
                return j
            j += 1
        return -1

    def _value(self, j: int) -> int | tuple[int, ...]:
        value = self._values[j]
        if value >= 0:
            return value
        return tuple(self._ids[self._starts[-value - 1]:self._starts[-value]])

    def get(self, key, default=None):
        j = self._position(key) if isinstance(key, str) else -1
        return default if j < 0 else self._value(j)

    def __getitem__(self, key: str) -> int | tuple[int, ...]:
        j = self._position(key) if isinstance(key, str) else -1
        if j < 0:
            raise KeyError(key)
        return self._value(j)

    def __contains__(self, key) -> bool:
        return isinstance(key, str) and self._position(key) >= 0

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[str]:
        return iter(self._bytes.decode("utf-8").split(_SEPARATOR) if len(self._values) else ())

    def items(self):
        starts, ids = self._starts.tolist(), self._ids.tolist()
        multi = [tuple(ids[start:end]) for start, end in zip(starts[:-1], starts[1:], strict=True)]
        return zip(self, [value if value >= 0 else multi[-value - 1] for value in self._values.tolist()], strict=True)


    def keys_naming(self, rows: np.ndarray, min_length: int) -> list[tuple[int, str]]:
        """(first row, key) of every key of at least min_length characters that names a row marked True in
        `rows` (a boolean array over the table's rows), in the map's order; computed over the arrays at once."""
        values, starts = np.frombuffer(self._values, dtype=np.int64), np.frombuffer(self._starts, dtype=np.int64)
        ids, offsets = np.frombuffer(self._ids, dtype=np.int64), np.frombuffer(self._offsets, dtype=np.int64)
        single = values >= 0
        hit, first = np.zeros(len(values), dtype=bool), values.copy()
        hit[single] = rows[values[single]]
        if len(starts) > 1:  # a key of several rows names a marked row if any of its rows is marked
            group = -values[~single] - 1
            hit[~single] = np.logical_or.reduceat(rows[ids], starts[:-1])[group]
            first[~single] = ids[starts[group]]
        hit &= np.diff(offsets) - 1 >= min_length  # bytes, at least as many as characters: a first cut
        found, data, firsts = [], self._bytes, first.tolist()
        for j in np.flatnonzero(hit).tolist():
            key = data[offsets[j]:offsets[j + 1] - 1].decode("utf-8")
            if len(key) >= min_length:
                found.append((firsts[j], key))
        return found


class StringColumn:
    """A column of strings kept as its UTF-8 blob and the byte offsets of its values, decoded on access."""

    def __init__(self, blob: np.ndarray, count: int, what: str):
        separators = np.flatnonzero(blob == ord(_SEPARATOR)) if count else np.empty(0, dtype=np.int64)
        if count and len(separators) != count - 1:
            raise IndexFileError(f"{what}: {len(separators) + 1} strings where {count} were written")
        starts = np.concatenate(([0], separators + 1, [len(blob) + 1])).astype(np.int64)
        self._bytes = blob.tobytes()
        self._starts = array("q", starts.tobytes())
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: int) -> str:
        if not -self._count <= i < self._count:
            raise IndexError(i)
        i %= self._count
        return self._bytes[self._starts[i]:self._starts[i + 1] - 1].decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self._bytes.decode("utf-8").split(_SEPARATOR) if self._count else ())


def _lazy_column(values: np.ndarray, info: dict, what: str):
    if info["kind"] == "str":
        return StringColumn(values, info["count"], what)
    if len(values) != info["count"]:
        raise IndexFileError(f"{what}: {len(values)} values, {info['count']} written")
    return array("d", values.astype(np.float64).tobytes()) if info["kind"] == "float" \
        else array("q", values.astype(np.int64).tobytes())
