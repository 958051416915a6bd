"""Time to generate a full masterplan (draft, reading, DOCX and PDF) for 20 regions.

Run ``make bench`` or ``.venv/bin/python bench/masterplan.py`` (SQLite, then PostgreSQL when
``DATABASE_URL`` is set), or one database with ``--database sqlite`` or ``--database
postgresql``. SQLite is a file in a temporary folder; on PostgreSQL (the server of
``DATABASE_URL``) a dedicated database ``kotacerdas_bench_masterplan_<pid>`` is created and
dropped at the end.

Each run migrates an empty database and loads what ``kotacerdas setup`` loads: the official
registry (514 regions), the shipped framework and questionnaire, and the labelled demo
content (network, index results 2019–2025 with the uncertainty analysis, readiness answers,
the library's practices). That setup is not what is measured. It then takes 20 regions
with published index results, chosen deterministically (spread over the regions ordered by
code, Kota Kupang first), and for each times, after one warm-up region:

- the draft (``drafting.draft``: registry, readiness, index, peers, trend, gaps, candidate
  practices and their transferability check, costs, schedule),
- its reading in Indonesian (``reading.read``, the charts' SVG included),
- the DOCX and the PDF (``strategy.documents``), when that module is there.

It prints each region's time with its parts and the number of programmes, then the p50 and
the max. The issue's floor is 5 s per region: the exit status is 1 when any region takes
longer, when a draft has no programme, or when PostgreSQL was asked for and is unreachable.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _throwaway  # bench/ is on sys.path when a script here runs

FLOOR_S = 5.0
REGIONS = 20
START, END = 2026, 2035
FIRST = "53.71"  # Kota Kupang, the demo officer's region
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


# --- the parent process: one child per database -------------------------------------------


def run_child(database: str, args: argparse.Namespace) -> int:
    command = [sys.executable, __file__, "--database", database, "--regions", str(args.regions)]
    return subprocess.run(command, check=False).returncode  # noqa: S603 (our own script)


def load() -> dict[str, float]:
    """What ``kotacerdas setup`` loads (without the events and the demo logins); the
    seconds each step took."""
    from django.core.management import call_command

    from kotacerdas.assessments import demo as index_demo
    from kotacerdas.assessments.services.frameworks import load_shipped
    from kotacerdas.practices import demo as library_demo
    from kotacerdas.regions.demo import load_demo
    from kotacerdas.regions.services import sync_registry

    steps: dict[str, Callable[[], Any]] = {
        "migrate": lambda: call_command("migrate", interactive=False, verbosity=0),
        "registry": lambda: sync_registry(actor=None),
        "framework": lambda: load_shipped(actor=None),
        "network demo": lambda: load_demo(actor=None),
        "index demo": lambda: index_demo.load(),
        "library demo": lambda: library_demo.load(),
    }
    took = {}
    for name, step in steps.items():
        start = time.perf_counter()
        step()
        took[name] = time.perf_counter() - start
    return took


def choose(count: int) -> list[Any]:
    """``count`` regions with published index results: Kota Kupang, then regions spread
    evenly over the others ordered by code."""
    from kotacerdas.assessments.models import Result
    from kotacerdas.assessments.selectors.public import latest_published_computation
    from kotacerdas.regions.models import Region

    computation = latest_published_computation()
    if computation is None:
        raise SystemExit("the demo index has no published computation")
    with_results = (
        Region.objects.filter(
            pk__in=Result.objects.filter(computation=computation, score__isnull=False).values(
                "region_id"
            )
        )
        .select_related("province")
        .order_by("code")
    )
    others = [r for r in with_results if r.code != FIRST]
    first = [r for r in with_results if r.code == FIRST]
    step = max(len(others) / max(count - len(first), 1), 1)
    chosen = first + [others[int(i * step)] for i in range(count - len(first))]
    return chosen[:count]


def generate(region: Any, documents: Any) -> dict[str, float | int]:
    """One full masterplan for ``region``: the seconds of each part."""
    from kotacerdas.strategy import drafting, reading

    times: dict[str, float | int] = {}
    start = time.perf_counter()
    content = drafting.draft(region, start=START, end=END)
    times["draft"] = time.perf_counter() - start
    mark = time.perf_counter()
    read = reading.read(f"Masterplan {region.name} {START}–{END}", content, "id")
    times["reading"] = time.perf_counter() - mark
    if documents is not None:
        mark = time.perf_counter()
        docx = documents.plan_docx(read)
        times["docx"] = time.perf_counter() - mark
        mark = time.perf_counter()
        pdf = documents.plan_pdf(read)
        times["pdf"] = time.perf_counter() - mark
        if not docx.startswith(b"PK") or not pdf.startswith(b"%PDF"):
            raise RuntimeError(f"{region.code}: the files are not a DOCX and a PDF")
    times["total"] = time.perf_counter() - start
    times["programmes"] = len(content["programmes"])
    return times


def measure(database: str, count: int) -> int:
    server = os.environ.get("DATABASE_URL", DEFAULT_SERVER)
    with tempfile.TemporaryDirectory(prefix="kotacerdas-bench-") as tmp:
        drop = _throwaway.configure(database, Path(tmp), server, "masterplan")
        try:
            return _measure(count)
        finally:
            drop()


def _measure(count: int) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.utils import translation

    translation.activate("id")
    try:
        from kotacerdas.strategy import documents
    except ImportError:  # the export module is not there yet
        documents = None

    label = "SQLite" if connection.vendor == "sqlite" else "PostgreSQL"
    took = load()
    print(
        f"{label}: set up in {sum(took.values()):.0f} s ("
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in took.items())
        + f"); machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    regions = choose(count + 1)
    warm_up, regions = regions[-1], regions[:-1]
    generate(warm_up, documents)  # imports, caches and the first queries are not the point

    parts = ["draft", "reading", *(["docx", "pdf"] if documents else [])]
    print(f"{label:10s} {'region':34s} {'total':>7s}  " + "  ".join(f"{p:>7s}" for p in parts))
    totals = []
    ok = True
    for region in regions:
        times = generate(region, documents)
        totals.append(float(times["total"]))
        slow = times["total"] > FLOOR_S
        empty = times["programmes"] == 0
        ok &= not slow and not empty
        print(
            f"{label:10s} {region.code} {region.name[:28]:28s} {times['total']:6.2f}s  "
            + "  ".join(f"{float(times[p]):6.2f}s" for p in parts)
            + f"  {times['programmes']:2d} programmes"
            + ("  SLOWER THAN THE FLOOR" if slow else "")
            + ("  NO PROGRAMME" if empty else "")
        )
    what = "draft + reading (id)" + (" + DOCX + PDF" if documents else " (no documents module)")
    print(
        f"{label:10s} {len(totals)} regions, {what}: p50 {statistics.median(totals):.2f} s, "
        f"max {max(totals):.2f} s, floor {FLOOR_S:.0f} s: {'ok' if ok else 'MISSED'}"
    )
    connection.close()
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"])
    parser.add_argument("--regions", type=int, default=REGIONS)
    args = parser.parse_args()
    if args.database:
        return measure(args.database, args.regions)
    status = run_child("sqlite", args)
    if "DATABASE_URL" not in os.environ:
        print("PostgreSQL: DATABASE_URL is not set; skipped.")
        return status
    server = os.environ["DATABASE_URL"]
    reachable, why = _throwaway.postgres_reachable(server)
    if not reachable:
        print(f"PostgreSQL at {server} is unreachable ({why}); skipped.")
        return 1
    return run_child("postgresql", args) or status


if __name__ == "__main__":
    sys.exit(main())
