-- The whole schema, in one place. Idempotent: run on every open.
-- Tidy long shape: one row per (version, index, edition, country, measure).

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS countries (
    iso3             VARCHAR PRIMARY KEY,
    iso2             VARCHAR NOT NULL UNIQUE,
    name_en          VARCHAR NOT NULL,
    name_vi          VARCHAR NOT NULL,
    name_vi_official VARCHAR NOT NULL DEFAULT ''
);

-- Aliases from data/ (origin 'seed') and those an analyst confirmed during an import.
CREATE TABLE IF NOT EXISTS country_aliases (
    alias      VARCHAR NOT NULL,
    iso3       VARCHAR NOT NULL,
    origin     VARCHAR NOT NULL DEFAULT 'seed',
    added_by   VARCHAR NOT NULL DEFAULT 'seed',
    added_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (alias, iso3)
);

CREATE TABLE IF NOT EXISTS peer_groups (
    group_id       VARCHAR PRIMARY KEY,
    name_en        VARCHAR NOT NULL,
    name_vi        VARCHAR NOT NULL,
    description_en VARCHAR NOT NULL DEFAULT '',
    description_vi VARCHAR NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS peer_group_members (
    group_id   VARCHAR NOT NULL,
    iso3       VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    valid_to   DATE,
    source     VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (group_id, iso3, valid_from)
);

CREATE TABLE IF NOT EXISTS indices (
    index_id         VARCHAR PRIMARY KEY,
    name_en          VARCHAR NOT NULL,
    name_vi          VARCHAR NOT NULL,
    short_name       VARCHAR NOT NULL,
    publisher        VARCHAR NOT NULL DEFAULT '',
    homepage         VARCHAR NOT NULL DEFAULT '',
    licence          VARCHAR NOT NULL DEFAULT '',
    higher_is_better BOOLEAN NOT NULL DEFAULT true,
    coverage         VARCHAR NOT NULL DEFAULT '',
    short_name_vi    VARCHAR NOT NULL DEFAULT '',
    -- The unit of a count index's values (metrics.models.Index); blank: scored on a published scale.
    unit_en          VARCHAR NOT NULL DEFAULT '',
    unit_vi          VARCHAR NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS frameworks (
    index_id       VARCHAR NOT NULL,
    framework      VARCHAR NOT NULL,
    description_en VARCHAR NOT NULL DEFAULT '',
    description_vi VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (index_id, framework)
);

CREATE TABLE IF NOT EXISTS editions (
    index_id         VARCHAR NOT NULL,
    edition_year     INTEGER NOT NULL,
    scale_min        DOUBLE NOT NULL,
    scale_max        DOUBLE NOT NULL,
    framework        VARCHAR NOT NULL,
    series           VARCHAR NOT NULL,
    aggregation      VARCHAR NOT NULL,
    countries_ranked INTEGER,
    membership_date  DATE NOT NULL,
    source_file      VARCHAR NOT NULL DEFAULT '',
    source_url       VARCHAR NOT NULL DEFAULT '',
    notes            VARCHAR NOT NULL DEFAULT '',
    notes_vi         VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (index_id, edition_year)
);

CREATE TABLE IF NOT EXISTS measures (
    index_id   VARCHAR NOT NULL,
    framework  VARCHAR NOT NULL,
    measure_id VARCHAR NOT NULL,
    level      VARCHAR NOT NULL,
    parent_id  VARCHAR NOT NULL DEFAULT '',
    name_en    VARCHAR NOT NULL,
    name_vi    VARCHAR NOT NULL,
    PRIMARY KEY (index_id, framework, measure_id)
);

CREATE SEQUENCE IF NOT EXISTS version_seq START 1;

-- One row per import of one (index, edition): the provenance of every observation.
-- Exactly one version per (index, edition) is current; older ones are kept for comparison and rollback.
CREATE TABLE IF NOT EXISTS versions (
    version_id   INTEGER PRIMARY KEY DEFAULT nextval('version_seq'),
    index_id     VARCHAR NOT NULL,
    edition_year INTEGER NOT NULL,
    is_current   BOOLEAN NOT NULL,
    source_url   VARCHAR NOT NULL DEFAULT '',
    licence      VARCHAR NOT NULL DEFAULT '',
    file_name    VARCHAR NOT NULL DEFAULT '',
    sha256       VARCHAR NOT NULL DEFAULT '',
    imported_by  VARCHAR NOT NULL DEFAULT '',
    imported_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    row_count    INTEGER NOT NULL DEFAULT 0,
    country_count INTEGER NOT NULL DEFAULT 0,
    note         VARCHAR NOT NULL DEFAULT '',
    -- The publisher's file the rows came from (for the default dataset, the one named in
    -- data/observations.csv; for an import, the file imported).
    source_file  VARCHAR NOT NULL DEFAULT ''
);

-- One row per value. The index, the edition and the source file are the version's (read through
-- current_observations): kept once per version, not once per row, they made a 1M-row import write
-- nine columns instead of six, about 0.1 s of its 0.8 s (metrics.store.migrations moved an older
-- database's columns).
CREATE TABLE IF NOT EXISTS observations (
    version_id     INTEGER NOT NULL,
    iso3           VARCHAR NOT NULL,
    measure_id     VARCHAR NOT NULL,
    value          DOUBLE NOT NULL,
    published_rank INTEGER,
    name_in_source VARCHAR NOT NULL DEFAULT ''
    -- No primary key on purpose: (version_id, iso3, measure_id) is unique because every write goes
    -- through the import's staging checks (duplicates are a reported problem) or the seed's
    -- validated dataset. DuckDB's ART index made a 1M-row import 7x slower than the read itself.
);

CREATE TABLE IF NOT EXISTS strategies (
    strategy_id  VARCHAR PRIMARY KEY,
    country_iso3 VARCHAR NOT NULL,
    name_en      VARCHAR NOT NULL,
    name_vi      VARCHAR NOT NULL,
    decision     VARCHAR NOT NULL DEFAULT '',
    signed_on    DATE,
    source_url   VARCHAR NOT NULL DEFAULT '',
    kind          VARCHAR NOT NULL DEFAULT 'decision',
    superseded_by VARCHAR NOT NULL DEFAULT '',
    superseded_on DATE
);

-- Who monitors and reports each target (data/agencies.csv).
CREATE TABLE IF NOT EXISTS agencies (
    agency_id VARCHAR PRIMARY KEY,
    name_vi   VARCHAR NOT NULL,
    name_en   VARCHAR NOT NULL,
    source    VARCHAR NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS targets (
    strategy_id       VARCHAR NOT NULL,
    target_id         VARCHAR PRIMARY KEY,
    horizon_year      INTEGER NOT NULL,
    kind              VARCHAR NOT NULL,
    comparator        VARCHAR NOT NULL,
    target_value      DOUBLE,
    group_id          VARCHAR NOT NULL DEFAULT '',
    yardstick_index   VARCHAR NOT NULL DEFAULT '',
    yardstick_measure VARCHAR NOT NULL DEFAULT '',
    unit_en           VARCHAR NOT NULL DEFAULT '',
    unit_en_one       VARCHAR NOT NULL DEFAULT '',
    unit_vi           VARCHAR NOT NULL DEFAULT '',
    text_vi           VARCHAR NOT NULL,
    text_en           VARCHAR NOT NULL,
    source_url        VARCHAR NOT NULL DEFAULT '',
    target_high       DOUBLE,
    base_year         INTEGER,
    indicator_no      VARCHAR NOT NULL DEFAULT '',
    appendix_group    VARCHAR NOT NULL DEFAULT '',
    lead_agency       VARCHAR NOT NULL DEFAULT '',
    coordinating_agencies VARCHAR NOT NULL DEFAULT '',  -- agency ids separated by ';'
    yardstick_proxy   BOOLEAN NOT NULL DEFAULT false,
    succeeded_by      VARCHAR NOT NULL DEFAULT ''
);

CREATE SEQUENCE IF NOT EXISTS progress_seq START 1;

-- Evidence records: a value (number, unit) or a dated milestone, with its source and fit.
-- A correction is a new record whose `replaces` names the old one (then status 'withdrawn');
-- nothing is deleted, so the history of what the committee was shown stays readable.
CREATE TABLE IF NOT EXISTS progress_records (
    record_id   INTEGER PRIMARY KEY DEFAULT nextval('progress_seq'),
    target_id   VARCHAR NOT NULL,
    recorded_on DATE NOT NULL,
    value       DOUBLE,
    source_url  VARCHAR NOT NULL DEFAULT '',
    note_en     VARCHAR NOT NULL DEFAULT '',
    note_vi     VARCHAR NOT NULL DEFAULT '',
    created_by  VARCHAR NOT NULL DEFAULT 'seed',
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    kind        VARCHAR NOT NULL DEFAULT 'value',
    unit        VARCHAR NOT NULL DEFAULT '',
    fit         VARCHAR NOT NULL DEFAULT 'direct',
    label       VARCHAR NOT NULL DEFAULT 'V',
    status      VARCHAR NOT NULL DEFAULT 'active',
    replaces    INTEGER,
    withdrawn_by     VARCHAR NOT NULL DEFAULT '',
    withdrawn_at     TIMESTAMP,
    withdrawn_reason VARCHAR NOT NULL DEFAULT ''
);

-- A database created before these columns existed gains them here (no-ops on a new one).
-- The default rows of data/ that such a database lacks are added by metrics.store.seed.
ALTER TABLE strategies ADD COLUMN IF NOT EXISTS kind VARCHAR DEFAULT 'decision';
ALTER TABLE strategies ADD COLUMN IF NOT EXISTS superseded_by VARCHAR DEFAULT '';
ALTER TABLE strategies ADD COLUMN IF NOT EXISTS superseded_on DATE;
ALTER TABLE targets ADD COLUMN IF NOT EXISTS target_high DOUBLE;
ALTER TABLE targets ADD COLUMN IF NOT EXISTS base_year INTEGER;
ALTER TABLE targets ADD COLUMN IF NOT EXISTS indicator_no VARCHAR DEFAULT '';
ALTER TABLE targets ADD COLUMN IF NOT EXISTS appendix_group VARCHAR DEFAULT '';
ALTER TABLE targets ADD COLUMN IF NOT EXISTS lead_agency VARCHAR DEFAULT '';
ALTER TABLE targets ADD COLUMN IF NOT EXISTS coordinating_agencies VARCHAR DEFAULT '';
ALTER TABLE targets ADD COLUMN IF NOT EXISTS yardstick_proxy BOOLEAN DEFAULT false;
ALTER TABLE editions ADD COLUMN IF NOT EXISTS notes_vi VARCHAR DEFAULT '';
ALTER TABLE indices ADD COLUMN IF NOT EXISTS coverage VARCHAR DEFAULT '';
ALTER TABLE indices ADD COLUMN IF NOT EXISTS short_name_vi VARCHAR DEFAULT '';
ALTER TABLE indices ADD COLUMN IF NOT EXISTS unit_en VARCHAR DEFAULT '';
ALTER TABLE indices ADD COLUMN IF NOT EXISTS unit_vi VARCHAR DEFAULT '';
ALTER TABLE targets ADD COLUMN IF NOT EXISTS succeeded_by VARCHAR DEFAULT '';
ALTER TABLE progress_records ADD COLUMN IF NOT EXISTS kind VARCHAR DEFAULT 'value';
ALTER TABLE progress_records ADD COLUMN IF NOT EXISTS unit VARCHAR DEFAULT '';
ALTER TABLE progress_records ADD COLUMN IF NOT EXISTS fit VARCHAR DEFAULT 'direct';
ALTER TABLE progress_records ADD COLUMN IF NOT EXISTS label VARCHAR DEFAULT 'V';
ALTER TABLE progress_records ADD COLUMN IF NOT EXISTS status VARCHAR DEFAULT 'active';
ALTER TABLE progress_records ADD COLUMN IF NOT EXISTS replaces INTEGER;
ALTER TABLE progress_records ADD COLUMN IF NOT EXISTS withdrawn_by VARCHAR DEFAULT '';
ALTER TABLE progress_records ADD COLUMN IF NOT EXISTS withdrawn_at TIMESTAMP;
ALTER TABLE progress_records ADD COLUMN IF NOT EXISTS withdrawn_reason VARCHAR DEFAULT '';
ALTER TABLE progress_records ALTER COLUMN value DROP NOT NULL;
ALTER TABLE versions ADD COLUMN IF NOT EXISTS source_file VARCHAR DEFAULT '';

-- After the columns above: it reads versions.source_file. Its columns, in this order, are those
-- of the observations table it replaced (PostgreSQL replaces a view only with the same columns).
CREATE OR REPLACE VIEW current_observations AS
SELECT o.version_id, v.index_id, v.edition_year, o.iso3, o.measure_id, o.value, o.published_rank,
       o.name_in_source, v.source_file
FROM observations o
JOIN versions v USING (version_id)
WHERE v.is_current;

CREATE SEQUENCE IF NOT EXISTS audit_seq START 1;

CREATE TABLE IF NOT EXISTS audit_log (
    event_id INTEGER PRIMARY KEY DEFAULT nextval('audit_seq'),
    occurred_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    actor    VARCHAR NOT NULL,
    action   VARCHAR NOT NULL,
    detail   VARCHAR NOT NULL DEFAULT '{}'
);

-- security
-- Local accounts (metrics.store.users). password_hash is Argon2id; '' means no local password
-- (the person signs in through the organisation's identity provider with this name as e-mail).
CREATE TABLE IF NOT EXISTS users (
    name            VARCHAR PRIMARY KEY,
    role            VARCHAR NOT NULL,
    password_hash   VARCHAR NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    created_by      VARCHAR NOT NULL DEFAULT '',
    last_sign_in    TIMESTAMP,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMP
);

-- import
-- Datasets created by an analyst's import (`metrics import --index NEW_ID --name ... --unit ...`):
-- what the indices table has no column for. Publisher indices from data/ have no row here.
CREATE TABLE IF NOT EXISTS index_details (
    index_id   VARCHAR PRIMARY KEY,
    unit       VARCHAR NOT NULL DEFAULT '',
    created_by VARCHAR NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- How each imported version was read: the reader, the detected mapping and the warnings the
-- analyst saw in the preview (JSON), beside the provenance columns of `versions`.
CREATE TABLE IF NOT EXISTS version_details (
    version_id      INTEGER PRIMARY KEY,
    reader          VARCHAR NOT NULL DEFAULT '',
    mapping         VARCHAR NOT NULL DEFAULT '{}',
    warnings        VARCHAR NOT NULL DEFAULT '[]',
    created_edition BOOLEAN NOT NULL DEFAULT false,
    replaced_version INTEGER
);

-- Headers an analyst mapped to a measure in an import's preview and confirmed (per index, keyed by
-- the normalised header): the next file with that header is read the same way. measure_id '-' =
-- the column is not imported.
CREATE TABLE IF NOT EXISTS measure_aliases (
    index_id   VARCHAR NOT NULL,
    header_key VARCHAR NOT NULL,
    header     VARCHAR NOT NULL DEFAULT '',
    measure_id VARCHAR NOT NULL,
    added_by   VARCHAR NOT NULL DEFAULT '',
    added_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (index_id, header_key)
);

-- Versions withdrawn by an analyst (with the reason): never current again, never restored by a
-- re-import of the same file.
CREATE TABLE IF NOT EXISTS version_withdrawals (
    version_id   INTEGER PRIMARY KEY,
    withdrawn_by VARCHAR NOT NULL,
    withdrawn_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    reason       VARCHAR NOT NULL
);
