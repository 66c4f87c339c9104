-- Drills and exercises: a case flag that leaves the case, its reports and its
-- action items out of every learning metric.
ALTER TABLE cases ADD COLUMN drill INTEGER NOT NULL DEFAULT 0;
