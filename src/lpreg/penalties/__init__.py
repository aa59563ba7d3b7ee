"""Penalties: one family per module, every one registered in :mod:`lpreg.penalties.base`."""

from lpreg.penalties.base import (
    Penalty,
    ScalarKernels,
    penalty_classes,
    penalty_examples,
    register_penalty,
)
from lpreg.penalties.l1 import L1
from lpreg.penalties.l2 import L2
from lpreg.penalties.elastic_net import ElasticNet

__all__ = [
    "L1",
    "L2",
    "ElasticNet",
    "Penalty",
    "ScalarKernels",
    "penalty_classes",
    "penalty_examples",
    "register_penalty",
]
