"""Path, CV and stability figures draw the estimators' own numbers on real data."""

import numpy as np
import pytest
from conftest import load_dataset

from lpreg import LassoCV
from lpreg.model_selection import stability_selection
from lpreg.path import lasso_path
from lpreg.plotting import plot_cv, plot_path, plot_stability


@pytest.fixture(scope="module")
def prostate():
    data = load_dataset("prostate")
    X = data["X"]
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, data["y"] - data["y"].mean(), [str(name) for name in data["feature_names"]]


def test_plot_path_lines_are_the_path(prostate):
    X, y, names = prostate
    path = lasso_path(X, y, n_alphas=30, eps=1e-3)
    ax = plot_path(path, feature_names=names, n_labels=3)
    assert len(ax.lines) == X.shape[1] + 1  # one per feature, then the zero line
    for j in range(X.shape[1]):
        np.testing.assert_array_equal(ax.lines[j].get_xdata(), path.alphas)
        np.testing.assert_array_equal(ax.lines[j].get_ydata(), path.coefs[j])
    # the three largest |coef| at the smallest alpha are named
    top = np.argsort(-np.abs(path.coefs[:, -1]))[:3]
    assert sorted(text.get_text() for text in ax.texts) == sorted(names[j] for j in top)
    assert ax.get_xscale() == "log"


def test_plot_path_rejects_wrong_number_of_names(prostate):
    X, y, names = prostate
    path = lasso_path(X, y, n_alphas=5)
    with pytest.raises(ValueError, match=r"feature_names must have one name per feature \(8\)"):
        plot_path(path, feature_names=names[:3])


def test_plot_cv_marks_alpha_min_and_alpha_1se(prostate):
    X, y, _ = prostate
    model = LassoCV(n_alphas=20, cv=3).fit(X, y)
    ax = plot_cv(model)
    lines = {line.get_gid(): line for line in ax.lines}
    assert lines["alpha_min"].get_xdata()[0] == model.alpha_min_
    assert lines["alpha_1se"].get_xdata()[0] == model.alpha_1se_
    np.testing.assert_array_equal(lines["cv_mean"].get_xdata(), model.alphas_)
    # the mean curve is the fold average of the per-fold test losses
    np.testing.assert_allclose(lines["cv_mean"].get_ydata(), model.mse_path_.mean(axis=1))
    # and alpha_min_ is where the drawn curve is lowest
    assert model.alphas_[np.argmin(lines["cv_mean"].get_ydata())] == model.alpha_min_


def test_plot_stability_lines_are_the_probabilities(prostate):
    X, y, names = prostate
    result = stability_selection(X, y, n_alphas=8, n_pairs=5, random_state=0)
    ax = plot_stability(result, feature_names=names)
    for j in range(X.shape[1]):
        np.testing.assert_array_equal(ax.lines[j].get_ydata(), result.probabilities[j])
    threshold = [line for line in ax.lines if line.get_gid() == "threshold"][0]
    assert threshold.get_ydata()[0] == result.threshold
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert [label for label in labels if label in names] == [names[j] for j in result.selected]
