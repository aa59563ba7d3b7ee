"""Sparse MLPs on scikit-learn's digits: exact zeros at unregularized accuracy, dead units."""

from __future__ import annotations

import pytest

lt = pytest.importorskip("lpreg.torch", reason="PyTorch is not installed")
import torch  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

BATCH = 64


@pytest.fixture(scope="module")
def digits():
    """Standardised digits (scaled on the training part), 75 / 25 stratified split."""
    torch.set_num_threads(1)  # tiny matrices: threads only add overhead
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    mean, scale = X_train.mean(axis=0), X_train.std(axis=0)
    scale[scale == 0] = 1.0
    as_float = [torch.tensor((a - mean) / scale, dtype=torch.float32) for a in (X_train, X_test)]
    return as_float[0], torch.tensor(y_train), as_float[1], torch.tensor(y_test)


def _mlp(hidden, seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10)
    )


def _train(digits, *, penalty=None, loss_alpha=0.0, hidden=128, epochs=30, adam=False):
    """SGD (momentum 0.9, cosine lr from 0.05) or Adam; penalty / L1 loss term on layer 0."""
    X_train, y_train, _, _ = digits
    model = _mlp(hidden)
    groups = [
        {"params": [model[0].weight], "penalty": penalty},
        {"params": [model[0].bias, *model[2].parameters()], "penalty": None},
    ]
    if adam:
        optimizer = lt.ProximalAdam(groups, lr=1e-3)
    else:
        optimizer = lt.ProximalSGD(groups, lr=0.05, momentum=0.9)
    n_steps = epochs * -(-len(y_train) // BATCH)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, n_steps)
    generator = torch.Generator().manual_seed(1)
    for _ in range(epochs):
        for batch in torch.randperm(len(y_train), generator=generator).split(BATCH):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(X_train[batch]), y_train[batch])
            if loss_alpha:
                loss = loss + lt.L1(loss_alpha)(model[0].weight)
            loss.backward()
            optimizer.step()
            scheduler.step()
    return model


@torch.no_grad()
def _accuracy(model, digits):
    _, _, X_test, y_test = digits
    return float((model(X_test).argmax(dim=1) == y_test).double().mean())


def _zero_fraction(tensor):
    return float((tensor == 0).double().mean())


def test_proximal_l1_is_sparse_at_unregularized_accuracy_and_loss_term_is_not(digits):
    plain = _train(digits)
    proximal = _train(digits, penalty=lt.L1(0.05))
    # in the loss, alpha = 0.05 costs 4 (SGD) to 32 (Adam) points of accuracy; 0.003 keeps it
    # comparable, and still gives no exact zero
    in_loss = _train(digits, loss_alpha=0.003)
    in_loss_adam = _train(digits, loss_alpha=0.003, adam=True)
    results = {
        name: (_accuracy(model, digits), _zero_fraction(model[0].weight))
        for name, model in [
            ("unregularized", plain),
            ("ProximalSGD + L1", proximal),
            ("SGD + L1 in loss", in_loss),
            ("Adam + L1 in loss", in_loss_adam),
        ]
    }
    print(results)
    accuracy_plain = results["unregularized"][0]
    accuracy_prox, zeros_prox = results["ProximalSGD + L1"]
    assert accuracy_prox >= accuracy_plain - 0.01
    assert zeros_prox >= 0.80
    for name in ("SGD + L1 in loss", "Adam + L1 in loss"):
        accuracy, zeros = results[name]
        assert zeros <= 0.01, name  # the subgradient never lands on 0
        assert accuracy >= accuracy_plain - 0.02, name  # at comparable accuracy


def test_group_lasso_removes_hidden_units_and_pruning_keeps_predictions(digits):
    model = _train(digits, penalty=lt.GroupLasso(0.05, dim=0), hidden=64, epochs=15)
    report = lt.sparsity_report(model)
    dead = report[0]["dead_units"]
    print(report[0], _accuracy(model, digits))
    assert report[0]["layer"] == "0" and report[0]["n_units"] == 64
    assert 0.25 * 64 <= dead < 64
    # whole rows are 0; other zeros only on constant pixels (zero gradient), where a unit
    # that died and came back keeps the 0 its row had
    weight = model[0].weight.detach()
    alive = ~(weight == 0).all(dim=1)
    constant_pixels = digits[0].std(dim=0) == 0
    assert not (weight[alive][:, ~constant_pixels] == 0).any()
    assert _accuracy(model, digits) >= 0.9
    pruned = lt.prune_zeros(model)
    assert pruned[0].out_features == 64 - dead
    assert pruned[2].in_features == 64 - dead
    _, _, X_test, _ = digits
    with torch.no_grad():
        torch.testing.assert_close(pruned(X_test), model(X_test), rtol=1e-5, atol=1e-5)
    assert lt.sparsity_report(pruned)[0]["dead_units"] == 0


def test_prune_zeros_folds_constant_units_and_drops_unused_ones():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(5, 6),
        torch.nn.Sigmoid(),
        torch.nn.Linear(6, 4),
        torch.nn.Tanh(),
        torch.nn.Linear(4, 2),
    ).double()
    with torch.no_grad():
        model[0].weight[1] = 0.0  # constant unit: sigmoid(b_1) != 0, folded into the next bias
        model[2].weight[:, 4] = 0.0  # unit 4 is never read
        model[2].weight[0] = 0.0
        model[2].bias[0] = 0.0  # tanh(0) = 0: nothing to fold
    pruned = lt.prune_zeros(model)
    assert [layer.out_features for layer in pruned if isinstance(layer, torch.nn.Linear)] == [
        4,
        3,
        2,
    ]
    X = torch.randn(20, 5, dtype=torch.float64)
    with torch.no_grad():
        torch.testing.assert_close(pruned(X), model(X), rtol=0, atol=1e-14)
    assert model[0].out_features == 6  # the input model is left as it was


def test_prune_zeros_refuses_modules_it_cannot_see_through():
    model = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.BatchNorm1d(3))
    with pytest.raises(TypeError, match=r"cannot prune through module 1 \(BatchNorm1d\)"):
        lt.prune_zeros(model)
    with pytest.raises(TypeError, match="model must be an nn.Sequential"):
        lt.prune_zeros(torch.nn.Linear(3, 3))


def test_sparsity_accuracy_sweep_measures_each_alpha(digits):
    _, _, X_test, y_test = digits

    def train(alpha):
        return _train(digits, penalty=lt.L1(alpha) if alpha else None, hidden=16, epochs=3)

    result = lt.sparsity_accuracy_sweep(
        train, [0.0, 0.2], X_test, y_test, weight=lambda model: model[0].weight
    )
    assert result["alpha"] == [0.0, 0.2]
    assert result["zero_fraction"][0] == 0.0
    assert result["zero_fraction"][1] > 0.5
    reference = train(0.2)
    assert result["accuracy"][1] == pytest.approx(_accuracy(reference, digits))
