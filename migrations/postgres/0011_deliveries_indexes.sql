-- The outbox's rows by report and by case. PostgreSQL flavour;
-- migrations/sqlite/0011_deliveries_indexes.sql is its twin.
--
-- Releasing a report's help card looked its row up among every pending delivery, so each
-- release cost more as the outbox grew; and deleting a case or a report (retention,
-- erasure) read the whole table to cascade to its deliveries.
CREATE INDEX deliveries_by_report ON deliveries (report_id) WHERE report_id IS NOT NULL;
CREATE INDEX deliveries_by_case ON deliveries (case_id);
