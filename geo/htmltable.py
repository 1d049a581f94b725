"""A table as plain HTML, every header and cell escaped: the dashboard shows small tables (a page of events, a
place's claims) this way rather than as Streamlit's data grid, whose 40-odd scripts the browser would fetch and run
the first time a page shows one. Article text is untrusted: only the markup made here is markup."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Sequence

import pandas as pd

# The table scrolls inside its box (its header stays in view); long words (titles, links) wrap.
TABLE_CSS = (
    "<style>"
    ".fm-table-box { overflow: auto; border: 1px solid #ddd; border-radius: 4px; }"
    ".fm-table { border-collapse: collapse; font-size: .82rem; width: 100%; }"
    ".fm-table th { position: sticky; top: 0; background: #f4f4f6; text-align: left; font-weight: 600; }"
    ".fm-table th, .fm-table td { padding: 3px 6px; border-bottom: 1px solid #eee; vertical-align: top;"
    " overflow-wrap: break-word; }"
    ".fm-table td.fm-long { min-width: 16rem; }"
    ".fm-table td:first-child { white-space: nowrap; }"  # the date
    "</style>"
)


def cell_text(value) -> str:
    """A cell's value as text: nothing for a missing value, dates as ISO days, numbers as they read best."""
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.2f}".rstrip("0").rstrip(".")  # a confidence: 0.85, 1
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(cell_text(v) for v in value)
    return str(value)


def table_html(frame: pd.DataFrame, columns: Sequence[str] | None = None, *, long: Sequence[str] = (),
               max_height: str = "70vh", test_id: str = "") -> str:
    """The frame's rows (in the given columns, all by default) as an escaped HTML table in a scrolling box;
    the long columns (excerpts) get room to read."""
    columns = list(frame.columns if columns is None else columns)
    opening = ['<td class="fm-long">' if c in long else "<td>" for c in columns]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"{td}{html.escape(cell_text(v))}</td>" for td, v in zip(opening, row, strict=True)) + "</tr>"
        for row in frame[columns].itertuples(index=False, name=None))
    marker = f' data-fm-table="{html.escape(test_id, quote=True)}"' if test_id else ""
    return (f'{TABLE_CSS}<div class="fm-table-box" style="max-height:{html.escape(max_height, quote=True)}"{marker}>'
            f'<table class="fm-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>')
