import csv
import io

from shared_code.core.csv_stream import CHUNK_BYTES, csv_cell, csv_chunks


def test_a_csv_cell_a_spreadsheet_would_run_is_defused() -> None:
    assert [csv_cell(v) for v in ("=1+1", "-2", "@x", "a=b", None)] == ["'=1+1", "'-2", "'@x", "a=b", ""]


def test_chunks_stay_small_and_join_into_the_whole_document() -> None:
    rows = ([i, f"name {i}", "x" * 100] for i in range(20_000))
    chunks = list(csv_chunks(["id", "name", "pad"], rows))
    assert len(chunks) > 5 and max(len(c) for c in chunks) < CHUNK_BYTES + 1024
    parsed = list(csv.reader(io.StringIO(b"".join(chunks).decode())))
    assert parsed[0] == ["id", "name", "pad"] and len(parsed) == 20_001 and parsed[-1][1] == "name 19999"
