"""Metric semantics: the 'latest value' rule, history completeness and paging, odd values."""
import math

import pytest
from mlflow.entities import Metric, Param, RunTag

from conftest import metric_value_matches

T0 = 1_700_000_000_000


@pytest.fixture
def run_id(client, exp_name):
    exp_id = client.create_experiment(exp_name)
    run = client.create_run(exp_id, run_name="metrics")
    yield run.info.run_id


def history(client, run_id, key):
    return sorted(
        ((m.step, m.timestamp, m.value) for m in client.get_metric_history(run_id, key)),
        key=lambda t: (t[0], t[1], -math.inf if math.isnan(t[2]) else t[2]),
    )


def test_latest_is_max_step_even_with_older_timestamp(client, run_id):
    client.log_metric(run_id, "x", 1.0, timestamp=T0 + 1000, step=0)
    client.log_metric(run_id, "x", 2.0, timestamp=T0 + 2000, step=1)
    client.log_metric(run_id, "x", 3.0, timestamp=T0, step=2)  # later step, older timestamp
    assert client.get_run(run_id).data.metrics["x"] == 3.0
    assert history(client, run_id, "x") == [(0, T0 + 1000, 1.0), (1, T0 + 2000, 2.0), (2, T0, 3.0)]


def test_latest_same_step_newest_timestamp_wins(client, run_id):
    client.log_metric(run_id, "y", 10.0, timestamp=T0 + 9, step=7)
    client.log_metric(run_id, "y", 4.0, timestamp=T0 + 5, step=7)  # received last, but older
    assert client.get_run(run_id).data.metrics["y"] == 10.0
    client.log_metric(run_id, "y", 1.0, timestamp=T0 + 20, step=7)
    assert client.get_run(run_id).data.metrics["y"] == 1.0
    assert history(client, run_id, "y") == [(7, T0 + 5, 4.0), (7, T0 + 9, 10.0), (7, T0 + 20, 1.0)]


def test_latest_same_step_and_timestamp_max_value_wins(client, run_id):
    client.log_metric(run_id, "z", 1.5, timestamp=T0, step=3)
    client.log_metric(run_id, "z", 2.5, timestamp=T0, step=3)
    client.log_metric(run_id, "z", 0.5, timestamp=T0, step=3)
    assert client.get_run(run_id).data.metrics["z"] == 2.5
    assert history(client, run_id, "z") == [(3, T0, 0.5), (3, T0, 1.5), (3, T0, 2.5)]


def test_exact_duplicate_point_collapses(client, run_id):
    client.log_metric(run_id, "dup", 1.25, timestamp=T0, step=1)
    client.log_metric(run_id, "dup", 1.25, timestamp=T0, step=1)
    client.log_batch(run_id, metrics=[Metric("dup", 1.25, T0, 1)])
    assert history(client, run_id, "dup") == [(1, T0, 1.25)]


def test_history_of_never_logged_key_is_empty(client, run_id):
    assert client.get_metric_history(run_id, "never-logged") == []


def test_negative_zero_tiny_huge_values_round_trip(client, run_id):
    values = [0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1e300, -123456789.125, 0.1 + 0.2, 1 / 3]
    client.log_batch(
        run_id, metrics=[Metric("exact", v, T0 + i, i) for i, v in enumerate(values)]
    )
    got = history(client, run_id, "exact")
    assert [g[2] for g in got] == values
    assert [g[0] for g in got] == list(range(len(values)))


def test_negative_step(client, run_id):
    client.log_metric(run_id, "neg", 1.0, timestamp=T0, step=-5)
    client.log_metric(run_id, "neg", 2.0, timestamp=T0, step=-10)
    assert history(client, run_id, "neg") == [(-10, T0, 2.0), (-5, T0, 1.0)]
    assert client.get_run(run_id).data.metrics["neg"] == 1.0


def test_nan_and_inf_via_log_batch(client, run_id):
    client.log_batch(
        run_id,
        metrics=[
            Metric("b_nan", float("nan"), T0, 0),
            Metric("b_inf", float("inf"), T0, 0),
            Metric("b_ninf", float("-inf"), T0, 0),
        ],
    )
    m = client.get_run(run_id).data.metrics
    assert math.isnan(m["b_nan"])
    assert metric_value_matches(m["b_inf"], float("inf"))
    assert metric_value_matches(m["b_ninf"], float("-inf"))
    (h,) = client.get_metric_history(run_id, "b_nan")
    assert math.isnan(h.value) and h.timestamp == T0 and h.step == 0


def test_history_over_25000_points_is_paged_completely(client, run_id):
    """The client asks for 25,000 points per page and follows next_page_token."""
    n = 30_000
    expected = [(i, T0 + 7 * i, math.sin(i) * 1000.0) for i in range(n)]
    for start in range(0, n, 1000):
        client.log_batch(
            run_id,
            metrics=[Metric("long", v, ts, step) for step, ts, v in expected[start:start + 1000]],
        )
    raw = client.get_metric_history(run_id, "long")
    assert len(raw) == n
    got = sorted((m.step, m.timestamp, m.value) for m in raw)
    assert got == expected
    assert all(m.key == "long" for m in raw)
    assert client.get_run(run_id).data.metrics["long"] == math.sin(n - 1) * 1000.0


def test_log_batch_with_params_and_tags_beyond_one_request(client, run_id):
    """The client splits this into several log-batch requests (<=100 params/tags each)."""
    params = [Param(f"p{i}", str(i)) for i in range(150)]
    tags = [RunTag(f"t{i}", f"v{i}") for i in range(120)]
    metrics = [Metric("bm", float(i), T0 + i, i) for i in range(1500)]
    client.log_batch(run_id, metrics=metrics, params=params, tags=tags)
    run = client.get_run(run_id)
    assert {k: v for k, v in run.data.params.items()} == {f"p{i}": str(i) for i in range(150)}
    user_tags = {k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.")}
    assert user_tags == {f"t{i}": f"v{i}" for i in range(120)}
    assert run.data.metrics["bm"] == 1499.0
    assert len(client.get_metric_history(run_id, "bm")) == 1500


def test_empty_log_batch_is_ok(client, run_id):
    client.log_batch(run_id)
    client.log_batch(run_id, metrics=[], params=[], tags=[])
    assert client.get_run(run_id).data.metrics == {}
