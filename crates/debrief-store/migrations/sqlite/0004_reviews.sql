-- Blameless reviews (the Five Questions), five-whys chains, contributing
-- factors and their taxonomy, lessons by level, debrief interview notes,
-- action items with effectiveness checks, and in-app notices.
CREATE TABLE factor_categories (
    key TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    description TEXT NOT NULL,
    builtin INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
);

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL UNIQUE REFERENCES cases(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    facilitator_id INTEGER REFERENCES users(id),
    what_happened TEXT NOT NULL DEFAULT '',
    interpretations TEXT NOT NULL DEFAULT '',
    what_version INTEGER NOT NULL DEFAULT 1,
    impact_duration_min INTEGER,
    impact_people INTEGER,
    impact_records INTEGER,
    impact_services TEXT NOT NULL DEFAULT '',
    impact_cost TEXT NOT NULL DEFAULT '',
    impact_notes TEXT NOT NULL DEFAULT '',
    impact_version INTEGER NOT NULL DEFAULT 1,
    went_well TEXT NOT NULL DEFAULT '',
    got_lucky TEXT NOT NULL DEFAULT '',
    learn_version INTEGER NOT NULL DEFAULT 1,
    lint_acknowledged_by INTEGER REFERENCES users(id),
    lint_acknowledged_ms INTEGER,
    created_ms INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id),
    updated_ms INTEGER NOT NULL,
    published_ms INTEGER,
    published_by INTEGER REFERENCES users(id)
);
CREATE INDEX reviews_state ON reviews(state, published_ms);

CREATE TABLE review_whys (
    id INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    problem TEXT NOT NULL,
    steps TEXT NOT NULL,
    systemic_condition TEXT NOT NULL,
    restricted INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_ms INTEGER NOT NULL
);
CREATE INDEX review_whys_review ON review_whys(review_id, id);

CREATE TABLE review_factors (
    id INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    category TEXT NOT NULL REFERENCES factor_categories(key),
    explanation TEXT NOT NULL,
    restricted INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_ms INTEGER NOT NULL
);
CREATE INDEX review_factors_review ON review_factors(review_id, id);

CREATE TABLE review_lessons (
    id INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    level TEXT NOT NULL,
    body TEXT NOT NULL,
    restricted INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_ms INTEGER NOT NULL
);
CREATE INDEX review_lessons_review ON review_lessons(review_id, id);

CREATE TABLE review_interviews (
    id INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    participant TEXT NOT NULL,
    participant_id INTEGER REFERENCES users(id),
    notes TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    author_id INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX review_interviews_review ON review_interviews(review_id, id);

CREATE TABLE action_items (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    due_day TEXT NOT NULL,
    priority TEXT NOT NULL,
    status TEXT NOT NULL,
    factor_id INTEGER REFERENCES review_factors(id) ON DELETE SET NULL,
    tracker_url TEXT,
    closing_note TEXT,
    closed_ms INTEGER,
    check_day TEXT,
    check_owner_id INTEGER REFERENCES users(id),
    check_outcome TEXT,
    check_note TEXT,
    check_done_ms INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES users(id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX action_items_case ON action_items(case_id, id);
CREATE INDEX action_items_owner ON action_items(owner_id, status);
CREATE INDEX action_items_status ON action_items(status, due_day);

CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    unique_key TEXT NOT NULL UNIQUE,
    created_ms INTEGER NOT NULL,
    read_ms INTEGER
);
CREATE INDEX notices_user ON notices(user_id, read_ms, id);
