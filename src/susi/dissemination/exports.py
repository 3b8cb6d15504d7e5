"""The expected-results pack as a printable PDF (fpdf2) and as Excel (susi.web.spreadsheets), in Danish.

Both are written from the same `expected.Pack` the page shows. The Excel file's yearly totals are formulas
with their values cached, so a test can check them against the engine; the PDF uses the core Helvetica
font, so its text is Latin-1 (Danish letters included; dashes and quotes outside it are replaced).
"""

from __future__ import annotations

import io
from datetime import date

import xlsxwriter
from django.utils import translation
from fpdf import FPDF

from susi.web.formatting import kr, number, percent
from susi.web.spreadsheets import SafeWorkbook

from .expected import Pack

ILLUSTRATIVE = "OBS: SØM-beregningen bygger på illustrative demotal – ikke officielle tal."
PV_LEVELS = ("5", "25", "50", "75", "95")


def filename(pack: Pack, suffix: str) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in pack.organisation.name.lower()).strip("-")
    return f"forventede-resultater-{pack.initiative.pk}-{safe}.{suffix}"


def summary_lines(pack: Pack) -> list[tuple[str, list[tuple[str, str]]]]:
    """The pack as (section title, [(label, value)]) in Danish: what both files and the tests read."""
    with translation.override("da"):
        return [
            ("Effekt fundet i afprøvningen", _effect_lines(pack)),
            ("Hvad andre kommuner opnår (monitorering)", _peer_lines(pack)),
            ("SØM-beregning med kommunens egne tal", _som_lines(pack)),
            ("Omkostninger", _cost_lines(pack)),
            ("Parathedstjek", _readiness_lines(pack)),
        ]


def _effect_lines(pack: Pack) -> list[tuple[str, str]]:
    e = pack.effect
    if e.empty:
        return [("", "Der er endnu ingen gemt effekt fra afprøvningen.")]
    lines = []
    if e.level is not None:
        lines += [
            ("Metaanalyse", e.meta_title or ""),
            ("Evidensvurdering", f"{e.level} – {e.level_label}"),
            (
                f"Samlet effekt ({e.measure})",
                f"{number(e.estimate)} (95 %-KI {number(e.ci_low)} til {number(e.ci_high)}), {e.studies} studier",
            ),
        ]
    if e.evaluations and not e.from_testing:
        lines.append(
            ("", "Der er ikke gemt et effektestimat fra afprøvningen; her er indsatsens øvrige estimater.")
        )
    for ev in e.evaluations:
        lines.append(
            (
                f"Effektestimat: {ev['instrument']}",
                f"{number(ev['estimate'])} (95 %-KI {number(ev['ci_low'])} til {number(ev['ci_high'])}); "
                f"{ev['method']}; {ev['citizens']} borgere",
            )
        )
    return lines


def _peer_lines(pack: Pack) -> list[tuple[str, str]]:
    if not pack.peers:
        return [("", "Der er endnu ingen monitoreringsdata.")]
    lines = []
    for p in pack.peers:
        if p.peers_reported:
            value = (
                f"Middelændring {number(p.median_change)} (median af {p.peers_reported} kommuner; "
                f"fra {number(p.lowest_change)} til {number(p.highest_change)}); "
                f"{percent(p.median_share_improved)} forbedret"
            )
        else:
            value = "Ingen andre kommuner med mindst 5 borgere endnu."
        if p.peers_left_out:
            value += f"; {p.peers_left_out} kommune(r) under 5 borgere er udeladt"
        lines.append((p.instrument, value))
        if p.own is not None:
            lines.append(
                (
                    f"{p.instrument}: egen kommune",
                    f"Middelændring {number(p.own.mean_change)}; {p.own.n_enrolled} borgere",
                )
            )
    return lines


