"""Paste an article or upload files; their places appear on the map. Every article needs its publication date.
Stored documents can be re-dated, edited or deleted; their events follow."""

import datetime as dt
from dataclasses import replace

import streamlit as st

import ui
from geo.documents import READERS, DocumentError, documents_in, make_document, read_bytes
from geo.ingest import IngestSummary, ingest_documents
from geo.intake import already_stored, dated
from geo.panel import plain
from geo.viewstate import EARLIEST

st.set_page_config(page_title="frontmap · ingest", layout="wide")


def ingest_form(store) -> None:
    st.title("Ingest articles")
    today = dt.date.today()
    with st.form("ingest"):
        text = st.text_area("Article text", height=220, placeholder="Paste a news article or report…")
        title = st.text_input("Title")
        source = st.text_input("Source")
        url = st.text_input("Link")
        published = st.date_input(
            "Publication date", value=None, min_value=EARLIEST, max_value=today, format="YYYY-MM-DD",
            help="Required for pasted text. Uploaded files keep the date they give (front matter `date:`, a `date` "
                 "field); this date is used only for files that give none.")
        suffixes = sorted(suffix.lstrip(".") for suffix in READERS)
        files = st.file_uploader(f"…or upload files ({', '.join(suffixes)})", accept_multiple_files=True,
                                 type=suffixes)
        submitted = st.form_submit_button("Ingest")
    if not submitted:
        return
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
        return
    documents, refused = dated(documents, today)
    summary.failed.extend(refused)
    summary.read += len(refused)
    documents, notes = already_stored(documents, store)
    summary.read += len(notes)
    summary.duplicates += len(notes)
    if documents:
        bar = st.progress(0.0, text="Reading…")
        ingest_documents(documents, store, workers=1, summary=summary, parser_factory=ui.geoparser,
                         progress=lambda done, total: bar.progress(done / total, text=f"{done} of {total}"))
        bar.progress(1.0, text="Done")
    (st.success if not summary.failed else st.warning)(summary.line())
    for message in summary.failed:
        st.error(plain(message))  # file names and reasons are shown as text
    for message in notes:
        st.info(plain(message))
    if documents:
        new_ids = [d.id for d in documents]
        found = store.events()
        found = found[found["doc"].isin(new_ids)]
        st.subheader(f"{len(found)} places found")
        st.dataframe(found[["place", "name", "event_type", "actor", "opponent", "status", "date", "excerpt"]],
                     hide_index=True, use_container_width=True)
        st.page_link("dashboard.py", label="See them on the map", icon="🗺️")


def reparsed(document):
    """A document's event rows, read again (after its date or text changed)."""
    return [event.as_row() for event in ui.geoparser().parse(document)]


def stored_documents(store) -> None:
    """Find a stored document; re-date it, edit it or delete it. Its events follow."""
    st.header("Stored documents")
    if message := st.session_state.pop("_document_done", None):
        st.success(plain(message))
    search = st.text_input("Find by title, source or id", key="doc-search", max_chars=200)
    found = store.document_list(search.strip())
    if found.empty:
        st.caption("No stored document matches.")
        return
    labels = {row["id"]: f"{row['published'] or 'undated'} · {row['title'] or 'untitled'} · "
                         f"{row['source'] or 'unknown source'} · {row['events']} events · {row['id']}"
              for row in found.to_dict("records")}
    ids = list(labels)
    chosen = st.session_state.get("_doc_chosen")
    # Keyed by the store's generation: after an edit the labels (dates, counts) are the new ones.
    doc_id = st.selectbox("Document", ids, format_func=labels.get, key=f"doc-choice-{ui.generation()}",
                          index=ids.index(chosen) if chosen in ids else 0)
    st.session_state["_doc_chosen"] = doc_id
    document = store.document(doc_id)
    if document is None:
        st.warning("That document is no longer stored.")
        return
    today = dt.date.today()
    redate, edit, delete = st.tabs(["Re-date", "Edit", "Delete"])
    with redate, st.form(f"redate-{doc_id}"):
        new_date = st.date_input("Publication date", value=document.published, min_value=EARLIEST,
                                 max_value=today, format="YYYY-MM-DD")
        if st.form_submit_button("Save the date"):
            if new_date is None:
                st.error("Choose a date.")
            else:
                changed = replace(document, published=new_date)
                store.update_document(doc_id, reparsed(changed), published=new_date, title=document.title,
                                      source=document.source, url=document.url)
                st.session_state["_document_done"] = f"Re-dated to {new_date:%Y-%m-%d}; its events were re-read."
                st.rerun()
    with edit, st.form(f"edit-{doc_id}"):
        new_text = st.text_area("Text", value=document.text, height=220)
        new_title = st.text_input("Title", value=document.title)
        new_source = st.text_input("Source", value=document.source)
        new_url = st.text_input("Link", value=document.url)
        if st.form_submit_button("Save the changes"):
            if new_text.strip() != document.text.strip():
                try:
                    edited = make_document(new_text, title=new_title, source=new_source, url=new_url,
                                           published=document.published, path=document.path)
                except DocumentError as exc:
                    st.error(plain(str(exc)))
                    return
                store.replace_document(doc_id, edited, reparsed(edited))
                st.session_state["_document_done"] = f"Saved as document {edited.id}; its events were re-read."
            else:
                store.update_document(doc_id, reparsed(document), published=document.published,
                                      title=new_title.strip(), source=new_source.strip(), url=new_url.strip())
                st.session_state["_document_done"] = "Saved."
            st.rerun()
    with delete:
        st.write(f"Delete this document and its {labels[doc_id].split(' · ')[3]} from the store?")
        if st.button("Delete the document", type="primary", key=f"delete-{doc_id}"):
            store.delete_document(doc_id)
            st.session_state["_document_done"] = f"Deleted document {doc_id} and its events."
            st.rerun()


def main() -> None:
    store = ui.store()
    ui.geoparser()  # loaded once per server, not per article
    ingest_form(store)
    stored_documents(store)


ui.guarded(main)
