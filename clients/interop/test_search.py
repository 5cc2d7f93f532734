"""Run search: filters, ordering (missing keys last both ways), paging, errors."""
import mlflow
import pytest
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

from conftest import assert_error_code, unique

T0 = 1_700_000_000_000

# name, params, metrics, tags, final status (None = still RUNNING)
RUNS = [
    ("sweep-0", {"lr": "0.01", "bs": "64"}, {"acc": 0.9, "val loss": 0.4}, {"team": "vision"}, "FINISHED"),
    ("sweep-1", {"lr": "0.1", "bs": "32"}, {"acc": 0.3, "val loss": 1.7}, {"team": "nlp"}, "FINISHED"),
    ("sweep-2", {"lr": "0.001", "bs": "128"}, {"acc": 0.7, "val loss": 0.8}, {"team": "vision"}, "FAILED"),
    ("sweep-3", {"lr": "0.01", "bs": "16"}, {"acc": 0.55}, {"team": "vision"}, "FINISHED"),
    ("sweep-4", {"lr": "1e-4"}, {"val loss": 2.0}, {}, "KILLED"),
    ("base-5", {"bs": "256"}, {"acc": 0.51, "val loss": 0.99}, {"team": "audio"}, "FINISHED"),
    ("base-6", {"lr": "0.5", "bs": "8"}, {"acc": 0.2}, {}, None),
]


@pytest.fixture(scope="module")
def sweep(server_url):
    client = mlflow.MlflowClient(server_url)
    name = unique("interop-search")
    exp_id = client.create_experiment(name)
    ids = {}
    for i, (run_name, params, metrics, tags, status) in enumerate(RUNS):
        run = client.create_run(exp_id, start_time=T0 + 1000 * i, tags=tags, run_name=run_name)
        rid = run.info.run_id
        for k, v in params.items():
            client.log_param(rid, k, v)
        for k, v in metrics.items():
            client.log_metric(rid, k, v, timestamp=T0 + 1000 * i, step=0)
        if status:
            client.set_terminated(rid, status=status, end_time=T0 + 1000 * i + 500)
        ids[run_name] = rid
    other_name = unique("interop-search-other")
    other_exp = client.create_experiment(other_name)
    other = client.create_run(other_exp, start_time=T0 + 10_000, run_name="other-0")
    client.log_metric(other.info.run_id, "acc", 0.95, timestamp=T0, step=0)
    client.set_terminated(other.info.run_id)
    return {
        "exp_id": exp_id, "exp_name": name, "ids": ids,
        "other_exp": other_exp, "other_id": other.info.run_id,
    }


def names(runs, sweep):
    by_id = {v: k for k, v in sweep["ids"].items()}
    by_id[sweep["other_id"]] = "other-0"
    return [by_id[r.info.run_id] for r in runs]


def search(client, sweep, filter_string="", order_by=None, **kw):
    return client.search_runs([sweep["exp_id"]], filter_string=filter_string, order_by=order_by, **kw)


@pytest.mark.parametrize(
    "filter_string, expected",
    [
        ("metrics.acc > 0.5", {"sweep-0", "sweep-2", "sweep-3", "base-5"}),
        ("metrics.acc >= 0.9", {"sweep-0"}),
        ("metrics.acc = 0.3", {"sweep-1"}),
        ("metrics.acc != 0.3", {"sweep-0", "sweep-2", "sweep-3", "base-5", "base-6"}),
        ("metric.acc < 0.51", {"sweep-1", "base-6"}),
        ("params.lr = '0.01'", {"sweep-0", "sweep-3"}),
        ('params.lr = "0.01"', {"sweep-0", "sweep-3"}),
        ("params.lr != '0.01'", {"sweep-1", "sweep-2", "sweep-4", "base-6"}),
        ("param.bs LIKE '1%'", {"sweep-2", "sweep-3"}),
        ("tags.team = 'vision'", {"sweep-0", "sweep-2", "sweep-3"}),
        ("tags.team != 'vision'", {"sweep-1", "base-5"}),
        ("tags.team ILIKE 'VIS%'", {"sweep-0", "sweep-2", "sweep-3"}),
        ("tags.mlflow.runName = 'base-5'", {"base-5"}),
        ("attributes.status = 'FINISHED'", {"sweep-0", "sweep-1", "sweep-3", "base-5"}),
        ("attributes.status = 'RUNNING'", {"base-6"}),
        ("status != 'FINISHED'", {"sweep-2", "sweep-4", "base-6"}),
        ("run_name LIKE 'sweep-%'", {"sweep-0", "sweep-1", "sweep-2", "sweep-3", "sweep-4"}),
        ("attributes.run_name = 'sweep-1'", {"sweep-1"}),
        ("run_name ILIKE 'BASE-%'", {"base-5", "base-6"}),
        ("metrics.`val loss` < 1", {"sweep-0", "sweep-2", "base-5"}),
        ("metrics.`val loss` >= 1", {"sweep-1", "sweep-4"}),
        ("attributes.start_time >= %d" % (T0 + 5000), {"base-5", "base-6"}),
        (
            "metrics.acc > 0.5 and tags.team = 'vision' AND attributes.status = 'FINISHED'",
            {"sweep-0", "sweep-3"},
        ),
        ("params.lr = '0.01' and metrics.`val loss` < 1", {"sweep-0"}),
        ("params.lr = 'nope'", set()),
    ],
)
def test_filter(client, sweep, filter_string, expected):
    got = names(search(client, sweep, filter_string), sweep)
    assert len(got) == len(set(got))
    assert set(got) == expected


