"""Proximal operators, solver convergence and coefficient comparisons."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_coefficients", "plot_convergence", "plot_thresholding"]


def _new_axes(ax, ncols=1, figsize=None):
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    _, ax = plt.subplots(1, ncols, figsize=figsize)
    return ax


def plot_thresholding(penalties, *, step=1.0, x=None, ax=None):
    r"""Each penalty's prox :math:`x \mapsto \operatorname{prox}_{t G}(x)` as a function of x.

    The curve of a penalty is ``penalty.prox(x, step)``, the exact vectorised prox
    :math:`\operatorname{argmin}_z \tfrac12 (z - x)^2 + t\,G(z)` applied coordinatewise to the
    grid ``x``: soft thresholding for L1, the jump at the threshold of ``Lp(p < 1)``, the
    shrinkage :math:`x / (1 + t\alpha)` of L2, firm thresholding for MCP and SCAD.  The
    identity is drawn dashed for reference.

    Parameters
    ----------
    penalties : sequence of Penalty or dict of {label: Penalty}
        Separable penalties; labels default to their ``repr``.
    step : float, default=1.0
        The prox step :math:`t`.
    x : array-like of shape (n_points,), default=None
        The inputs; ``np.linspace(-4, 4, 1601)`` when None.
    ax : matplotlib Axes, default=None

    Returns
    -------
    matplotlib Axes
        ``ax.lines[k]`` is the k-th penalty's prox (x-data ``x``, y-data its prox).
    """
    ax = _new_axes(ax)
    if not isinstance(penalties, dict):
        penalties = {repr(penalty): penalty for penalty in penalties}
    x = np.linspace(-4.0, 4.0, 1601) if x is None else np.asarray(x, dtype=np.float64)
    for label, penalty in penalties.items():
        ax.plot(x, penalty.prox(x, step), label=label, linewidth=1.4, gid=label)
    ax.plot(x, x, color="0.6", linestyle="--", linewidth=0.8, label="identity", zorder=0)
    ax.axhline(0.0, color="0.85", linewidth=0.6, zorder=0)
    ax.axvline(0.0, color="0.85", linewidth=0.6, zorder=0)
    ax.set_xlabel("$x$")
    ax.set_ylabel(rf"$\mathrm{{prox}}_{{{step:g}\,G}}(x)$")
    ax.set_title("Thresholding functions")
    ax.legend(fontsize=7, loc="upper left")
    return ax


def plot_convergence(results, *, ax=None, floor=1e-16):
    r"""Certificate against iterations and against time, one curve per solver run.

    Parameters
    ----------
    results : dict of {label: SolveResult}
        Results of ``lpreg.solve(..., history=True)``; ``history["certificate"]`` and
        ``history["time"]`` are drawn (log scale, values below ``floor`` drawn at ``floor``).
        Solvers record at their certificate checks (the subgradient solver every
        ``check_every`` iterations: pass ``check_every=1`` for every iteration), so the first
        panel's x-axis counts history entries.  A subgradient method's certificate oscillates
        instead of decreasing.
    ax : pair of matplotlib Axes, default=None
        (against iterations, against time); a new 1 x 2 figure when None.
    floor : float, default=1e-16

    Returns
    -------
    pair of matplotlib Axes
        ``ax[0].lines[k]``: x-data ``1, 2, ...`` (history entries), y-data the k-th run's
        certificates;
        ``ax[1].lines[k]``: x-data its times.
    """
    axes = _new_axes(ax, ncols=2, figsize=(10, 4))
    for label, result in results.items():
        history = result.history
        if history is None:
            raise ValueError(
                f"plot_convergence: result {label!r} has no history; solve with history=True."
            )
        certificate = np.maximum(np.asarray(history["certificate"], dtype=np.float64), floor)
        iterations = np.arange(1, certificate.shape[0] + 1)
        (line,) = axes[0].plot(iterations, certificate, label=label, linewidth=1.2, gid=label)
        axes[1].plot(
            history["time"],
            certificate,
            label=label,
            linewidth=1.2,
            gid=label,
            color=line.get_color(),
        )
    for axis, xlabel in zip(axes, ("recorded check (history entry)", "time (s)"), strict=True):
        axis.set_yscale("log")
        axis.set_xlabel(xlabel)
        axis.set_ylabel("relative certificate")
        axis.legend(fontsize=8)
    axes[0].set_title("Certificate against checks")
    axes[1].set_title("Certificate against time")
    return axes


def plot_coefficients(models, *, feature_names=None, ax=None):
    r"""Coefficients of several models side by side, one group of bars per feature.

    Parameters
    ----------
    models : dict of {label: fitted estimator or array of shape (n_features,)}
        An estimator's ``coef_`` is used (raveled).
    feature_names : sequence of str, default=None
        ``x0, x1, ...`` when None.
    ax : matplotlib Axes, default=None

    Returns
    -------
    matplotlib Axes
        ``ax.containers[k]`` holds the bars of the k-th model; bar ``j``'s height is its
        coefficient ``j``.
    """
    ax = _new_axes(ax)
    coefs = {
        label: np.ravel(np.asarray(getattr(model, "coef_", model), dtype=np.float64))
        for label, model in models.items()
    }
    sizes = {coef.shape[0] for coef in coefs.values()}
    if len(sizes) != 1:
        raise ValueError(
            f"plot_coefficients: all models must have the same number of features, got "
            f"{ {label: coef.shape[0] for label, coef in coefs.items()} }."
        )
    n_features = sizes.pop()
    if feature_names is None:
        feature_names = [f"x{j}" for j in range(n_features)]
    positions = np.arange(n_features)
    width = 0.8 / len(coefs)
    for k, (label, coef) in enumerate(coefs.items()):
        ax.bar(positions + (k - (len(coefs) - 1) / 2) * width, coef, width, label=label)
    ax.set_xticks(positions)
    ax.set_xticklabels(feature_names, rotation=90 if n_features > 10 else 0, fontsize=8)
    ax.axhline(0.0, color="0.4", linewidth=0.6)
    ax.set_ylabel("coefficient")
    ax.set_title("Coefficients")
    ax.legend(fontsize=8)
    return ax
