"""Shared test helpers: the real datasets in ../shared/data and small numerical helpers."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

SHARED_DATA = Path(
    os.environ.get(
        "LPREG_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
    )
).resolve()


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", default=False, help="run tests marked slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    skip_slow = pytest.mark.skip(reason="slow test: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)


def load_dataset(name):
    """Return the dict of arrays of ``../shared/data/<name>.npz`` (X sparse CSR if so stored).

    Skips the calling test, with the reason, when the shared data folder is absent.
    """
    path = SHARED_DATA / f"{name}.npz"
    if not path.exists():
        pytest.skip(f"real dataset {name!r} not found at {path} (../shared/data is absent)")
    data = dict(np.load(path))
    sparse_path = SHARED_DATA / f"{name}.X.npz"
    if sparse_path.exists():
        data["X"] = sp.load_npz(sparse_path)
    return data
