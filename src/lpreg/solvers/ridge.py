r"""Ridge regression in closed form: Cholesky (primal or dual), LSQR for sparse X, SVD paths.

The problem is the quadratic datafit plus the squared L2 penalty,

.. math::
    \min_{w, b}\ \frac12 \sum_{i=1}^n c_i (y_i - x_i^\top w - b)^2 + \frac{\alpha}{2}\|w\|_2^2,
    \qquad c_i = \frac{s_i}{\sum_k s_k},

whose solution solves the normal equations
:math:`(\tilde X^\top C \tilde X + \alpha I) w = \tilde X^\top C \tilde y` with, when the
intercept is fitted, the weighted centering :math:`\tilde X = X - 1 \mu^\top`,
:math:`\mu = X^\top c`, :math:`\tilde y = y - (c^\top y) 1`, and then
:math:`b = c^\top y - \mu^\top w` (without intercept :math:`\tilde X = X`, :math:`b = 0`).
Multiplying the objective by :math:`2 \sum_k s_k` gives scikit-learn's ``Ridge`` objective
:math:`\sum_i s_i (y_i - x_i^\top w - b)^2 + \alpha_{\mathrm{sk}} \|w\|^2` with
:math:`\alpha_{\mathrm{sk}} = \alpha \sum_k s_k` (``n * alpha`` without sample weights).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, lsqr

from lpreg._validation import check_design, check_finite_array
from lpreg.datafits.base import normalized_sample_weight
from lpreg.solvers.base import Requirements, Solver, register_solver

__all__ = ["Ridge", "ridge_path_svd"]

# LSQR's stopping tolerances (relative residual of the normal equations); the certificate
# check after LSQR decides convergence.
_LSQR_TOL = 1e-14
_LSQR_CONLIM = 1e14
_MAX_REFINEMENTS = 5


@register_solver
class Ridge(Solver):
    r"""Closed-form ridge regression: Quadratic datafit + ``L2(alpha)``.

    Solves the normal equations of the module docstring exactly (up to rounding), with
    :math:`A = C^{1/2} \tilde X` and :math:`r = C^{1/2} \tilde y`:

    * dense ``X``, ``n_samples >= n_features``: Cholesky of :math:`A^\top A + \alpha I`
      (``p x p``), :math:`w = (A^\top A + \alpha I)^{-1} A^\top r`;
    * dense ``X``, ``n_features > n_samples``: the dual (kernel) form, Cholesky of
      :math:`A A^\top + \alpha I` (``n x n``), :math:`w = A^\top (A A^\top + \alpha I)^{-1} r`;
    * with ``alpha = 0`` (or a matrix that is not numerically positive definite) the
      minimum-norm least-squares solution of :math:`A w = r` (``scipy.linalg.lstsq``);
    * sparse ``X``: LSQR (``scipy.sparse.linalg.lsqr``, ``atol = btol = 1e-14``) on
      :math:`\min_w \|A w - r\|^2 + \alpha \|w\|^2`, written as the least-squares problem
      :math:`[A; \sqrt{\alpha} I]\, w \approx [r; 0]`; the centering is implicit (a
      ``LinearOperator`` :math:`v \mapsto C^{1/2}(Xv - 1\mu^\top v)`), so X is never
      densified.  While the duality gap is above ``tol``, LSQR is run again for the
      correction :math:`d` with the residual :math:`[r; 0] - [A; \sqrt\alpha I] w` as
      right-hand side (iterative refinement, at most 5 passes, ``max_iter`` LSQR iterations
      in all, default 10000).

    Dense float32 input is solved in float64 and the coefficients returned as float32.
    With this scaling the solution is scikit-learn's ``Ridge(alpha=alpha * sum(s))``
    (``alpha * n_samples`` without sample weights; same ``fit_intercept``, same
    ``sample_weight``).  The certificate is the duality gap, ~1e-16 relative at the exact
    solution.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge as SklearnRidge
    >>> from lpreg import L2, Quadratic
    >>> from lpreg.solvers import solve
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.standard_normal((30, 5)), rng.standard_normal(30)
    >>> ours = solve(X, y, Quadratic(), L2(alpha=0.1), solver="ridge", fit_intercept=True)
    >>> theirs = SklearnRidge(alpha=0.1 * 30).fit(X, y)
    >>> bool(np.allclose(ours.coef, theirs.coef_, rtol=1e-10, atol=1e-12))
    True
    """

    name = "ridge"
    options = ()
    requires = Requirements(datafits=("Quadratic",))
    alternatives = (
        "Use solver='coordinate_descent' or solver='proximal_gradient' for other datafits "
        "and penalties."
    )
    default_max_iter = 10_000

    def check(self, datafit, penalty):
        super().check(datafit, penalty)
        if type(penalty).__name__ != "L2":
            raise ValueError(
                f"{type(self).__name__} cannot solve {type(datafit).__name__} + "
                f"{type(penalty).__name__}: it is the closed form of Quadratic + L2 only. "
                f"{self.alternatives}"
            )

    def _solve(self, problem, w0, intercept0, history):
        alpha = float(problem.penalty.alpha)
        c = problem.sample_weight
        y = np.asarray(problem.y, dtype=np.float64)
        if problem.is_sparse:
            coef, intercept, n_iter = _solve_sparse(problem, alpha, c, y)
        else:
            X = np.asarray(problem.X, dtype=np.float64)
            coef, intercept = _solve_dense(X, y, c, alpha, problem.fit_intercept)
            n_iter = 1
        trace = None
        if history:
            trace = {
                "objective": [problem.objective(coef, intercept)],
                "certificate": [problem.certificate_at(coef, intercept)],
                "time": [0.0],
            }
        return coef, intercept, n_iter, trace


def _center_dense(X, y, c, fit_intercept):
    """Return ``A = C^{1/2} (X - 1 mu'), r = C^{1/2} (y - c'y), mu, c'y``."""
    if fit_intercept:
        mean_X = c @ X
        mean_y = float(c @ y)
        X = X - mean_X
        y = y - mean_y
    else:
        mean_X = np.zeros(X.shape[1])
        mean_y = 0.0
    root = np.sqrt(c)
    return root[:, None] * X, root * y, mean_X, mean_y


