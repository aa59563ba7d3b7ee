"""One adapter per library.  Each module exposes

* ``NAME`` and ``version()``;
* ``supports(problem) -> bool``;
* ``SCHEDULE``: the ``(tol, max_iter)`` pairs tried in order, loosest first, until the objective is
  within the target relative suboptimality (each library's ``tol`` means something different);
* ``warm_up(problem)``: one small fit of the same kind (JIT compilation, imports);
* ``fit(problem, tol, max_iter) -> (solver_label, coef)``, without intercept, warnings silenced.
"""

from . import celer_peer, lpreg_peer, skglm_peer, sklearn_peer

ADAPTERS = [lpreg_peer, sklearn_peer, skglm_peer, celer_peer]
