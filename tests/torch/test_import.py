"""lpreg without torch: the package imports, lpreg.torch explains how to install it."""

from __future__ import annotations

import subprocess
import sys


def _run(code):
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_import_lpreg_does_not_import_torch():
    assert _run("import sys, lpreg; print('torch' in sys.modules)") == "False"


def test_lpreg_torch_without_torch_raises_import_error_with_install_command():
    code = (
        "import sys\n"
        "sys.modules['torch'] = None  # makes `import torch` raise ImportError\n"
        "import lpreg\n"
        "print(lpreg.L1(0.1))\n"
        "try:\n"
        "    import lpreg.torch\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    lines = _run(code).splitlines()
    assert lines[0] == "L1(alpha=0.1)"
    assert lines[1] == (
        "lpreg.torch needs PyTorch: pip install 'lpreg[torch]' (or pip install torch==2.13.0)"
    )
