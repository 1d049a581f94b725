import datetime as dt
import json

import pytest

from geo.documents import DocumentError, read_bytes, read_path


def read_all(data: bytes, name: str, published=None):
    return list(read_bytes(data, name, published))


def test_plain_text_takes_the_default_publication_date():
    [doc] = read_all(b"Fighting near Pokrovsk.", "a.txt", dt.date(2025, 1, 2))
    assert doc.text == "Fighting near Pokrovsk." and doc.published == dt.date(2025, 1, 2)


def test_markdown_front_matter_gives_title_source_url_and_date():
    data = b"---\ntitle: T\nsource: S\nurl: https://example.org/a\ndate: 2025-03-01\n---\nBody about Toretsk."
    [doc] = read_all(data, "a.md", dt.date(2020, 1, 1))
    assert (doc.title, doc.source, doc.url, doc.published) == ("T", "S", "https://example.org/a", dt.date(2025, 3, 1))
    assert doc.text == "Body about Toretsk."
    # a colon in a value, which YAML refuses unquoted, still gives the fields
    data = b"---\ntitle: ISW: Kurakhove claim unconfirmed\nsource: test desk\ndate: 2025-01-08\n---\nBody."
    [doc] = read_all(data, "b.md", dt.date(2020, 1, 1))
    assert (doc.title, doc.source, doc.published, doc.text) == (
        "ISW: Kurakhove claim unconfirmed", "test desk", dt.date(2025, 1, 8), "Body.")


def test_the_same_content_read_twice_is_the_same_document():
    first = read_all(b"Shelling in Kherson.", "a.txt")[0]
    second = read_all(b"Shelling in Kherson.", "b.txt")[0]
    other = read_all(b"Shelling in Kharkiv.", "a.txt")[0]
    assert first.id == second.id != other.id


def test_html_keeps_the_article_text_and_drops_scripts_and_markup():
    html = (b"<html><head><title>Front report</title><script>alert('x')</script></head><body>"
            b"<nav>Home | About</nav><article><h1>Front report</h1><p>Russian forces advanced toward "
            b"Chasiv Yar on Monday, according to the Institute for the Study of War.</p>"
            b"<p>Ukrainian troops repelled assaults near Toretsk.</p><img src=x onerror=alert(1)></article>"
            b"</body></html>")
    [doc] = read_all(html, "page.html")
    assert "Chasiv Yar" in doc.text and "Toretsk" in doc.text
    assert "alert" not in doc.text and "<" not in doc.text
    assert doc.title == "Front report"


def test_json_lines_reads_each_record_and_reports_a_truncated_line():
    lines = [json.dumps({"text": "Fighting in Vovchansk.", "title": "A", "date": "2024-05-20"}),
             '{"text": "truncated',
             json.dumps({"title": "no text"}),
             json.dumps({"text": "Strikes on Odesa.", "source": "B"})]
    items = read_all("\n".join(lines).encode(), "feed.jsonl", dt.date(2025, 1, 1))
    docs = [i for i in items if not isinstance(i, DocumentError)]
    errors = [str(i) for i in items if isinstance(i, DocumentError)]
    assert [d.text for d in docs] == ["Fighting in Vovchansk.", "Strikes on Odesa."]
    assert docs[0].published == dt.date(2024, 5, 20) and docs[1].published == dt.date(2025, 1, 1)
    assert errors == ["feed.jsonl:2: invalid JSON (Unterminated string starting at)", "feed.jsonl:3: no 'text' field"]


def test_csv_reads_rows_and_refuses_a_file_without_a_text_column():
    items = read_all(b"title,text,date\nA,Russian troops entered Kupiansk.,2024-11-01\n", "a.csv")
    assert items[0].title == "A" and items[0].published == dt.date(2024, 11, 1)
    with pytest.raises(DocumentError, match="no 'text' column"):
        read_all(b"title,body\nA,B\n", "b.csv")


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty file"), (b"   \n", "empty file"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
     (b"Sudzha \xff\xfe\xfa was", "not valid UTF-8"), (b"---\ntitle: x\n---\n", "no text")],
)
def test_bad_input_gets_a_clear_error(data, message):
    with pytest.raises(DocumentError, match=message):
        read_all(data, "bad.txt")


def test_utf16_with_a_byte_order_mark_is_read():
    [doc] = read_all("Бої за Покровськ".encode("utf-16"), "ua.txt")
    assert doc.text == "Бої за Покровськ"


def test_a_50_mb_article_is_refused_without_reading_it(tmp_path):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    with pytest.raises(DocumentError, match="50 MB is over the 8 MB limit for one article"):
        list(read_path(huge))


def test_a_long_record_in_a_feed_is_refused_and_the_others_are_read():
    feed = (json.dumps({"text": "Strikes on Odesa."}) + "\n" + json.dumps({"text": "x" * (9 * 2**20)}) + "\n").encode()
    items = read_all(feed, "feed.jsonl")
    assert items[0].text == "Strikes on Odesa." and "over the 8 MB limit" in str(items[1])


def test_a_missing_file_is_named_in_the_error(tmp_path):
    with pytest.raises(DocumentError, match="no such file"):
        list(read_path(tmp_path / "nope.txt"))
