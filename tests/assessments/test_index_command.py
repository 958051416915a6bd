"""``kotacerdas index compute|uncertainty``: the engine on files, as analysts use it."""

from __future__ import annotations

import csv
import io
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import translation

from kotacerdas import engine

pytestmark = pytest.mark.integration

COINR = Path(__file__).resolve().parents[2].parent / "shared" / "conformance" / "coinr"
KOTACERDAS = Path(sys.executable).parent / "kotacerdas"
needs_coinr = pytest.mark.skipif(not COINR.exists(), reason="the shared COINr folder is absent")


@pytest.fixture(autouse=True)
def english():
    """Messages in English unless a test says otherwise (the command's default is Indonesian)."""
    with translation.override("en"):
        yield


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("index", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def read(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["uCode"]: row for row in csv.DictReader(fh)}


def number(text: str) -> float:
    return math.nan if text in ("", "NA") else float(text)


def asem(*extra: str, out: Path) -> str:
    return run(
        "compute",
        "--meta",
        COINR / "inputs/ASEM_iMeta.csv",
        "--data",
        COINR / "inputs/ASEM_iData.csv",
        "--out",
        out,
        *extra,
    )


@needs_coinr
def test_full_example_equals_coinr_at_every_level(tmp_path):
    out = tmp_path / "results.csv"
    message = asem(
        "--denominate",
        "--impute",
        "group-mean:EurAsia_group",
        "--screen-min-availability",
        "0.9",
        out=out,
    )

    ours, reference = read(out), read(COINR / "pipelines/f_full_example_coin/results.csv")
    assert message == f"51 units, 11 aggregates written to {out}.\n"
    assert set(ours) == set(reference)
    header = next(iter(ours.values()))
    assert list(header)[:3] == ["uCode", "uName", "Index"]
    for unit, ref in reference.items():
        for column, value in ref.items():
            if column in ("uCode", "uName"):
                assert ours[unit][column] == value
            elif column.startswith("Rank"):
                ours_col = "Rank_Index" if column == "Rank" else column
                assert int(ours[unit][ours_col]) == int(value), (unit, column)
            else:
                assert math.isclose(
                    number(ours[unit][column]), float(value), rel_tol=1e-12, abs_tol=1e-12
                ), (unit, column)


@needs_coinr
def test_intermediate_data_sets_are_written(tmp_path):
    asem(
        "--denominate",
        "--impute",
        "mean",
        "--screen-min-availability",
        "0.9",
        "--intermediate",
        tmp_path / "steps",
        out=tmp_path / "r.csv",
    )

    written = sorted(p.name for p in (tmp_path / "steps").iterdir())
    assert written == [
        "dset_Aggregated.csv",
        "dset_Denominated.csv",
        "dset_Imputed.csv",
        "dset_Normalised.csv",
        "dset_Raw.csv",
        "dset_Screened.csv",
        "dset_Treated.csv",
        "effective_weights.csv",
        "screen_summary.csv",
        "treat_details.csv",
        "treat_points.csv",
    ]
    treated = pd.read_csv(tmp_path / "steps/treat_details.csv").set_index("iCode")
    assert treated.loc["Flights", "method"] == "winsorise"
    assert treated.loc["LPI", "method"] == "none"
    weights = pd.read_csv(tmp_path / "steps/effective_weights.csv").set_index("iCode")
    assert weights.loc["Goods", "effective_weight"] == pytest.approx(0.02)


@needs_coinr
def test_equal_and_pca_weights(tmp_path):
    asem_framework = engine.read_framework_file(COINR / "inputs/ASEM_iMeta.csv")
    asem_data = engine.read_data(engine.read_table(COINR / "inputs/ASEM_iData.csv"), asem_framework)
    asem("--weights", "equal", out=tmp_path / "equal.csv")
    asem("--weights", "pca", out=tmp_path / "pca.csv")

    equal = pd.read_csv(tmp_path / "equal.csv").set_index("uCode")
    default = engine.compute(asem_framework, asem_data, engine.Recipe())
    # ASEM's own weights are all 1, so equal weights change nothing.
    assert equal["Index"].to_numpy() == pytest.approx(default.scores["Index"].to_numpy())
    pca = pd.read_csv(tmp_path / "pca.csv").set_index("uCode")
    weights = engine.pca_weights(default)
    expected = engine.compute(asem_framework, asem_data, engine.Recipe().with_weights(weights))
    assert pca["Index"].to_numpy() == pytest.approx(expected.scores["Index"].to_numpy())

    with pytest.raises(CommandError) as error:
        asem("--weights", "pca:x", out=tmp_path / "bad.csv")
    assert str(error.value) == "--weights: pca:x"


@needs_coinr
def test_values_are_written_in_full_precision(tmp_path):
    out = tmp_path / "r.csv"
    asem(out=out)
    text = out.read_text()
    reference = read(COINR / "pipelines/a_default_minmax_amean/results.csv")
    # Every value reads back as the very same double that was computed.
    assert float(read(out)["DEU"]["Index"]) == pytest.approx(
        float(reference["DEU"]["Index"]), rel=1e-13
    )
    assert "78.98183305632" in text


@needs_coinr
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "id",
            "rata-rata geometrik Physical untuk unit AUS memerlukan nilai positif, tetapi "
            "Bord bernilai 0.0",
        ),
        (
            "en",
            "the geometric mean of Physical for unit AUS needs positive values, but Bord is 0.0",
        ),
    ],
)
def test_a_method_that_does_not_fit_the_values_is_refused_naming_unit_and_aggregate(
    tmp_path, language, expected
):
    # COINr refuses the geometric mean of min-max [0, 100] values: the minimum is 0.
    with translation.override(language), pytest.raises(CommandError) as error:
        asem("--aggregate", "gmean", out=tmp_path / "r.csv")

    assert error.value.returncode == 2
    assert str(error.value) == expected
    assert not (tmp_path / "r.csv").exists()


