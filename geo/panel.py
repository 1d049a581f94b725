"""The place panel's content: excerpt cards and the control history, as the dashboard shows them. Article
text is untrusted: everything is HTML-escaped here, and only the markup added here (the highlight, the
labels) is markup."""

from __future__ import annotations

import html
import re

import pandas as pd

from geo.eventtypes import CONTROL_CHANGE, event_type
from geo.theatre import DEFAULT_THEATRE, Theatre

_MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~$:"})
# What GitHub-flavoured Markdown turns into a link even when escaped (it finds them in the text after escapes are
# undone): "www.", a scheme before ":", an address's "@". A word joiner (U+2060, invisible) after each breaks them.
_AUTOLINK_STARTS = re.compile(r"(?i)www(?=\.)|(?:https?|ftp|mailto|xmpp)(?=:)|@")


def plain(text: str) -> str:
    """Text to show through Streamlit's Markdown widgets as itself: no links (not even bare www. or e-mail
    addresses), images, markup or emoji."""
    return _AUTOLINK_STARTS.sub(lambda found: found.group() + "\u2060", str(text)).translate(_MARKDOWN_SPECIALS)


def highlighted(excerpt: str, surface: str) -> str:
    """The excerpt, escaped, with the place as written marked."""
    at = excerpt.find(surface) if surface else -1
    if at < 0:
        return html.escape(excerpt)
    return (html.escape(excerpt[:at]) + f"<mark>{html.escape(surface)}</mark>"
            + html.escape(excerpt[at + len(surface):]))


def _link(url: str, text: str) -> str:
    if url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">{text}</a>'
    return text


def excerpt_card(row: dict, theatre: Theatre = DEFAULT_THEATRE) -> str:
    """One excerpt: the event label, sides, claimant, the sentence, and the article's title, source and date."""
    kind = event_type(row["event_type"])
    label = kind.label
    sides = ""
    if row.get("actor"):
        sides = f" · {html.escape(row['actor'])}"
        if row.get("opponent"):
            sides += f" from {html.escape(row['opponent'])}" if kind == CONTROL_CHANGE else \
                f" vs {html.escape(row['opponent'])}"
    status = f" ({html.escape(row['status'])})" if row.get("status") else ""
    claimed = f" · claimed by {html.escape(row['claimed_by'])}" if row.get("claimed_by") else ""
    title = html.escape(row.get("title") or "untitled article")
    source = html.escape(row.get("source") or "unknown source")
    when = html.escape(str(row.get("date") or row.get("published") or "undated"))
    colour = theatre.side_colour(row.get("actor") or "") if kind == CONTROL_CHANGE else kind.colour
    return (
        f'<div class="fm-excerpt" style="border-left:4px solid {colour};padding:4px 10px;margin:8px 0;'
        f'overflow-wrap:anywhere;word-break:break-word">'
        f'<div style="font-size:.85em;color:#555"><b>{when}</b> · {html.escape(label)}{status}{sides}{claimed}</div>'
        f'<div style="margin:4px 0">{highlighted(row["excerpt"], row.get("place") or "")}</div>'
        f'<div style="font-size:.8em;color:#777">{_link(row.get("url") or "", title)} — {source}</div></div>'
    )


def excerpts_html(frame: pd.DataFrame, theatre: Theatre = DEFAULT_THEATRE) -> str:
    return "".join(excerpt_card(row, theatre) for row in frame.to_dict("records"))


def control_history(frame: pd.DataFrame) -> pd.DataFrame:
    """Who held the place when, by the reports: each control change in date order, with the period until
    the next one (undated reports cannot be placed in it)."""
    changes = frame[(frame["event_type"] == CONTROL_CHANGE) & (frame["actor"] != "") & frame["date"].notna()]
    changes = changes.sort_values(["date", "id"])[["date", "actor", "opponent", "status", "claimed_by", "source"]]
    changes = changes.drop_duplicates(subset=["date", "actor"], keep="last").reset_index(drop=True)
    changes["until"] = changes["date"].shift(-1)
    return changes.rename(columns={"date": "from", "actor": "held by", "opponent": "taken from"})
