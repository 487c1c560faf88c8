-- SCIP schema, portable between SQLite and PostgreSQL (sqlx Any driver):
-- no BOOLEAN (SMALLINT 0/1), no date/uuid/json types (BIGINT unix ms, TEXT ids, TEXT json).
-- Never edit a migration that has shipped; add a new one.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'controller', 'observer')),
    disabled      SMALLINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE scenarios (
    id             TEXT PRIMARY KEY,          -- slug
    name           TEXT NOT NULL,
    latest_version INTEGER NOT NULL,
    created_by     TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

-- Every saved version of a scenario; exercises keep the exact version they were launched from.
CREATE TABLE scenario_versions (
    scenario_id  TEXT NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    name         TEXT NOT NULL,
    mode         TEXT NOT NULL CHECK (mode IN ('clock', 'turns')),
    total_turns  INTEGER,
    team_count   INTEGER NOT NULL,
    inject_count INTEGER NOT NULL,
    duration_ms  BIGINT,
    body         TEXT NOT NULL,               -- the scenario as canonical JSON
    comment      TEXT,
    created_by   TEXT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (scenario_id, version)
);

-- Which media files each scenario version refers to (for "delete when unused").
CREATE TABLE scenario_media (
    scenario_id TEXT NOT NULL,
    version     INTEGER NOT NULL,
    media_name  TEXT NOT NULL,
    PRIMARY KEY (scenario_id, version, media_name),
    FOREIGN KEY (scenario_id, version) REFERENCES scenario_versions(scenario_id, version) ON DELETE CASCADE
);
CREATE INDEX scenario_media_name ON scenario_media (media_name);

-- Media library metadata; the bytes live in MEDIA_PATH/<name>.
CREATE TABLE media (
    name         TEXT PRIMARY KEY,            -- sanitised file name, unique
    content_type TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('image', 'video', 'document')),
    size_bytes   BIGINT NOT NULL,
    width        INTEGER,
    height       INTEGER,
    sha256       TEXT NOT NULL,
    created_by   TEXT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX media_sha256 ON media (sha256);

CREATE TABLE exercises (
    id                 TEXT PRIMARY KEY,      -- generated, e.g. ex-7k2m9q4d
    name               TEXT NOT NULL,
    scenario_id        TEXT NOT NULL,
    scenario_version   INTEGER NOT NULL,
    state              TEXT NOT NULL
        CHECK (state IN ('deployed', 'running', 'paused', 'finished', 'stopped')),
    run                INTEGER NOT NULL,      -- incremented by reset
    base_elapsed_ms    BIGINT NOT NULL,
    running_since_ms   BIGINT,                -- wall ms; NULL while the clock is held
    speed_milli        INTEGER NOT NULL,
    current_turn       INTEGER,
    turn_started_ms    BIGINT,
    completion         TEXT CHECK (completion IN ('turn_complete', 'exercise_complete')),
    completion_turn    INTEGER,
    turn_grace_ms      BIGINT NOT NULL,
    dashboard_runtime  TEXT NOT NULL CHECK (dashboard_runtime IN ('embedded', 'process', 'docker')),
    version            BIGINT NOT NULL,       -- optimistic concurrency: +1 on every change
    event_seq          BIGINT NOT NULL,       -- last event number used
    created_by         TEXT,
    created_at         BIGINT NOT NULL,
    started_at         BIGINT,
    finished_at        BIGINT,
    stopped_at         BIGINT,
    updated_at         BIGINT NOT NULL,
    -- An exercise keeps the exact scenario version it was launched from: neither can be
    -- deleted while the exercise exists.
    FOREIGN KEY (scenario_id, scenario_version) REFERENCES scenario_versions(scenario_id, version)
);
CREATE INDEX exercises_state ON exercises (state);
CREATE INDEX exercises_scenario ON exercises (scenario_id, scenario_version);

CREATE TABLE exercise_teams (
    exercise_id    TEXT NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
    team_id        TEXT NOT NULL,
    position       INTEGER NOT NULL,          -- display order
    name           TEXT NOT NULL,
    color          TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('player', 'public')),
    access_code    TEXT NOT NULL,             -- shown to controllers, entered by participants
    code_version   INTEGER NOT NULL,          -- incremented by rotation; older sessions end
    mqtt_username  TEXT NOT NULL UNIQUE,
    mqtt_password  TEXT NOT NULL,
    next_seq       BIGINT NOT NULL,           -- last delivery seq used in the current run
    dashboard_port INTEGER,
    dashboard_url  TEXT,
    runtime_ref    TEXT,                      -- container id or process id
    health         TEXT NOT NULL CHECK (health IN ('starting', 'healthy', 'unhealthy', 'stopped')),
    health_detail  TEXT,
    viewers        INTEGER NOT NULL,
    presence_at    BIGINT,
    PRIMARY KEY (exercise_id, team_id)
);
CREATE UNIQUE INDEX exercise_teams_code ON exercise_teams (access_code);

