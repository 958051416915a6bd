"""Fixtures for the engine tests: the COINr conformance folder and the ASEM example in it.

The conformance folder lives outside the repository, at ``../shared/conformance/coinr``
relative to the repository root. Tests that need it are skipped when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kotacerdas import engine

COINR_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "conformance" / "coinr"


@pytest.fixture(scope="session")
def coinr_dir() -> Path:
    if not (COINR_DIR / "METHODS.md").is_file():
        pytest.skip(f"COINr conformance folder not found at {COINR_DIR}")
    return COINR_DIR


@pytest.fixture(scope="session")
def asem_framework(coinr_dir: Path) -> engine.Framework:
    return engine.read_framework_file(coinr_dir / "inputs" / "ASEM_iMeta.csv")


@pytest.fixture(scope="session")
def asem_table(coinr_dir: Path):
    """The ASEM iData table as read from disk (all cells text)."""
    return engine.read_table(coinr_dir / "inputs" / "ASEM_iData.csv")


@pytest.fixture(scope="session")
def asem_data(asem_framework: engine.Framework, asem_table) -> engine.UnitData:
    return engine.read_data(asem_table, asem_framework)
