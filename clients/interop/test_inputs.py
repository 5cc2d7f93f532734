"""Dataset inputs (runs/log-inputs) and long values."""
import json

import pytest
from mlflow.entities import Dataset, DatasetInput, InputTag

SCHEMA = json.dumps({"mlflow_colspec": [{"type": "double", "name": "f1", "required": True}]})


@pytest.fixture
def exp_id(client, exp_name):
    return client.create_experiment(exp_name)


def dataset(name, digest, context=None, tags=None):
    input_tags = [InputTag(k, v) for k, v in (tags or {}).items()]
    if context:
        input_tags.append(InputTag("mlflow.data.context", context))
    return DatasetInput(
        Dataset(
            name=name, digest=digest, source_type="http",
            source=json.dumps({"url": f"https://example.com/{name}.csv"}),
            schema=SCHEMA, profile=json.dumps({"num_rows": 3}),
        ),
        tags=input_tags,
    )


def test_log_inputs_round_trip(client, exp_id):
    rid = client.create_run(exp_id).info.run_id
    client.log_inputs(rid, datasets=[
        dataset("train-ds", "abc123", context="training", tags={"split": "train"}),
        dataset("eval-ds", "def456", context="eval"),
    ])
    inputs = client.get_run(rid).inputs.dataset_inputs
    got = {
        d.dataset.name: (d.dataset.digest, d.dataset.source_type, d.dataset.source,
                         d.dataset.schema, d.dataset.profile,
                         {t.key: t.value for t in d.tags})
        for d in inputs
    }
    assert got == {
        "train-ds": ("abc123", "http", json.dumps({"url": "https://example.com/train-ds.csv"}),
                     SCHEMA, json.dumps({"num_rows": 3}),
                     {"mlflow.data.context": "training", "split": "train"}),
        "eval-ds": ("def456", "http", json.dumps({"url": "https://example.com/eval-ds.csv"}),
                    SCHEMA, json.dumps({"num_rows": 3}), {"mlflow.data.context": "eval"}),
    }


def test_search_by_dataset(client, exp_id):
    a = client.create_run(exp_id).info.run_id
    b = client.create_run(exp_id).info.run_id
    client.log_inputs(a, datasets=[dataset("train-ds", "abc123", context="training")])
    client.log_inputs(b, datasets=[dataset("other-ds", "zzz999", context="eval")])

    def found(f):
        return {r.info.run_id for r in client.search_runs([exp_id], f)}

    assert found("datasets.name = 'train-ds'") == {a}
    assert found("datasets.digest = 'zzz999'") == {b}
    assert found("datasets.context = 'training'") == {a}
    assert found("datasets.name LIKE '%-ds'") == {a, b}


def test_run_without_inputs_has_empty_inputs(client, exp_id):
    rid = client.create_run(exp_id).info.run_id
    assert client.get_run(rid).inputs.dataset_inputs == []


def test_long_param_and_tag_values_are_accepted(client, exp_id):
    """MLflow silently truncates param values to 6000 and tag values to 8000 characters;
    keeping the whole value is fine too. Either way the client must not see an error."""
    rid = client.create_run(exp_id).info.run_id
    pval = "".join(chr(ord("a") + i % 26) for i in range(7000))
    tval = "t" * 9000
    client.log_param(rid, "long", pval)
    client.set_tag(rid, "long", tval)
    run = client.get_run(rid)
    assert run.data.params["long"] in (pval, pval[:6000])
    assert run.data.tags["long"] in (tval, tval[:8000])
    exact = "x" * 6000
    client.log_param(rid, "exact", exact)
    assert client.get_run(rid).data.params["exact"] == exact
