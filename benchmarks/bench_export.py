"""Export speed (median of 5 runs each, in this process):

* JSON export of 10,000 episodes: target <= 0.5 s
* CSV export of the same 10,000 episodes: target <= 0.5 s
* PDF report of one year (1,000 episodes, with the chart and the notes):
  target <= 1 s, drawn on Qt's offscreen platform
* the same report with its patterns section (``include_patterns``): target <= 1 s

Run: python benchmarks/bench_export.py
Also shows, for information, how long reading the JSON file back takes
(import validates every field against the schema; no target yet), the PDF's
first (cold) run, which includes starting Qt and loading the fonts, and its
page count and size.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import demo_data
from couplepause.core.episode import Episode
from couplepause.export import EXPORTERS, ExportOptions, read_export

EPISODES = 10_000
RUNS = 5
TARGET_S = 0.5
CSV_TARGET_S = 0.5
PDF_EPISODES = 1_000
PDF_TARGET_S = 1.0

def realistic(count: int, seed: int = 7) -> list[Episode]:
    """Five years of realistic episodes, from the shared generator, spread evenly (about
    170 a month: the import takes at most 300 from one month, so the file reads back)."""
    return demo_data.realistic(count, days=5 * 365, seed=seed, evenly=True)


def one_year(count: int = PDF_EPISODES, seed: int = 3) -> list[Episode]:
    """A year of use, dense (about three pauses a day), from the shared generator."""
    return demo_data.realistic(count, days=365, seed=seed)


def median_seconds(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> int:
    from couplepause.export.pdf import prefer_offscreen_platform

    prefer_offscreen_platform()  # as the command line does: no window, no display needed
    episodes = realistic(EPISODES)
    options = ExportOptions(include_notes=True, force=True)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "export.json"
        export_s = median_seconds(lambda: EXPORTERS["json"].export(episodes, options, out))
        size_mb = out.stat().st_size / 1e6
        read_s = median_seconds(lambda: read_export(out), runs=3)
        assert len(read_export(out)) == EPISODES

        csv_out = Path(folder) / "export.csv"
        csv_s = median_seconds(lambda: EXPORTERS["csv"].export(episodes, options, csv_out))
        csv_mb = csv_out.stat().st_size / 1e6

        year = one_year()
        pdf_out = Path(folder) / "report.pdf"
        began = time.perf_counter()
        EXPORTERS["pdf"].export(year, options, pdf_out)  # cold: starts Qt, loads fonts
        pdf_cold_s = time.perf_counter() - began
        pdf_s = median_seconds(lambda: EXPORTERS["pdf"].export(year, options, pdf_out))
        pdf_kb = pdf_out.stat().st_size / 1e3
        with_patterns = ExportOptions(include_notes=True, include_patterns=True, force=True)
        patterns_s = median_seconds(lambda: EXPORTERS["pdf"].export(year, with_patterns, pdf_out))
        pdf_pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf_out.read_bytes()))

    def verdict(measured: float, target: float) -> str:
        return "PASS" if measured <= target else "FAIL"

    rows = [
        ("metric", "target", "measured", "result"),
        (f"JSON export, {EPISODES:,} episodes (median of {RUNS})", f"<= {TARGET_S:.2f} s",
         f"{export_s:.3f} s", verdict(export_s, TARGET_S)),
        (f"CSV export, {EPISODES:,} episodes (median of {RUNS})", f"<= {CSV_TARGET_S:.2f} s",
         f"{csv_s:.3f} s", verdict(csv_s, CSV_TARGET_S)),
        (f"PDF report, one year = {PDF_EPISODES:,} episodes, chart + notes (median of {RUNS})",
         f"<= {PDF_TARGET_S:.2f} s", f"{pdf_s:.3f} s", verdict(pdf_s, PDF_TARGET_S)),
        (f"PDF report, one year, with the patterns section (median of {RUNS})",
         f"<= {PDF_TARGET_S:.2f} s", f"{patterns_s:.3f} s", verdict(patterns_s, PDF_TARGET_S)),
        ("JSON file size", "-", f"{size_mb:.1f} MB", "info"),
        ("CSV file size", "-", f"{csv_mb:.1f} MB", "info"),
        ("read + validate the JSON file (median of 3)", "-", f"{read_s:.3f} s", "info"),
        ("PDF first run (starts Qt, loads fonts)", "-", f"{pdf_cold_s:.3f} s", "info"),
        ("PDF pages / size", "-", f"{pdf_pages} pages, {pdf_kb:.0f} kB", "info"),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for index, row in enumerate(rows):
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths)))
        if index == 0:
            print("-+-".join("-" * w for w in widths))
    ok = export_s <= TARGET_S and csv_s <= CSV_TARGET_S and pdf_s <= PDF_TARGET_S and patterns_s <= PDF_TARGET_S
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
