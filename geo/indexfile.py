"""The gazetteer index on disk: plain arrays in a NumPy .npz file, loaded without pickle (a file in the data
folder cannot run code), written atomically, and checked on load so that a damaged file is reported as such.

An index is a dict of tables (name → equal-length lists of ints, floats or strings) and maps (str → an int,
or a tuple of ints). Strings are stored as one UTF-8 blob with a separator; a map's keys likewise, its values
as an int array (a tuple is stored in a side table, pointed to by a negative value).
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

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


def write(path: Path, index: dict[str, dict]) -> None:
    """Write an index to path atomically (a reader sees the old file or the new one, never half of one)."""
    arrays: dict[str, np.ndarray] = {}
    manifest: dict = {"format": FORMAT, "tables": {}, "maps": {}}
    for name, part in index.items():
        if part and all(isinstance(v, list) for v in part.values()):
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


def read(path: Path) -> dict[str, dict]:
    """Read an index written by write(); IndexFileError when it is damaged or of another format."""
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
    except (KeyError, TypeError, ValueError, IndexError, UnicodeDecodeError) as exc:
        if isinstance(exc, IndexFileError):
            raise
        raise IndexFileError(f"{path.name} is damaged ({type(exc).__name__}: {exc})") from None
    return index
