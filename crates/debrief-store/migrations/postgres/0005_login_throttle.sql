-- Sign-in throttling: one counter row per keyed-hashed key (account and address,
-- address, account confirmations), updated under the row's lock so that parallel
-- attempts are counted before any password is checked.
DROP TABLE login_failures;

CREATE TABLE login_throttle (
    key_hash TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_ms BIGINT NOT NULL
);
CREATE INDEX login_throttle_last ON login_throttle(last_ms);
