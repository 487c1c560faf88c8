-- The relay's sweep asks, per exercise, for deliveries of the current run still unpublished
-- some time after their instant. Without this index that read walks every delivery of the
-- exercise; with it, only the few not yet acknowledged.
CREATE INDEX deliveries_outbox ON deliveries (exercise_id, run, fired_at)
    WHERE published_at IS NULL;
