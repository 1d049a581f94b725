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


def _axis_ticks(start: pd.Timestamp, end: pd.Timestamp) -> list[tuple[pd.Timestamp, str]]:
    """Dates to mark under the history, each label with its year: 1 January of each year over a long span, else
    the first of every few months ("Mar 2024"); at most about five."""
    years = list(range(start.year + (start > pd.Timestamp(start.year, 1, 1)), end.year + 1))
    if len(years) >= 2:
        step = -(-len(years) // 5)
        return [(pd.Timestamp(year, 1, 1), str(year)) for year in years[::step]]
    months = pd.date_range(start.to_period("M").to_timestamp(), end, freq="MS")
    months = [m for m in months if start <= m <= end] or [start]
    step = -(-len(months) // 4)
    return [(m, f"{m:%b %Y}") for m in months[::step]]


def control_history_html(history: pd.DataFrame, last_day, theatre: Theatre = DEFAULT_THEATRE) -> str:
    """Who held the place when (control_history's rows) as a static strip: one bar per reported holder, in its
    side's colour, up to the latest report (the latest change gets a visible bar), dated ticks with years under it
    and a legend; each bar's tooltip gives the holder, the date and the status. Plain HTML (Streamlit's st.html
    drops SVG), every label escaped. No change: no strip ("")."""
    if not len(history):
        return ""
    starts = [pd.Timestamp(day) for day in history["from"]]
    end = max([*starts, *([pd.Timestamp(last_day)] if last_day is not None else [])])
    first = min(starts)
    span = max((end - first).days, 30)
    tail = end + pd.Timedelta(days=max(3, span // 25))

    def x(day: pd.Timestamp) -> float:  # per cent of the strip's width
        return 100 * (day - first).days / max((tail - first).days, 1)

    bars = []
    for row, start in zip(history.to_dict("records"), starts, strict=True):
        until = pd.Timestamp(row["until"]) if row.get("until") is not None and not pd.isna(row["until"]) else tail
        holder = str(row["held by"])
        tip = f"{holder} from {start:%d %b %Y}" + (f" ({row['status']})" if row.get("status") else "") + (
            f", claimed by {row['claimed_by']}" if row.get("claimed_by") else "")
        bars.append(
            f'<div class="fm-bar" title="{html.escape(tip, quote=True)}" style="position:absolute;top:0;height:18px;'
            f"left:{x(start):.2f}%;width:{x(until) - x(start):.2f}%;min-width:2px;box-shadow:inset -1px 0 #fff;"
            f'background:{html.escape(theatre.side_colour(holder), quote=True)}"></div>')
    ticks = "".join(
        f'<div style="position:absolute;top:19px;left:{x(day):.2f}%;height:4px;border-left:1px solid #888"></div>'
        f'<span class="fm-tick" style="position:absolute;top:23px;left:{x(day):.2f}%;white-space:nowrap;'
        f'transform:translateX({-100 if x(day) > 85 else 0 if x(day) < 15 else -50}%)">{html.escape(label)}</span>'
        for day, label in _axis_ticks(first, tail))
    legend = "".join(
        f'<span class="fm-holder" style="margin-right:12px;white-space:nowrap"><span style="display:inline-block;'
        f'width:10px;height:10px;margin-right:4px;background:{html.escape(theatre.side_colour(holder), quote=True)}">'
        f"</span>{html.escape(holder)}</span>"
        for holder in dict.fromkeys(str(h) for h in history["held by"]))
    return (f'<div class="fm-control-history" role="img" aria-label="Control history" '
            f'style="font-size:11px;color:#555;margin:4px 0 8px 0">'
            f'<div style="position:relative;height:38px;border-top:0">'
            f'<div style="position:absolute;top:19px;left:0;right:0;border-top:1px solid #888"></div>'
            f'{"".join(bars)}{ticks}</div><div style="color:#333">{legend}</div></div>')