def test_filter_run_id_in(client, sweep):
    ids = sweep["ids"]
    f = f"attributes.run_id IN ('{ids['sweep-0']}', '{ids['base-5']}')"
    assert set(names(search(client, sweep, f), sweep)) == {"sweep-0", "base-5"}
    f = f"attributes.run_id NOT IN ('{ids['sweep-0']}', '{ids['base-5']}')"
    assert set(names(search(client, sweep, f), sweep)) == set(ids) - {"sweep-0", "base-5"}


def test_filter_is_null(client, sweep):
    assert set(names(search(client, sweep, "params.bs IS NULL"), sweep)) == {"sweep-4"}
    assert set(names(search(client, sweep, "tags.team IS NOT NULL"), sweep)) == {
        "sweep-0", "sweep-1", "sweep-2", "sweep-3", "base-5"}


def test_default_order_is_start_time_desc(client, sweep):
    assert names(search(client, sweep), sweep) == [r[0] for r in reversed(RUNS)]


@pytest.mark.parametrize(
    "order_by, expected",
    [
        (["metrics.acc DESC"], ["sweep-0", "sweep-2", "sweep-3", "base-5", "sweep-1", "base-6", "sweep-4"]),
        (["metrics.acc ASC"], ["base-6", "sweep-1", "base-5", "sweep-3", "sweep-2", "sweep-0", "sweep-4"]),
        (["metrics.acc"], ["base-6", "sweep-1", "base-5", "sweep-3", "sweep-2", "sweep-0", "sweep-4"]),
        # params sort as strings; ties (lr '0.01') fall back to start_time DESC; missing last
        (["params.lr ASC"], ["sweep-2", "sweep-3", "sweep-0", "sweep-1", "base-6", "sweep-4", "base-5"]),
        (["params.lr DESC"], ["sweep-4", "base-6", "sweep-1", "sweep-3", "sweep-0", "sweep-2", "base-5"]),
        (["params.bs ASC"], ["sweep-2", "sweep-3", "base-5", "sweep-1", "sweep-0", "base-6", "sweep-4"]),
        (["metrics.`val loss` DESC"], ["sweep-4", "sweep-1", "base-5", "sweep-2", "sweep-0", "base-6", "sweep-3"]),
        (["tags.team ASC", "metrics.acc DESC"], ["base-5", "sweep-1", "sweep-0", "sweep-2", "sweep-3", "base-6", "sweep-4"]),
        (["attributes.start_time ASC"], [r[0] for r in RUNS]),
        (["attributes.run_name DESC"], ["sweep-4", "sweep-3", "sweep-2", "sweep-1", "sweep-0", "base-6", "base-5"]),
    ],
)
def test_order_by(client, sweep, order_by, expected):
    assert names(search(client, sweep, order_by=order_by), sweep) == expected


@pytest.mark.parametrize("order_by", [None, ["metrics.acc DESC"], ["params.lr ASC"]])
def test_paging_walks_all_runs(client, sweep, order_by):
    full = names(search(client, sweep, order_by=order_by), sweep)
    pages, token = [], None
    while True:
        page = search(client, sweep, order_by=order_by, max_results=3, page_token=token)
        pages.append(names(page, sweep))
        token = page.token
        if not token:
            break
        assert len(pages) < 10, "paging does not terminate"
    assert [len(p) for p in pages] == [3, 3, 1]
    walked = [n for p in pages for n in p]
    assert walked == full
    assert sorted(walked) == sorted(sweep["ids"])


