"""``lpreg fit``, ``lpreg path`` and ``lpreg plot`` against direct calls, and their errors.

References: the coefficients and objectives of ``fit`` are recomputed by direct estimator
calls and by the objective's formula; ``alpha_max`` is checked from its closed form and by
fitting at it (all zeros) and just below it (not); the path's coefficients are checked
against scikit-learn's ``lasso_path`` / ``enet_path`` on the same centred data.
"""

import json
import os
import re
import subprocess
import sys

import joblib
import matplotlib
import numpy as np
import pytest
from conftest import load_dataset
from numpy.testing import assert_allclose
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Lasso as SklearnLasso
from sklearn.linear_model import enet_path as sklearn_enet_path
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import lpreg
from lpreg.cli import _plot, main
from lpreg.path import regularization_path

matplotlib.use("Agg")

MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".svg": b"<?xml", ".pdf": b"%PDF"}
REGRESSORS = {
    "l1": (lpreg.Lasso, {}),
    "l2": (lpreg.Ridge, {}),
    "elasticnet": (lpreg.ElasticNet, {"l1_ratio": 0.5}),
    "lp": (lpreg.LpRegression, {"p": 0.5}),
    "mcp": (lpreg.MCPRegression, {"gamma": 3.0}),
    "scad": (lpreg.SCADRegression, {"gamma": 3.7}),
}


def run(capsys, argv):
    """``(exit code, stdout, stderr)`` of ``lpreg argv`` (argparse errors exit via SystemExit)."""
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys, argv):
    code, out, err = run(capsys, [*argv, "--format", "json"])
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return X, y, StandardScaler().fit_transform(X)


def l1_alpha_max(X_std, y):
    """``max_j |x_j' (y - mean y)| / n``: the smallest alpha giving w = 0 (centred columns)."""
    return np.max(np.abs(X_std.T @ (y - y.mean()))) / X_std.shape[0]


# ---- lpreg fit -------------------------------------------------------------------------------
def fast(*values, n_fast=1):
    """Parameters: the first ``n_fast`` run always, the others (a numba compilation each) with
    --slow."""
    slow = [pytest.param(value, marks=pytest.mark.slow) for value in values[n_fast:]]
    return [*values[:n_fast], *slow]


@pytest.mark.parametrize("penalty", fast(*REGRESSORS, n_fast=2))
def test_fit_equals_direct_estimator_call(capsys, diabetes, penalty):
    X, y, X_std = diabetes
    report = run_json(capsys, ["fit", "--penalty", penalty, "--alpha-ratio", "0.1"])
    top = l1_alpha_max(X_std, y)
    top = {"elasticnet": top / 0.5, "l2": top * X.shape[0]}.get(penalty, top)
    assert_allclose(report["alpha_max"], top, rtol=1e-12)
    assert report["alpha"] == 0.1 * report["alpha_max"]
    cls, params = REGRESSORS[penalty]
    estimator = cls(alpha=report["alpha"], tol=1e-6, **params)
    pipeline = make_pipeline(StandardScaler(), estimator).fit(X, y)
    assert report["estimator"] == cls.__name__
    assert_allclose(report["coef"][0], estimator.coef_, rtol=0, atol=1e-10)
    assert_allclose(report["intercept"][0], estimator.intercept_, rtol=0, atol=1e-10)
    assert_allclose(report["score"], pipeline.score(X, y), rtol=0, atol=1e-12)
    assert report["n_nonzero"] == np.count_nonzero(estimator.coef_)
    # the printed objective, from its formula, and as the solver reports it
    w, residual = estimator.coef_, y - X_std @ estimator.coef_ - estimator.intercept_
    alpha = report["alpha"]
    if penalty == "l2":
        expected = residual @ residual + alpha * w @ w
        assert_allclose(expected, 2 * X.shape[0] * estimator.objective_, rtol=1e-12)
    else:
        penalty_value = {
            "l1": alpha * np.abs(w).sum(),
            "elasticnet": alpha * (0.5 * np.abs(w).sum() + 0.25 * w @ w),
            "lp": alpha * np.sum(np.abs(w) ** 0.5),
        }.get(penalty)
        if penalty_value is not None:
            assert_allclose(0.5 * np.mean(residual**2) + penalty_value, report["objective"][0])
        assert_allclose(report["objective"][0], estimator.objective_, rtol=1e-12)
    assert report["converged"] is True
    assert report["certificate_value"] <= 1e-6