def _solve_dense(X, y, c, alpha, fit_intercept):
    A, r, mean_X, mean_y = _center_dense(X, y, c, fit_intercept)
    n_samples, n_features = A.shape
    coef = None
    if alpha > 0:
        try:
            if n_samples >= n_features:
                gram = A.T @ A
                gram[np.diag_indices_from(gram)] += alpha
                factor = scipy.linalg.cho_factor(gram, lower=True, check_finite=False)
                coef = scipy.linalg.cho_solve(factor, A.T @ r, check_finite=False)
            else:
                kernel = A @ A.T
                kernel[np.diag_indices_from(kernel)] += alpha
                factor = scipy.linalg.cho_factor(kernel, lower=True, check_finite=False)
                coef = A.T @ scipy.linalg.cho_solve(factor, r, check_finite=False)
        except np.linalg.LinAlgError:
            coef = None
    if coef is None:
        if alpha > 0:
            # not numerically positive definite: solve the damped least squares stably
            A = np.vstack([A, np.sqrt(alpha) * np.eye(n_features)])
            r = np.concatenate([r, np.zeros(n_features)])
        coef = scipy.linalg.lstsq(A, r, check_finite=False)[0]
    intercept = mean_y - float(mean_X @ coef) if fit_intercept else 0.0
    return coef, intercept


def _solve_sparse(problem, alpha, c, y):
    X = problem.X
    if X.dtype != np.float64:
        X = X.astype(np.float64)
    n_samples, n_features = X.shape
    root = np.sqrt(c)
    if problem.fit_intercept:
        mean_X = np.asarray(X.T @ c).ravel()
        mean_y = float(c @ y)
    else:
        mean_X = np.zeros(n_features)
        mean_y = 0.0

    def matvec(v):
        v = np.ravel(v)
        return root * (np.asarray(X @ v).ravel() - float(mean_X @ v))

    def rmatvec(u):
        u = np.ravel(u) * root
        return np.asarray(X.T @ u).ravel() - mean_X * u.sum()

    damp = np.sqrt(alpha)

    def augmented_matvec(v):
        v = np.ravel(v)
        return np.concatenate([matvec(v), damp * v])

    def augmented_rmatvec(u):
        u = np.ravel(u)
        return rmatvec(u[:n_samples]) + damp * u[n_samples:]

    # [A; sqrt(alpha) I] w ~ [r; 0] is the damped problem; written out (instead of LSQR's
    # ``damp``) so that refinement steps d solve [A; sqrt(alpha) I] d ~ residual exactly
    operator = LinearOperator(
        (n_samples + n_features, n_features),
        matvec=augmented_matvec,
        rmatvec=augmented_rmatvec,
        dtype=np.float64,
    )
    target = np.concatenate([root * (y - mean_y), np.zeros(n_features)])
    coef = np.zeros(n_features)
    n_iter = 0
    for _ in range(_MAX_REFINEMENTS):
        residual = target - operator.matvec(coef)
        correction, _, used = lsqr(
            operator,
            residual,
            atol=_LSQR_TOL,
            btol=_LSQR_TOL,
            conlim=_LSQR_CONLIM,
            iter_lim=max(problem.max_iter - n_iter, 1),
        )[:3]
        coef = coef + correction
        n_iter += int(used)
        intercept = mean_y - float(mean_X @ coef) if problem.fit_intercept else 0.0
        if problem.certificate_at(coef, intercept) <= problem.tol or n_iter >= problem.max_iter:
            break
        if used == 0:
            break
    return coef, intercept, n_iter


