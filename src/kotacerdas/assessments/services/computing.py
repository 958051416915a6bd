"""Computing, analysing and publishing the index of a cycle.

The secretariat computes a cycle with stored method choices; the engine does the maths.
Each computation keeps its choices and its results; the uncertainty analysis adds rank
intervals and sensitivity indices to it in the background; publishing makes one
computation per cycle the public one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas import engine
from kotacerdas.core import audit
from kotacerdas.core.bulk import insert_rows
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import require
from kotacerdas.regions.models import Region

from .. import tasks
from ..engine_messages import describe
from ..models import Computation, Cycle, IndicatorValue, Node, Result
from ..selectors.public import population_class
from .frameworks import engine_framework

DEFAULT_OPTIONS: dict[str, Any] = {
    "denominate": False,
    "impute": "none",
    # A region with less than half of its indicators gets no score rather than a guess.
    "screen_min_availability": 0.5,
    "treat": "winsorise",
    "winmax": 5,
    "skew_threshold": 2.0,
    "kurt_threshold": 3.5,
    "log": "log_CT",
    "normalise": "minmax:0,100",
    "aggregate": "amean",
    "weights": {},
    # framework (the weights of the framework, or ``weights``), equal, or pca (first
    # principal component loadings of the indicators in each sub-element).
    "weighting": "framework",
}
WEIGHTINGS = ("framework", "equal", "pca")
# COINr's vignette: four uncertain inputs, 100 noisy weight sets at ±25 % below the index.
UNCERTAINTY_DEFAULTS: dict[str, Any] = {
    "runs": 200,
    "seed": 2002,
    "winmax": [1, 2, 3, 4, 5],
    "normalise": ["minmax:1,100", "zscore:10,2"],
    "aggregate": ["amean", "gmean"],
    "noise_levels": [2, 3],
    "noise_factor": 0.25,
    "weight_sets": 100,
    "sensitivity_n": 50,
}


# Group columns the engine may impute by: kind (kota/kabupaten), province, and peer group
# (kind and population class, as the region page compares regions).
GROUPS = ("kind", "province", "peer_group")


def cycle_data(cycle: Cycle) -> engine.UnitData:
    """The cycle's values as the engine's input: regions with at least one value, with
    the group columns of :data:`GROUPS`."""
    framework = engine_framework(cycle.framework_id)
    column = {code: j for j, code in enumerate(framework.indicators)}
    rows = IndicatorValue.objects.filter(cycle=cycle).values_list(
        "region__code", "region__name", "indicator__code", "value"
    )
    regions: dict[str, str] = {}
    cells: list[tuple[str, int, float]] = []
    for region_code, region_name, indicator_code, value in rows:
        regions[region_code] = region_name
        cells.append((region_code, column[indicator_code], value))
    codes = np.array(sorted(regions), dtype=object)
    position = {code: i for i, code in enumerate(codes)}
    values = np.full((len(codes), len(framework.indicators)), np.nan)
    for region_code, j, value in cells:
        values[position[region_code], j] = value
    facts = {
        r.code: r for r in Region.objects.filter(code__in=list(regions)).select_related("province")
    }
    groups = {
        "kind": np.array([facts[c].kind for c in codes], dtype=object),
        "province": np.array([facts[c].province.code for c in codes], dtype=object),
        "peer_group": np.array(
            [f"{facts[c].kind}-{population_class(facts[c].population)}" for c in codes],
            dtype=object,
        ),
    }
    return engine.UnitData(
        codes=codes.astype(str),
        names=np.array([regions[c] for c in codes], dtype=object).astype(str),
        values=values,
        groups=groups,
    )


def compute_cycle(
    *, actor: Any, cycle: Cycle, options: dict[str, Any] | None = None
) -> Computation:
    """Compute every region's scores and ranks for ``cycle`` and store them (unpublished).

    A computation that cannot be done (no values, a method that does not fit the values)
    is stored as failed with the reason, so the secretariat sees why.
    """
    require(actor, "assessments.compute_index")
    wanted = {**DEFAULT_OPTIONS, **(options or {})}
    weighting = wanted.pop("weighting")
    if weighting not in WEIGHTINGS:
        raise engine.InputError(
            engine.Issue("bad_option", {"option": "weighting", "reason": str(weighting)})
        )
    framework = engine_framework(cycle.framework_id)
    if weighting == "equal":
        wanted["weights"] = engine.equal_weights(framework)
    recipe = engine.recipe_from_options(**wanted)  # raises engine.InputError on a bad option
    data = cycle_data(cycle)
    user = audit.acting_user(actor)
    computation = Computation(
        cycle=cycle,
        options={**engine.recipe_options(recipe), "weighting": weighting},
        created_by=user,
        values_used=int(np.isfinite(data.values).sum()),
        is_demo=cycle.is_demo or IndicatorValue.objects.filter(cycle=cycle, is_demo=True).exists(),
    )
    if not len(data.codes):
        computation.status = Computation.Status.FAILED
        computation.error = _("The cycle has no values yet.")
        result = None
    else:
        try:
            if weighting == "pca":
                # The weights come from the data: compute once, take the loadings, recompute.
                first = engine.compute(framework, data, recipe)
                recipe = recipe.with_weights(engine.pca_weights(first))
                computation.options = {**engine.recipe_options(recipe), "weighting": weighting}
            result = engine.compute(framework, data, recipe)
            computation.status = Computation.Status.DONE
            computation.units = int(result.scores.iloc[:, 0].notna().sum())
        except engine.EngineError as exc:
            computation.status = Computation.Status.FAILED
            computation.error = " ".join(describe(issue) for issue in exc.issues)
            result = None
    with transaction.atomic():
        computation.save()
        if result is not None:
            _store_results(computation, result)
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=computation,
            changes={
                "status": [None, computation.status],
                "units": [None, computation.units],
                "options": [None, computation.options],
            },
        )
    return computation


def recipe_of(computation: Computation) -> engine.Recipe:
    """The recipe a computation used (its stored options hold the weights actually used)."""
    options = {k: v for k, v in computation.options.items() if k != "weighting"}
    return engine.recipe_from_options(**options)


def _maturity_applies(computation: Computation) -> bool:
    # Maturity thresholds are on the 0–100 scale of min-max normalisation.
    return computation.options.get("normalise") == "minmax:0,100" and (
        computation.options.get("aggregate") == "amean"
    )


def _store_results(computation: Computation, result: engine.IndexResult) -> None:
    framework = computation.cycle.framework
    nodes = {n.code: n for n in Node.objects.filter(framework=framework, level__gt=1)}
    regions = {r.code: r for r in Region.objects.filter(code__in=list(result.scores.index))}
    with_maturity = _maturity_applies(computation)
    scores = result.scores.to_numpy()
    ranks = result.ranks.to_numpy()
    rows = []
    for i, code in enumerate(result.scores.index):
        for j, node_code in enumerate(result.scores.columns):
            score = float(scores[i, j])
            present = bool(np.isfinite(score))
            rows.append(
                (
                    computation.pk,
                    regions[code].pk,
                    nodes[node_code].pk,
                    score if present else None,
                    int(ranks[i, j]) if present else None,
                    framework.maturity_of(score) if present and with_maturity else None,
                )
            )
    insert_rows(Result, ["computation", "region", "node", "score", "rank", "maturity"], rows)


def publish(*, actor: Any, computation: Computation) -> Computation:
    """Make ``computation`` the cycle's public result (replacing a previous one)."""
    require(actor, "assessments.publish_results")
    if computation.status != Computation.Status.DONE:
        raise ValueError(_("Only a successful computation can be published."))
    with transaction.atomic():
        previous = list(
            Computation.objects.select_for_update()
            .filter(cycle=computation.cycle, published_at__isnull=False)
            .exclude(pk=computation.pk)
        )
        for other in previous:
            other.published_at = None
            other.save(update_fields=["published_at"])
            audit.record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=other,
                changes={"published": [True, False]},
            )
        if computation.published_at is None:
            computation.published_at = timezone.now()
            computation.save(update_fields=["published_at"])
            audit.record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=computation,
                changes={"published": [False, True]},
            )
    return computation


