"""A register stored as Parquet by year with integer person keys gives exactly the follow-up of the text file."""

from __future__ import annotations

import duckdb
import pandas as pd

from susi.engines.evaluation import synthetic
from susi.engines.evaluation.register import keyed_sources, person_key, register_followup, store_register


def _files(tmp_path):
    enrolled = pd.DataFrame({"pseudonym": [f"e{i}" for i in range(80)], "index_year": 2020})
    comparison = pd.DataFrame({"pseudonym": [f"c{i}" for i in range(160)], "index_year": 2020})
    people = pd.concat([enrolled.assign(treat=1), comparison.assign(treat=0)], ignore_index=True)
    history = synthetic.generate_register(
        people, first_year=2020, last_year=2030, effects={"employment": 0.2}, seed=11
    )
    history.to_csv(tmp_path / "register.csv", index=False)
    comparison.to_csv(tmp_path / "comparison.csv", index=False)
    return enrolled, comparison, history


def _keyed_followup(enrolled, comparison_file, register_source):
    con = duckdb.connect()
    con.register("enrolled_df", enrolled)
    con.execute(
        f"CREATE TABLE enrolled AS SELECT {person_key('pseudonym')} AS pseudonym, index_year FROM enrolled_df"
    )
    keyed_sources(con, str(comparison_file), str(register_source))
    return register_followup(con, "enrolled", "register", "comparison", 8)


def test_stored_register_gives_the_same_followup_as_the_text_keyed_frames(tmp_path):
    enrolled, comparison, history = _files(tmp_path)
    con = duckdb.connect()
    con.register("enrolled", enrolled)
    con.register("comparison", comparison)
    con.register("register", history)
    by_text = register_followup(con, "enrolled", "register", "comparison", 8)

    rows = store_register(str(tmp_path / "register.csv"), str(tmp_path / "store"))
    assert rows == len(history)
    years = sorted(p.name for p in (tmp_path / "store").iterdir())
    assert years == [f"year={y}" for y in sorted(history["year"].unique())]  # one folder per year

    from_store = _keyed_followup(enrolled, tmp_path / "comparison.csv", tmp_path / "store")
    from_csv = _keyed_followup(enrolled, tmp_path / "comparison.csv", tmp_path / "register.csv")
    assert from_store.rows == by_text.rows == from_csv.rows
    assert any(r.difference for r in by_text.rows)  # a real comparison, not two empty results


def test_person_keys_are_128_bit_numbers():
    con = duckdb.connect()
    key, kind = con.execute(
        f"SELECT {person_key('p')}, typeof({person_key('p')}) FROM (SELECT 'abc' AS p)"
    ).fetchone()
    # MD5("abc") from RFC 1321's test suite, read as a little-endian 128-bit number (DuckDB's md5_number)
    assert kind == "UHUGEINT" and key == int.from_bytes(
        bytes.fromhex("900150983cd24fb0d6963f7d28e17f72"), "little"
    )
