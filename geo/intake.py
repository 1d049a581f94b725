"""What the dashboard's Ingest page checks before it stores articles: each must have a publication date (read from
the file, or given by the user), none in the future; and the same text already stored (under another title or
date) is pointed out rather than stored again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from geo.records import Document
from geo.store import Store

UNDATED = ("{name}: no publication date. The file gives none (front matter `date:`, or a `date` field), and none "
           "was chosen: choose the date it was published, so that its events are dated right")


def dated(documents: Iterable[Document], today: dt.date | None = None) -> tuple[list[Document], list[str]]:
    """The documents that may be stored, and why the others may not (no date, or a date after today)."""
    today = today or dt.date.today()
    accepted, refused = [], []
    for document in documents:
        name = document.path or document.title or "the article"
        if document.published is None:
            refused.append(UNDATED.format(name=name))
        elif document.published > today:
            refused.append(f"{name}: its publication date {document.published:%Y-%m-%d} is in the future "
                           f"(today is {today:%Y-%m-%d})")
        else:
            accepted.append(document)
    return accepted, refused


def already_stored(documents: Iterable[Document], store: Store) -> tuple[list[Document], list[str]]:
    """The documents whose text is new, and a note for each whose text is stored already: the same article with
    another title, source or date is the same document (re-date or edit the stored one instead)."""
    fresh, notes = [], []
    for document in documents:
        same = store.same_text(document.text)
        if same.empty:
            fresh.append(document)
            continue
        stored = same.iloc[0]
        published = None if pd.isna(stored["published"]) else pd.Timestamp(stored["published"]).date()
        when = f"{published:%Y-%m-%d}" if published else "undated"
        name = document.path or document.title or "the article"
        if published == document.published and stored["id"] == document.id:
            notes.append(f"{name}: already stored (document {stored['id']}), not stored again")
        else:
            notes.append(f"{name}: the same text is stored already as document {stored['id']} "
                         f"({stored['title'] or 'untitled'}, dated {when}); not stored again. To change its date "
                         "or details, use Stored documents below")
    return fresh, notes
