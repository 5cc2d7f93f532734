CREATE TABLE access_tokens (
    token_id TEXT NOT NULL PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX access_tokens_by_user ON access_tokens (username);

CREATE TABLE dataset_inputs (
    run_key INTEGER NOT NULL REFERENCES runs(run_key) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    digest TEXT NOT NULL,
    source_type TEXT NOT NULL,
    source TEXT NOT NULL,
    schema TEXT,
    profile TEXT,
    context TEXT,
    tags_json TEXT NOT NULL,
    PRIMARY KEY (run_key, name, digest)
) WITHOUT ROWID;

CREATE TABLE experiment_tags (
    experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (experiment_id, key)
) WITHOUT ROWID;

CREATE TABLE experiments (
    experiment_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    artifact_location TEXT NOT NULL,
    lifecycle_stage TEXT NOT NULL DEFAULT 'active',
    creation_time INTEGER NOT NULL,
    last_update_time INTEGER NOT NULL
);

CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);

CREATE TABLE logged_model_metrics (
    model_key INTEGER NOT NULL REFERENCES logged_models(model_key) ON DELETE CASCADE,
    key TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    step INTEGER NOT NULL,
    run_id TEXT NOT NULL,
    dataset_name TEXT NOT NULL,
    dataset_digest TEXT NOT NULL,
    value_bits INTEGER NOT NULL,
    PRIMARY KEY (model_key, key, timestamp, step, run_id, dataset_name, dataset_digest)
) WITHOUT ROWID;

CREATE TABLE logged_model_params (
    model_key INTEGER NOT NULL REFERENCES logged_models(model_key) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (model_key, key)
) WITHOUT ROWID;

CREATE TABLE logged_model_tags (
    model_key INTEGER NOT NULL REFERENCES logged_models(model_key) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (model_key, key)
) WITHOUT ROWID;

CREATE TABLE logged_models (
    model_key INTEGER PRIMARY KEY,
    model_id TEXT NOT NULL UNIQUE,
    experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
    name TEXT NOT NULL,
    artifact_uri TEXT NOT NULL,
    status TEXT NOT NULL,
    status_message TEXT,
    model_type TEXT,
    source_run_id TEXT,
    creation_time INTEGER NOT NULL,
    last_update_time INTEGER NOT NULL,
    lifecycle_stage TEXT NOT NULL DEFAULT 'active'
);

CREATE INDEX logged_models_by_experiment ON logged_models(experiment_id, lifecycle_stage);

CREATE TABLE metric_chunks (
    chunk_key INTEGER PRIMARY KEY,
    series_key INTEGER NOT NULL REFERENCES metric_series(series_key) ON DELETE CASCADE,
    first_timestamp INTEGER NOT NULL,
    first_step INTEGER NOT NULL,
    first_value_bits INTEGER NOT NULL,
    last_timestamp INTEGER NOT NULL,
    last_step INTEGER NOT NULL,
    last_value_bits INTEGER NOT NULL,
    min_step INTEGER NOT NULL,
    max_step INTEGER NOT NULL,
    point_count INTEGER NOT NULL,
    data BLOB NOT NULL
);

CREATE INDEX metric_chunks_by_series ON metric_chunks(series_key, last_timestamp);

CREATE TABLE metric_series (
    series_key INTEGER PRIMARY KEY,
    run_key INTEGER NOT NULL REFERENCES runs(run_key) ON DELETE CASCADE,
    key TEXT NOT NULL,
    last_step INTEGER NOT NULL,
    last_timestamp INTEGER NOT NULL,
    last_value_bits INTEGER NOT NULL,
    last_value REAL,
    min_value REAL,
    max_value REAL,
    point_count INTEGER NOT NULL,
    min_step INTEGER NOT NULL,
    max_step INTEGER NOT NULL,
    max_timestamp INTEGER NOT NULL,
    small_chunks INTEGER NOT NULL, small_points INTEGER NOT NULL DEFAULT 0,
    UNIQUE (run_key, key)
);

CREATE TABLE model_aliases (
    model_key INTEGER NOT NULL REFERENCES registered_models(model_key) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (model_key, alias)
) WITHOUT ROWID;

CREATE TABLE model_references (
    run_key INTEGER NOT NULL REFERENCES runs(run_key) ON DELETE CASCADE,
    direction TEXT NOT NULL,
    model_id TEXT NOT NULL,
    step INTEGER NOT NULL,
    PRIMARY KEY (run_key, direction, model_id, step)
) WITHOUT ROWID;

CREATE TABLE model_version_tags (
    model_key INTEGER NOT NULL,
    version INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (model_key, version, key),
    FOREIGN KEY (model_key, version) REFERENCES model_versions(model_key, version) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE model_versions (
    model_key INTEGER NOT NULL REFERENCES registered_models(model_key) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    creation_time INTEGER NOT NULL,
    last_update_time INTEGER NOT NULL,
    stage TEXT NOT NULL,
    description TEXT,
    source TEXT NOT NULL,
    run_id TEXT,
    logged_model_id TEXT,
    PRIMARY KEY (model_key, version)
) WITHOUT ROWID;

CREATE TABLE params (
    run_key INTEGER NOT NULL REFERENCES runs(run_key) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_key, key)
) WITHOUT ROWID;

CREATE INDEX params_by_key_value ON params(key, value);

CREATE TABLE registered_model_tags (
    model_key INTEGER NOT NULL REFERENCES registered_models(model_key) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (model_key, key)
) WITHOUT ROWID;

CREATE TABLE registered_models (
    model_key INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    creation_time INTEGER NOT NULL,
    last_update_time INTEGER NOT NULL,
    next_version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE runs (
    run_key INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL UNIQUE,
    experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
    name TEXT NOT NULL,
    user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    start_time INTEGER NOT NULL,
    end_time INTEGER,
    artifact_uri TEXT NOT NULL,
    lifecycle_stage TEXT NOT NULL DEFAULT 'active',
    deleted_time INTEGER
);

CREATE INDEX runs_by_experiment ON runs(experiment_id, start_time DESC, run_id);

CREATE TABLE tags (
    run_key INTEGER NOT NULL REFERENCES runs(run_key) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_key, key)
) WITHOUT ROWID;

CREATE INDEX tags_by_key_value ON tags(key, value);

CREATE TABLE users (
    username TEXT NOT NULL PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
