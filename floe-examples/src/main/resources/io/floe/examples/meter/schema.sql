-- The meter_data source schema of the meter example: customers (installations) have accounts,
-- accounts have assets (meters), assets have readings. last_modified (and creation_time for
-- readings) is the watermark an incremental load follows.
CREATE SCHEMA IF NOT EXISTS meter_data;

CREATE TABLE meter_data.customers (
    installation_id     VARCHAR(50) PRIMARY KEY,
    customer_name       VARCHAR(100) NOT NULL,
    customer_type       VARCHAR(20)  NOT NULL,  -- RESIDENTIAL, COMMERCIAL, INDUSTRIAL
    address             VARCHAR(200),
    city                VARCHAR(100),
    postal_code         VARCHAR(20),
    country             VARCHAR(50),
    registration_date   TIMESTAMP,
    last_modified       TIMESTAMP    NOT NULL DEFAULT now(),
    status              VARCHAR(20)  NOT NULL   -- ACTIVE, INACTIVE
);

CREATE TABLE meter_data.customer_accounts (
    account_id          VARCHAR(50) PRIMARY KEY,
    installation_id     VARCHAR(50)  NOT NULL REFERENCES meter_data.customers (installation_id),
    account_number      VARCHAR(50)  NOT NULL UNIQUE,
    account_type        VARCHAR(20)  NOT NULL,  -- PREPAID, POSTPAID
    billing_cycle       VARCHAR(20)  NOT NULL,  -- MONTHLY, QUARTERLY
    account_opened_date TIMESTAMP,
    account_closed_date TIMESTAMP,
    last_modified       TIMESTAMP    NOT NULL DEFAULT now(),
    status              VARCHAR(20)  NOT NULL   -- ACTIVE, CLOSED
);

CREATE TABLE meter_data.assets (
    asset_id              VARCHAR(50) PRIMARY KEY,
    account_id            VARCHAR(50)  NOT NULL REFERENCES meter_data.customer_accounts (account_id),
    asset_serial_number   VARCHAR(50)  NOT NULL,
    asset_type            VARCHAR(20)  NOT NULL,  -- ELECTRIC, GAS, WATER
    manufacturer          VARCHAR(50),
    model                 VARCHAR(50),
    installation_date     TIMESTAMP,
    last_calibration_date TIMESTAMP,
    next_calibration_date TIMESTAMP,
    last_modified         TIMESTAMP    NOT NULL DEFAULT now(),
    status                VARCHAR(20)  NOT NULL   -- ACTIVE, INACTIVE
);

CREATE TABLE meter_data.readings (
    id               SERIAL PRIMARY KEY,
    asset_id         VARCHAR(50)    NOT NULL REFERENCES meter_data.assets (asset_id),
    reading_value    DECIMAL(15, 3) NOT NULL,
    interval_start   TIMESTAMP      NOT NULL,
    interval_end     TIMESTAMP      NOT NULL,
    creation_time    TIMESTAMP      NOT NULL DEFAULT now(),
    reading_type     VARCHAR(20),   -- CONSUMPTION, DEMAND
    unit_of_measure  VARCHAR(10),   -- kWh, m3, L
    quality_code     VARCHAR(10),   -- GOOD, SUSPECT
    status           VARCHAR(20),   -- VALID, ESTIMATED
    source_system    VARCHAR(50)
);

CREATE INDEX readings_creation_time_idx ON meter_data.readings (creation_time);
CREATE INDEX readings_asset_interval_idx ON meter_data.readings (asset_id, interval_start);
