-- Reports (named, confidential, anonymous), their follow-up messages, cases with
-- their lifecycle, transitions and timeline.
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    lead_id INTEGER REFERENCES users(id),
    team_id INTEGER REFERENCES teams(id),
    urgent INTEGER NOT NULL DEFAULT 0,
    occurred_ms INTEGER,
    detected_ms INTEGER,
    reported_ms INTEGER,
    acknowledged_ms INTEGER,
    contained_ms INTEGER,
    resolved_ms INTEGER,
    in_review_ms INTEGER,
    published_ms INTEGER,
    closed_ms INTEGER,
    last_transition_ms INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id),
    updated_ms INTEGER NOT NULL
);
CREATE INDEX cases_status ON cases(status, created_ms);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    confidentiality TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    systems TEXT NOT NULL,
    occurred_text TEXT NOT NULL,
    occurred_ms INTEGER,
    detected_ms INTEGER,
    received_ms INTEGER NOT NULL,
    reporter_id INTEGER REFERENCES users(id),
    reporter_sealed BLOB,
    receipt_hash TEXT UNIQUE,
    content_sha256 TEXT NOT NULL,
    status TEXT NOT NULL,
    case_id INTEGER REFERENCES cases(id),
    duplicate_of INTEGER REFERENCES reports(id),
    closed_note TEXT,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX reports_status ON reports(status, received_ms);
CREATE INDEX reports_case ON reports(case_id);
CREATE INDEX reports_reporter ON reports(reporter_id);

CREATE TABLE report_messages (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE INDEX report_messages_report ON report_messages(report_id, id);

CREATE TABLE case_participants (
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (case_id, user_id)
);

CREATE TABLE case_transitions (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    recorded_ms INTEGER NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    reason TEXT NOT NULL
);
CREATE INDEX case_transitions_case ON case_transitions(case_id, id);

CREATE TABLE case_timeline (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at_ms INTEGER NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL
);
CREATE INDEX case_timeline_case ON case_timeline(case_id, at_ms);