def test_exact_page_size_has_no_dangling_token(client, sweep):
    page = search(client, sweep, filter_string="run_name LIKE 'sweep-%'", max_results=5)
    assert len(page) == 5
    assert not page.token
    page = search(client, sweep, max_results=7)
    assert len(page) == 7 and not page.token


def test_search_several_experiments(client, sweep):
    runs = client.search_runs(
        [sweep["exp_id"], sweep["other_exp"]], filter_string="metrics.acc > 0.8",
        order_by=["metrics.acc DESC"],
    )
    assert names(runs, sweep) == ["other-0", "sweep-0"]


def test_fluent_search_runs_by_experiment_name(sweep):
    runs = mlflow.search_runs(
        experiment_names=[sweep["exp_name"]], filter_string="params.lr = '0.01'",
        order_by=["attributes.start_time ASC"], output_format="list",
    )
    assert names(runs, sweep) == ["sweep-0", "sweep-3"]
    r0 = runs[0]
    assert r0.data.params == {"lr": "0.01", "bs": "64"}
    assert r0.data.metrics == {"acc": 0.9, "val loss": 0.4}
    assert r0.data.tags["team"] == "vision"
    assert r0.info.status == "FINISHED"
    assert r0.info.end_time == T0 + 500


def test_fluent_search_runs_all_pages(sweep):
    runs = mlflow.search_runs(
        experiment_ids=[sweep["exp_id"]], max_results=100, output_format="list",
        order_by=["metrics.acc DESC"],
    )
    assert names(runs, sweep)[:2] == ["sweep-0", "sweep-2"]
    assert len(runs) == len(RUNS)


def test_search_returns_full_run_data(client, sweep):
    (run,) = search(client, sweep, "attributes.run_name = 'sweep-1'")
    assert run.info.run_id == sweep["ids"]["sweep-1"]
    assert run.info.experiment_id == sweep["exp_id"]
    assert run.info.start_time == T0 + 1000
    assert run.info.end_time == T0 + 1500
    assert run.info.lifecycle_stage == "active"
    assert run.data.params == {"lr": "0.1", "bs": "32"}
    assert run.data.metrics == {"acc": 0.3, "val loss": 1.7}
    assert run.data.tags["team"] == "nlp"
    assert run.data.tags["mlflow.runName"] == "sweep-1"


@pytest.mark.parametrize(
    "filter_string",
    [
        "metrics.acc >>> 1",
        "metrics.acc > 0.5 OR params.lr = '0.01'",
        "params.lr = 0.01",
        "metrics.acc > 'high'",
        "bogus.key = 'x'",
        "attributes.status IN ('FINISHED')",
    ],
)
def test_bad_filter_is_invalid_parameter_value(client, sweep, filter_string):
    with pytest.raises(MlflowException) as e:
        search(client, sweep, filter_string)
    assert_error_code(e, "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("order_by", [["bogus.acc DESC"], ["metrics.acc SIDEWAYS"]])
def test_bad_order_by_is_invalid_parameter_value(client, sweep, order_by):
    with pytest.raises(MlflowException) as e:
        search(client, sweep, order_by=order_by)
    assert_error_code(e, "INVALID_PARAMETER_VALUE")


def test_bad_page_token_is_invalid_parameter_value(client, sweep):
    with pytest.raises(MlflowException) as e:
        search(client, sweep, page_token="not-a-token")
    assert_error_code(e, "INVALID_PARAMETER_VALUE")


def test_view_types(client, sweep):
    all_runs = client.search_runs([sweep["exp_id"]], run_view_type=ViewType.ALL)
    assert len(all_runs) == len(RUNS)
    assert client.search_runs([sweep["exp_id"]], run_view_type=ViewType.DELETED_ONLY) == []


def test_max_results_over_limit_is_invalid(client, sweep):
    with pytest.raises(MlflowException) as e:
        search(client, sweep, max_results=50001)
    assert_error_code(e, "INVALID_PARAMETER_VALUE")
    assert len(search(client, sweep, max_results=50000)) == len(RUNS)
