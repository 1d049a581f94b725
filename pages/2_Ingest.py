"""Paste an article or upload files; their places appear on the map."""

import datetime as dt

import streamlit as st

import ui
from geo.documents import READERS, DocumentError, documents_in, make_document, read_bytes
from geo.ingest import IngestSummary, ingest_documents
from geo.panel import plain

st.set_page_config(page_title="frontmap · ingest", layout="wide")
store = ui.store()
ui.geoparser()  # loaded once per server, not per article

st.title("Ingest articles")
with st.form("ingest"):
    text = st.text_area("Article text", height=220, placeholder="Paste a news article or report…")
    title = st.text_input("Title")
    source = st.text_input("Source")
    url = st.text_input("Link")
    published = st.date_input("Publication date", value=dt.date.today())
    suffixes = sorted(suffix.lstrip(".") for suffix in READERS)
    files = st.file_uploader(f"…or upload files ({', '.join(suffixes)})", accept_multiple_files=True,
                             type=suffixes)
    submitted = st.form_submit_button("Ingest")

if submitted:
    documents, summary = [], IngestSummary()
    if text.strip():
        try:
            documents.append(make_document(text, title=title, source=source, url=url, published=published,
                                           path="pasted text"))
        except DocumentError as exc:
            summary.failed.append(str(exc))
    for upload in files or []:  # one bad file is reported on its own line; the others are read
        documents += documents_in(read_bytes(upload.getvalue(), upload.name, published), upload.name, summary.failed)
    if not documents and not summary.failed:
        st.warning("Paste some text or choose files first.")
    else:
        bar = st.progress(0.0, text="Reading…")
        ingest_documents(documents, store, workers=1, summary=summary, parser_factory=ui.geoparser,
                         progress=lambda done, total: bar.progress(done / total, text=f"{done} of {total}"))
        bar.progress(1.0, text="Done")
        (st.success if not summary.failed else st.warning)(summary.line())
        for message in summary.failed:
            st.error(plain(message))  # file names and reasons are shown as text
        if documents:
            new_ids = [d.id for d in documents]
            found = store.events()
            found = found[found["doc"].isin(new_ids)]
            st.subheader(f"{len(found)} places found")
            st.dataframe(found[["place", "name", "event_type", "actor", "opponent", "status", "date", "excerpt"]],
                         hide_index=True, use_container_width=True)
            st.markdown("[See them on the map](/)")
