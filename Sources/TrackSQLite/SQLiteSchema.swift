import GRDB

/// The SQLite schema as ordered migrations. A shipped migration is never edited; changes come as
/// new migrations.
enum SQLiteSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-tracking") { db in
            try db.execute(sql: """
                CREATE TABLE experiments (
                    experiment_id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    artifact_location TEXT NOT NULL,
                    lifecycle_stage TEXT NOT NULL DEFAULT 'active',
                    creation_time INTEGER NOT NULL,
                    last_update_time INTEGER NOT NULL
                );
                CREATE TABLE experiment_tags (
                    experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (experiment_id, key)
                ) WITHOUT ROWID;
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
                CREATE TABLE params (
                    run_key INTEGER NOT NULL REFERENCES runs(run_key) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (run_key, key)
                ) WITHOUT ROWID;
                CREATE TABLE tags (
                    run_key INTEGER NOT NULL REFERENCES runs(run_key) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (run_key, key)
                ) WITHOUT ROWID;
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
                    small_chunks INTEGER NOT NULL,
                    UNIQUE (run_key, key)
                );
                CREATE INDEX metric_series_by_key ON metric_series(key, last_value);
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
                CREATE INDEX metric_chunks_by_series ON metric_chunks(
                    series_key, first_timestamp, first_step, first_value_bits,
                    last_timestamp, last_step, last_value_bits, min_step, max_step, point_count
                );
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
                CREATE TABLE model_references (
                    run_key INTEGER NOT NULL REFERENCES runs(run_key) ON DELETE CASCADE,
                    direction TEXT NOT NULL,
                    model_id TEXT NOT NULL,
                    step INTEGER NOT NULL,
                    PRIMARY KEY (run_key, direction, model_id, step)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2-accounts") { db in
            try db.execute(sql: """
                CREATE TABLE users (
                    username TEXT NOT NULL PRIMARY KEY,
                    role TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE access_tokens (
                    token_id TEXT NOT NULL PRIMARY KEY,
                    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    secret_hash TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX access_tokens_by_user ON access_tokens (username);
                """)
        }
        migrator.registerMigration("v3-search-indexes") { db in
            // Filters such as `params.optimizer = 'adam'` start from these instead of every run.
            try db.execute(sql: """
                CREATE INDEX params_by_key_value ON params(key, value);
                CREATE INDEX tags_by_key_value ON tags(key, value);
                """)
        }
        migrator.registerMigration("v4-small-chunk-points") { db in
            // Writes decide whether a series' small chunks are due to be merged from its row alone.
            try db.execute(sql: "ALTER TABLE metric_series ADD COLUMN small_points INTEGER NOT NULL DEFAULT 0")
            try db.execute(sql: """
                UPDATE metric_series SET small_points = (
                    SELECT COALESCE(SUM(point_count), 0) FROM metric_chunks
                    WHERE metric_chunks.series_key = metric_series.series_key AND point_count < ?
                );
                """, arguments: [MetricWriter.largeChunkPoints])
        }
        migrator.registerMigration("v5-narrow-chunk-index") { db in
            // Every write adds an entry to its series' part of this index, so each transaction
            // writes about one index page per series it touches: a narrow entry puts more series
            // on a page. Bounds beyond the newest timestamp are read from the chunk rows, whose
            // leading columns lie before the data. Ordered by the newest timestamp, a write
            // reaching back into stored time finds the chunks it may overlap at the series' end.
            try db.execute(sql: """
                DROP INDEX metric_chunks_by_series;
                CREATE INDEX metric_chunks_by_series ON metric_chunks(series_key, last_timestamp);
                """)
        }
        migrator.registerMigration("v6-drop-metric-key-index") { db in
            // No query reads series by key alone (searches and run pages look series up by run and
            // key), while every write changed this index's entry of each series it touched, as
            // its latest value moved.
            try db.execute(sql: "DROP INDEX metric_series_by_key")
        }
        migrator.registerMigration("v7-logged-models") { db in
            // Model metrics kept the latest value per key, run and dataset (`''` when none; every
            // point since v9); values are kept as their bits, so NaN survives.
            try db.execute(sql: """
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
                CREATE TABLE logged_model_tags (
                    model_key INTEGER NOT NULL REFERENCES logged_models(model_key) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (model_key, key)
                ) WITHOUT ROWID;
                CREATE TABLE logged_model_params (
                    model_key INTEGER NOT NULL REFERENCES logged_models(model_key) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (model_key, key)
                ) WITHOUT ROWID;
                CREATE TABLE logged_model_metrics (
                    model_key INTEGER NOT NULL REFERENCES logged_models(model_key) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    run_id TEXT NOT NULL,
                    dataset_name TEXT NOT NULL,
                    dataset_digest TEXT NOT NULL,
                    timestamp INTEGER NOT NULL,
                    step INTEGER NOT NULL,
                    value_bits INTEGER NOT NULL,
                    PRIMARY KEY (model_key, key, run_id, dataset_name, dataset_digest)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v8-model-registry") { db in
            // Version numbers are never given out twice: `next_version` survives deletions.
            try db.execute(sql: """
                CREATE TABLE registered_models (
                    model_key INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    description TEXT,
                    creation_time INTEGER NOT NULL,
                    last_update_time INTEGER NOT NULL,
                    next_version INTEGER NOT NULL DEFAULT 1
                );
                CREATE TABLE registered_model_tags (
                    model_key INTEGER NOT NULL REFERENCES registered_models(model_key) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (model_key, key)
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
                CREATE TABLE model_version_tags (
                    model_key INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (model_key, version, key),
                    FOREIGN KEY (model_key, version) REFERENCES model_versions(model_key, version) ON DELETE CASCADE
                ) WITHOUT ROWID;
                CREATE TABLE model_aliases (
                    model_key INTEGER NOT NULL REFERENCES registered_models(model_key) ON DELETE CASCADE,
                    alias TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    PRIMARY KEY (model_key, alias)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v9-every-model-metric-point") { db in
            // Model metrics keep every point, as runs do: one row per key, time, step, run and
            // dataset (the first value logged for it stays). The points kept so far carry over.
            try db.execute(sql: """
                ALTER TABLE logged_model_metrics RENAME TO logged_model_latest_metrics;
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
                INSERT INTO logged_model_metrics (model_key, key, timestamp, step, run_id, dataset_name, dataset_digest, value_bits)
                SELECT model_key, key, timestamp, step, run_id, dataset_name, dataset_digest, value_bits FROM logged_model_latest_metrics;
                DROP TABLE logged_model_latest_metrics;
                """)
        }
        return migrator
    }
}
