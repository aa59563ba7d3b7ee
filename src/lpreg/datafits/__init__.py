"""Datafits: the smooth part F of min_w F(w) + G(w), one module per loss."""

import importlib

from lpreg.datafits.base import Datafit, DatafitKernels

_FAMILIES = ("quadratic", "logistic", "huber", "multinomial")

__all__ = ["Datafit", "DatafitKernels"]

for _family in _FAMILIES:
    _module = importlib.import_module(f"lpreg.datafits.{_family}")
    for _name in _module.__all__:
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)
del _family, _module, _name
