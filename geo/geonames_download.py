"""`python -m geo gazetteer download UA RU BY`: fetch GeoNames country dumps (XX.zip) and import them.

Needs the network; nothing else in frontmap does. A download goes to XX.zip.part in the data folder and
resumes from there when run again (HTTP Range); the dump is imported, and the index rebuilt, only once
every requested file is complete, so a failed run changes nothing the gazetteer uses.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from geo.config import data_dir
from geo.gazetteer import GazetteerError, import_geonames_dump

GEONAMES_DUMPS = "https://download.geonames.org/export/dump/"
_COUNTRY = re.compile(r"^[A-Z]{2}$")
CHUNK = 1 << 16


class DownloadError(GazetteerError):
    pass


def downloads_dir() -> Path:
    """Where downloads go (made only when a download starts: a failed run leaves nothing behind)."""
    return data_dir() / "gazetteer" / "downloads"


def fetch(url: str, target: Path, progress: bool = True, timeout: float = 30.0) -> Path:
    """Download url to target, resuming a partial target.part; returns target."""
    from tqdm import tqdm

    part = target.with_name(target.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "frontmap"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (https or a test's loopback)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # the part is already whole
            part.replace(target)
            return target
        raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"cannot download {url} ({reason}); no network? Nothing was changed: run again when "
                            f"online, or fetch the file elsewhere and use `python -m geo gazetteer import`") from exc
    with response:
        part.parent.mkdir(parents=True, exist_ok=True)
        resumed = response.status == 206
        size = response.headers.get("Content-Length")
        total = int(size) + (have if resumed else 0) if size else None
        mode = "ab" if resumed else "wb"
        with open(part, mode) as out, tqdm(total=total, initial=have if resumed else 0, unit="B", unit_scale=True,
                                           desc=target.name, disable=not progress, file=sys.stderr) as bar:
            try:
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    bar.update(len(chunk))
            except OSError as exc:
                raise DownloadError(f"download of {url} broke off ({exc}); run again to resume") from exc
    if total is not None and part.stat().st_size < total:
        raise DownloadError(f"download of {url} broke off at {part.stat().st_size:,} of {total:,} bytes; "
                            "run again to resume")
    part.replace(target)
    return target


def download_countries(codes: list[str], base_url: str = GEONAMES_DUMPS, progress: bool = True) -> dict[str, int]:
    """Fetch and import the dumps of the countries (ISO alpha-2); returns the rows kept per country. Raises
    DownloadError (and changes nothing) if any download fails or a file is not a GeoNames dump."""
    bad = [c for c in codes if not _COUNTRY.match(c.upper())]
    if bad:
        raise DownloadError(f"not a country code: {', '.join(bad)} (use ISO 3166-1 alpha-2, such as UA RU BY)")
    codes = [c.upper() for c in codes]
    archives = {code: fetch(base_url.rstrip("/") + f"/{code}.zip", downloads_dir() / f"{code}.zip", progress)
                for code in codes}
    kept = {}
    with tempfile.TemporaryDirectory() as tmp:
        dumps = {}
        for code, archive in archives.items():
            try:
                with zipfile.ZipFile(archive) as zf, zf.open(f"{code}.txt") as src, \
                        open(Path(tmp) / f"{code}.txt", "wb") as dst:
                    shutil.copyfileobj(src, dst)
            except (zipfile.BadZipFile, KeyError) as exc:
                archive.unlink(missing_ok=True)
                raise DownloadError(f"{archive.name} is not a GeoNames country dump ({exc}); removed, "
                                    "run again to download it anew") from exc
            dumps[code] = Path(tmp) / f"{code}.txt"
        for code, dump in dumps.items():
            kept[code] = import_geonames_dump(dump)
    return kept
