"""Every registered solver certifies every compatible (datafit, penalty) pair it accepts.

For each solver of :func:`lpreg.solvers.solver_classes`, each datafit class and each registry
penalty example with ``alpha > 0`` (rescaled to ``0.1 * alpha_max`` of the L1 problem, a
strength that keeps a few coefficients nonzero), pairs the solver refuses through its
``check`` are skipped; the others are solved on a real and a synthetic problem, and the
certificate is recomputed from ``coef`` with :mod:`lpreg.certificates` (not read off the
result) and must be ``<= tol``.

``subgradient`` is excluded: it never lands on the kinks of a penalty, so it never certifies a
solution (its own tests check that it decreases the objective and warns).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import (
    classification_data,
    recomputed_certificate,
    regression_data,
    synthetic_data,
)

from lpreg import L1
from lpreg.datafits import Huber, Logistic, Quadratic
from lpreg.penalties import penalty_examples
from lpreg.solvers import solver_classes

TOL = 1e-6
NOT_CERTIFYING = {"subgradient"}
DATAFITS = [Quadratic(), Logistic(), Huber()]
PENALTIES = [penalty for penalty in penalty_examples() if penalty.params[0] > 0]
SOLVERS = sorted(name for name in solver_classes() if name not in NOT_CERTIFYING)


def _problems(datafit, n_features):
    if isinstance(datafit, Logistic):
        real = classification_data("colon_alon", n_features=n_features or 20)
        synthetic = synthetic_data("classification", n_features=n_features or 20)
    else:
        real = regression_data("prostate", n_features=n_features)
        synthetic = synthetic_data("regression", n_features=n_features or 20)
    return {"real": real, "synthetic": synthetic}


@pytest.mark.parametrize("penalty", PENALTIES, ids=repr)
@pytest.mark.parametrize("datafit", DATAFITS, ids=lambda d: type(d).__name__)
@pytest.mark.parametrize("solver_name", SOLVERS)
def test_certificate_recomputed_from_coef_reaches_tol(solver_name, datafit, penalty):
    solver = solver_classes()[solver_name]()
    try:
        solver.check(datafit, penalty)
    except ValueError as error:
        pytest.skip(f"incompatible: {error}")
    for name, (X, y) in _problems(datafit, penalty.n_features_required).items():
        alpha = 0.1 * L1().alpha_max(X, y, datafit)
        scaled = penalty.with_alpha(alpha)
        result = solver.solve(X, y, datafit, scaled, tol=TOL)
        certificate = recomputed_certificate(X, y, datafit, scaled, result.coef, result.intercept)
        assert certificate <= TOL, (name, result.certificate, certificate)
        assert np.all(np.isfinite(result.coef))