@pytest.mark.parametrize("penalty", fast("l1", "elasticnet", "mcp", "scad"))
def test_fit_alpha_ratio_one_is_the_smallest_alpha_giving_zero(capsys, penalty):
    # tol 1e-12: just below alpha_max (Elastic Net) w = 0 is within a duality gap of 1e-6
    argv = ["fit", "--penalty", penalty, "--tol", "1e-12", "--alpha-ratio"]
    at_max = run_json(capsys, [*argv, "1"])
    below = run_json(capsys, [*argv, "0.99"])
    assert at_max["n_nonzero"] == 0
    assert below["n_nonzero"] >= 1


def test_fit_table_lists_nonzeros_first_by_magnitude(capsys):
    report = run_json(capsys, ["fit", "--alpha", "2.0"])
    code, out, _ = run(capsys, ["fit", "--alpha", "2.0"])
    assert code == 0
    assert "alpha: 2\n" in out
    assert f"objective: {report['objective'][0]:.10g}" in out
    rows = out.split("-" * 26 + "\n")[1].splitlines()
    names = [row.split()[0] for row in rows]
    values = np.array([float(row.split()[1]) for row in rows])
    coef = dict(zip(report["feature_names"], report["coef"][0], strict=True))
    assert sorted(names) == sorted(coef)
    assert_allclose(values, [coef[name] for name in names], rtol=1e-5)
    n_nonzero = report["n_nonzero"]
    assert 0 < n_nonzero < len(names)
    assert np.all(values[n_nonzero:] == 0) and np.all(values[:n_nonzero] != 0)
    assert np.all(np.diff(np.abs(values[:n_nonzero])) <= 0)
    assert names[n_nonzero:] == [n for n in report["feature_names"] if coef[n] == 0]


@pytest.mark.parametrize("standardize", [True, False])
def test_fit_save_loads_a_model_that_predicts_raw_rows(capsys, tmp_path, diabetes, standardize):
    X, y, _ = diabetes
    saved = tmp_path / "model.joblib"
    flag = "--standardize" if standardize else "--no-standardize"
    report = run_json(capsys, ["fit", "--alpha", "0.5", flag, "--save", str(saved)])
    model = joblib.load(saved)
    direct = lpreg.Lasso(alpha=0.5, tol=1e-6)
    if standardize:
        direct = make_pipeline(StandardScaler(), direct)
        assert [type(step).__name__ for step in model] == ["StandardScaler", "Lasso"]
    direct.fit(X, y)
    assert_allclose(model.predict(X), direct.predict(X), rtol=0, atol=1e-9)
    assert report["saved"] == str(saved)


def test_fit_real_data_file_equals_scikit_learn(capsys, tmp_path):
    data = load_dataset("prostate")
    path = str(tmp_path / "prostate.npz")
    np.savez(path, X=data["X"], y=data["y"], feature_names=data["feature_names"])
    report = run_json(capsys, ["fit", "--data", path, "--alpha", "0.05", "--tol", "1e-10"])
    X_std = StandardScaler().fit_transform(data["X"])
    reference = SklearnLasso(alpha=0.05, tol=1e-12, max_iter=100_000).fit(X_std, data["y"])
    assert report["feature_names"] == list(data["feature_names"])
    assert 0 < report["n_nonzero"] < X_std.shape[1]
    assert_allclose(report["coef"][0], reference.coef_, rtol=0, atol=1e-6)
    assert_allclose(report["intercept"][0], reference.intercept_, rtol=0, atol=1e-6)


