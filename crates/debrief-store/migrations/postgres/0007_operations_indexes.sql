-- Covering indexes for the counts `/metrics` reads at every scrape: open cases
-- by severity and status, overdue action items of cases that are not drills,
-- and reports by kind. Without them each scrape reads every case, action item
-- and report row.
CREATE INDEX cases_open_counts ON cases(status, drill, severity);
CREATE INDEX cases_drill ON cases(id, drill);
CREATE INDEX action_items_overdue ON action_items(status, due_day, case_id);
CREATE INDEX reports_kind_counts ON reports(kind, confidentiality, received_ms);
