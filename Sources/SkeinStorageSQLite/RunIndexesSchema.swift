/// Migration 0008 (`0008_perf_run_indexes`): indexes for the run list at a million runs (`skein bench runs`,
/// docs/benchmarks.md scenario 3). Without them a date range sorted every run of the range
/// (one day of 1 M runs over 30 days: 33,000 rows), a status + date range walked every newer run
/// of that status, and a rare trigger scanned the whole table.
enum RunIndexesSchema {
    static let migration = """
        CREATE INDEX runs_by_status_queued_at ON runs(status, queued_at);
        CREATE INDEX runs_by_flow_queued_at ON runs(flow_id, queued_at);
        CREATE INDEX runs_by_trigger ON runs(trigger, id);
        """
}
