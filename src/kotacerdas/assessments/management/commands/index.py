"""``kotacerdas index compute|uncertainty``: the composite-index engine on files.

Analysts use it without the web application; it is also how the engine is checked against
COINr (``../shared/conformance/check_coinr.py``). It reads and writes files only and needs
no database.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from kotacerdas import engine
from kotacerdas.assessments.engine_messages import describe
from kotacerdas.cli import KotaCerdasCommand, add_action, fail


def _add_base_options(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--meta",
        required=True,
        type=Path,
        help=_("Framework: a COINr-style iMeta table (.csv, .xlsx) or YAML"),
    )
    parser.add_argument(
        "--data", required=True, type=Path, help=_("Data: a COINr-style iData table (.csv, .xlsx)")
    )
    parser.add_argument(
        "--time", type=int, default=None, help=_("Year to use when the data holds several")
    )
    parser.add_argument(
        "--denominate", action="store_true", help=_("Divide indicators by their denominators")
    )
    parser.add_argument(
        "--impute",
        default="none",
        metavar="METHOD",
        help=_("none, mean, median, group-mean:COL, group-median:COL or row-mean:LEVEL"),
    )
    parser.add_argument(
        "--screen-min-availability",
        type=float,
        default=None,
        metavar="F",
        help=_("Keep only units with at least this share of data (0–1)"),
    )
    parser.add_argument(
        "--treat", choices=["winsorise", "none"], default="winsorise", help=_("Outlier treatment")
    )
    parser.add_argument(
        "--winmax", type=int, default=5, metavar="N", help=_("Most points winsorised per indicator")
    )
    parser.add_argument("--skew-threshold", type=float, default=2.0, metavar="S")
    parser.add_argument("--kurt-threshold", type=float, default=3.5, metavar="K")
    parser.add_argument(
        "--log",
        choices=["log_CT", "log_CT_plus", "none"],
        default="log_CT",
        help=_("Transformation when winsorising is not enough"),
    )
    parser.add_argument(
        "--normalise",
        default="minmax:0,100",
        metavar="METHOD",
        help=_(
            "minmax:L,U, zscore:M,S, rank, prank, borda, dist2max, "
            "dist2targ, dist2targ-capped, fracmax or goalposts:SCALE"
        ),
    )
    parser.add_argument(
        "--aggregate",
        choices=list(engine.AGGREGATORS),
        default="amean",
        help=_("Arithmetic, geometric or harmonic mean"),
    )
    parser.add_argument(
        "--weights",
        default=None,
        metavar="FILE|equal|pca[:LEVEL]",
        help=_(
            "Weights table (columns iCode, Weight; other codes keep the framework's weights), "
            "equal weights, or first-principal-component loadings of a level (default 1)"
        ),
    )
    parser.add_argument("--quiet", action="store_true", help=_("Show no progress bar."))


class Command(KotaCerdasCommand):
    requires_system_checks: list[str] = []

    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Compute a composite index and its uncertainty from files.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        compute = add_action(
            actions,
            "compute",
            help=_("Compute scores and ranks of every aggregate"),
            description=_(
                "Run denominate, impute, screen, treat, normalise and aggregate on the data "
                "and write uCode, uName, one column per aggregate and Rank_<aggregate>."
            ),
        )
        _add_base_options(compute)
        compute.add_argument("--out", required=True, type=Path, help=_("Results CSV"))
        compute.add_argument(
            "--intermediate",
            type=Path,
            default=None,
            metavar="DIR",
            help=_("Write each intermediate data set as CSV into DIR"),
        )

        uncertainty = add_action(
            actions,
            "uncertainty",
            help=_("Monte-Carlo uncertainty and sensitivity analysis"),
            description=_(
                "Vary the chosen inputs over many runs and write scores, ranks, rank "
                "statistics and, with --sensitivity, first-order and total sensitivity "
                "indices. Alternatives of one input are separated by |, for example "
                "--vary 'normalise=minmax:1,100|zscore:10,2'."
            ),
        )
        _add_base_options(uncertainty)
        uncertainty.add_argument(
            "--out", required=True, type=Path, metavar="DIR", help=_("Folder for the result files")
        )
        uncertainty.add_argument(
            "--vary",
            action="append",
            default=[],
            metavar="INPUT=ALTERNATIVES",
            help=_(
                "winmax=1|2|3, normalise=minmax:1,100|zscore:10,2, aggregate=amean|gmean, "
                "impute=none|mean, weights (the sets of --weight-sets) or "
                "noisy-weights=LEVELS:FACTOR:N such as 2,3:0.25:100"
            ),
        )
        uncertainty.add_argument(
            "--weight-sets",
            type=Path,
            default=None,
            metavar="FILE",
            help=_("Weight sets (columns set, iCode, Weight)"),
        )
        uncertainty.add_argument(
            "--runs",
            type=int,
            default=100,
            metavar="N",
            help=_(
                "Monte-Carlo runs, or the base sample size N of a "
                "sensitivity analysis (N·(d+2) runs)"
            ),
        )
        uncertainty.add_argument("--seed", type=int, default=2002, metavar="S")
        uncertainty.add_argument(
            "--sensitivity",
            action="store_true",
            help=_("Variance-based sensitivity analysis (Saltelli design)"),
        )
        uncertainty.add_argument(
            "--design",
            type=Path,
            default=None,
            metavar="RUNS.csv",
            help=_(
                "Replay these runs exactly (columns winmax, normalise, "
                "aggregate, weight_set, impute)"
            ),
        )
        uncertainty.add_argument(
            "--target",
            default=None,
            metavar="CODE",
            help=_("Aggregate to analyse (default: the index)"),
        )
        uncertainty.add_argument(
            "--jobs", type=int, default=2, metavar="N", help=_("Threads to use")
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            if action == "compute":
                self.compute(**options)
            else:
                self.uncertainty(**options)
        except engine.EngineError as exc:
            raise fail(" ".join(describe(issue) for issue in exc.issues)) from exc

    def load(self, options: dict[str, Any]):
        framework = engine.read_framework_file(options["meta"])
        data = engine.read_data(engine.read_table(options["data"]), framework, time=options["time"])
        spec = options["weights"] or ""
        weights = None
        if spec == "equal":
            weights = engine.equal_weights(framework)
        elif spec and not spec.startswith("pca"):
            weights = engine.read_weights(engine.read_table(Path(spec)), framework)
        recipe = engine.recipe_from_options(
            denominate=options["denominate"],
            impute=options["impute"],
            screen_min_availability=options["screen_min_availability"],
            treat=options["treat"],
            winmax=options["winmax"],
            skew_threshold=options["skew_threshold"],
            kurt_threshold=options["kurt_threshold"],
            log=options["log"],
            normalise=options["normalise"],
            aggregate=options["aggregate"],
            weights=weights,
        )
        if spec.startswith("pca"):
            level_text = spec.partition(":")[2] or "1"
            if not level_text.isdigit():
                raise engine.InputError(
                    engine.Issue("bad_option", {"option": "--weights", "reason": spec})
                )
            first = engine.compute(framework, data, recipe)
            recipe = recipe.with_weights(engine.pca_weights(first, level=int(level_text)))
        return framework, data, recipe

    def compute(self, **options: Any) -> None:
        framework, data, recipe = self.load(options)
        result = engine.compute(framework, data, recipe)
        engine.write_csv(result.table(), options["out"])
        if options["intermediate"]:
            folder: Path = options["intermediate"]
            folder.mkdir(parents=True, exist_ok=True)
            for name, frame in result.datasets.items():
                engine.write_csv(frame.reset_index(), folder / f"dset_{name}.csv")
            if result.treatment is not None:
                engine.write_csv(result.treatment.reset_index(), folder / "treat_details.csv")
                engine.write_csv(result.treated_points.reset_index(), folder / "treat_points.csv")
            engine.write_csv(result.screening.reset_index(), folder / "screen_summary.csv")
            engine.write_csv(
                result.effective_weights.rename_axis("iCode").reset_index(),
                folder / "effective_weights.csv",
            )
        self.stdout.write(
            _("%(units)d units, %(aggregates)d aggregates written to %(out)s.")
            % {
                "units": len(result.scores),
                "aggregates": result.scores.shape[1],
                "out": options["out"],
            }
        )

    def uncertainty(self, **options: Any) -> None:
        framework, data, base = self.load(options)
        if options["runs"] < 2:
            raise fail(_("--runs must be at least 2."))
        weight_sets = None
        if options["weight_sets"]:
            weight_sets = read_weight_sets(options["weight_sets"], framework)
        kwargs = {"target": options["target"], "n_jobs": options["jobs"]}
        if options["target"] and options["target"] not in framework.aggregates:
            raise engine.InputError(engine.Issue("unknown_code", {"code": options["target"]}))
        with self.progress(_("Runs"), quiet=options["quiet"]) as progress:
            if options["design"]:
                inputs, choice = design_inputs(engine.read_table(options["design"]), weight_sets)
                if options["sensitivity"]:
                    analysis = engine.sensitivity(
                        framework,
                        data,
                        base,
                        inputs,
                        choice=choice,
                        seed=options["seed"],
                        progress=progress,
                        **kwargs,
                    )
                else:
                    analysis = engine.replay(
                        framework, data, base, inputs, choice, progress=progress, **kwargs
                    )
            else:
                inputs = [
                    parse_vary(text, framework, weight_sets, options["seed"])
                    for text in options["vary"]
                ]
                if not inputs:
                    raise fail(_("Give at least one --vary or a --design."))
                run = engine.sensitivity if options["sensitivity"] else engine.uncertainty
                analysis = run(
                    framework,
                    data,
                    base,
                    inputs,
                    n=options["runs"],
                    seed=options["seed"],
                    progress=progress,
                    **kwargs,
                )
        write_analysis(analysis, options["out"])
        failed = int(analysis.runs.failed.sum())
        self.stdout.write(
            _("%(runs)d runs (%(failed)d failed) written to %(out)s.")
            % {"runs": len(analysis.design), "failed": failed, "out": options["out"]}
        )


def read_weight_sets(path: Path, framework: engine.Framework) -> dict[str, dict[str, float]]:
    table = engine.read_table(path)
    if "set" not in table:
        raise engine.InputError(engine.Issue("missing_column", {"column": "set"}, 1, "set"))
    sets: dict[str, dict[str, float]] = {}
    for name, part in table.groupby("set", sort=False):
        sets[str(name)] = engine.read_weights(part.reset_index(drop=True), framework)
    return sets


def _alternatives(text: str) -> list[str]:
    return [part.strip() for part in text.split("|") if part.strip()]


def parse_vary(text: str, framework: engine.Framework, weight_sets, seed: int) -> engine.Uncertain:
    """One ``--vary`` value as an uncertain input."""
    name, _sep, rest = text.partition("=")
    name = name.strip()
    if name == "winmax":
        values = _alternatives(rest.replace(",", "|"))
        try:
            return engine.Uncertain.winmax([int(v) for v in values])
        except ValueError:
            raise engine.InputError(
                engine.Issue("bad_option", {"option": "--vary winmax", "reason": rest})
            ) from None
    if name == "normalise":
        labels = _alternatives(rest)
        return engine.Uncertain.normalisation([engine.parse_normalise(v) for v in labels], labels)
    if name == "aggregate":
        labels = _alternatives(rest.replace(",", "|"))
        bad = [v for v in labels if v not in engine.AGGREGATORS]
        if bad:
            raise engine.InputError(
                engine.Issue("bad_option", {"option": "--vary aggregate", "reason": ", ".join(bad)})
            )
        return engine.Uncertain.aggregation(labels)
    if name == "impute":
        labels = _alternatives(rest)
        return engine.Uncertain.imputation([engine.parse_impute(v) for v in labels], labels)
    if name == "weights":
        if not weight_sets:
            raise engine.InputError(
                engine.Issue(
                    "bad_option", {"option": "--vary weights", "reason": "needs --weight-sets"}
                )
            )
        return engine.Uncertain.weight_sets(weight_sets)
    if name == "noisy-weights":
        try:
            levels_text, factor_text, count_text = rest.split(":")
            levels = [int(v) for v in levels_text.split(",")]
            sets = engine.noisy_weights(
                framework, levels=levels, factor=float(factor_text), n=int(count_text), seed=seed
            )
        except ValueError:
            raise engine.InputError(
                engine.Issue("bad_option", {"option": "--vary noisy-weights", "reason": rest})
            ) from None
        return engine.Uncertain.weight_sets(sets)
    raise engine.InputError(engine.Issue("bad_option", {"option": "--vary", "reason": text}))


DESIGN_COLUMNS = ("winmax", "normalise", "aggregate", "weight_set", "impute")


def design_inputs(table: pd.DataFrame, weight_sets) -> tuple[list[engine.Uncertain], np.ndarray]:
    """The uncertain inputs and choice matrix of a design table (one row per run)."""
    columns = [c for c in DESIGN_COLUMNS if c in table]
    if not columns:
        raise engine.InputError(
            engine.Issue("missing_column", {"column": " / ".join(DESIGN_COLUMNS)}, 1, None)
        )
    inputs: list[engine.Uncertain] = []
    choices = []
    for column in columns:
        values = [str(v).strip() for v in table[column]]
        labels = list(dict.fromkeys(values))
        for row, value in enumerate(values, start=2):
            if column == "weight_set" and (not weight_sets or value not in weight_sets):
                raise engine.InputError(engine.Issue("bad_weight_set", {"set": value}, row, column))
        if column == "winmax":
            try:
                uncertain = engine.Uncertain.winmax([int(float(v)) for v in labels])
            except ValueError:
                raise engine.InputError(
                    engine.Issue(
                        "bad_design", {"row": "?", "reason": "winmax must be whole numbers"}
                    )
                ) from None
        elif column == "normalise":
            uncertain = engine.Uncertain.normalisation(
                [engine.parse_normalise(v) for v in labels], labels
            )
        elif column == "aggregate":
            bad = [v for v in labels if v not in engine.AGGREGATORS]
            if bad:
                raise engine.InputError(
                    engine.Issue("bad_option", {"option": "aggregate", "reason": ", ".join(bad)})
                )
            uncertain = engine.Uncertain.aggregation(labels)
        elif column == "impute":
            uncertain = engine.Uncertain.imputation(
                [engine.parse_impute(v) for v in labels], labels
            )
        else:
            uncertain = engine.Uncertain.weight_sets({v: weight_sets[v] for v in labels})
        inputs.append(uncertain)
        index = {label: i for i, label in enumerate(labels)}
        choices.append([index[v] for v in values])
    return inputs, np.array(choices, dtype=int).T


def write_analysis(analysis: engine.Analysis, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    engine.write_csv(analysis.design, folder / "runs.csv")
    units = list(analysis.runs.units)
    runs = np.arange(1, len(analysis.design) + 1)
    scores = pd.DataFrame(analysis.runs.scores, columns=units)
    scores.insert(0, "run", runs)
    engine.write_csv(scores, folder / "scores.csv")
    ranks = pd.DataFrame(analysis.runs.ranks, columns=units).astype("Int64")
    ranks.insert(0, "run", runs)
    engine.write_csv(ranks, folder / "ranks.csv")
    engine.write_csv(analysis.rank_stats, folder / "rank_stats.csv")
    if analysis.indices is not None:
        engine.write_csv(analysis.indices, folder / "sensitivity.csv")