def _som_lines(pack: Pack) -> list[tuple[str, str]]:
    c = pack.calculation
    if c is None:
        return [("", "Der er ingen SØM-beregning knyttet til indsatsen.")]
    r = c.result
    lines = [
        ("Grundberegning", f"{c.base_name} (vidensdatabase v{c.knowledge_version})"),
        ("Egne priser brugt for", ", ".join(c.own_prices) or "ingen (landspriser)"),
        (
            "Borgere pr. år",
            f"{c.citizens_per_year} (kommunens egen målgruppestørrelse)"
            if c.citizens_per_year
            else "som i grundberegningen",
        ),
        ("Budgetøkonomisk nettoresultat (nutidsværdi)", kr(r.present_value)),
        (
            "Afkast pr. investeret krone",
            number(r.return_per_krone) if r.return_per_krone is not None else "–",
        ),
        (
            "Tjener sig hjem i år",
            str(r.break_even_year) if r.break_even_year else "ikke inden for horisonten",
        ),
    ]
    mc = c.monte_carlo
    if mc is not None:
        p = mc.pv_percentiles
        lines += [
            ("Usikkerhed: nutidsværdi, 5.–95. percentil", f"{kr(p[5])} til {kr(p[95])} (median {kr(p[50])})"),
            (
                f"Sandsynlighed for at tjene sig hjem inden for {len(r.years)} år",
                percent(float(mc.probability_break_even[-1])),
            ),
        ]
    if c.illustrative:
        lines.append(("", ILLUSTRATIVE))
    return lines


def _cost_lines(pack: Pack) -> list[tuple[str, str]]:
    c = pack.costs
    if c is None:
        return [("", "Omkostningerne kendes ikke uden en SØM-beregning.")]
    lines = [
        ("Opstart (engangsudgift)", kr(c.one_off)),
        ("Drift pr. borger", kr(c.running_per_citizen) if c.running_per_citizen is not None else "–"),
        ("Borgere pr. år", number(c.citizens_per_year, 0)),
        ("Drift pr. år", kr(c.yearly_running) if c.yearly_running is not None else "–"),
        ("Omkostninger i alt (nutidsværdi)", kr(c.pv_costs)),
    ]
    if c.area_budget:
        lines.append(("Kommunens budget for området", kr(c.area_budget)))
        lines.append(("Driften som andel af budgettet", percent(c.budget_share, 2)))
    return lines


def _readiness_lines(pack: Pack) -> list[tuple[str, str]]:
    if not pack.readiness:
        return [("", "Styrelsen har ikke defineret et parathedstjek for indsatsen.")]
    return [
        (
            f"{item.get_category_display()}: {item.text}",
            (answer.get_status_display() + (f" – {answer.note}" if answer.note else ""))
            if answer
            else "Ikke besvaret",
        )
        for item, answer in pack.readiness
    ]


# --- PDF -----------------------------------------------------------------------------------------------

_REPLACE = {
    "–": "-",
    "—": "-",
    "…": "...",
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "≥": ">=",
    "≤": "<=",
    "\u00a0": " ",
}


def _latin1(text: str) -> str:
    for old, new in _REPLACE.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")


def _para(doc: FPDF, height: int, text: str) -> None:
    """One paragraph across the page, the cursor back at the left margin on the next line."""
    doc.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def pdf(pack: Pack) -> bytes:
    doc = FPDF(format="A4")
    doc.set_title(_latin1(f"Forventede resultater – {pack.organisation.name}"))
    doc.set_margins(18, 18, 18)
    doc.add_page()
    doc.set_font("Helvetica", "B", 16)
    _para(doc, 8, _latin1(f"Forventede resultater for {pack.organisation.name}"))
    doc.set_font("Helvetica", "", 10)
    _para(doc, 5, _latin1(f"{pack.initiative.title}. Udskrevet {date.today():%d.%m.%Y}."))
    for title, lines in summary_lines(pack):
        doc.ln(4)
        doc.set_font("Helvetica", "B", 12)
        _para(doc, 7, _latin1(title))
        for label, value in lines:
            doc.set_font("Helvetica", "B" if label else "", 10)
            if label:
                _para(doc, 5, _latin1(label))
            doc.set_font("Helvetica", "", 10)
            _para(doc, 5, _latin1(value))
    return bytes(doc.output())


