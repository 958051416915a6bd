"""Speed of the composite-index engine, side by side with COINr 1.1.14.

Run ``make bench`` or ``.venv/bin/python bench/engine.py``. It prints one line per figure
with the time measured here, COINr's time on the same problem on this kind of machine (as
recorded in issue 3 from the shared conformance folder's timing problem) and the floor the
project set itself; it exits with status 1 when a floor is missed.

The problem is the shared synthetic 514 × 100 data set (3-level tree, 3 % missing,
50 indicators failing the skew/kurtosis check, 25 of them logged): COINr took 0.35 s for
the full pipeline, 37.5 s for 100 Monte-Carlo runs and 243 s for a 600-run sensitivity
analysis. The village problem is generated here with a fixed seed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kotacerdas import engine

TIMING = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "coinr" / "timing"
VILLAGES = 83_762


def load_synthetic() -> tuple[engine.Framework, engine.UnitData]:
    framework = engine.read_framework_file(TIMING / "synthetic_iMeta_514x100.csv")
    data = engine.read_data(engine.read_table(TIMING / "synthetic_iData_514x100.csv"), framework)
    return framework, data


def uncertain_inputs(framework: engine.Framework) -> list[engine.Uncertain]:
    """COINr's vignette choices: winmax 1–5, two normalisations, 100 noisy weight sets
    (every weight below the index ±25 %), arithmetic or geometric mean."""
    return [
        engine.Uncertain.winmax([1, 2, 3, 4, 5]),
        engine.Uncertain.normalisation(
            [engine.parse_normalise("minmax:1,100"), engine.parse_normalise("zscore:10,2")],
            ["minmax:1,100", "zscore:10,2"],
        ),
        engine.Uncertain.weight_sets(
            engine.noisy_weights(
                framework, levels=range(1, framework.max_level), factor=0.25, n=100, seed=1001
            )
        ),
        engine.Uncertain.aggregation(["amean", "gmean"]),
    ]


def best_of(func, repeat: int) -> tuple[float, float]:
    """Median and minimum wall time of ``repeat`` calls, after one warm-up call."""
    func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def village_problem(seed: int = 20251) -> tuple[engine.Framework, engine.UnitData]:
    """83,762 units × 50 indicators under 10 aggregates and an index; 3 % missing, a fifth
    of the indicators heavily right-skewed (lognormal) so treatment has work to do."""
    rng = np.random.default_rng(seed)
    n_ind = 50
    records = [{"code": "Index", "type": "Aggregate", "level": 3, "parent": None, "weight": 1}]
    records += [
        {"code": f"G{g:02d}", "type": "Aggregate", "level": 2, "parent": "Index", "weight": 1}
        for g in range(10)
    ]
    records += [
        {
            "code": f"v{j:02d}",
            "type": "Indicator",
            "level": 1,
            "parent": f"G{j // 5:02d}",
            "weight": 1,
            "direction": -1 if j % 7 == 0 else 1,
        }
        for j in range(n_ind)
    ]
    framework = engine.framework_from_records(records)
    values = rng.normal(50, 10, size=(VILLAGES, n_ind))
    skewed = rng.choice(n_ind, size=n_ind // 5, replace=False)
    values[:, skewed] = rng.lognormal(2, 1.2, size=(VILLAGES, skewed.size))
    values[rng.random(values.shape) < 0.03] = np.nan
    codes = np.array([f"V{i:06d}" for i in range(VILLAGES)])
    data = engine.UnitData(codes=codes, names=codes.copy(), values=values)
    return framework, data


def _village_child(queue) -> None:
    framework, data = village_problem()
    recipe = engine.Recipe()
    start = time.perf_counter()
    result = engine.compute(framework, data, recipe)
    elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    treated = int((result.treatment["method"] != "none").sum())
    queue.put((elapsed, peak_kib / 1024, treated))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="pipeline repetitions")
    args = parser.parse_args()
    if not TIMING.exists():
        print(f"skipped: {TIMING} is not here")
        return 0
    framework, data = load_synthetic()
    inputs = uncertain_inputs(framework)
    rows: list[tuple[str, str, str, str, bool]] = []

    median, fastest = best_of(lambda: engine.compute(framework, data, engine.Recipe()), args.repeat)
    rows.append(
        (
            "Full pipeline 514×100 (treat, normalise, aggregate)",
            f"{median * 1000:.1f} ms (best {fastest * 1000:.1f} ms; {0.35 / median:.0f}× faster)",
            "0.35 s",
            "≤ 17 ms",
            median <= 0.017,
        )
    )

    start = time.perf_counter()
    mc = engine.uncertainty(framework, data, engine.Recipe(), inputs, n=1000, seed=2002)
    elapsed = time.perf_counter() - start
    failed = mc.design[mc.design["status"] == "failed"]
    causes = ", ".join(
        sorted(
            {
                f"{a} after {n}"
                for a, n in zip(failed["aggregate"], failed["normalise"], strict=True)
            }
        )
    )
    rows.append(
        (
            "1,000 Monte-Carlo runs",
            f"{elapsed:.2f} s ({len(failed)} runs failed: {causes or 'none'})",
            "37.5 s per 100 runs",
            "≤ 3 s",
            elapsed <= 3.0,
        )
    )

    start = time.perf_counter()
    sa = engine.sensitivity(framework, data, engine.Recipe(), inputs, n=100, seed=3003)
    elapsed = time.perf_counter() - start
    rows.append(
        (
            f"Sensitivity analysis, {len(sa.design)} runs (N=100, d=4)",
            f"{elapsed:.2f} s",
            "243 s",
            "≤ 2 s",
            elapsed <= 2.0,
        )
    )

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_village_child, args=(queue,))
    child.start()
    elapsed, peak_mib, treated = queue.get()
    child.join()
    rows.append(
        (
            f"Pipeline on {VILLAGES:,} villages × 50 indicators",
            f"{elapsed:.2f} s, peak memory {peak_mib:,.0f} MiB ({treated} treated)",
            "not measured",
            "≤ 3 s within 4 GB",
            elapsed <= 3.0 and peak_mib <= 4096,
        )
    )

    width = max(len(r[0]) for r in rows)
    print(f"{'figure'.ljust(width)}  | KotaCerdas | COINr 1.1.14 | floor | ok")
    for name, ours, coinr, floor, ok in rows:
        print(f"{name.ljust(width)}  | {ours} | {coinr} | {floor} | {'ok' if ok else 'MISSED'}")
    print(
        pd.Series(
            {"cpus": multiprocessing.cpu_count(), "numpy": np.__version__, "pandas": pd.__version__}
        ).to_string()
    )
    return 0 if all(r[4] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