def unpublish(*, actor: Any, computation: Computation) -> Computation:
    require(actor, "assessments.publish_results")
    if computation.published_at is not None:
        computation.published_at = None
        computation.save(update_fields=["published_at"])
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=computation,
            changes={"published": [True, False]},
        )
    return computation


def start_uncertainty(
    *,
    actor: Any,
    computation: Computation,
    options: dict[str, Any] | None = None,
    background: bool = True,
) -> Computation:
    """Queue the uncertainty and sensitivity analysis of a computation.

    It runs in the background unless ``background`` is false (the command line, which
    would otherwise exit before the analysis ends).
    """
    require(actor, "assessments.compute_index")
    if computation.status != Computation.Status.DONE:
        raise ValueError(_("Only a successful computation can be analysed."))
    settings = {**UNCERTAINTY_DEFAULTS, **(options or {})}
    if computation.uncertainty_is_running:
        return computation
    # Outlier treatment's winmax is an uncertain input only when the base treats outliers.
    d = 4 if computation.options.get("treat") != "none" else 3
    computation.uncertainty_status = Computation.UncertaintyStatus.QUEUED
    computation.uncertainty_started_at = timezone.now()
    computation.uncertainty_options = settings
    computation.uncertainty_done = 0
    computation.uncertainty_total = settings["runs"] + settings["sensitivity_n"] * (d + 2)
    computation.uncertainty_failed = 0
    computation.uncertainty_error = ""
    computation.save()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=computation,
        changes={"uncertainty": [None, "queued"]},
    )
    if background:
        tasks.submit(run_uncertainty, computation.pk)
    else:
        run_uncertainty(computation.pk)
        computation.refresh_from_db()
    return computation


