"""The ``lpreg`` command: ``compare`` against direct estimator calls, its inputs and errors.

Also the data helpers of :mod:`lpreg.datasets` it reads through (``load_file``,
``make_correlated``).
"""

import contextlib
import io
import json
import re
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import load_dataset
from numpy.testing import assert_allclose
from sklearn.datasets import load_diabetes
from sklearn.linear_model import ElasticNet, LassoCV
from sklearn.model_selection import GridSearchCV, KFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import lpreg
from lpreg.cli import main
from lpreg.datasets import load_file, make_correlated


def run_json(capsys, argv):
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def assert_equals_direct_calls(report, X, y, scaler=None):
    """Each row of ``report`` equals a direct Pipeline(StandardScaler, estimator) call."""
    split = report["split"]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=split["test_size"], random_state=split["random_state"]
    )
    for model in report["models"]:
        estimator = getattr(lpreg, model["estimator"])(**model["params"])
        assert estimator.alpha == model["alpha"]
        pipeline = make_pipeline(scaler or StandardScaler(), estimator).fit(X_train, y_train)
        assert_allclose(model["coef"], estimator.coef_, rtol=0, atol=1e-10)
        assert_allclose(model["intercept"], estimator.intercept_, rtol=0, atol=1e-10)
        assert model["n_nonzero"] == np.count_nonzero(estimator.coef_)
        assert_allclose(model["train_score"], pipeline.score(X_train, y_train), atol=1e-10)
        assert_allclose(model["test_score"], pipeline.score(X_test, y_test), atol=1e-10)


