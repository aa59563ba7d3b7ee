"""``lpreg compare --report``: one self-contained HTML file that a real browser renders."""

import base64
import contextlib
import io
import json
import os
import re
import shutil
import subprocess

import numpy as np
import pytest

from lpreg.cli import main, table_rows

pytest.importorskip("matplotlib")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def diabetes_html(tmp_path_factory):
    """``lpreg compare --report`` on the default data, with its JSON (3 bootstrap resamples)."""
    path = tmp_path_factory.mktemp("report") / "diabetes.html"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        argv = ["compare", "--report", str(path), "--bootstrap", "3", "--format", "json"]
        assert main(argv) == 0
    return path, json.loads(printed.getvalue())


def test_report_is_self_contained_with_every_figure(diabetes_html):
    path, report = diabetes_html
    page = path.read_text(encoding="utf-8")
    # nothing is fetched: every src / href is inline data, no URL anywhere in the markup
    assert re.findall(r'(?:src|href)="(?!data:)', page) == []
    assert re.search(r"https?://", page) is None
    titles = re.findall(r"<h2>(.*?)</h2>", page)
    assert titles == [
        "Regularization paths",
        "Cross-validation curves",
        "Coefficient comparison",
        "Geometry",
    ]
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 4
    import matplotlib.image

    for encoded in images:
        png = base64.b64decode(encoded)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
        assert pixels.shape[0] > 300 and pixels.shape[1] > 700
        assert pixels[..., :3].std() > 0.05  # drawn on, not a blank canvas


def test_report_table_shows_the_json_numbers(diabetes_html):
    path, report = diabetes_html
    page = path.read_text(encoding="utf-8")
    body = re.search(r"<tbody>(.*)</tbody>", page).group(1)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in body.split("</tr>")[:-1]]
    assert cells == [[c.replace("&amp;", "&") for c in row] for row in table_rows(report)]
    for row, model in zip(cells, report["models"], strict=True):
        assert float(row[2]) == pytest.approx(model["test_mse"], rel=1e-3)
        assert float(row[3]) == pytest.approx(model["test_score"], abs=5e-5)
        assert row[6] == f"{model['stability']:.2f}"
    assert "stability: mean over 3 bootstrap resamples" in page


def test_report_renders_in_headless_chromium(diabetes_html, tmp_path):
    """A real browser decodes all four figures; the screenshot is not blank."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            "chromium is not installed (the test setup installs it: apt-get install -y "
            "chromium, see .ci/run)"
        )
    path, _ = diabetes_html
    profile = tmp_path / "profile"
    common = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    dom = subprocess.run(
        [*common, "--virtual-time-budget=5000", "--dump-dom", path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert 'data-figures-loaded="4/4"' in dom
    screenshot = tmp_path / "report.png"
    subprocess.run(
        [*common, "--window-size=1300,2400", f"--screenshot={screenshot}", path.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    import matplotlib.image

    pixels = matplotlib.image.imread(screenshot)
    assert pixels.shape[:2] == (2400, 1300)
    assert pixels[..., :3].std() > 0.05


@pytest.mark.slow
def test_report_on_sparse_real_data(tmp_path, capsys):
    """we8there (6166 x 2640 sparse counts, binary) through the data folder's twin-file format."""
    from conftest import load_dataset

    data = load_dataset("we8there")
    np.savez(tmp_path / "we8there.npz", y=data["y"], feature_names=data["feature_names"])
    import scipy.sparse as sp

    sp.save_npz(tmp_path / "we8there.X.npz", data["X"])
    report_path = tmp_path / "we8there.html"
    argv = ["compare", "--data", str(tmp_path / "we8there.npz"), "--report", str(report_path)]
    assert main([*argv, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["data"]["task"] == "classification"
    assert report["alpha_rule"]["n_alphas"] == 10  # the large-design grid
    page = report_path.read_text(encoding="utf-8")
    assert len(re.findall(r'src="data:image/png;base64,', page)) == 4
    for model in report["models"]:
        assert model["converged"], model["penalty"]


def test_geometry_reduction_keeps_the_least_squares_problem():
    """The 3-row problem the geometry figure draws has the loss, least-squares point and
    constrained solutions of the n-row one (which would need an (n, 301^2) residual matrix)."""
    from lpreg.estimators import NormBallRegression
    from lpreg.plotting.geometry import boundary_local_minima
    from lpreg.report import _reduced_least_squares

    rng = np.random.default_rng(0)
    X = rng.standard_normal((400, 2)) @ np.array([[1.0, 0.6], [0.0, 0.8]])
    y = X @ np.array([2.0, -1.0]) + rng.standard_normal(400)
    X3, y3 = _reduced_least_squares(X, y)
    assert X3.shape == (3, 2) and y3.shape == (3,)
    W = rng.uniform(-4.0, 4.0, size=(2, 200))
    full = 0.5 * np.mean((y[:, None] - X @ W) ** 2, axis=0)
    reduced = 0.5 * np.mean((y3[:, None] - X3 @ W) ** 2, axis=0)
    np.testing.assert_allclose(reduced, full, rtol=1e-12)
    np.testing.assert_allclose(
        np.linalg.lstsq(X3, y3, rcond=None)[0], np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-10
    )
    for p in (1.0, 2.0):
        ball = {"radius": 1.0, "p": p, "fit_intercept": False, "tol": 1e-12}
        np.testing.assert_allclose(
            NormBallRegression(**ball).fit(X3, y3).coef_,
            NormBallRegression(**ball).fit(X, y).coef_,
            atol=1e-8,
        )
    np.testing.assert_allclose(
        boundary_local_minima(X3, y3, 1.0, 0.5), boundary_local_minima(X, y, 1.0, 0.5), atol=1e-8
    )
