"""Small builders for outcome files in the shapes municipalities send."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from susi.engines.evaluation.cpr import is_synthetic


def synthetic_cpr(i: int) -> str:
    """A CPR number born in 2031 with 7th digit 4: a date in the future, so never a real person."""
    day = 1 + i % 28
    month = 1 + (i // 28) % 12
    serial = (i // 336) % 1000
    cpr = f"{day:02d}{month:02d}31-4{serial:03d}"
    assert is_synthetic(cpr)
    return cpr


def rows_for(n_citizens: int, *, effect: float = 5.0, seed: int = 1, offset: int = 0, followups: int = 1):
    """One row per citizen × occasion on the instrument 'trivsel' (higher is better)."""
    rng = random.Random(seed)
    rows = []
    for i in range(offset, offset + n_citizens):
        arm = "indsats" if i % 2 == 0 else "sammenligning"
        base = rng.gauss(50, 10)
        start = dt.date(2024, 1, 1) + dt.timedelta(days=i % 200)
        cpr = synthetic_cpr(i)
        rows.append([cpr, arm, start.isoformat(), "", "trivsel", "baseline", f"{base:.1f}".replace(".", ",")])
        for k in range(1, followups + 1):
            value = base + rng.gauss(2, 5) + (effect if arm == "indsats" else 0.0)
            rows.append(
                [
                    cpr,
                    arm,
                    start.isoformat(),
                    "",
                    "trivsel",
                    f"opfølgning {k}",
                    f"{value:.1f}".replace(".", ","),
                ]
            )
    return rows


HEADER = ["CPR-nummer", "Gruppe", "Startdato", "Slutdato", "Måleredskab", "Måletidspunkt", "Værdi"]


def csv_bytes(rows, header=HEADER, delimiter=";", encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
