"""Penalties: one family per module, every one registered in :mod:`lpreg.penalties.base`.

Importing this package imports every family module, which registers its classes; the public
names are each module's ``__all__``.
"""

import importlib

from lpreg.penalties.base import (
    Penalty,
    ScalarKernels,
    penalty_classes,
    penalty_examples,
    register_penalty,
)

_FAMILIES = (
    "l1",
    "l2",
    "elastic_net",
    "lp",
    "weighted_l1",
    "mcp",
    "scad",
    "group",
    "bounded",
    "factor",
    "linf",
)

__all__ = ["Penalty", "ScalarKernels", "penalty_classes", "penalty_examples", "register_penalty"]

for _family in _FAMILIES:
    _module = importlib.import_module(f"lpreg.penalties.{_family}")
    for _name in _module.__all__:
        if _name[0].isupper():  # classes are public; kernels stay in their module
            globals()[_name] = getattr(_module, _name)
            __all__.append(_name)
del _family, _module, _name
