-- The keyed anchor of the audit chain's last entry, so that deleting entries from
-- the end of the chain is detected too.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    mac TEXT NOT NULL
);
