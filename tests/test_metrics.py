"""Round metrics and stopping conditions on fixtures with known answers."""
import json

import numpy as np
import pytest

from bfbnb.metrics import (METRICS, AccuracyNotImproving, DeltaFNotDecreasing, FScoreNotImproving, MCModelEvaluation,
                           NewDataScore, PoolDeltaF, PoolScore, RoundContext, ScoreNotDecreasing, UnlabelledAgreement,
                           UnlabelledDeltaF, ValidationConfusionMatrix, ValidationFScore, delta_f, find_stopping_index,
                           metric_from_dict)
from bfbnb.network import build_network


def context_with_samples(samples, labels, round_index=0, **fields):
    context = RoundContext(round_index, 10 * round_index, model=None, validation_x=np.zeros((len(labels), 3)),
                           validation_labels=np.asarray(labels, bool), **fields)
    context._memo["validation"] = np.asarray(samples, np.float32)
    return context


def test_mc_evaluation_counts():
    samples = [[0.9] * 4, [0.8] * 4, [0.2] * 4, [0.1] * 4, [0.7] * 4]
    labels = [True, False, False, True, True]
    values = MCModelEvaluation().update(context_with_samples(samples, labels))
    assert values == {"accuracy": 0.6, "false_positives": 1.0, "false_negatives": 1.0}


def test_f_score_with_uncertainty_cut_drops_the_most_uncertain_of_each_class():
    rng = np.random.default_rng(0)
    confident = np.clip(rng.normal(0.95, 0.01, size=(40, 8)), 0, 1)
    uncertain_wrong = np.tile([0.05, 0.95], (2, 4))  # predicted BFB on average (0.5 -> not > 0.5?), disagreeing samples
    uncertain_wrong[:, 0] = 0.6  # mean just above 0.5: predicted BFB, highest BALD
    negatives = np.clip(rng.normal(0.05, 0.01, size=(58, 8)), 0, 1)
    samples = np.concatenate([confident, uncertain_wrong, negatives])
    labels = np.r_[np.ones(40, bool), np.zeros(2, bool), np.zeros(58, bool)]
    f_score = ValidationFScore(quantiles=(0.95, 1.0))
    values = f_score.update(context_with_samples(samples, labels))
    assert np.isclose(values["precision@1"], 40 / 42) and values["recall@1"] == 1.0
    assert values["precision@0.95"] == 1.0 and values["f1@0.95"] == 1.0  # the two uncertain false positives are cut
    counts = ValidationConfusionMatrix(quantiles=(0.95, 1.0)).update(context_with_samples(samples, labels))
    assert (counts["tp@1"], counts["fp@1"], counts["tn@1"], counts["fn@1"]) == (40, 2, 58, 0)
    assert counts["fp@0.95"] == 0 and "cut 0.95" in f_score.message(values)


def test_delta_f_agreement_and_first_round():
    assert delta_f(np.array([1, 1, 0, 0], bool), np.array([1, 0, 1, 0], bool)) == pytest.approx(1 - 2 / 4)
    metric, agreement = UnlabelledDeltaF(), UnlabelledAgreement()
    network = build_network(3, num_layers=1, units=4, seed=0)
    points = np.random.default_rng(1).normal(size=(50, 3))
    for round_index in range(3):
        context = RoundContext(round_index, round_index, network, 8, unlabelled_x=points)
        metric.update(context); agreement.update(context)
    assert [entry["round"] for entry in metric.history] == [1, 2]
    assert all(0 <= entry["delta_f"] <= 1 for entry in metric.history) and all(-1 <= e["kappa"] <= 1 for e in agreement.history)
    pool = PoolDeltaF().update(RoundContext(0, 0, network, 8, pool_x=points, pool_previous_mean=np.full(50, 0.9)))
    assert 0 <= pool["delta_f"] <= 1


def test_score_summaries_and_missing_fields():
    assert PoolScore().update(RoundContext(0, 0, None, pool_scores=np.array([1.0, 2.0, 3.0]))) == {"mean": 2.0, "min": 1.0, "max": 3.0}
    with pytest.raises(ValueError, match="needs new_scores"):  # a MissingContextError
        NewDataScore().update(RoundContext(0, 0, None))


@pytest.mark.parametrize("name", sorted(METRICS))
def test_every_registered_metric_restores_from_plain_data(name):
    metric = METRICS[name]()
    metric.history = [{"round": 0, "labels": 10, "x": 1.5}]
    restored = metric_from_dict(json.loads(json.dumps(metric.to_dict())))
    assert type(restored) is type(metric) and restored.history == metric.history and restored.config() == metric.config()
    with pytest.raises(ValueError, match="unknown metric type"):
        metric_from_dict({"type": "builtins.eval", "config": {}})


def test_stopping_conditions_and_replay():
    def metric_with(cls, key, values):
        metric = cls()
        metric.history = [{"round": i, "labels": i, key: v} for i, v in enumerate(values)]
        return metric
    f1 = {"validation_f_score": metric_with(ValidationFScore, "f1@1", [0.5, 0.8, 0.9, 0.89, 0.9, 0.88])}
    assert FScoreNotImproving(patience=3).should_stop(f1) and not FScoreNotImproving(patience=4).should_stop(f1)
    assert find_stopping_index(FScoreNotImproving(patience=2), f1) == 4
    accuracy = {"mc_model_evaluation": metric_with(MCModelEvaluation, "accuracy", [0.9, 0.95, 0.97])}
    assert find_stopping_index(AccuracyNotImproving(patience=1), accuracy) is None
    delta = {"unlabelled_delta_f": metric_with(UnlabelledDeltaF, "delta_f", [0.3, 0.1, 0.05, 0.06, 0.07])}
    assert DeltaFNotDecreasing(patience=2).should_stop(delta) and not DeltaFNotDecreasing(patience=3).should_stop(delta)
    pool = {"pool_score": metric_with(PoolScore, "mean", [0.4, 0.3, 0.2])}
    assert not ScoreNotDecreasing(patience=1).should_stop(pool)
    with pytest.raises(ValueError, match="patience must be at least 1"):
        ScoreNotDecreasing(patience=0)
