"""Sparsity helpers: a per-layer report, pruning of dead units, a sparsity–accuracy sweep."""

from __future__ import annotations

import copy

import torch
from torch import nn

__all__ = ["prune_zeros", "sparsity_accuracy_sweep", "sparsity_report"]

_ELEMENTWISE = (
    nn.ReLU,
    nn.ReLU6,
    nn.LeakyReLU,
    nn.ELU,
    nn.SELU,
    nn.CELU,
    nn.GELU,
    nn.SiLU,
    nn.Mish,
    nn.Tanh,
    nn.Sigmoid,
    nn.Softplus,
    nn.Hardtanh,
    nn.Identity,
    nn.Dropout,
)


def sparsity_report(model):
    """Exact zeros per layer with a ``weight`` (Linear, Conv, ...), as a list of dicts.

    Each dict has ``layer`` (module name), ``type``, ``shape``, ``n_weights``, ``n_zero``
    (entries exactly 0), ``zero_fraction``, ``n_units`` (``shape[0]``: output units /
    filters), ``dead_units`` (units whose incoming weights are all 0) and, for weights with
    at least 2 dimensions, ``dead_inputs`` (input units whose outgoing weights are all 0).
    """
    rows = []
    for name, module in model.named_modules():
        weight = getattr(module, "weight", None)
        if not isinstance(weight, torch.Tensor):
            continue
        w = weight.detach()
        zero = w == 0
        row = {
            "layer": name,
            "type": type(module).__name__,
            "shape": tuple(w.shape),
            "n_weights": w.numel(),
            "n_zero": int(zero.sum()),
            "zero_fraction": float(zero.sum()) / max(w.numel(), 1),
            "n_units": w.shape[0] if w.dim() else 1,
        }
        if w.dim() >= 2:
            row["dead_units"] = int(zero.flatten(1).all(dim=1).sum())
            row["dead_inputs"] = int(zero.transpose(0, 1).flatten(1).all(dim=1).sum())
        else:
            row["dead_units"] = int(zero.sum())
        rows.append(row)
    return rows


def _check_sequential(model):
    if not isinstance(model, nn.Sequential):
        raise TypeError(
            f"prune_zeros: model must be an nn.Sequential of nn.Linear layers and elementwise "
            f"activations, got {type(model).__name__}."
        )
    for index, module in enumerate(model):
        if not isinstance(module, (nn.Linear, *_ELEMENTWISE)):
            raise TypeError(
                f"prune_zeros: cannot prune through module {index} ({type(module).__name__}); "
                "only nn.Linear layers and elementwise activations "
                f"({', '.join(cls.__name__ for cls in _ELEMENTWISE)}) are supported."
            )


@torch.no_grad()
def prune_zeros(model):
    r"""Return a smaller copy of an MLP without its dead hidden units; predictions unchanged.

    For consecutive linear layers :math:`W_1, b_1` and :math:`W_2, b_2` separated by
    elementwise activations :math:`\sigma`, hidden unit :math:`i` is removed when

    * its incoming row :math:`W_1[i, :]` is 0: its output is the constant
      :math:`\sigma(b_{1,i})`, folded into the next bias,
      :math:`b_2 \leftarrow b_2 + \sigma(b_{1,i}) W_2[:, i]`; or
    * its outgoing column :math:`W_2[:, i]` is 0: it has no effect.

    Parameters
    ----------
    model : nn.Sequential
        ``nn.Linear`` layers and elementwise activations (ReLU, Tanh, Sigmoid, GELU,
        Dropout, ...).  The model is not modified.

    Returns
    -------
    nn.Sequential
        The pruned copy (the same training mode as ``model``).  At least one unit is kept
        per layer (with zero outgoing weights when all were dead).
    """
    _check_sequential(model)
    pruned = copy.deepcopy(model)
    training = pruned.training
    pruned.eval()
    linear_positions = [k for k, module in enumerate(pruned) if isinstance(module, nn.Linear)]
    for first, second in zip(linear_positions[:-1], linear_positions[1:], strict=True):
        layer_in, layer_out = pruned[first], pruned[second]
        between = pruned[first + 1 : second]
        weight_in = layer_in.weight
        bias_in = (
            layer_in.bias
            if layer_in.bias is not None
            else torch.zeros(weight_in.shape[0], dtype=weight_in.dtype, device=weight_in.device)
        )
        dead_in = (weight_in == 0).all(dim=1)
        dead_out = (layer_out.weight == 0).all(dim=0)
        constant = between(bias_in.unsqueeze(0)).squeeze(0)
        fold = layer_out.weight[:, dead_in & ~dead_out] @ constant[dead_in & ~dead_out]
        if layer_out.bias is None:
            layer_out.bias = nn.Parameter(fold.clone())
        else:
            layer_out.bias.add_(fold)
        keep = ~(dead_in | dead_out)
        if not keep.any():
            keep[0] = True
            layer_out.weight[:, 0] = 0.0
        pruned[first] = _linear_from(weight_in[keep], layer_in.bias, keep)
        pruned[second] = _linear_from(layer_out.weight[:, keep], layer_out.bias, None)
    pruned.train(training)
    return pruned


def _linear_from(weight, bias, keep):
    layer = nn.Linear(
        weight.shape[1],
        weight.shape[0],
        bias=bias is not None,
        device=weight.device,
        dtype=weight.dtype,
    )
    layer.weight.copy_(weight)
    if bias is not None:
        layer.bias.copy_(bias if keep is None else bias[keep])
    return layer


@torch.no_grad()
def sparsity_accuracy_sweep(train, alphas, X, y, *, weight=None):
    """Train one model per penalty strength and measure its accuracy and exact zeros.

    Parameters
    ----------
    train : callable
        ``train(alpha) -> model``; the model maps ``X`` to class scores.
    alphas : sequence of float
        Penalty strengths, in the order given.
    X, y : tensors
        Evaluation inputs and integer class labels.
    weight : callable, optional
        ``weight(model) -> tensor`` whose zeros are counted (e.g. ``lambda m: m[0].weight``);
        by default every parameter with at least 2 dimensions.

    Returns
    -------
    dict
        ``"alpha"``, ``"accuracy"`` (fraction of ``argmax(model(X)) == y``) and
        ``"zero_fraction"`` (fraction of entries exactly 0), lists aligned with ``alphas``.
    """
    result = {"alpha": [], "accuracy": [], "zero_fraction": []}
    for alpha in alphas:
        with torch.enable_grad():
            model = train(alpha)
        accuracy = float((model(X).argmax(dim=1) == y).double().mean())
        if weight is not None:
            tensors = [weight(model)]
        else:
            tensors = [param for param in model.parameters() if param.dim() >= 2]
        n_zero = sum(int((tensor == 0).sum()) for tensor in tensors)
        n_total = sum(tensor.numel() for tensor in tensors)
        result["alpha"].append(float(alpha))
        result["accuracy"].append(accuracy)
        result["zero_fraction"].append(n_zero / max(n_total, 1))
    return result
