"""Bad and damaged gazetteer data: a malformed dump is refused with its file and line and changes nothing; a
damaged index is reported or rebuilt; the index file cannot run code; two first builds at once do not crash."""

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from geo.gazetteer import Gazetteer, GazetteerError, import_geonames_dump, index_path

ROOT = Path(__file__).resolve().parent.parent
GOOD_ROW = ["900000001", "Testivka", "Testivka", "", "48.5", "37.5", "P", "PPL", "UA", "", "14", "", "", "", "120",
            "", "150", "Europe/Kyiv", "2024-01-01"]


def dump_line(**changes) -> str:
    row = list(GOOD_ROW)
    for column, value in changes.items():
        row[int(column.removeprefix("c"))] = value
    return "\t".join(row) + "\n"


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTMAP_DATA", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.mark.parametrize(("line", "said"), [
    (dump_line(c4="abc"), "could not convert string to float: 'abc'"),
    (dump_line(c0="x1"), "invalid literal for int()"),
    (dump_line(c5="237.5"), "out of range"),
    ("not\ta\tdump\n", "expected 19 tab-separated columns"),
])
def test_a_malformed_dump_is_refused_with_its_line_and_changes_nothing(data_folder, tmp_path, line, said):
    dump = tmp_path / "UA.txt"
    dump.write_text(dump_line() + line)
    with pytest.raises(GazetteerError, match=f"UA.txt:2: .*{said[:20]}"):
        import_geonames_dump(dump)
    assert list((data_folder / "gazetteer" / "imports").iterdir()) == []


def test_a_binary_dump_is_refused_and_leaves_no_temporary_files(data_folder, tmp_path):
    dump = tmp_path / "UA.txt"
    dump.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    with pytest.raises(GazetteerError, match="UA.txt"):
        import_geonames_dump(dump)
    assert list((data_folder / "gazetteer" / "imports").iterdir()) == []


def test_the_command_line_reports_a_malformed_dump_in_one_line(tmp_path):
    dump = tmp_path / "UA.txt"
    dump.write_text(dump_line(c4="abc"))
    result = subprocess.run([sys.executable, "-m", "geo", "gazetteer", "import", str(dump)], capture_output=True,
                            text=True, timeout=120, env=os.environ | {"FRONTMAP_DATA": str(tmp_path / "data")})
    assert result.returncode != 0 and "UA.txt:1:" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def _copy_index(into: Path) -> Path:
    """The session's built index, copied into another data folder (building one takes a while)."""
    built = index_path()
    target = into / "gazetteer" / built.name
    target.parent.mkdir(parents=True)
    shutil.copy(built, target)
    shutil.copy(built.with_suffix(".sources"), target.with_suffix(".sources"))
    return target


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_a_damaged_index_is_explained_when_it_may_not_be_rebuilt(gazetteer, tmp_path, damage):
    index = _copy_index(tmp_path)
    data = index.read_bytes()
    index.write_bytes({"truncated": data[:len(data) // 2], "garbage": os.urandom(4096), "empty": b""}[damage])
    with pytest.raises(GazetteerError, match="the gazetteer index is damaged .*run: python -m geo gazetteer build"):
        Gazetteer.load(index, build_if_missing=False)


def test_a_pickle_planted_as_the_index_is_never_run(gazetteer, tmp_path):
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    index = _copy_index(tmp_path)
    index.write_bytes(pickle.dumps(Payload()))
    with pytest.raises(GazetteerError, match="damaged"):
        Gazetteer.load(index, build_if_missing=False)
    assert not marker.exists()


@pytest.mark.slow
def test_a_damaged_index_is_rebuilt_and_two_first_builds_at_once_do_not_crash(gazetteer, tmp_path):
    index = _copy_index(tmp_path / "damaged")
    index.write_bytes(b"\x00" * 100)
    assert len(Gazetteer.load(index)) == len(gazetteer)
    for attempt in range(3):
        folder = tmp_path / f"fresh{attempt}"
        load = "from geo.gazetteer import Gazetteer; print(len(Gazetteer.load()))"
        runs = [subprocess.Popen([sys.executable, "-c", load], cwd=ROOT,
                                 env=os.environ | {"FRONTMAP_DATA": str(folder)}, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [run.communicate(timeout=300) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], [err for _, err in results]
        assert {out.strip() for out, _ in results} == {str(len(gazetteer))}
        assert not [p.name for p in (folder / "gazetteer").iterdir() if p.name.endswith(".tmp")]


def test_the_index_module_reads_back_what_it_wrote(tmp_path):
    from geo import indexfile

    index = {"columns": {"name": ["Sumy", "Izium"], "lat": [50.9, 49.2], "pop": [256000, 45000]},
             "names": {"sumy": 0, "izium": (1, 0)}, "empty": {}}
    indexfile.write(tmp_path / "i.npz", index)
    assert indexfile.read(tmp_path / "i.npz") == index
    assert [p.name for p in tmp_path.iterdir()] == ["i.npz"]



def test_a_hashed_map_finds_every_key_it_wrote_and_no_other(tmp_path):
    from geo import indexfile

    names = {f"place {i}": i if i % 3 else (i, i + 1, i + 2) for i in range(2000)} | {"київ": 7, "": 3}
    index = {"columns": {"name": ["Sumy", "Izium", "Київ"], "lat": [50.9, 49.2, 50.45], "pop": [256000, 45000, 1]},
             "names": names}
    indexfile.write(tmp_path / "i.npz", index, hashed=("names",))
    assert indexfile.read(tmp_path / "i.npz") == index
    lazy = indexfile.read(tmp_path / "i.npz", lazy=True)
    found = lazy["names"]
    assert len(found) == len(names) and dict(found.items()) == names and set(found) == set(names)
    assert all(found[key] == value and key in found for key, value in names.items())
    assert found.get("place 2000") is None and "Place 1" not in found and 5 not in found
    columns = lazy["columns"]
    assert [columns["name"][i] for i in range(3)] == list(columns["name"]) == ["Sumy", "Izium", "Київ"]
    assert columns["name"][-1] == "Київ" and list(columns["lat"]) == [50.9, 49.2, 50.45]
    with pytest.raises(IndexError):
        columns["name"][3]


def test_a_hashed_map_whose_parts_disagree_is_reported_as_damaged(tmp_path):
    import numpy as np

    from geo import indexfile

    indexfile.write(tmp_path / "i.npz", {"names": {"sumy": 0, "izium": 1}}, hashed=("names",))
    with np.load(tmp_path / "i.npz") as npz:
        arrays = {name: npz[name] for name in npz.files}
    arrays["names.key_offsets"] = arrays["names.key_offsets"][:-1]
    np.savez(tmp_path / "i.npz", **arrays)
    with pytest.raises(indexfile.IndexFileError, match="do not agree"):
        indexfile.read(tmp_path / "i.npz", lazy=True)