@pytest.mark.slow  # compiles the logistic solver (~8 s)
def test_fit_classification_text_labels_one_vs_rest(capsys, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((90, 3))
    labels = np.array(["a", "b", "c"])[np.argmax(X + 0.5 * rng.standard_normal(X.shape), 1)]
    csv = tmp_path / "three.csv"
    lines = ["u,v,w,label"] + [f"{a},{b},{c},{t}" for (a, b, c), t in zip(X, labels, strict=True)]
    csv.write_text("\n".join(lines) + "\n")
    argv = ["fit", "--data", str(csv), "--target", "label", "--alpha", "0.02"]
    report = run_json(capsys, argv)
    assert report["data"]["task"] == "classification"
    assert report["data"]["classes"] == ["a", "b", "c"]
    X_std = StandardScaler().fit_transform(
        np.loadtxt(csv, delimiter=",", skiprows=1, usecols=(0, 1, 2))
    )
    direct = lpreg.LogisticRegression(penalty="l1", alpha=0.02, tol=1e-6).fit(X_std, labels)
    assert_allclose(report["coef"], direct.coef_, rtol=0, atol=1e-10)
    assert_allclose(report["score"], direct.score(X_std, labels), rtol=0, atol=1e-12)
    # objective per one-vs-rest problem: mean log-loss + alpha ||w_k||_1
    for k, cls in enumerate(direct.classes_):
        target = np.where(labels == cls, 1.0, -1.0)
        z = X_std @ direct.coef_[k] + direct.intercept_[k]
        expected = np.mean(np.logaddexp(0, -target * z)) + 0.02 * np.abs(direct.coef_[k]).sum()
        assert_allclose(report["objective"][k], expected, rtol=1e-12)
    code, out, _ = run(capsys, argv)
    assert code == 0 and "coef[a]" in out and "coef[c]" in out


# ---- lpreg path ------------------------------------------------------------------------------
@pytest.mark.parametrize("penalty", fast("l1", "elasticnet", "lp"))
def test_path_equals_regularization_path(capsys, diabetes, penalty):
    _, y, X_std = diabetes
    argv = ["path", "--penalty", penalty, "--n-alphas", "6", "--eps", "0.01"]
    report = run_json(capsys, argv)
    penalty_object = {
        "l1": lpreg.L1(1.0),
        "elasticnet": lpreg.penalties.ElasticNet(1.0, 0.5),
        "lp": lpreg.Lp(1.0, 0.5),
    }[penalty]
    direct = regularization_path(
        X_std, y, penalty=penalty_object, n_alphas=6, eps=0.01, fit_intercept=True, tol=1e-6
    )
    assert_allclose(report["alphas"], direct.alphas, rtol=1e-14)
    assert_allclose(report["coefs"], direct.coefs, rtol=0, atol=1e-10)
    assert_allclose(report["objectives"], direct.objectives, rtol=1e-12)
    assert report["n_nonzero"] == np.count_nonzero(direct.coefs, axis=0).tolist()
    assert all(report["converged"])
    # features in entering order: first index with a non-zero coefficient
    first = {
        name: int(np.flatnonzero(direct.coefs[j])[0])
        for j, name in enumerate(report["feature_names"])
        if np.any(direct.coefs[j])
    }
    assert [e["index"] for e in report["entering"]] == sorted(first.values())
    assert {e["feature"]: e["index"] for e in report["entering"]} == first


@pytest.mark.parametrize("penalty", fast("l1", "elasticnet"))
def test_path_coefficients_equal_scikit_learn(capsys, diabetes, penalty):
    _, y, X_std = diabetes
    report = run_json(capsys, ["path", "--penalty", penalty, "--n-alphas", "8", "--tol", "1e-10"])
    alphas = np.array(report["alphas"])
    # standardised columns are centred: the intercept-free path of the centred target
    ratio = 1.0 if penalty == "l1" else 0.5
    assert_allclose(alphas[0], l1_alpha_max(X_std, y) / ratio, rtol=1e-12)
    _, coefs, _ = sklearn_enet_path(
        X_std, y - y.mean(), l1_ratio=ratio, alphas=alphas, tol=1e-14, max_iter=1_000_000
    )

    def objective(w, alpha):
        residual = y - y.mean() - X_std @ w
        return 0.5 * np.mean(residual**2) + alpha * (
            ratio * np.abs(w).sum() + 0.5 * (1 - ratio) * w @ w
        )

    ours = np.array(report["coefs"])
    objective_at_zero = 0.5 * np.var(y)
    for k, alpha in enumerate(alphas):
        # within the certificate (tol 1e-10 relative to the objective at w = 0)
        difference = objective(ours[:, k], alpha) - objective(coefs[:, k], alpha)
        assert abs(difference) <= 1e-10 * objective_at_zero, (k, difference)
    # s1 and s2 are nearly collinear: the coefficients agree less tightly than the objective
    assert_allclose(ours, coefs, rtol=0, atol=1e-3)
    assert report["n_nonzero"][0] == 0 and report["n_nonzero"][1] > 0


def test_path_table_and_plot(capsys, tmp_path):
    figure = tmp_path / "path.svg"
    code, out, err = run(capsys, ["path", "--n-alphas", "5", "--plot", str(figure)])
    assert code == 0, err
    report = run_json(capsys, ["path", "--n-alphas", "5"])
    rows = [line.split() for line in out.splitlines() if line[:4].strip().isdigit()]
    assert [int(row[0]) for row in rows] == list(range(5))
    assert_allclose([float(row[1]) for row in rows], report["alphas"], rtol=1e-5)
    assert [int(row[3]) for row in rows] == report["n_nonzero"]
    assert_allclose([float(row[4]) for row in rows], report["objectives"], rtol=1e-9)
    assert "bmi (k=1)" in out
    assert figure.read_bytes().startswith(MAGIC[".svg"])
    assert b"Regularization path" in figure.read_bytes()


@pytest.fixture(scope="module")
def iris_file(tmp_path_factory):
    """Fisher's iris (150 x 4, classes 0, 1, 2) as a .npz file, with its standardised X."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    path = tmp_path_factory.mktemp("iris") / "iris.npz"
    np.savez(path, X=X, y=y.astype(np.int64))
    return path, StandardScaler().fit_transform(X), y


def logistic_l1_alpha_max(X_std, target01):
    """``max_j |x_j' (mean(t) - t)| / n``: the smallest alpha giving w = 0 for the mean
    logistic loss with an intercept (at w = 0 the intercept's optimum predicts mean(t))."""
    return np.max(np.abs(X_std.T @ (target01.mean() - target01))) / X_std.shape[0]


def test_multiclass_path_is_one_vs_rest_like_lpreg_fit(capsys, iris_file):
    path, X_std, y = iris_file
    argv = ["path", "--data", str(path), "--n-alphas", "5", "--eps", "0.05", "--tol", "1e-10"]
    report = run_json(capsys, argv)
    assert report["classes"] == [0, 1, 2]
    # one grid for all classes, topped by the largest one-vs-rest alpha_max (closed form)
    top = max(logistic_l1_alpha_max(X_std, (y == c).astype(float)) for c in range(3))
    assert_allclose(report["alphas"], top * np.geomspace(1.0, 0.05, 5), rtol=1e-10)
    coefs = np.array(report["coefs"])  # (class, feature, alpha)
    assert coefs.shape == (3, 4, 5)
    assert not coefs[:, :, 0].any() and coefs[:, :, 1].any()
    assert report["n_nonzero"] == np.count_nonzero(coefs, axis=1).tolist()
    for k in (1, 3):
        alpha = report["alphas"][k]
        direct = lpreg.LogisticRegression(
            penalty="l1", alpha=alpha, multi_class="ovr", tol=1e-10, max_iter=10_000
        ).fit(X_std, y)
        assert_allclose(coefs[:, :, k], direct.coef_, rtol=0, atol=1e-6)
        assert_allclose(np.array(report["intercepts"])[:, k], direct.intercept_, atol=1e-6)
        # the objective of each one-vs-rest problem, recomputed from the direct fit
        for c in range(3):
            target = np.where(y == c, 1.0, -1.0)
            z = X_std @ direct.coef_[c] + direct.intercept_[c]
            expected = (
                np.mean(np.logaddexp(0, -target * z)) + alpha * np.abs(direct.coef_[c]).sum()
            )
            assert report["objectives"][c][k] == pytest.approx(expected, rel=1e-8)
        # `lpreg fit` at the same alpha gives the same rows
        fitted = run_json(
            capsys, ["fit", "--data", str(path), "--alpha", repr(alpha), "--tol", "1e-10"]
        )
        assert_allclose(fitted["coef"], coefs[:, :, k], rtol=0, atol=1e-6)
        # both reports describe the data with the same block (dataset, size, target, classes)
        assert fitted["data"] == report["data"]
        assert report["data"]["classes"] == [0, 1, 2] and report["data"]["n_samples"] == 150
    # every class's entering features, first index where its coefficient is non-zero
    for c in range(3):
        first = {
            f"x{j}": int(np.flatnonzero(coefs[c, j])[0]) for j in range(4) if coefs[c, j].any()
        }
        entering = [e for e in report["entering"] if e["class"] == c]
        assert {e["feature"]: e["index"] for e in entering} == first
        assert [e["index"] for e in entering] == sorted(first.values())


def test_multiclass_path_table_and_plot(capsys, tmp_path, iris_file):
    path, _, _ = iris_file
    figure = tmp_path / "path.svg"
    argv = ["path", "--data", str(path), "--n-alphas", "4", "--eps", "0.1"]
    code, out, err = run(capsys, [*argv, "--plot", str(figure)])
    assert code == 0, err
    report = run_json(capsys, argv)
    rows = [line.split() for line in out.splitlines() if line[:1].isdigit()]
    assert [(int(row[0]), int(row[1])) for row in rows] == [
        (c, k) for c in range(3) for k in range(4)
    ]
    assert [int(row[4]) for row in rows] == [
        n for per_class in report["n_nonzero"] for n in per_class
    ]
    assert_allclose([float(row[2]) for row in rows], report["alphas"] * 3, rtol=1e-5)
    assert "one-vs-rest, one path per class (3 classes)" in out
    assert "class 0: " in out and "class 2: " in out
    svg = figure.read_bytes()
    assert svg.startswith(MAGIC[".svg"])
    for c in range(3):
        assert f"class {c} vs rest".encode() in svg


def test_multiclass_path_on_real_data(capsys, tmp_path):
    """khan (83 x 2308 gene expressions, 4 tumour classes): the path equals direct fits."""
    data = load_dataset("khan")
    file = tmp_path / "khan.npz"
    np.savez(file, X=data["X"], y=data["y"])
    argv = ["path", "--data", str(file), "--n-alphas", "3", "--eps", "0.3", "--tol", "1e-8"]
    report = run_json(capsys, argv)
    X_std = StandardScaler().fit_transform(data["X"])
    assert report["classes"] == [0, 1, 2, 3]
    top = max(logistic_l1_alpha_max(X_std, (data["y"] == c).astype(float)) for c in range(4))
    assert_allclose(report["alphas"][0], top, rtol=1e-10)
    alpha = report["alphas"][2]
    direct = lpreg.LogisticRegression(
        penalty="l1", alpha=alpha, multi_class="ovr", tol=1e-8, max_iter=10_000
    ).fit(X_std, data["y"])
    coefs = np.array(report["coefs"])[:, :, 2]
    for c in range(4):
        target = np.where(data["y"] == c, 1.0, -1.0)

        def objective(w, b, target=target):
            return np.mean(np.logaddexp(0, -target * (X_std @ w + b))) + alpha * np.abs(w).sum()

        ours = objective(coefs[c], report["intercepts"][c][2])
        reference = objective(direct.coef_[c], direct.intercept_[c])
        assert ours == pytest.approx(report["objectives"][c][2], rel=1e-10)
        assert abs(ours - reference) <= 1e-7 * np.log(2), c  # both within tol of the optimum
    assert all(all(per_class) for per_class in report["converged"])


# ---- lpreg plot ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "suffix"),
    [("balls", ".png"), ("balls3d", ".png"), ("thresholding", ".svg"), ("constrained", ".pdf")],
)
def test_plot_writes_the_format_of_the_extension(capsys, tmp_path, kind, suffix):
    output = tmp_path / f"figure{suffix}"
    code, out, err = run(capsys, ["plot", kind, "--output", str(output)])
    assert code == 0, err
    assert output.read_bytes().startswith(MAGIC[suffix])
    assert out.startswith(f"lpreg plot: wrote {output}")
    if suffix == ".png":
        image = matplotlib.image.imread(output)
        assert image.ndim == 3 and min(image.shape[:2]) > 200
        assert np.ptp(image[..., :3]) > 0.5  # not a blank canvas


def test_plot_draws_the_requested_balls():
    figure = _plot.draw("balls", (1.0, 2.0, np.inf))
    l1, l2, linf = figure.axes[0].lines[:3]
    for line, norm in ((l1, 1), (l2, 2), (linf, np.inf)):
        points = np.column_stack([line.get_xdata(), line.get_ydata()])
        assert_allclose(np.linalg.norm(points, ord=norm, axis=1), 1.0, rtol=1e-12)
    l1_points = np.column_stack([l1.get_xdata(), l1.get_ydata()])
    for vertex in ([1, 0], [0, 1], [-1, 0], [0, -1]):
        assert np.min(np.linalg.norm(l1_points - vertex, axis=1)) == 0.0


def test_plot_constrained_marks_the_l1_corner():
    figure = _plot.draw("constrained", (1.0,), radius=1.5)
    (solution,) = [line for line in figure.axes[0].lines if line.get_gid() == "solution"]
    w = np.array([solution.get_xdata()[0], solution.get_ydata()[0]])
    X, y = _plot.constrained_problem()
    direct = lpreg.NormBallRegression(radius=1.5, p=1, fit_intercept=False, tol=1e-12).fit(X, y)
    assert_allclose(w, direct.coef_, atol=1e-8)
    assert w[1] == 0.0 and abs(abs(w[0]) - 1.5) < 1e-8


def test_plot_thresholding_draws_each_lp_prox():
    figure = _plot.draw("thresholding", (0.5, 0.8))
    lines = {line.get_gid(): line for line in figure.axes[0].lines}
    for p in (0.5, 0.8):
        line = lines[f"Lp(1, p={p:g})"]
        x = np.asarray(line.get_xdata())
        assert_allclose(line.get_ydata(), lpreg.Lp(1.0, p).prox(x, 1.0), rtol=0, atol=0)
    x = np.asarray(lines["L1(1)"].get_xdata())
    assert_allclose(lines["L1(1)"].get_ydata(), np.sign(x) * np.maximum(np.abs(x) - 1, 0))


# ---- errors: one line on stderr, exit code 2, no traceback ------------------------------------
ERRORS = [
    (["fit", "--data", "/nonexistent/data.csv", "--target", "y"], r"data\.csv' does not exist"),
    (["fit", "--target", "y"], r"--target names a column of a --data file"),
    (
        ["fit", "--demo", "correlated", "--task", "classification"],
        r"lpreg fit: --task classification needs class labels, but target .y. of correlated",
    ),
    (["fit", "--penalty", "l3"], r"argument --penalty: invalid choice: 'l3'"),
    (["fit", "--alpha", "-1"], r"lpreg fit: --alpha must be >= 0 and finite, got -1\."),
    (["fit", "--alpha-ratio", "-0.5"], r"--alpha-ratio must be >= 0 and finite, got -0\.5\."),
    (["fit", "--alpha", "1", "--alpha-ratio", "0.1"], r"not allowed with argument --alpha"),
    (["fit", "--penalty", "lp", "--p", "0"], r"lpreg fit: --p must be > 0 and finite, got 0\."),
    (["fit", "--l1-ratio", "1.5"], r"--l1-ratio must be in \[0, 1\], got 1\.5\."),
    (["fit", "--save", "/nonexistent/m.joblib"], r"cannot write --save .*does not exist"),
    (["path", "--p", "-1"], r"lpreg path: --p must be > 0 and finite, got -1\."),
    (["path", "--eps", "0"], r"lpreg path: --eps must be in \(0, 1\], got 0\."),
    (["path", "--n-alphas", "0"], r"--n-alphas must be >= 1, got 0\."),
    (["path", "--plot", "out.jpg"], r"--plot must end in \.png, \.svg, \.pdf .*'out\.jpg'"),
    (["plot", "balls", "-o", "balls.jpg"], r"--output must end in \.png, \.svg, \.pdf"),
    (["plot", "balls", "-o", "x.png", "--p", "0"], r"lpreg plot: --p must be > 0, got 0\."),
    (["plot", "balls", "-o", "x.png", "--p", "two"], r"--p must be a number or inf, got 'two'"),
    (
        ["plot", "thresholding", "-o", "t.png", "--p", "inf"],
        r"lpreg plot: --p must be > 0 and finite, got inf\.",
    ),
    (["plot", "cubes", "-o", "x.png"], r"invalid choice: 'cubes'"),
    (["plot", "balls", "-o", "/nonexistent/b.png"], r"cannot write --output .*does not exist"),
    (["plot", "balls"], r"the following arguments are required: --output"),
]


@pytest.mark.parametrize(("argv", "message"), ERRORS, ids=lambda v: " ".join(v)[:40])
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, argv, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, argv)
    assert code == 2
    assert out == ""
    assert err.startswith("lpreg") and "error:" in err and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert re.search(message, err), err
    assert not any(tmp_path.iterdir())  # nothing written


