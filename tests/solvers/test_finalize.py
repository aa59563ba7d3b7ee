"""What finalize reports when the certificate itself cannot be computed."""

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from lpreg.datafits import Quadratic
from lpreg.penalties import L1
from lpreg.solvers import solve


def test_overflowing_objective_is_reported_as_such_not_as_max_iter():
    # 0.5 * y_i^2 overflows float64 for |y_i| ~ 1e200: no duality gap can be formed, and the
    # warning must say so instead of blaming max_iter
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 3))
    y = rng.standard_normal(20) * 1e200
    with (
        np.errstate(all="ignore"),
        pytest.warns(ConvergenceWarning) as records,
    ):
        result = solve(X, y, Quadratic(), L1(0.1), solver="proximal_gradient", max_iter=5)
    messages = [str(r.message) for r in records if r.category is ConvergenceWarning]
    assert not result.converged
    assert not np.isfinite(result.gap)
    assert any(
        "proximal_gradient stopped with duality gap nan" in m
        and "overflows" in m
        and "max_iter" not in m
        for m in messages
    ), messages
