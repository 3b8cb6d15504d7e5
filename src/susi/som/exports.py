"""Excel and JSON exports of a calculation, laid out the way a municipal finance officer reads a budget:
years across, line items down, a total column, amounts in whole kroner, one sheet per view."""

from __future__ import annotations

import io
import json
from typing import Any

import xlsxwriter

from susi.engines.som import AUTHORITIES, COMMITTEES, MAIN_AREAS, MonteCarloResult, SomResult, case_to_json
from susi.engines.som.results import NO_COMMITTEE_CODE
from susi.web.i18n import lazy_localized, localized
from susi.web.spreadsheets import SafeWorkbook

ILLUSTRATIVE_NOTE = "OBS: Beregningen bruger illustrative demotal fra vidensdatabasen – ikke officielle tal."
AREA_NAMES = {a.code: lazy_localized(a) for a in MAIN_AREAS}
COMMITTEE_NAMES = {c.code: lazy_localized(c) for c in COMMITTEES} | {
    NO_COMMITTEE_CODE: "Intet udvalg angivet"
}


def excel(calculation, result: SomResult, mc: MonteCarloResult | None) -> bytes:
    buffer = io.BytesIO()
    wb = SafeWorkbook(buffer)
    title = wb.add_format({"bold": True, "font_size": 14})
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "bg_color": "#dde6f0", "border": 1, "align": "center"})
    kr = wb.add_format({"num_format": "#,##0;[Red]-#,##0", "border": 1})
    kr_bold = wb.add_format({"num_format": "#,##0;[Red]-#,##0", "border": 1, "bold": True})
    pct = wb.add_format({"num_format": "0.0%", "border": 1})
    dec = wb.add_format({"num_format": "0.0000", "border": 1})
    warn = wb.add_format({"bold": True, "font_color": "#9c0006", "bg_color": "#ffc7ce"})
    text = wb.add_format({"border": 1})
    case = result.case
    years = list(result.years)

    def header(sheet, row: int, first: str) -> None:
        sheet.write(row, 0, first, head)
        for j, y in enumerate(years, start=1):
            sheet.write(row, j, f"År {y}", head)
        sheet.write(row, len(years) + 1, "I alt", head)
        sheet.write(row, len(years) + 2, "Nutidsværdi", head)

    def line(sheet, row: int, label: str, values, fmt=kr, pv: float | None = None) -> None:
        sheet.write(row, 0, label, text)
        for j, v in enumerate(values, start=1):
            sheet.write_number(row, j, round(float(v), 2), fmt)
        first = xlsxwriter.utility.xl_rowcol_to_cell(row, 1)
        last = xlsxwriter.utility.xl_rowcol_to_cell(row, len(years))
        sheet.write_formula(row, len(years) + 1, f"=SUM({first}:{last})", fmt, round(float(sum(values)), 2))
        if pv is not None:
            sheet.write_number(row, len(years) + 2, round(pv, 2), fmt)

    def pv_of(values) -> float:
        return float(sum(float(v) * d for v, d in zip(values, result.discount_factors, strict=True)))

    # 1. Summary and assumptions
    ws = wb.add_worksheet("Forudsætninger")
    ws.set_column(0, 0, 42)
    ws.set_column(1, 8, 16)
    ws.write(0, 0, f"SØM-beregning: {calculation.name}", title)
    r = 2
    if calculation.uses_illustrative_data:
        ws.write(1, 0, ILLUSTRATIVE_NOTE, warn)
    rows: list[tuple[str, Any]] = [
        ("Målgruppe", case.target_group or "-"),
        ("Initiativ", str(calculation.initiative) if calculation.initiative else "-"),
        ("Kommune", str(calculation.municipality) if calculation.municipality else "-"),
        ("Horisont (år)", case.horizon),
        ("Diskonteringsrente", case.discount_rate),
        ("Indsatsens varighed (år)", case.duration_years),
        ("Vidensdatabasens version", calculation.knowledge_version),
        ("Monte Carlo: træk / seed", f"{calculation.draws} / {calculation.seed}"),
        ("Nutidsværdi af nettoresultat (kr.)", round(result.present_value, 2)),
        ("Break-even år", result.break_even_year or "ikke inden for horisonten"),
        (
            "Afkast pr. investeret krone",
            round(result.return_per_krone, 4) if result.return_per_krone else "-",
        ),
    ]
    for label, value in rows:
        ws.write(r, 0, label, bold)
        if label == "Diskonteringsrente":
            ws.write_number(r, 1, value, wb.add_format({"num_format": "0.0%"}))
        elif label.startswith("Nutidsværdi"):
            ws.write_number(r, 1, value, wb.add_format({"num_format": "#,##0"}))
        else:
            ws.write(r, 1, value)
        r += 1
    r += 1
    ws.write(r, 0, "Borgere, der starter i indsatsen", bold)
    r += 1
    data = case_to_json(case)  # the case schema's form: the same fields as the JSON export and the API
    for i, n in enumerate(data["intake"]):
        ws.write(r, 0, f"År {i + 1}")
        ws.write(r, 1, json.dumps(n, ensure_ascii=False) if isinstance(n, dict) else n)
        r += 1
    r += 1
    ws.write_row(r, 0, ["Omkostning", "Type", "Beløb (kr.)", "Betaler"], head)
    r += 1
    for c in data["costs"]:
        amount = c["amount"]
        ws.write_row(
            r,
            0,
            [
                c["name"],
                c["kind"],
                json.dumps(amount, ensure_ascii=False) if isinstance(amount, dict) else amount,
                c["payer"],
            ],
        )
        r += 1
    r += 1
    ws.write_row(
        r, 0, ["Succesmål", "Succesrate", "Tilbagefald pr. år", "Indfasning (år)", "Forsinkelse (år)"], head
    )
    r += 1
    for o in data["outcomes"]:
        cells = [
            o["name"],
            o["success_rate"],
            o["relapse"],
            o["phase_in_years"],
            "færdiggørelsesåret" if o["effect_delay_years"] is None else o["effect_delay_years"],
        ]
        ws.write_row(r, 0, [json.dumps(x, ensure_ascii=False) if isinstance(x, dict) else x for x in cells])
        r += 1
        for cq in o["consequences"]:
            change = cq["change"]
            ws.write_row(
                r,
                0,
                [
                    f"   Konsekvens: {data['prices'].get(cq['service'], {}).get('name') or cq['service']}",
                    json.dumps(change, ensure_ascii=False) if not isinstance(change, int | float) else change,
                ],
            )
            r += 1
    r += 1
    ws.write_row(
        r,
        0,
        ["Ydelse", "Enhed", "Kommune (kr.)", "Region (kr.)", "Stat (kr.)", "Hovedområde", "Udvalg"],
        head,
    )
    r += 1
    for service, p in data["prices"].items():
        cells = [
            p["name"] or service,
            p["unit"],
            p["municipality"],
            p["region"],
            p["state"],
            str(AREA_NAMES.get(p["area"], p["area"])),
            str(COMMITTEE_NAMES.get(p["committee"] or "", "")),
        ]
        ws.write_row(r, 0, [json.dumps(x, ensure_ascii=False) if isinstance(x, dict) else x for x in cells])
        r += 1

    # 2. Yearly result
    ws = wb.add_worksheet("Resultat pr. år")
    ws.set_column(0, 0, 40)
    ws.set_column(1, len(years) + 2, 14)
    ws.write(0, 0, "Budgetøkonomisk nettoresultat (kr., faste priser)", title)
    header(ws, 2, "Post")
    line(ws, 3, "Omkostninger til indsatsen", -result.costs, pv=-result.pv_costs)
    line(ws, 4, "Gevinster (ændret brug af ydelser)", result.gains, pv=result.pv_gains)
    line(ws, 5, "Nettoresultat", result.net, kr_bold, pv=result.present_value)
    ws.write(6, 0, "Diskonteringsfaktor", text)
    for j, d in enumerate(result.discount_factors, start=1):
        ws.write_number(6, j, float(d), dec)
    line(ws, 7, "Nettoresultat, nutidsværdi", result.net_discounted, pv=result.present_value)
    ws.write(8, 0, "Akkumuleret nutidsværdi", text)
    for j, v in enumerate(result.cumulative_discounted, start=1):
        ws.write_number(8, j, round(float(v), 2), kr)
    row = 10
    ws.write(row, 0, "Borgere i succestilstand (ekstra i forhold til nuværende praksis)", bold)
    row += 1
    for name, values in result.successes.items():
        ws.write(row, 0, name, text)
        for j, v in enumerate(values, start=1):
            ws.write_number(row, j, round(float(v), 3), wb.add_format({"num_format": "0.00", "border": 1}))
        row += 1

    # 3. Per authority, area, committee
    for sheet_name, heading, series in (
        (
            "Myndighed",
            "Nettoresultat fordelt på myndighed (kr.)",
            [(localized(a), result.net_by_authority[a.code]) for a in AUTHORITIES],
        ),
        (
            "Hovedområde",
            "Nettoresultat fordelt på hovedområde (kr.)",
            [(str(AREA_NAMES[k]), v) for k, v in result.net_by_area.items()],
        ),
        (
            "Udvalg",
            "Kommunens nettoresultat fordelt på udvalg (kr.)",
            [(str(COMMITTEE_NAMES[k]), v) for k, v in result.net_by_committee.items()],
        ),
    ):
        ws = wb.add_worksheet(sheet_name)
        ws.set_column(0, 0, 40)
        ws.set_column(1, len(years) + 2, 14)
        ws.write(0, 0, heading, title)
        header(ws, 2, sheet_name)
        for i, (label, values) in enumerate(series):
            line(ws, 3 + i, label, values, pv=pv_of(values))
        total_row = 3 + len(series)
        ws.write(total_row, 0, "I alt", bold)
        for j in range(1, len(years) + 3):
            col_first = xlsxwriter.utility.xl_rowcol_to_cell(3, j)
            col_last = xlsxwriter.utility.xl_rowcol_to_cell(total_row - 1, j)
            cached = (
                sum(float(v[j - 1]) for _, v in series)
                if j <= len(years)
                else (
                    sum(float(sum(v)) for _, v in series)
                    if j == len(years) + 1
                    else sum(pv_of(v) for _, v in series)
                )
            )
            ws.write_formula(total_row, j, f"=SUM({col_first}:{col_last})", kr_bold, round(cached, 2))

    # 4. Uncertainty
    if mc is not None:
        ws = wb.add_worksheet("Usikkerhed")
        ws.set_column(0, 0, 44)
        ws.set_column(1, len(years) + 1, 14)
        ws.write(0, 0, f"Monte Carlo: {mc.draws} træk, seed {mc.seed}", title)
        header(ws, 2, "Akkumuleret nutidsværdi, fraktil")
        for i, (level, values) in enumerate(mc.cumulative_percentiles.items()):
            ws.write(3 + i, 0, f"{level} %-fraktil", text)
            for j, v in enumerate(values, start=1):
                ws.write_number(3 + i, j, round(float(v), 2), kr)
        row = 4 + len(mc.cumulative_percentiles)
        ws.write(row, 0, "Sandsynlighed for break-even senest dette år", text)
        for j, p in enumerate(mc.probability_break_even, start=1):
            ws.write_number(row, j, float(p), pct)
        row += 2
        ws.write_row(
            row,
            0,
            [
                "Følsomhed (tornado)",
                "Grundlag",
                "Lav værdi",
                "Høj værdi",
                "Nutidsværdi lav",
                "Nutidsværdi høj",
            ],
            head,
        )
        for i, b in enumerate(mc.tornado, start=1):
            ws.write_row(
                row + i,
                0,
                [
                    localized(b.label),
                    "P10–P90" if b.basis == "p10-p90" else "±20 %",
                    b.input_low,
                    b.input_high,
                ],
            )
            ws.write_number(row + i, 4, round(b.result_low, 2), kr)
            ws.write_number(row + i, 5, round(b.result_high, 2), kr)
    wb.close()
    return buffer.getvalue()