def ridge_path_svd(X, y, alphas, sample_weight=None, fit_intercept=False):
    r"""Ridge coefficients for many ``alpha`` from one SVD (dense ``X``).

    With :math:`A = C^{1/2} \tilde X = U \operatorname{diag}(\sigma) V^\top` (thin SVD) and
    :math:`r = C^{1/2} \tilde y` (centering and :math:`C` as in :mod:`lpreg.solvers.ridge`),

    .. math::
        w(\alpha) = V \operatorname{diag}\Big(\frac{\sigma_k}{\sigma_k^2 + \alpha}\Big) U^\top r,
        \qquad b(\alpha) = c^\top y - \mu^\top w(\alpha),

    the minimiser of :math:`\frac12 \sum_i c_i (y_i - x_i^\top w - b)^2 +
    \frac{\alpha}{2}\|w\|^2`; singular values below ``max(n, p) * eps * sigma_max`` count as 0
    (so ``alpha = 0`` gives the minimum-norm least-squares solution).  Cost: one SVD,
    :math:`O(np\min(n, p))`, then :math:`O(p \min(n, p))` per alpha.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Dense design (a sparse X raises ``TypeError``: the SVD would densify it).
    y : array-like of shape (n_samples,)
        Target.
    alphas : array-like of shape (n_alphas,)
        Strengths, each finite and ``>= 0``, in the scaling of :class:`lpreg.L2`.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights ``s``; ``c = s / sum(s)``.
    fit_intercept : bool, default=False
        Whether to fit the unpenalized intercept ``b``.

    Returns
    -------
    coefs : ndarray of shape (n_alphas, n_features)
        ``coefs[k]`` is :math:`w(\alpha_k)` (float64).
    intercepts : ndarray of shape (n_alphas,)
        :math:`b(\alpha_k)` (zeros when ``fit_intercept`` is False).

    Examples
    --------
    >>> import numpy as np
    >>> from lpreg.solvers import ridge_path_svd
    >>> X = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    >>> coefs, intercepts = ridge_path_svd(X, np.array([1.0, 2.0, 2.0]), [0.0, 1e9])
    >>> np.round(coefs, 6)
    array([[1., 1.],
           [0., 0.]])
    """
    owner = "ridge_path_svd"
    if sp.issparse(X):
        raise TypeError(
            f"{owner}: X must be a dense array, got a sparse {type(X).__name__}; an SVD would "
            "densify it. Solve each alpha with solve(..., solver='ridge') instead."
        )
    X, y = check_design(X, y, owner)
    alphas = check_finite_array(alphas, "alphas", owner)
    if np.any(alphas < 0):
        first = int(np.flatnonzero(alphas < 0)[0])
        raise ValueError(
            f"{owner}: alphas must be >= 0, got alphas[{first}]={float(alphas[first])!r}."
        )
    y = check_finite_array(y, "y", owner)
    X = np.asarray(X, dtype=np.float64)
    c = normalized_sample_weight(sample_weight, X.shape[0], owner)
    A, r, mean_X, mean_y = _center_dense(X, y, c, bool(fit_intercept))
    U, sigma, Vt = scipy.linalg.svd(A, full_matrices=False, check_finite=False)
    cutoff = max(A.shape) * np.finfo(np.float64).eps * (sigma[0] if sigma.size else 0.0)
    keep = sigma > cutoff
    sigma, U, Vt = sigma[keep], U[:, keep], Vt[keep]
    projected = U.T @ r
    filters = sigma[None, :] / (sigma[None, :] ** 2 + alphas[:, None])
    coefs = (filters * projected[None, :]) @ Vt
    if fit_intercept:
        intercepts = mean_y - coefs @ mean_X
    else:
        intercepts = np.zeros(alphas.shape[0])
    return coefs, intercepts
