"""Regularization paths, cross-validation curves and stability paths."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_cv", "plot_path", "plot_stability"]


def _new_axes(ax):
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    _, ax = plt.subplots()
    return ax


def _feature_names(feature_names, n_features):
    if feature_names is None:
        return [f"x{j}" for j in range(n_features)]
    names = [str(name) for name in feature_names]
    if len(names) != n_features:
        raise ValueError(
            f"feature_names must have one name per feature ({n_features}), got {len(names)}."
        )
    return names


def plot_path(path, *, feature_names=None, n_labels=5, ax=None):
    r"""Coefficients against alpha (log scale, decreasing to the right), top features named.

    Parameters
    ----------
    path : RegularizationPath
        What :func:`lpreg.path.regularization_path` / ``lasso_path`` / ``enet_path`` return
        (anything with ``alphas`` (n_alphas,) and ``coefs`` (n_features, n_alphas)).
    feature_names : sequence of str, default=None
        ``x0, x1, ...`` when None.
    n_labels : int, default=5
        The ``n_labels`` features of largest ``|coef|`` at the smallest alpha are named at the
        right end of their curves.
    ax : matplotlib Axes, default=None

    Returns
    -------
    matplotlib Axes
        ``ax.lines[j]`` is feature ``j``'s curve: x-data ``path.alphas``, y-data
        ``path.coefs[j]``.
    """
    ax = _new_axes(ax)
    alphas = np.asarray(path.alphas, dtype=np.float64)
    coefs = np.asarray(path.coefs, dtype=np.float64)
    names = _feature_names(feature_names, coefs.shape[0])
    for j in range(coefs.shape[0]):
        ax.plot(alphas, coefs[j], linewidth=1.0, gid=f"feature_{j}")
    ax.set_xscale("log")
    ax.set_xlim(alphas.max(), alphas.min())
    end = np.argmin(alphas)
    top = np.argsort(-np.abs(coefs[:, end]), kind="stable")[: int(n_labels)]
    for j in top:
        if coefs[j, end] != 0.0:
            ax.annotate(
                names[j],
                (alphas[end], coefs[j, end]),
                xytext=(3, 0),
                textcoords="offset points",
                fontsize=8,
                va="center",
                color=ax.lines[j].get_color(),
            )
    ax.axhline(0.0, color="0.6", linewidth=0.6)
    ax.set_xlabel(r"$\alpha$")
    ax.set_ylabel("coefficient")
    ax.set_title("Regularization path")
    return ax


def plot_cv(model, *, ax=None):
    r"""Mean cross-validated loss ± one standard error against alpha, with the chosen alphas.

    Parameters
    ----------
    model : fitted LassoCV, ElasticNetCV, LpRegressionCV or LogisticRegressionCV
        Read: ``cv_results_`` (``alpha``, ``mean_test_<loss>``, ``se_test_<loss>``; for a
        joint grid the rows of the selected ``l1_ratio_`` / ``p_``), ``alpha_min_``,
        ``alpha_1se_``.
    ax : matplotlib Axes, default=None

    Returns
    -------
    matplotlib Axes
        ``gid``: ``"cv_mean"`` (the mean curve), ``"alpha_min"`` and ``"alpha_1se"`` (vertical
        lines at ``alpha_min_`` and ``alpha_1se_``).
    """
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(model, "cv_results_")
    ax = _new_axes(ax)
    results = model.cv_results_
    mean_key = next(key for key in results if key.startswith("mean_test_"))
    loss_name = mean_key[len("mean_test_") :]
    rows = np.ones(len(results["alpha"]), dtype=bool)
    title = type(model).__name__
    for grid_name in ("l1_ratio", "p"):
        if grid_name in results and hasattr(model, grid_name + "_"):
            chosen = getattr(model, grid_name + "_")
            rows = np.asarray(results[grid_name]) == chosen
            title += f" ({grid_name} = {chosen:g})"
    alphas = np.asarray(results["alpha"])[rows]
    mean = np.asarray(results[mean_key])[rows]
    standard_error = np.asarray(results[f"se_test_{loss_name}"])[rows]
    ax.fill_between(
        alphas,
        mean - standard_error,
        mean + standard_error,
        color="tab:blue",
        alpha=0.2,
        label="± 1 s.e.",
    )
    ax.plot(
        alphas,
        mean,
        color="tab:blue",
        marker=".",
        markersize=3,
        gid="cv_mean",
        label=f"mean test {loss_name}",
    )
    ax.axvline(
        model.alpha_min_,
        color="tab:red",
        linestyle="--",
        gid="alpha_min",
        label=rf"$\alpha_{{min}}$ = {model.alpha_min_:.3g}",
    )
    ax.axvline(
        model.alpha_1se_,
        color="tab:green",
        linestyle=":",
        gid="alpha_1se",
        label=rf"$\alpha_{{1se}}$ = {model.alpha_1se_:.3g}",
    )
    ax.set_xscale("log")
    ax.set_xlim(alphas.max(), alphas.min())
    ax.set_xlabel(r"$\alpha$")
    ax.set_ylabel(f"cross-validated {loss_name}")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return ax


def plot_stability(result, *, feature_names=None, ax=None):
    r"""Selection probabilities against alpha; the selected features in colour, named.

    Parameters
    ----------
    result : StabilityPath
        What :func:`lpreg.model_selection.stability_selection` returns.
    feature_names : sequence of str, default=None
    ax : matplotlib Axes, default=None

    Returns
    -------
    matplotlib Axes
        ``ax.lines[j]`` is feature ``j``'s curve (y-data ``result.probabilities[j]``); the
        ``"threshold"`` line is at ``result.threshold``.
    """
    ax = _new_axes(ax)
    alphas = np.asarray(result.alphas)
    probabilities = np.asarray(result.probabilities)
    names = _feature_names(feature_names, probabilities.shape[0])
    selected = set(int(j) for j in result.selected)
    for j in range(probabilities.shape[0]):
        if j in selected:
            ax.plot(alphas, probabilities[j], linewidth=1.6, gid=f"feature_{j}", label=names[j])
        else:
            ax.plot(alphas, probabilities[j], color="0.7", linewidth=0.7, gid=f"feature_{j}")
    ax.axhline(
        result.threshold,
        color="k",
        linestyle="--",
        linewidth=0.8,
        gid="threshold",
        label=rf"$\tau$ = {result.threshold:g}",
    )
    ax.set_xscale("log")
    ax.set_xlim(alphas.max(), alphas.min())
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(r"$\alpha$")
    ax.set_ylabel("selection probability")
    ax.set_title(
        f"Stability selection: {len(selected)} selected, "
        f"E[false selections] ≤ {result.error_bound:.2g}"
    )
    ax.legend(fontsize=7, loc="upper left")
    return ax
