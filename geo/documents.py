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
from collections.abc import Iterator
from pathlib import Path

import yaml

from geo.dates import parse_date
from geo.records import Document

# One article is at most this long (a book-length file is not an article); feeds of many articles
# (JSON Lines, CSV) may be larger.
MAX_ARTICLE_BYTES = 8 * 1024 * 1024
MAX_FEED_BYTES = 1024 * 1024 * 1024
FEED_SUFFIXES = {".jsonl", ".ndjson", ".csv"}
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES
_FRONT_MATTER_KEYS = ("title", "source", "url", "date")


class DocumentError(Exception):
    """A file or record that cannot be read as an article; the message says why."""


def document_id(text: str, title: str = "", source: str = "", url: str = "") -> str:
    digest = hashlib.sha256("\x1f".join((title, source, url, text)).encode("utf-8")).hexdigest()
    return digest[:16]


def _size_limit(name: str) -> int:
    return MAX_FEED_BYTES if Path(name).suffix.lower() in FEED_SUFFIXES else MAX_ARTICLE_BYTES


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


def decode(data: bytes, origin: str) -> str:
    """Text from bytes: UTF-8 (with or without BOM) or UTF-16 with BOM; binary is refused."""
    if not data.strip():
        raise DocumentError(f"{origin}: empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
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
        meta = yaml.safe_load(text[3:end]) or {}
    except yaml.YAMLError:
        return {}, text
    if not isinstance(meta, dict):
        return {}, text
    body = text[end + 4:].lstrip("-").lstrip("\n")
    return {k: meta.get(k) for k in _FRONT_MATTER_KEYS if meta.get(k) is not None}, body


def html_to_text(html: str) -> tuple[str, str]:
    """The article's text and title from an HTML page; scripts, styles and markup are dropped."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True) or ""
    if not text.strip():
        text = trafilatura.html2txt(html) or ""
    metadata = trafilatura.extract_metadata(html)
    return text, (metadata.title if metadata and metadata.title else "")


def _date_field(value, default: dt.date | None, origin: str) -> dt.date | None:
    try:
        return parse_date(value) or default
    except ValueError as exc:
        raise DocumentError(f"{origin}: {exc}") from exc


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


def read_records(text: str, suffix: str, origin: str, published: dt.date | None
                 ) -> Iterator[Document | DocumentError]:
    """Articles from JSON Lines or CSV; a bad record yields a DocumentError and the rest go on."""
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "text" not in reader.fieldnames:
            raise DocumentError(f"{origin}: CSV has no 'text' column (columns: {reader.fieldnames})")
        for n, row in enumerate(reader, 2):
            try:
                yield _record(row, f"{origin}:{n}", published)
            except DocumentError as exc:
                yield exc
        return
    for n, line in enumerate(text.splitlines(), 1):
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


def read_bytes(data: bytes, name: str, published: dt.date | None = None) -> Iterator[Document | DocumentError]:
    """Documents in one file's content, by its name's suffix (plain text when unknown)."""
    if len(data) > _size_limit(name):
        raise _too_large(name, len(data), _size_limit(name))
    text = decode(data, name)
    suffix = Path(name).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".csv"):
        yield from read_records(text, suffix, name, published)
    elif suffix in HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        body, title = html_to_text(text)
        document = make_document(body, title=title, published=published, path=name)
        yield document
    else:
        yield parse_text(text, name, published)


def read_path(path: Path, published: dt.date | None = None) -> Iterator[Document | DocumentError]:
    path = Path(path)
    if not path.exists():
        raise DocumentError(f"{path}: no such file")
    if path.is_dir():
        raise DocumentError(f"{path}: is a folder")
    if path.stat().st_size > _size_limit(path.name):
        raise _too_large(str(path), path.stat().st_size, _size_limit(path.name))
    yield from read_bytes(path.read_bytes(), str(path), published)


def expand_paths(paths: list[str]) -> Iterator[Path]:
    """Files named, and the readable files inside folders named, in a stable order."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            yield path


def iter_documents(paths: list[str], published: dt.date | None, errors: list[str]) -> Iterator[Document]:
    """Every readable document in paths ('-' is standard input); failures are appended to errors."""
    import sys

    for path in ["-"] if paths == ["-"] else expand_paths(paths):
        try:
            if str(path) == "-":
                items = read_bytes(sys.stdin.buffer.read(), "<stdin>", published)
            else:
                items = read_path(path, published)
            for item in items:
                if isinstance(item, DocumentError):
                    errors.append(str(item))
                else:
                    yield item
        except DocumentError as exc:
            errors.append(str(exc))
        except OSError as exc:
            errors.append(f"{path}: {exc.strerror or exc}")
