"""The package's promises at import time and its command line."""

import subprocess
import sys

import pytest

import lpreg


def test_import_is_light_and_compiles_nothing():
    code = (
        "import sys, lpreg\n"
        "heavy = [m for m in ('matplotlib', 'torch', 'dask', 'sklearn') if m in sys.modules]\n"
        "from lpreg.penalties.l1 import soft_threshold\n"
        "print(heavy, len(soft_threshold.signatures))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["[]", "0"], out


def test_public_names_resolve():
    for name in lpreg.__all__:
        assert getattr(lpreg, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'Lassoo'"):
        lpreg.Lassoo