def test_problems_in_the_framework_are_named_by_row_and_column(tmp_path):
    meta = tmp_path / "meta.csv"
    meta.write_text(
        "Level,iCode,Parent,Direction,Weight,Type\n"
        "1,a,P,1,1,Indicator\n"
        "1,b,P,2,heavy,Indicator\n"
        "2,P,,1,1,Aggregate\n"
        "1,c,Nope,1,1,Indicator\n"
    )
    data = tmp_path / "data.csv"
    data.write_text("uCode,a,b,c\nX,1,2,3\n")

    with translation.override("en"), pytest.raises(CommandError) as error:
        run("compute", "--meta", meta, "--data", data, "--out", tmp_path / "r.csv")

    assert str(error.value) == (
        "Row 3, column Direction: direction 2 must be 1 or -1 "
        "Row 3, column Weight: heavy is not a number "
        "Row 5, column Parent: parent Nope is not an aggregate of this framework"
    )


def test_problems_in_the_data_are_named_by_row_and_column_in_indonesian(tmp_path):
    meta = tmp_path / "meta.csv"
    meta.write_text("Level,iCode,Parent,Type\n1,a,I,Indicator\n1,b,I,Indicator\n2,I,,Aggregate\n")
    data = tmp_path / "data.csv"
    data.write_text("uCode,a,b\nX,1,2\nY,tiga,4\nX,5,6\n")

    with translation.override("id"), pytest.raises(CommandError) as error:
        run("compute", "--meta", meta, "--data", data, "--out", tmp_path / "r.csv")

    message = str(error.value)
    assert message.startswith("Baris 3, kolom a: ")
    assert "tiga" in message
    assert "Baris 4, kolom uCode: " in message


def test_bad_options_are_all_named(tmp_path):
    meta = tmp_path / "meta.csv"
    meta.write_text("Level,iCode,Parent,Type\n1,a,I,Indicator\n1,b,I,Indicator\n2,I,,Aggregate\n")
    data = tmp_path / "data.csv"
    data.write_text("uCode,a,b\nX,1,2\nY,3,4\n")

    with translation.override("en"), pytest.raises(CommandError) as error:
        run(
            "compute",
            "--meta",
            meta,
            "--data",
            data,
            "--out",
            tmp_path / "r.csv",
            "--normalise",
            "minmax:5",
            "--impute",
            "row-mean:x",
        )

    assert str(error.value) == (
        "--impute: row-mean needs a level, e.g. row-mean:2 "
        "--normalise: '5' is not 2 comma-separated numbers"
    )


def test_the_project_yaml_and_xlsx_data_work(tmp_path, framework):
    document = framework.document
    (tmp_path / "framework.yaml").write_text(yaml.safe_dump(document, allow_unicode=True))
    indicators = [i["code"] for i in document["indicators"]]
    rows = []
    for u in range(6):
        row = {"uCode": f"R{u}", "uName": f"Region {u}"}
        for j, code in enumerate(indicators):
            spec = document["indicators"][j]
            low = spec["min"] if spec["min"] is not None else 0
            high = spec["max"] if spec["max"] is not None else 100
            row[code] = low + (high - low) * ((u * 7 + j * 3) % 11) / 10
        rows.append(row)
    pd.DataFrame(rows).to_excel(tmp_path / "data.xlsx", index=False)

    run(
        "compute",
        "--meta",
        tmp_path / "framework.yaml",
        "--data",
        tmp_path / "data.xlsx",
        "--out",
        tmp_path / "r.csv",
    )

    results = pd.read_csv(tmp_path / "r.csv")
    assert list(results.columns[:9]) == [
        "uCode",
        "uName",
        "INDEX",
        "GOV",
        "BRD",
        "ECO",
        "LIV",
        "SOC",
        "ENV",
    ]
    assert len(results) == 6
    assert sorted(results["Rank_INDEX"]) == list(range(1, 7))
    assert results["INDEX"].between(0, 100).all()


