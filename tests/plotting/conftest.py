"""Plotting tests draw with the Agg backend and close their figures.

pytest imports this file as the module ``conftest`` too (shadowing ``tests/conftest.py`` for
``from conftest import ...``), so it re-exports ``load_dataset``.
"""

import importlib.util
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

_ROOT = Path(__file__).resolve().parents[1] / "conftest.py"
_spec = importlib.util.spec_from_file_location("_lpreg_tests_root_conftest_plotting", _ROOT)
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
load_dataset = _root.load_dataset


@pytest.fixture(autouse=True)
def _close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")
