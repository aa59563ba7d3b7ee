"""Penalties and proximal optimizers for PyTorch models (the optional ``torch`` extra).

An L1 term added to a loss reaches the weights only through its subgradient, which oscillates
around 0 and never lands on it.  The optimizers here take the gradient step, then the exact
proximal step of the penalty, so weights become exactly 0::

    import lpreg.torch as lt

    opt = lt.ProximalSGD(model.parameters(), lr=0.1, penalty=lt.L1(1e-3))

The penalties are built on the linear-model penalties (``lt.L1(alpha).penalty`` is
``lpreg.L1(alpha)``): one definition of the value and the prox, in numpy/numba there and
vectorised in torch here.  Importing :mod:`lpreg` never imports torch; importing this module
without torch raises an :class:`ImportError` with the install command.
"""

from __future__ import annotations

_INSTALL_MESSAGE = (
    "lpreg.torch needs PyTorch: pip install 'lpreg[torch]' (or pip install torch==2.13.0)"
)

try:
    import torch
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(_INSTALL_MESSAGE) from exc
if not hasattr(torch, "Tensor"):  # a folder named torch on sys.path, not PyTorch
    raise ImportError(_INSTALL_MESSAGE)

from lpreg.torch.optim import ProximalAdam, ProximalSGD, ProximalWrapper  # noqa: E402
from lpreg.torch.penalties import (  # noqa: E402
    L1,
    L2,
    ElasticNet,
    GroupLasso,
    Lp,
    TorchPenalty,
    penalty_from_config,
)
from lpreg.torch.sparsity import prune_zeros, sparsity_accuracy_sweep, sparsity_report  # noqa: E402

__all__ = [
    "L1",
    "L2",
    "ElasticNet",
    "GroupLasso",
    "Lp",
    "ProximalAdam",
    "ProximalSGD",
    "ProximalWrapper",
    "TorchPenalty",
    "penalty_from_config",
    "prune_zeros",
    "sparsity_accuracy_sweep",
    "sparsity_report",
]
