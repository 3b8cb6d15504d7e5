"""Reading an outcome workbook: openpyxl (the old reader) against python-calamine (the upload kit's), side by
side on the same file in one run.

    .venv/bin/python benchmarks/excel_read.py                    # 100,000 rows, 3 runs each
    .venv/bin/python benchmarks/excel_read.py --rows 20000 --runs 1

Both read every cell of the first sheet, as an import does: openpyxl in read-only mode with values only
(``iter_rows(values_only=True)``), calamine through ``susi.engines.tabular.excel_rows`` (which also checks
the zip before opening it and turns whole numbers back into int). Printed: the median wall-clock and CPU
time of each, and the ratio openpyxl / calamine. The file is the synthetic one
``benchmarks/outcomes_import.py`` imports (rows/2 citizens, baseline and one follow-up each).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def make_file(rows: int, directory: Path) -> Path:
    from susi.engines.evaluation import synthetic

    dataset = synthetic.generate(
        rows // 2, municipalities=("101", "461", "751", "851"), n_followups=1, seed=7
    )
    return synthetic.write_xlsx(dataset, directory / "maalinger.xlsx")


def read_openpyxl(path: Path) -> int:
    import openpyxl

    with path.open("rb") as fh:
        workbook = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        try:
            return sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
        finally:
            workbook.close()


def read_calamine(path: Path) -> int:
    from susi.engines import tabular

    with path.open("rb") as fh:
        return sum(1 for _ in tabular.excel_rows(fh)[1])


def timed(read, path: Path, runs: int) -> tuple[float, float, int]:
    walls, cpus, rows = [], [], 0
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        rows = read(path)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = make_file(args.rows, Path(tmp))
        size_mb = path.stat().st_size / 2**20
        old_wall, old_cpu, old_rows = timed(read_openpyxl, path, args.runs)
        new_wall, new_cpu, new_rows = timed(read_calamine, path, args.runs)
    assert old_rows == new_rows, (old_rows, new_rows)
    print(f"== reading {old_rows - 1:,} data rows of Excel ({size_mb:.1f} MB), median of {args.runs} runs")
    print(f"   openpyxl (read-only, values only): {old_wall:6.2f} s wall, {old_cpu:6.2f} s CPU")
    print(f"   python-calamine (upload kit)      : {new_wall:6.2f} s wall, {new_cpu:6.2f} s CPU")
    print(
        f"   ratio openpyxl / calamine         : {old_wall / new_wall:6.1f}x wall, "
        f"{old_cpu / max(new_cpu, 1e-9):6.1f}x CPU"
    )


if __name__ == "__main__":
    main()
