"""Reading documents: plain text, Markdown with front matter, HTML, JSON Lines and CSV of articles.

Every reader returns Document records whose id is a hash of the content, so the same article read
twice is the same document. Bad input raises DocumentError with a message that names the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from geo.dates import parse_date
from geo.errors import FrontmapError
from geo.records import Document

# One article is at most this long (a book-length file is not an article); feeds of many articles
# (JSON Lines, CSV) may be larger.
MAX_ARTICLE_BYTES = 8 * 1024 * 1024
MAX_FEED_BYTES = 1024 * 1024 * 1024
_FRONT_MATTER_KEYS = ("title", "source", "url", "date")


class DocumentError(FrontmapError):
    """A file or record that cannot be read as an article; the message says why."""


def document_id(text: str, title: str = "", source: str = "", url: str = "") -> str:
    digest = hashlib.sha256("\x1f".join((title, source, url, text)).encode("utf-8")).hexdigest()
    return digest[:16]


def _size_limit(name: str) -> int:
    reader = READERS.get(Path(name).suffix.lower())
    return MAX_FEED_BYTES if reader is not None and reader.feed else MAX_ARTICLE_BYTES


def _too_large(name: str, size: int, limit: int) -> DocumentError:
    return DocumentError(f"{name}: {size / 2**20:.0f} MB is over the {limit // 2**20} MB limit "
                         f"for {'a feed' if limit == MAX_FEED_BYTES else 'one article'}")


def make_document(text: str, *, title: str = "", source: str = "", url: str = "",
                  published: dt.date | None = None, path: str = "") -> Document:
    text = text.replace("\r\n", "\n").replace("\x00", "")
    if not text.strip():
        raise DocumentError(f"{path or 'input'}: no text")
    if len(text) > MAX_ARTICLE_BYTES:
        raise _too_large(path or "input", len(text.encode("utf-8")), MAX_ARTICLE_BYTES)
    title, source, url = (str(v or "").strip() for v in (title, source, url))
    return Document(id=document_id(text, title, source, url), text=text, title=title, source=source,
                    url=url, published=published, path=path)


_CONTROL_BYTES = bytes(sorted(set(range(32)) - {9, 10, 12, 13} | {127}))


def decode(data: bytes, origin: str) -> str:
    """Text from bytes: UTF-8 (with or without BOM) or UTF-16 with BOM; binary is refused."""
    if not data.strip():
        raise DocumentError(f"{origin}: empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    sample = data[:8192]
    # Text has next to no control characters; a stray NUL in a long feed does not make it binary.
    if len(sample) - len(sample.translate(None, _CONTROL_BYTES)) > max(1, len(sample) // 100):
        raise DocumentError(f"{origin}: binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{origin}: not valid UTF-8 text (byte {exc.start}); "
                            "convert it to UTF-8 first, e.g. with iconv") from exc


def split_front_matter(text: str) -> tuple[dict, str]:
    if not text.startswith("---"):
        return {}, text
    end = text.find("\n---", 3)
    if end < 0:
        return {}, text
    try:
        # Every value as written (BaseLoader): a date is read by publication_date, so that a bad one is this
        # document's error with a clear message, not a YAML exception.
        meta = yaml.load(text[3:end], Loader=yaml.BaseLoader) or {}
    except yaml.YAMLError:
        meta = _key_value_lines(text[3:end])  # "title: ISW: claim unconfirmed", a colon YAML refuses unquoted
        if meta is None:
            return {}, text
    if not isinstance(meta, dict):
        return {}, text
    body = text[end + 4:].lstrip("-").lstrip("\n")
    return {k: meta.get(k) for k in _FRONT_MATTER_KEYS if meta.get(k) is not None}, body


def _key_value_lines(block: str) -> dict | None:
    """Front matter that YAML refuses read as "key: value" lines, split at the first colon; None when a line is not
    one (then the block is not front matter)."""
    meta = {}
    for line in block.strip("\n").splitlines():
        key, colon, value = line.partition(":")
        if not colon or not key.strip().isidentifier():
            return None
        meta[key.strip()] = value.strip().strip("\"'")
    return meta


def html_to_text(html: str) -> tuple[str, str]:
    """The article's text and title from an HTML page; scripts, styles and markup are dropped."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True) or ""
    if not text.strip():
        text = trafilatura.html2txt(html) or ""
    metadata = trafilatura.extract_metadata(html)
    return text, (metadata.title if metadata and metadata.title else "")