-- The outbox: one row per inject delivered to one team. Written in the same transaction as
-- its event and the exercise's state; published afterwards; never deleted (reset starts a
-- new run).
CREATE TABLE deliveries (
    id               TEXT PRIMARY KEY,
    exercise_id      TEXT NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
    run              INTEGER NOT NULL,
    team_id          TEXT NOT NULL,
    seq              BIGINT NOT NULL,         -- per team and run, from 1, no gaps
    inject_id        TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('scheduled', 'live')),
    cause            TEXT NOT NULL,           -- schedule | seek | fire-now | turn-advance | live
    inject_type      TEXT NOT NULL,
    title            TEXT NOT NULL,
    turn             INTEGER,
    scheduled_ms     BIGINT,                  -- elapsed instant it was due (scheduled only)
    fired_elapsed_ms BIGINT NOT NULL,
    fired_at         BIGINT NOT NULL,         -- wall ms
    lateness_ms      BIGINT NOT NULL,
    late             SMALLINT NOT NULL CHECK (late IN (0, 1)),
    manual           SMALLINT NOT NULL CHECK (manual IN (0, 1)),
    payload          TEXT NOT NULL,           -- the MQTT message, JSON
    publish_attempts INTEGER NOT NULL,
    published_at     BIGINT,                  -- broker acknowledged (PUBACK)
    last_error       TEXT,
    resent_count     INTEGER NOT NULL,
    received_at      BIGINT,
    displayed_at     BIGINT,
    read_at          BIGINT
);
CREATE UNIQUE INDEX deliveries_seq ON deliveries (exercise_id, run, team_id, seq);
CREATE UNIQUE INDEX deliveries_scheduled_once ON deliveries (exercise_id, run, team_id, inject_id)
    WHERE kind = 'scheduled';
-- The outbox queue: only rows still waiting for the broker's acknowledgement.
CREATE INDEX deliveries_unpublished ON deliveries (fired_at) WHERE published_at IS NULL;
CREATE INDEX deliveries_fired ON deliveries (exercise_id, run, fired_at);

-- Scheduled injects deliberately not delivered in a run (seek or next-turn with skip).
CREATE TABLE skipped_injects (
    exercise_id TEXT NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
    run         INTEGER NOT NULL,
    team_id     TEXT NOT NULL,
    inject_id   TEXT NOT NULL,
    due_ms      BIGINT,
    skipped_at  BIGINT NOT NULL,
    PRIMARY KEY (exercise_id, run, team_id, inject_id)
);

-- Every receipt as it came in (deliveries keep the first of each kind).
CREATE TABLE receipts (
    delivery_id TEXT NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('received', 'displayed', 'read')),
    at          BIGINT NOT NULL,              -- wall ms reported by the dashboard
    stored_at   BIGINT NOT NULL,
    viewer      TEXT
);
CREATE INDEX receipts_delivery ON receipts (delivery_id);

-- Append-only event log, numbered per exercise.
CREATE TABLE events (
    exercise_id TEXT NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,
    at          BIGINT NOT NULL,              -- wall ms
    elapsed_ms  BIGINT NOT NULL,
    run         INTEGER NOT NULL,
    actor       TEXT NOT NULL,                -- user name, 'engine', or 'team:<id>'
    kind        TEXT NOT NULL,
    data        TEXT NOT NULL,                -- JSON
    PRIMARY KEY (exercise_id, seq)
);

-- One engine owns each running exercise; the lease is renewed every second.
CREATE TABLE engine_leases (
    exercise_id TEXT PRIMARY KEY REFERENCES exercises(id) ON DELETE CASCADE,
    owner       TEXT NOT NULL,
    expires_at  BIGINT NOT NULL,
    acquired_at BIGINT NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