# --- Excel ---------------------------------------------------------------------------------------------


def excel(pack: Pack) -> bytes:
    buffer = io.BytesIO()
    wb = SafeWorkbook(buffer)
    title = wb.add_format({"bold": True, "font_size": 14})
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "bg_color": "#dde6f0", "border": 1})
    money = wb.add_format({"num_format": "#,##0;[Red]-#,##0", "border": 1})
    share = wb.add_format({"num_format": "0.0%", "border": 1})

    ws = wb.add_worksheet("Forventede resultater")
    ws.set_column(0, 0, 48)
    ws.set_column(1, 1, 90)
    ws.write(0, 0, f"Forventede resultater for {pack.organisation.name}", title)
    ws.write(1, 0, pack.initiative.title)
    row = 3
    for section, lines in summary_lines(pack):
        ws.write(row, 0, section, bold)
        row += 1
        for label, value in lines:
            ws.write(row, 0, label)
            ws.write(row, 1, value)
            row += 1
        row += 1

    c = pack.calculation
    if c is not None:
        _som_sheet(wb, c, head, money, share)
    wb.close()
    return buffer.getvalue()


def _som_sheet(wb, c, head, money, share) -> None:
    """Years across; costs, gains and the net result down, each with a SUM total; then the uncertainty."""
    r = c.result
    years = list(r.years)
    ws = wb.add_worksheet("SØM pr. år")
    ws.set_column(0, 0, 40)
    ws.write(0, 0, f"{c.case.name} (vidensdatabase v{c.knowledge_version})")
    ws.write(2, 0, "Kroner", head)
    for j, y in enumerate(years, start=1):
        ws.write(2, j, f"År {y}", head)
    ws.write(2, len(years) + 1, "I alt", head)
    ws.write(2, len(years) + 2, "Nutidsværdi", head)
    rows = (
        ("Omkostninger", r.costs, r.pv_costs),
        ("Gevinster", r.gains, r.pv_gains),
        ("Nettoresultat", r.net, r.present_value),
        ("Nettoresultat, diskonteret", r.net_discounted, None),
    )
    for i, (label, values, pv) in enumerate(rows, start=3):
        ws.write(i, 0, label)
        for j, v in enumerate(values, start=1):
            ws.write_number(i, j, round(float(v), 2), money)
        first = xlsxwriter.utility.xl_rowcol_to_cell(i, 1)
        last = xlsxwriter.utility.xl_rowcol_to_cell(i, len(years))
        total = round(float(sum(round(float(v), 2) for v in values)), 2)
        ws.write_formula(i, len(years) + 1, f"=SUM({first}:{last})", money, total)
        if pv is not None:
            ws.write_number(i, len(years) + 2, round(float(pv), 2), money)
    mc = c.monte_carlo
    if mc is None:
        return
    base = 3 + len(rows) + 1
    ws.write(base, 0, "Usikkerhed (Monte Carlo)", head)
    ws.write(base, 1, f"{mc.draws} træk", head)
    for k, level in enumerate(PV_LEVELS, start=1):
        ws.write(base + k, 0, f"Nutidsværdi, {level}. percentil")
        ws.write_number(base + k, 1, round(mc.pv_percentiles[int(level)], 2), money)
    at = base + len(PV_LEVELS) + 1
    ws.write(at, 0, "Sandsynlighed for at have tjent sig hjem")
    for j, p in enumerate(mc.probability_break_even, start=1):
        ws.write_number(at, j, round(float(p), 4), share)


__all__ = ["excel", "filename", "pdf", "summary_lines"]
