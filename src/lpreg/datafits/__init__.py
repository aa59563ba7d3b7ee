"""Datafits: the smooth part F of min_w F(w) + G(w), one module per loss."""

from lpreg.datafits.base import Datafit, DatafitKernels
from lpreg.datafits.quadratic import Quadratic

__all__ = ["Datafit", "DatafitKernels", "Quadratic"]