def as_json(calculation, result: SomResult, mc: MonteCarloResult | None) -> str:
    """The calculation as JSON. Its `case` is written by the case schema (every field, as the API gives
    it), so it is a case file: `susi som calc` and the API calculate it to the same result."""
    data = {
        "name": calculation.name,
        "illustrative_data": calculation.uses_illustrative_data,
        "knowledge_version": calculation.knowledge_version,
        "draws": calculation.draws,
        "seed": calculation.seed,
        "case": case_to_json(result.case),
        "result": result.to_json(),
        "monte_carlo": mc.to_json() if mc is not None else None,
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def portfolio_excel(portfolio) -> bytes:
    """The portfolio page as a workbook: the calculations, the sum per year and authority with the joint
    Monte Carlo band, and the present value per authority (``susi.som.joint.Portfolio``)."""
    buffer = io.BytesIO()
    wb = SafeWorkbook(buffer)
    title = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format({"bold": True, "bg_color": "#dde6f0", "border": 1, "align": "center"})
    kr = wb.add_format({"num_format": "#,##0;[Red]-#,##0", "border": 1})
    pct = wb.add_format({"num_format": "0.0%", "border": 1})
    text = wb.add_format({"border": 1})
    authorities = [str(localized(a)) for a in AUTHORITIES]

    ws = wb.add_worksheet("Portefølje")
    ws.set_column(0, 0, 40)
    ws.set_column(1, 12, 16)
    ws.write(0, 0, "SØM-portefølje", title)
    ws.write_row(2, 0, ["Beregning", "Nutidsværdi (kr.)", "Horisont (år)"], head)
    for i, c in enumerate(portfolio.calculations, start=3):
        ws.write(i, 0, c.name, text)
        ws.write_number(i, 1, round(float(c.result["deterministic"]["present_value"]), 2), kr)
        ws.write_number(i, 2, int(c.case.get("horizon", 0)), text)
        if c.uses_illustrative_data:
            ws.write(i, 3, ILLUSTRATIVE_NOTE)
    r = len(portfolio.calculations) + 4
    pv = portfolio.pv
    for label, value, fmt in (
        ("Nutidsværdi af summen, beregnet (kr.)", pv["deterministic"], kr),
        ("Nutidsværdi, middel over trækkene (kr.)", pv["mean"], kr),
        ("Nutidsværdi, 5 %-fraktil (kr.)", pv["p5"], kr),
        ("Nutidsværdi, 95 %-fraktil (kr.)", pv["p95"], kr),
        ("Chance for overskud", pv["positive"], pct),
        ("Monte Carlo-træk (fælles)", pv["draws"], text),
    ):
        ws.write(r, 0, label, text)
        ws.write_number(r, 1, round(float(value), 4 if fmt is pct else 2), fmt)
        r += 1

    ws = wb.add_worksheet("Pr. år")
    ws.set_column(0, 9, 18)
    ws.write_row(
        0,
        0,
        [
            "År",
            *authorities,
            "I alt",
            "Akkumuleret nutidsværdi",
            "Middel (træk)",
            "5 %-fraktil",
            "95 %-fraktil",
        ],
        head,
    )
    for i, row in enumerate(portfolio.rows, start=1):
        ws.write_number(i, 0, row["year"], text)
        values = [
            *row["authorities"],
            row["total"],
            row["cumulative_discounted"],
            row["mean"],
            row["p5"],
            row["p95"],
        ]
        for j, v in enumerate(values, start=1):
            ws.write_number(i, j, round(v, 2), kr)

    ws = wb.add_worksheet("Pr. myndighed")
    ws.set_column(0, 4, 20)
    ws.write_row(
        0, 0, ["Myndighed", "Nutidsværdi, beregnet", "Middel (træk)", "5 %-fraktil", "95 %-fraktil"], head
    )
    for i, a in enumerate(portfolio.pv_by_authority, start=1):
        ws.write(i, 0, str(localized(a["authority"])), text)
        for j, key in enumerate(("deterministic", "mean", "p5", "p95"), start=1):
            ws.write_number(i, j, round(a[key], 2), kr)
    wb.close()
    return buffer.getvalue()
