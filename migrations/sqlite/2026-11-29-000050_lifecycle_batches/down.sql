DROP INDEX submissions_tracked_idx;
DROP INDEX poll_cursors_due_idx;
DROP TABLE poll_cursors;
