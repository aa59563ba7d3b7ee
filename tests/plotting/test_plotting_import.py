import subprocess
import sys


def test_import_without_matplotlib_names_the_extra():
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import lpreg\n"
        "try:\n"
        "    import lpreg.plotting\n"
        "except ImportError as error:\n"
        "    print(error)\n"
        "else:\n"
        "    print('imported')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == ("lpreg.plotting needs matplotlib: pip install 'lpreg[plot]'")


def test_import_lpreg_does_not_import_matplotlib():
    code = "import sys, lpreg; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "False"