@pytest.fixture(scope="module")
def diabetes_report():
    """The JSON ``lpreg compare --format json`` prints (run once: 40 CV paths, 5 resamples;
    every model in this process, whose compiled loops the direct calls below reuse)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["compare", "--format", "json", "--bootstrap", "5", "--jobs", "1"]) == 0
    return json.loads(printed.getvalue())


def test_compare_numbers_do_not_depend_on_jobs(capsys, diabetes_report):
    """Two worker processes (--jobs 2) give the report of the run in this process, number for
    number; only the timings and the recorded n_jobs differ."""
    parallel = run_json(capsys, ["compare", "--bootstrap", "5", "--jobs", "2"])
    assert (parallel["n_jobs"], diabetes_report["n_jobs"]) == (2, 1)
    timings = {"fit_time", "cv_time"}
    for ours, theirs in zip(parallel["models"], diabetes_report["models"], strict=True):
        assert {k: v for k, v in ours.items() if k not in timings} == {
            k: v for k, v in theirs.items() if k not in timings
        }
    assert {k: v for k, v in parallel.items() if k not in ("models", "n_jobs")} == {
        k: v for k, v in diabetes_report.items() if k not in ("models", "n_jobs")
    }


# ---- compare on the default data ---------------------------------------------------------
def test_compare_json_equals_direct_estimator_calls(diabetes_report):
    report = diabetes_report
    assert [m["estimator"] for m in report["models"]] == [
        "Lasso",
        "Ridge",
        "ElasticNet",
        "LpRegression",
    ]
    assert report["data"]["task"] == "regression"
    assert (report["split"]["n_train"], report["split"]["n_test"]) == (331, 111)
    X, y = load_diabetes(return_X_y=True)
    assert_equals_direct_calls(report, X, y)


def test_compare_new_columns_recomputed_independently(diabetes_report):
    """Test MSE, selected names, bootstrap Jaccard stability and correlated groups kept."""
    report = diabetes_report
    data = load_diabetes()
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.25, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    Z_train, Z_test = scaler.transform(X_train), scaler.transform(X_test)
    # the only pair of diabetes features with |corr| >= 0.8 on the training rows: s1, s2
    correlation = np.corrcoef(Z_train, rowvar=False)
    pairs = np.argwhere(np.triu(np.abs(correlation) >= 0.8, k=1))
    assert pairs.tolist() == [[4, 5]]
    assert report["groups"]["members"] == [["s1", "s2"]]
    rng = np.random.default_rng(0)
    resamples = [rng.integers(0, 331, 331) for _ in range(5)]
    for model in report["models"]:
        estimator = getattr(lpreg, model["estimator"])(**model["params"]).fit(Z_train, y_train)
        prediction = Z_test @ estimator.coef_ + estimator.intercept_
        assert model["test_mse"] == pytest.approx(np.mean((y_test - prediction) ** 2), rel=1e-9)
        full = {data.feature_names[j] for j in np.flatnonzero(estimator.coef_)}
        assert set(model["selected"]) == full
        magnitudes = [abs(estimator.coef_[data.feature_names.index(n)]) for n in model["selected"]]
        assert magnitudes == sorted(magnitudes, reverse=True)
        assert model["group_kept"] == [len(full & {"s1", "s2"})]
        jaccards = []
        for rows in resamples:
            refit = getattr(lpreg, model["estimator"])(**model["params"])
            refit.fit(Z_train[rows], y_train[rows])
            chosen = {data.feature_names[j] for j in np.flatnonzero(refit.coef_)}
            jaccards.append(len(chosen & full) / len(chosen | full))
        assert_allclose(model["stability_jaccard"], jaccards, rtol=0, atol=1e-12)
        assert model["stability"] == pytest.approx(np.mean(jaccards), abs=1e-12)
    by_name = {m["estimator"]: m for m in report["models"]}
    assert by_name["Ridge"]["stability"] == 1.0  # L2 keeps every feature, every time
    assert by_name["Lasso"]["stability"] < 1.0


def test_compare_alpha_choice_matches_independent_cv(diabetes_report):
    """CV curves equal scikit-learn's LassoCV / ElasticNetCV, a closed-form ridge per fold
    and GridSearchCV over the convex LpRegression(p=1.5); the chosen point is their argmin."""

    X, y = load_diabetes(return_X_y=True)
    X_train, _, y_train, _ = train_test_split(X, y, test_size=0.25, random_state=0)
    X_train = StandardScaler().fit_transform(X_train)
    n = X_train.shape[0]
    folds = list(KFold(5, shuffle=True, random_state=0).split(X_train))
    alpha_max = np.max(np.abs(X_train.T @ (y_train - y_train.mean()))) / n
    grid = alpha_max * np.geomspace(1.0, 1e-3, 20)
    by_name = {m["estimator"]: m for m in diabetes_report["models"]}
    assert_allclose(by_name["Lasso"]["alpha_grid"], grid, rtol=1e-12)
    lasso = LassoCV(alphas=grid, cv=folds, tol=1e-10).fit(X_train, y_train)
    assert_allclose(by_name["Lasso"]["cv_mean"][0], lasso.mse_path_.mean(axis=1), rtol=1e-5)
    assert by_name["Lasso"]["alpha"] == pytest.approx(lasso.alpha_, rel=1e-12)

    enet = by_name["ElasticNet"]
    assert enet["grid_values"] == [0.1, 0.5, 0.9]
    for k, ratio in enumerate(enet["grid_values"]):
        assert_allclose(enet["alpha_grids"][k], grid / ratio, rtol=1e-12)
        reference = np.zeros(20)  # scikit-learn's ElasticNet per fold and alpha
        for train, test in folds:
            for i, alpha in enumerate(grid / ratio):
                fit = ElasticNet(alpha=alpha, l1_ratio=ratio, tol=1e-12, max_iter=100_000)
                fit.fit(X_train[train], y_train[train])
                residual = y_train[test] - fit.predict(X_train[test])
                reference[i] += np.mean(residual**2) / len(folds)
        assert_allclose(enet["cv_mean"][k], reference, rtol=1e-5)
    best = np.unravel_index(np.argmin(enet["cv_mean"]), (3, 20))
    assert (enet["l1_ratio"], enet["penalty_alpha"]) == (
        enet["grid_values"][best[0]],
        enet["alpha_grids"][best[0]][best[1]],
    )

    ridge = by_name["Ridge"]
    top_eigenvalue = np.linalg.eigvalsh(X_train.T @ X_train / n)[-1]
    assert_allclose(ridge["alpha_grid"], 10 * top_eigenvalue * np.geomspace(1, 1e-5, 20))
    closed_form = np.zeros(20)
    for train, test in folds:
        Xf, yf = X_train[train], y_train[train]
        mean_x, mean_y = Xf.mean(axis=0), yf.mean()
        gram = (Xf - mean_x).T @ (Xf - mean_x) / len(train)
        for k, alpha in enumerate(ridge["alpha_grid"]):
            w = np.linalg.solve(
                gram + alpha * np.eye(10), (Xf - mean_x).T @ (yf - mean_y) / len(train)
            )
            residual = y_train[test] - (X_train[test] - mean_x) @ w - mean_y
            closed_form[k] += np.mean(residual**2) / len(folds)
    assert_allclose(ridge["cv_mean"][0], closed_form, rtol=1e-6)
    assert ridge["alpha"] == pytest.approx(n * ridge["alpha_grid"][int(np.argmin(closed_form))])
    for name in ("Lasso", "Ridge"):  # a real minimum, not an edge artefact
        assert 0 < by_name[name]["alpha_index"] < 19, name

    lp = by_name["LpRegression"]
    assert lp["grid_values"] == [0.5, 0.75, 1.5]
    search = GridSearchCV(
        lpreg.LpRegression(p=1.5, tol=1e-10),
        {"alpha": lp["alpha_grids"][2]},
        cv=folds,
        scoring="neg_mean_squared_error",
    ).fit(X_train, y_train)
    assert_allclose(lp["cv_mean"][2], -search.cv_results_["mean_test_score"], rtol=1e-5)


def test_lp_alpha_max_is_the_coordinate_step_threshold(diabetes_report):
    """Just above the Lp scale a prox step from w = 0 keeps every w_j = 0; just below, not."""
    X, y = load_diabetes(return_X_y=True)
    X_train, _, y_train, _ = train_test_split(X, y, test_size=0.25, random_state=0)
    X_train = StandardScaler().fit_transform(X_train)
    # standardised columns: coordinate Lipschitz constants are 1, the step from 0 is -g
    step_from_zero = X_train.T @ (y_train - y_train.mean()) / X_train.shape[0]
    lp = diabetes_report["models"][3]
    for k, p in enumerate(lp["grid_values"][:2]):  # p = 0.5, 0.75
        scale = lp["alpha_grids"][k][0]
        assert np.all(lpreg.Lp(scale * (1 + 1e-9), p=p).prox(step_from_zero, 1.0) == 0)
        assert np.count_nonzero(lpreg.Lp(scale * (1 - 1e-6), p=p).prox(step_from_zero, 1.0)) == 1
    # p = 1.5: at the top of the grid the step from 0 is shrunk exactly 11-fold (largest |g|)
    scale = lp["alpha_grids"][2][0]
    shrunk = lpreg.Lp(scale, p=1.5).prox(step_from_zero, 1.0)
    j = np.argmax(np.abs(step_from_zero))
    assert shrunk[j] == pytest.approx(step_from_zero[j] / 11, rel=1e-8)


def test_compare_table_lists_the_four_penalties_and_certificates(capsys):
    assert main(["compare", "--alphas", "0.1", "--bootstrap", "2"]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("penalty"))
    for column in (
        "hyper-parameters",
        "test MSE",
        "test R2",
        "non-zeros",
        "selected features",
        "stability",
        "corr. groups",
        "fit [s]",
        "CV [s]",
        "certificate",
    ):
        assert column in header
    rows = [line for line in out.splitlines() if line.startswith(("L1", "L2", "Elastic", "Lp"))]
    assert [row.split()[0] for row in rows] == ["L1", "L2", "Elastic", "Lp"]
    assert [row.split()[-2] for row in rows] == ["gap", "gap", "gap", "KKT"]
    assert "alpha = 0.1 x alpha_max per penalty (no CV)" in out
    assert "stability: mean over 2 bootstrap resamples" in out
    assert "{s1, s2}" in out


def test_progress_bar_goes_to_stderr_only(capsys):
    assert main(["compare", "--alphas", "0.1", "--bootstrap", "1", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # stderr is not a terminal: no bar by default
    argv = ["compare", "--alphas", "0.1", "--bootstrap", "1", "--format", "json", "--progress"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["bootstrap"]["n_bootstrap"] == 1
    assert captured.err.endswith("\n")
    assert "lpreg compare [##############################] 8/8" in captured.err


# ---- user files -------------------------------------------------------------------------
def test_compare_reads_a_csv_file(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    X, y, _ = make_correlated(
        n_samples=80, n_features=6, n_groups=2, n_informative=3, random_state=3
    )
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(6)])
    frame.insert(2, "target", y)  # the target need not be the last column
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    dataset = load_file(path, target="target")
    assert_allclose(dataset.X, X, rtol=0, atol=0)
    assert_allclose(dataset.y, y, rtol=0, atol=0)
    assert dataset.feature_names == tuple(f"f{j}" for j in range(6))
    report = run_json(
        capsys, ["compare", "--data", str(path), "--target", "target", "--alphas", "0.05"]
    )
    assert report["data"]["n_samples"] == 80 and report["data"]["task"] == "regression"
    assert_equals_direct_calls(report, X, y)


def test_compare_reads_a_real_npz_dataset(tmp_path, capsys):
    prostate = load_dataset("prostate")
    path = tmp_path / "prostate.npz"
    np.savez(path, X=prostate["X"], y=prostate["y"], feature_names=prostate["feature_names"])
    report = run_json(capsys, ["compare", "--data", str(path), "--alphas", "0.05"])
    assert report["data"]["n_samples"] == 97 and report["data"]["n_features"] == 8
    assert_equals_direct_calls(report, prostate["X"], prostate["y"])


def test_load_file_reads_the_sparse_twin_of_an_npz(tmp_path):
    prostate = load_dataset("prostate")
    X = sp.csr_matrix(np.where(np.abs(prostate["X"]) > 1.0, prostate["X"], 0.0))
    np.savez(tmp_path / "sparse.npz", y=prostate["y"])
    sp.save_npz(tmp_path / "sparse.X.npz", X)
    dataset = load_file(tmp_path / "sparse.npz")
    assert sp.issparse(dataset.X)
    assert (dataset.X != X).nnz == 0
    assert_allclose(dataset.y, prostate["y"], rtol=0, atol=0)


def test_load_file_types_the_target(tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_text("a,label\n" + "".join(f"{i},{'yes' if i % 2 else 'no'}\n" for i in range(9)))
    numbers = tmp_path / "numbers.csv"
    numbers.write_text("a,b,count,level\n" + "".join(f"{i},{i % 3},{i},{i}.5\n" for i in range(9)))
    assert load_file(labels, target="label").y.tolist() == ["no", "yes"] * 4 + ["no"]
    assert load_file(numbers, target="count").y.dtype == np.int64
    level = load_file(numbers, target="level")
    assert level.y.dtype == np.float64
    assert_allclose(level.y, np.arange(9) + 0.5, rtol=0, atol=0)
    assert_allclose(level.X, np.column_stack([np.arange(9), np.arange(9) % 3, np.arange(9)]))


@pytest.mark.slow
def test_compare_classifies_a_text_target(tmp_path, capsys):
    X, _, coef = make_correlated(
        n_samples=120, n_features=5, n_groups=5, n_informative=3, random_state=1
    )
    labels = np.where(
        X @ coef + 0.5 * np.random.default_rng(1).standard_normal(120) > 0, "yes", "no"
    )
    path = tmp_path / "labels.csv"
    lines = ["x0,x1,x2,x3,x4,label"] + [
        ",".join([*map(repr, row.tolist()), label]) for row, label in zip(X, labels, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    report = run_json(
        capsys, ["compare", "--data", str(path), "--target", "label", "--alphas", "0.1"]
    )
    assert report["data"]["task"] == "classification" and report["score"] == "accuracy"
    X_train, X_test, y_train, y_test = train_test_split(
        X, labels, test_size=0.25, random_state=0, stratify=labels
    )
    for model in report["models"]:
        estimator = lpreg.LogisticRegression(**model["params"])
        pipeline = make_pipeline(StandardScaler(), estimator).fit(X_train, y_train)
        assert_allclose(model["coef"], estimator.coef_, rtol=0, atol=1e-10)
        assert model["test_score"] == pipeline.score(X_test, y_test)


# ---- errors: one line on stderr, exit code 2, no traceback --------------------------------
def write_csv(path, header, rows):
    path.write_text("\n".join([header, *rows]) + "\n")
    return str(path)


def numeric_rows(n):
    return [f"{i},{(i * 7) % 5},{i * 0.5}" for i in range(n)]


@pytest.mark.parametrize(
    ("case", "match"),
    [
        ("missing file", r"data file '.*nowhere\.csv' does not exist"),
        ("unknown column", r"target column 'price' is not in .*; its columns are 'a', 'b', 'y'"),
        ("no target", r"name its target column with --target"),
        (
            "text feature",
            r"features must be numeric, but .* column\(s\) 'city' \(e\.g\. 'Paris'\)",
        ),
        ("missing value", r"missing values in feature column\(s\) 'b' \(1 rows\)"),
        ("too few rows", r"has 9 rows; with --test-size 0\.25 .* needs at least 14"),
        ("one class", r"has a single class"),
        ("tiny class", r"class 'rare' of target 'y' .* has 2 rows; .* needs at least 8"),
        ("bad suffix", r"file type '\.txt' is not supported; use \.csv"),
        ("target for npz", r"target='y' applies to \.csv and \.parquet files"),
        ("npz without y", r"has no array 'y'"),
        ("bad test size", r"--test-size must be in \(0, 1\), got 1\.5"),
        ("bad alphas", r"--alphas must be 'cv' or a ratio RATIO in \(0, 1\] .*, got 'many'"),
        ("target without data", r"--target names a column of a --data file"),
        ("regression on text", r"--task regression needs a numeric target"),
        ("negative bootstrap", r"--bootstrap must be an integer >= 0 .*, got -1"),
        ("no jobs", r"lpreg compare: --jobs must be an integer >= 1 \(1 runs .*\), got 0"),
        ("report folder missing", r"cannot write --report '.*nowhere/r\.html': folder .*"),
        ("report is a folder", r"--report '.*' is a directory; give a file name"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(tmp_path, capsys, case, match):
    good = write_csv(tmp_path / "good.csv", "a,b,y", numeric_rows(40))
    argv = {
        "missing file": ["--data", str(tmp_path / "nowhere.csv"), "--target", "y"],
        "unknown column": ["--data", good, "--target", "price"],
        "no target": ["--data", good],
        "text feature": [
            "--data",
            write_csv(tmp_path / "t.csv", "a,city,y", ["1,Paris,2", "2,Rome,3"]),
            "--target",
            "y",
        ],
        "missing value": [
            "--data",
            write_csv(tmp_path / "m.csv", "a,b,y", ["1,2,3", "4,,6", "7,8,9"]),
            "--target",
            "y",
        ],
        "too few rows": [
            "--data",
            write_csv(tmp_path / "s.csv", "a,b,y", numeric_rows(9)),
            "--target",
            "y",
        ],
        "one class": [
            "--data",
            write_csv(tmp_path / "o.csv", "a,y", [f"{i},same" for i in range(30)]),
            "--target",
            "y",
        ],
        "tiny class": [
            "--data",
            write_csv(
                tmp_path / "c.csv",
                "a,y",
                [f"{i},{'rare' if i < 2 else 'common'}" for i in range(40)],
            ),
            "--target",
            "y",
        ],
        "bad suffix": ["--data", write_csv(tmp_path / "d.txt", "a,y", ["1,2"]), "--target", "y"],
        "target for npz": ["--data", str(tmp_path / "xy.npz"), "--target", "y"],
        "npz without y": ["--data", str(tmp_path / "x_only.npz")],
        "bad test size": ["--test-size", "1.5"],
        "bad alphas": ["--alphas", "many"],
        "target without data": ["--target", "y"],
        "negative bootstrap": ["--bootstrap", "-1"],
        "no jobs": ["--jobs", "0"],
        "report folder missing": ["--report", str(tmp_path / "nowhere" / "r.html")],
        "report is a folder": ["--report", str(tmp_path)],
        "regression on text": [
            "--data",
            write_csv(tmp_path / "r.csv", "a,y", [f"{i},{'ab'[i % 2]}" for i in range(40)]),
            "--target",
            "y",
            "--task",
            "regression",
        ],
    }[case]
    np.savez(tmp_path / "xy.npz", X=np.ones((30, 2)), y=np.arange(30.0))
    np.savez(tmp_path / "x_only.npz", X=np.ones((30, 2)))
    assert main(["compare", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("lpreg: error: ")
    assert re.search(match, lines[0]), lines[0]


def test_parquet_without_engine_says_what_to_install(tmp_path, capsys):
    pytest.importorskip("pandas")
    try:
        import pyarrow  # noqa: F401

        pytest.skip("pyarrow is installed: the missing-engine message cannot be shown")
    except ImportError:
        pass
    path = tmp_path / "data.parquet"
    path.write_bytes(b"PAR1")
    assert main(["compare", "--data", str(path), "--target", "y"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"lpreg: error: load_file: reading {str(path)!r} needs a parquet engine: "
        "pip install pyarrow"
    ]


def test_usage_errors_are_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", "--format", "xml"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert err[0].startswith("lpreg: error: argument --format: invalid choice: 'xml'")
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", "--bootstrap", "many"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "lpreg: error: argument --bootstrap: invalid int value: 'many' (see `lpreg compare "
        "--help`)"
    ]


def test_console_script_error_has_no_traceback(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "lpreg.cli", "compare", "--data", str(tmp_path / "x.csv")],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert completed.stderr.splitlines() == [
        f"lpreg: error: load_file: data file {str(tmp_path / 'x.csv')!r} does not exist."
    ]


# ---- lpreg demo still works ---------------------------------------------------------------
def test_demo_still_runs(capsys):
    from sklearn.linear_model import Lasso

    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    rows = {
        line.split()[0]: line.split()
        for line in out.splitlines()
        if line[:2] in ("L1", "L2", "El", "Lp") and line.split()[1].isdigit()
    }
    assert set(rows) == {"L1", "L2", "ElasticNet(l1_ratio=0.5)", "Lp(p=0.5)"}
    # the L1 row agrees with scikit-learn's Lasso at the same alpha
    X, y = load_diabetes(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    alpha = 0.05 * np.max(np.abs(X.T @ (y - y.mean()))) / X.shape[0]
    reference = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, y)
    assert int(rows["L1"][1]) == np.count_nonzero(reference.coef_)
    assert float(rows["L1"][2]) == pytest.approx(reference.score(X, y), abs=1e-4)


# ---- lpreg.datasets ---------------------------------------------------------------------
def test_make_correlated_has_the_stated_correlation_and_signal():
    X, y, coef = make_correlated(
        n_samples=20_000, n_features=6, n_groups=2, rho=0.6, n_informative=3, noise=0.5
    )
    correlation = np.corrcoef(X, rowvar=False)
    same_block = np.kron(np.eye(2), np.ones((3, 3))).astype(bool) & ~np.eye(6, dtype=bool)
    assert_allclose(correlation[same_block], 0.6, atol=0.02)
    assert_allclose(correlation[~np.kron(np.eye(2), np.ones((3, 3))).astype(bool)], 0, atol=0.03)
    assert_allclose(X.std(axis=0), 1.0, atol=0.02)
    assert list(np.flatnonzero(coef)) == [0, 1, 3]  # round robin: block 0, block 1, block 0
    assert np.all((np.abs(coef[[0, 1, 3]]) >= 1) & (np.abs(coef[[0, 1, 3]]) < 2))
    assert np.std(y - X @ coef) == pytest.approx(0.5, abs=0.02)
    X_again, _, _ = make_correlated(
        n_samples=20_000, n_features=6, n_groups=2, rho=0.6, n_informative=3, noise=0.5
    )
    assert np.array_equal(X, X_again)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"rho": 1.5},
            ValueError,
            r"make_correlated: rho must be in \[0\.0, 1\.0\], got rho=1\.5",
        ),
        ({"n_groups": 0}, ValueError, r"n_groups must be in \[1, 50\], got n_groups=0"),
        (
            {"n_informative": 51},
            ValueError,
            r"n_informative must be in \[0, 50\], got n_informative=51",
        ),
        ({"n_samples": 2.5}, TypeError, r"n_samples must be an integer, got float 2\.5"),
        ({"noise": -1.0}, ValueError, r"noise must be in \[0\.0, inf\), got noise=-1\.0"),
    ],
)
def test_make_correlated_rejects_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_correlated(**kwargs)