@needs_coinr
def test_uncertainty_is_reproducible_and_counts_failed_runs(tmp_path):
    args = [
        "uncertainty",
        "--meta",
        COINR / "inputs/ASEM_iMeta.csv",
        "--data",
        COINR / "inputs/ASEM_iData.csv",
        "--vary",
        "winmax=1|3|5",
        "--vary",
        "normalise=minmax:1,100|zscore:10,2",
        "--vary",
        "aggregate=amean|gmean",
        "--vary",
        "noisy-weights=2,3:0.25:10",
        "--runs",
        "30",
        "--seed",
        "7",
    ]
    first = run(*args, "--out", tmp_path / "a")
    run(*args, "--out", tmp_path / "b")

    for name in ("runs.csv", "scores.csv", "ranks.csv", "rank_stats.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    runs = pd.read_csv(tmp_path / "a/runs.csv", keep_default_na=False)
    assert list(runs.columns) == [
        "run",
        "winmax",
        "normalise",
        "aggregate",
        "weight_set",
        "status",
        "error",
    ]
    assert len(runs) == 30
    failed = runs[runs["status"] == "failed"]
    assert first == f"30 runs ({len(failed)} failed) written to {tmp_path / 'a'}.\n"
    # A failed run keeps its row and its reason; its scores are missing, not dropped.
    scores = pd.read_csv(tmp_path / "a/scores.csv")
    assert len(scores) == 30
    for run_number in failed["run"]:
        assert scores.loc[scores["run"] == run_number].iloc[:, 1:].isna().all(axis=None)
    stats = pd.read_csv(tmp_path / "a/rank_stats.csv")
    assert list(stats.columns) == ["uCode", "uName", "Nominal", "Mean", "Median", "Q5", "Q95"]
    assert (stats["Q5"] <= stats["Median"]).all() and (stats["Median"] <= stats["Q95"]).all()


@needs_coinr
def test_sensitivity_writes_indices_for_each_input(tmp_path):
    run(
        "uncertainty",
        "--meta",
        COINR / "inputs/ASEM_iMeta.csv",
        "--data",
        COINR / "inputs/ASEM_iData.csv",
        "--vary",
        "winmax=1|2|3|4|5",
        "--vary",
        "aggregate=amean|hmean",
        "--runs",
        "10",
        "--sensitivity",
        "--out",
        tmp_path,
    )

    indices = pd.read_csv(tmp_path / "sensitivity.csv")
    assert list(indices["input"]) == ["winmax", "aggregate"]
    assert list(indices.columns) == ["input", "Si", "Si_q5", "Si_q95", "STi", "STi_q5", "STi_q95"]
    assert len(pd.read_csv(tmp_path / "runs.csv")) == 10 * (2 + 2)


@needs_coinr
def test_a_design_is_replayed_exactly(tmp_path):
    (tmp_path / "sets.csv").write_text(
        "set,iCode,Weight\nheavy,Conn,3\nheavy,Sust,1\nequal,Conn,1\nequal,Sust,1\n"
    )
    (tmp_path / "design.csv").write_text(
        "winmax,normalise,aggregate,weight_set\n"
        '5,"minmax:0,100",amean,equal\n'
        '1,"minmax:1,100",gmean,heavy\n'
    )
    run(
        "uncertainty",
        "--meta",
        COINR / "inputs/ASEM_iMeta.csv",
        "--data",
        COINR / "inputs/ASEM_iData.csv",
        "--weight-sets",
        tmp_path / "sets.csv",
        "--design",
        tmp_path / "design.csv",
        "--out",
        tmp_path / "out",
    )
    (tmp_path / "heavy.csv").write_text("iCode,Weight\nConn,3\nSust,1\n")
    asem(out=tmp_path / "first.csv")
    asem(
        "--winmax",
        "1",
        "--normalise",
        "minmax:1,100",
        "--aggregate",
        "gmean",
        "--weights",
        tmp_path / "heavy.csv",
        out=tmp_path / "second.csv",
    )

    scores = pd.read_csv(tmp_path / "out/scores.csv").set_index("run")
    for run_number, name in ((1, "first.csv"), (2, "second.csv")):
        expected = pd.read_csv(tmp_path / name).set_index("uCode")["Index"]
        got = scores.loc[run_number, expected.index]
        assert got.to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-12)


def test_console_script_runs_without_a_database(tmp_path):
    meta = tmp_path / "meta.csv"
    meta.write_text("Level,iCode,Parent,Type\n1,a,I,Indicator\n1,b,I,Indicator\n2,I,,Aggregate\n")
    data = tmp_path / "data.csv"
    data.write_text("uCode,uName,a,b\nX,Ex,1,2\nY,Why,3,4\nZ,Zed,2,9\n")
    env = {**os.environ, "KOTACERDAS_DATA_DIR": str(tmp_path / "nodb"), "KOTACERDAS_LANGUAGE": "en"}
    env.pop("DATABASE_URL", None)

    result = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [
            str(KOTACERDAS),
            "index",
            "compute",
            "--meta",
            str(meta),
            "--data",
            str(data),
            "--out",
            str(tmp_path / "r.csv"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert pd.read_csv(tmp_path / "r.csv").to_dict("list") == {
        "uCode": ["X", "Y", "Z"],
        "uName": ["Ex", "Why", "Zed"],
        "I": [0.0, 64.28571428571428, 75.0],
        "Rank_I": [3, 2, 1],
    }
    assert not (tmp_path / "nodb" / "kotacerdas.sqlite3").exists()
