"""Thresholding, convergence and coefficient figures carry the computed numbers."""

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

import lpreg
from lpreg.datafits import Quadratic
from lpreg.penalties import L1, L2, MCP, SCAD, Lp
from lpreg.plotting import plot_coefficients, plot_convergence, plot_thresholding


def test_thresholding_lines_are_the_prox():
    penalties = [
        L1(1.0),
        L2(1.0),
        Lp(alpha=1.0, p=0.5),
        MCP(alpha=1.0, gamma=3.0),
        SCAD(alpha=1.0, gamma=3.7),
    ]
    x = np.linspace(-4.0, 4.0, 1601)
    ax = plot_thresholding(penalties, step=1.0, x=x)
    for penalty, line in zip(penalties, ax.lines[: len(penalties)], strict=True):
        assert line.get_label() == repr(penalty)
        np.testing.assert_array_equal(line.get_xdata(), x)
        np.testing.assert_array_equal(line.get_ydata(), penalty.prox(x, 1.0))
    # independent closed forms: soft thresholding and ridge shrinkage x / (1 + alpha)
    np.testing.assert_allclose(
        ax.lines[0].get_ydata(), np.sign(x) * np.maximum(np.abs(x) - 1.0, 0.0), atol=1e-15
    )
    np.testing.assert_allclose(ax.lines[1].get_ydata(), x / 2.0, atol=1e-15)


def test_thresholding_of_lp_half_jumps_at_its_threshold():
    # Lp(1, 0.5), step 1: threshold 1.5, smallest non-zero output 1 (the class docstring)
    penalty = Lp(alpha=1.0, p=0.5)
    assert (penalty.threshold(1.0), penalty.jump_size(1.0)) == (1.5, 1.0)
    x = np.linspace(0.0, 3.0, 3001)
    ax = plot_thresholding({"Lp(0.5)": penalty}, x=x)
    prox = ax.lines[0].get_ydata()
    below, above = x < 1.5 - 1e-9, x > 1.5 + 1e-9
    assert np.all(prox[below] == 0.0)
    assert np.all(prox[above] >= 1.0)
    # brute force on a fine grid, just past the threshold: the prox lands near 1, not 0
    z = np.linspace(0.0, 3.0, 300001)
    for xi in (1.49, 1.51, 2.5):
        objective = 0.5 * (z - xi) ** 2 + np.sqrt(z)
        assert prox[np.argmin(np.abs(x - xi))] == pytest.approx(z[np.argmin(objective)], abs=1e-4)


@pytest.fixture(scope="module")
def convergence_runs():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 20))
    y = X[:, :3] @ np.array([2.0, -1.0, 1.0]) + 0.1 * rng.standard_normal(60)
    penalty = L1(0.1)
    runs = {}
    for solver in ("coordinate_descent", "proximal_gradient", "subgradient"):
        with pytest.warns(ConvergenceWarning) if solver == "subgradient" else _nothing():
            runs[solver] = lpreg.solve(
                X,
                y,
                Quadratic(),
                penalty,
                solver=solver,
                history=True,
                tol=1e-10,
                max_iter=300,
                **({"check_every": 1} if solver == "subgradient" else {}),
            )
    return runs


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_convergence_lines_are_the_histories(convergence_runs):
    axes = plot_convergence(convergence_runs)
    for line_iter, line_time, result in zip(
        axes[0].lines, axes[1].lines, convergence_runs.values(), strict=True
    ):
        certificate = np.maximum(result.history["certificate"], 1e-16)
        np.testing.assert_array_equal(line_iter.get_ydata(), certificate)
        np.testing.assert_array_equal(line_iter.get_xdata(), np.arange(1, certificate.size + 1))
        np.testing.assert_array_equal(line_time.get_xdata(), result.history["time"])
    # CD reaches the tolerance; the subgradient's certificate oscillates and stays far above
    assert convergence_runs["coordinate_descent"].history["certificate"][-1] <= 1e-10
    subgradient = np.asarray(convergence_runs["subgradient"].history["certificate"])
    assert np.sum(np.diff(subgradient) > 0) > 5
    assert subgradient.min() > 1e-6


def test_convergence_needs_history():
    rng = np.random.default_rng(0)
    result = lpreg.solve(
        rng.standard_normal((10, 3)),
        rng.standard_normal(10),
        Quadratic(),
        L1(0.1),
        solver="coordinate_descent",
    )
    with pytest.raises(ValueError, match=r"plot_convergence: result 'cd' has no history"):
        plot_convergence({"cd": result})


def test_coefficient_bars_are_the_coefs():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 4))
    y = X @ np.array([1.0, 0.0, -2.0, 0.5]) + 0.1 * rng.standard_normal(50)
    models = {
        "lasso": lpreg.Lasso(alpha=0.1).fit(X, y),
        "ridge": lpreg.Ridge(alpha=1.0).fit(X, y),
        "truth": np.array([1.0, 0.0, -2.0, 0.5]),
    }
    ax = plot_coefficients(models)
    assert len(ax.containers) == 3
    for container, model in zip(ax.containers, models.values(), strict=True):
        heights = [bar.get_height() for bar in container]
        np.testing.assert_array_equal(heights, getattr(model, "coef_", model))
    with pytest.raises(ValueError, match=r"plot_coefficients: all models must have the same"):
        plot_coefficients({"a": np.zeros(3), "b": np.zeros(4)})
