"""`gazetteer download`: against a local HTTP server serving a small dump we make, and offline."""

import http.server
import io
import socket
import threading
import zipfile

import pytest

from geo.cli import main
from geo.geonames_download import DownloadError, download_countries

ROWS = [
    ["9900001", "Sverdlikovo", "Sverdlikovo", "Sverdlikovo,Свердликово", "51.2550", "35.1770", "P", "PPL",
     "RU", "", "41", "", "", "", "350", "", "180", "Europe/Moscow", "2024-01-01"],
    ["9900004", "Seym River", "Seym River", "", "51.3", "35.3", "H", "STM", "RU", "", "41", "", "", "",
     "0", "", "150", "Europe/Moscow", "2024-01-01"],
]


def small_dump() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("RU.txt", "".join("\t".join(r) + "\n" for r in ROWS) * 200)
        zf.writestr("readme.txt", "a test dump")
    return buffer.getvalue()


class DumpServer:
    """Serves /RU.zip on 127.0.0.1 with HTTP Range support, and records the ranges asked for."""

    def __init__(self, body: bytes):
        self.body, self.ranges = body, []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path != "/RU.zip":
                    self.send_error(404)
                    return
                wanted = self.headers.get("Range")
                server.ranges.append(wanted)
                start = int(wanted.split("=")[1].rstrip("-")) if wanted else 0
                self.send_response(206 if wanted else 200)
                self.send_header("Content-Length", str(len(server.body) - start))
                self.end_headers()
                self.wfile.write(server.body[start:])

            def log_message(self, *args):
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def test_a_country_dump_is_downloaded_from_a_server_and_imported(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTMAP_DATA", str(tmp_path))
    with DumpServer(small_dump()) as server:
        kept = download_countries(["ru"], server.url, progress=False)
    assert kept == {"RU": 200}  # the populated places; the river is not a settlement
    imported = (tmp_path / "gazetteer" / "imports" / "RU.tsv").read_text(encoding="utf-8")
    assert len(imported.splitlines()) == 200 and "Seym River" not in imported


def test_a_broken_off_download_resumes_where_it_stopped(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTMAP_DATA", str(tmp_path))
    body = small_dump()
    downloads = tmp_path / "gazetteer" / "downloads"
    downloads.mkdir(parents=True)
    (downloads / "RU.zip.part").write_bytes(body[:1000])
    with DumpServer(body) as server:
        download_countries(["RU"], server.url, progress=False)
    assert server.ranges == ["bytes=1000-"]
    assert (downloads / "RU.zip").read_bytes() == body


def test_offline_download_fails_with_one_clear_line_and_changes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FRONTMAP_DATA", str(tmp_path))
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert main(["gazetteer", "download", "UA", "RU", "--url", closed_port_url()]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no network?" in err and "Nothing was changed" in err
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert after == before


def test_a_file_that_is_not_a_zip_dump_is_refused_and_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTMAP_DATA", str(tmp_path))
    with DumpServer(b"<html>not a zip</html>") as server, pytest.raises(DownloadError, match="not a GeoNames"):
        download_countries(["RU"], server.url, progress=False)
    assert not (tmp_path / "gazetteer" / "downloads" / "RU.zip").exists()
    assert not (tmp_path / "gazetteer" / "imports" / "RU.tsv").exists()


def test_country_codes_are_checked_before_anything_is_fetched(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTMAP_DATA", str(tmp_path))
    with pytest.raises(DownloadError, match="not a country code: Ukraine"):
        download_countries(["Ukraine"], closed_port_url(), progress=False)


def test_a_download_asked_for_once_is_tried_once(tmp_path):
    import os
    import subprocess
    import sys

    env = os.environ | {"FRONTMAP_DATA": str(tmp_path / "data")}
    command = [sys.executable, "-m", "geo", "gazetteer", "download", "UA", "--once", "--url", "http://127.0.0.1:9/"]
    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 1 and first.stderr.startswith("frontmap: ")
    assert (again.returncode, again.stderr) == (0, "")