def test_bad_data_file_column(capsys, tmp_path):
    csv = tmp_path / "d.csv"
    csv.write_text("a,b,label\n" + "".join(f"{i},{i % 3},{'xyz'[i % 3]}\n" for i in range(30)))
    code, _, err = run(capsys, ["fit", "--data", str(csv), "--target", "nope"])
    assert code == 2 and "target column 'nope' is not in" in err and "'a', 'b', 'label'" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only directory")
def test_read_only_output_directory(capsys, tmp_path):
    tmp_path.chmod(0o500)
    try:
        code, _, err = run(capsys, ["plot", "balls", "-o", str(tmp_path / "b.png")])
    finally:
        tmp_path.chmod(0o700)
    assert code == 2 and "is not writable" in err


def test_output_that_is_a_directory(capsys, tmp_path):
    target = tmp_path / "figure.png"
    target.mkdir()
    code, _, err = run(capsys, ["plot", "balls", "-o", str(target)])
    assert code == 2 and "is a directory; give a file name" in err


def test_missing_matplotlib_gives_the_install_hint(tmp_path):
    code = (
        "import sys; sys.modules['matplotlib'] = None; from lpreg.cli import main; "
        f"sys.exit(main(['plot', 'balls', '-o', {str(tmp_path / 'b.png')!r}]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert result.stderr == (
        'lpreg: error: lpreg plot: drawing needs matplotlib: pip install "lpreg[plot]"\n'
    )