def _inputs(framework: engine.Framework, base: engine.Recipe, settings: dict[str, Any]):
    inputs = []
    if base.treat is not None:
        inputs.append(engine.Uncertain.winmax(settings["winmax"]))
    inputs.append(
        engine.Uncertain.normalisation(
            [engine.parse_normalise(v) for v in settings["normalise"]], settings["normalise"]
        )
    )
    inputs.append(
        engine.Uncertain.weight_sets(
            engine.noisy_weights(
                framework,
                levels=settings["noise_levels"],
                factor=settings["noise_factor"],
                n=settings["weight_sets"],
                seed=settings["seed"],
            )
        )
    )
    inputs.append(engine.Uncertain.aggregation(settings["aggregate"]))
    return inputs


def run_uncertainty(computation_id: int) -> None:
    """The background task: Monte-Carlo rank intervals for every aggregate, then Si/STi."""
    computation = Computation.objects.select_related("cycle").get(pk=computation_id)
    settings = computation.uncertainty_options
    Computation.objects.filter(pk=computation_id).update(
        uncertainty_status=Computation.UncertaintyStatus.RUNNING
    )
    try:
        framework = engine_framework(computation.cycle.framework_id)
        data = cycle_data(computation.cycle)
        base = recipe_of(computation)
        inputs = _inputs(framework, base, settings)
        aggregates = list(framework.aggregates)
        mc_runs = settings["runs"]
        last = [0]

        def progress(offset: int):
            def report(done: int, total: int) -> None:
                # Write at most every 5 % so the database is not flooded.
                value = offset + done
                if value - last[0] >= max(1, computation.uncertainty_total // 20) or done == total:
                    last[0] = value
                    Computation.objects.filter(pk=computation_id).update(uncertainty_done=value)

            return report

        analysis = engine.uncertainty(
            framework,
            data,
            base,
            inputs,
            n=mc_runs,
            seed=settings["seed"],
            target=framework.root,
            also=aggregates[1:],
            progress=progress(0),
        )
        sa = engine.sensitivity(
            framework,
            data,
            base,
            inputs,
            n=settings["sensitivity_n"],
            seed=settings["seed"] + 1,
            target=framework.root,
            progress=progress(mc_runs),
        )
        _store_intervals(computation, framework, analysis)
        Computation.objects.filter(pk=computation_id).update(
            uncertainty_status=Computation.UncertaintyStatus.DONE,
            uncertainty_done=computation.uncertainty_total,
            uncertainty_failed=int(analysis.runs.failed.sum()) + int(sa.runs.failed.sum()),
            sensitivity=[
                {
                    k: (None if isinstance(v, float) and not np.isfinite(v) else v)
                    for k, v in row.items()
                }
                for row in sa.indices.to_dict("records")
            ],
        )
    except Exception as exc:
        message = (
            " ".join(describe(i) for i in exc.issues)
            if isinstance(exc, engine.EngineError)
            else str(exc)
        )
        Computation.objects.filter(pk=computation_id).update(
            uncertainty_status=Computation.UncertaintyStatus.FAILED,
            uncertainty_error=message[:2000],
        )
        if not isinstance(exc, engine.EngineError):
            raise


def _store_intervals(
    computation: Computation, framework: engine.Framework, analysis: engine.Analysis
) -> None:
    stats = {framework.root: analysis.rank_stats, **analysis.also}
    results = {
        (r.region.code, r.node.code): r
        for r in Result.objects.filter(computation=computation).select_related("region", "node")
    }
    changed = []
    for code, frame in stats.items():
        for row in frame.itertuples(index=False):
            result = results.get((row.uCode, code))
            if result is None:
                continue
            result.rank_median = _finite(row.Median)
            result.rank_low = _finite(row.Q5)
            result.rank_high = _finite(row.Q95)
            changed.append(result)
    with transaction.atomic():
        Result.objects.bulk_update(
            changed, ["rank_median", "rank_low", "rank_high"], batch_size=2000
        )


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None