# A written date must say its year; relative words ("tomorrow", "3 days ago") are not a publication date.
_HAS_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_EARLIEST = dt.date(1900, 1, 1)


def publication_date(value, today: dt.date | None = None) -> dt.date | None:
    """A publication date as given in front matter, a feed's field, the command line or the Ingest page:
    a full date with its year (2025-03-12, 12 March 2025), not before 1900 and not after today."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        if not _HAS_YEAR.search(str(value)):
            raise DocumentError(f"not a full date with a year: {str(value)[:40]!r} (write e.g. 2025-03-12)")
        try:
            value = parse_date(str(value))
        except ValueError as exc:
            raise DocumentError(f"{exc} (write e.g. 2025-03-12)") from None
    today = today or dt.date.today()
    if not _EARLIEST <= value <= today:
        raise DocumentError(f"publication date {value} is {'in the future' if value > today else 'before 1900'}")
    return value


def _date_field(value, default: dt.date | None, origin: str) -> dt.date | None:
    try:
        return publication_date(value) or default
    except DocumentError as exc:
        raise DocumentError(f"{origin}: {exc}") from None


def parse_text(text: str, origin: str, published: dt.date | None = None, markdown: bool = True) -> Document:
    meta, body = split_front_matter(text) if markdown else ({}, text)
    return make_document(body, title=meta.get("title", ""), source=meta.get("source", ""),
                         url=meta.get("url", ""), published=_date_field(meta.get("date"), published, origin),
                         path=origin)


def _record(row: dict, origin: str, published: dt.date | None) -> Document:
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise DocumentError(f"{origin}: no 'text' field")
    return make_document(text, title=row.get("title") or "", source=row.get("source") or "",
                         url=row.get("url") or "", published=_date_field(row.get("date"), published, origin),
                         path=origin)


def read_record(row: dict, origin: str, published: dt.date | None = None) -> Document:
    """One article from a record with a 'text' field (title, source, url and date optional), such as a
    row of a Parquet dataset; DocumentError when it has no text or a bad date."""
    return _record(row, origin, published)


def _csv_records(text: str, origin: str, published: dt.date | None) -> Iterator[Document | DocumentError]:
    csv.field_size_limit(MAX_ARTICLE_BYTES)  # one article per field at most (the default is 128 KB)
    reader = csv.DictReader(io.StringIO(text))
    try:
        columns = reader.fieldnames
    except csv.Error as exc:
        raise DocumentError(f"{origin}:1: cannot read the CSV header ({exc})") from None
    if not columns or "text" not in columns:
        raise DocumentError(f"{origin}: CSV has no 'text' column (columns: {columns})")
    while True:
        line = reader.line_num + 1  # where the next record starts
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # the record is reported, the reader goes on with the next line
            yield DocumentError(f"{origin}:{line}: {exc}")
            continue
        try:
            yield _record(row, f"{origin}:{line}", published)
        except DocumentError as exc:
            yield exc


def _jsonl_records(text: str, origin: str, published: dt.date | None) -> Iterator[Document | DocumentError]:
    # Lines end at \n only: U+2028, U+0085 and the like are valid inside a JSON string (str.splitlines would
    # split the record there).
    for n, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise DocumentError(f"{origin}:{n}: expected a JSON object")
            yield _record(row, f"{origin}:{n}", published)
        except json.JSONDecodeError as exc:
            yield DocumentError(f"{origin}:{n}: invalid JSON ({exc.msg})")
        except DocumentError as exc:
            yield exc


def _html_document(text: str, origin: str, published: dt.date | None) -> Iterator[Document]:
    body, title = html_to_text(text)
    yield make_document(body, title=title, published=published, path=origin)


def _text_document(text: str, origin: str, published: dt.date | None) -> Iterator[Document]:
    yield parse_text(text, origin, published)


@dataclass(frozen=True)
class Reader:
    """How to read one kind of file: text → documents (a bad record yields a DocumentError and the rest go
    on). A feed holds many articles, so its size limit is that of a feed, not of one article."""

    read: Callable[[str, str, dt.date | None], Iterator[Document | DocumentError]]
    feed: bool = False


# Readers by file suffix; register_reader adds one. Unknown suffixes are read as HTML when they look like
# it, else as plain text.
READERS: dict[str, Reader] = {}


def register_reader(suffixes: Iterable[str], reader: Reader) -> None:
    for suffix in suffixes:
        READERS[suffix.lower() if suffix.startswith(".") else f".{suffix.lower()}"] = reader


register_reader((".txt", ".text", ".md", ".markdown"), Reader(_text_document))
register_reader((".html", ".htm", ".xhtml"), Reader(_html_document))
register_reader((".jsonl", ".ndjson"), Reader(_jsonl_records, feed=True))
register_reader((".csv",), Reader(_csv_records, feed=True))


def read_bytes(data: bytes, name: str, published: dt.date | None = None) -> Iterator[Document | DocumentError]:
    """Documents in one file's content, by its name's suffix (see READERS)."""
    if len(data) > _size_limit(name):
        raise _too_large(name, len(data), _size_limit(name))
    text = decode(data, name)
    reader = READERS.get(Path(name).suffix.lower())
    if reader is None:
        looks_like_html = text.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))
        reader = READERS[".html" if looks_like_html else ".txt"]
    yield from reader.read(text, name, published)


def read_path(path: Path, published: dt.date | None = None) -> Iterator[Document | DocumentError]:
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file") from None
    if stat.S_ISDIR(info.st_mode):
        raise DocumentError(f"{path}: is a folder")
    if not stat.S_ISREG(info.st_mode):  # a FIFO would block, /dev/zero never ends
        raise DocumentError(f"{path}: not a regular file")
    if info.st_size > _size_limit(path.name):
        raise _too_large(str(path), info.st_size, _size_limit(path.name))
    yield from read_bytes(path.read_bytes(), str(path), published)


def _read_stdin(published: dt.date | None) -> Iterator[Document | DocumentError]:
    import sys

    data = sys.stdin.buffer.read(MAX_FEED_BYTES + 1)
    if len(data) > MAX_FEED_BYTES:
        raise _too_large("<stdin>", len(data), MAX_FEED_BYTES)
    yield from read_bytes(data, "<stdin>", published)


def expand_paths(paths: list[str], errors: list[str] | None = None) -> Iterator[Path]:
    """Files named, and the readable files inside folders named, in a stable order; a folder that cannot
    be read is reported in errors."""
    def unreadable(exc: OSError) -> None:
        if errors is not None:
            errors.append(f"{exc.filename}: {exc.strerror or exc} (folder skipped)")

    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = []
            for folder, subfolders, files in os.walk(path, onerror=unreadable):
                subfolders.sort()
                found += [Path(folder) / f for f in files if Path(f).suffix.lower() in READERS]
            yield from sorted(found)
        else:
            yield path


def documents_in(items: Iterable[Document | DocumentError], origin: str, errors: list[str]) -> Iterator[Document]:
    """The documents of one file or upload; its bad records, or the whole file when it cannot be read, go to
    errors, one line each. Every reader's output, on the command line and on the Ingest page, passes here."""
    try:
        for item in items:
            if isinstance(item, DocumentError):
                errors.append(str(item))
            else:
                yield item
    except DocumentError as exc:
        errors.append(str(exc))
    except OSError as exc:
        errors.append(f"{origin}: {exc.strerror or exc}")
    except (ValueError, UnicodeError, RecursionError) as exc:  # a reader's library failing on odd input
        errors.append(f"{origin}: cannot read ({type(exc).__name__}: {str(exc)[:200]})")


def iter_documents(paths: list[str], published: dt.date | None, errors: list[str]) -> Iterator[Document]:
    """Every readable document in paths ('-' is standard input); failures are appended to errors."""
    for path in ["-"] if paths == ["-"] else expand_paths(paths, errors):
        items = _read_stdin(published) if str(path) == "-" else read_path(path, published)
        yield from documents_in(items, str(path), errors)
