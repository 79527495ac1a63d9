import GRDB

/// Makes every insert into `runs` fail from now on, as a full disk or a broken file would: a real
/// SQLite error from the real store (another connection adds a trigger that aborts).
func refuseRunInserts(databaseAt path: String) throws {
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
        try db.execute(sql: "CREATE TRIGGER refuse_runs BEFORE INSERT ON runs BEGIN SELECT RAISE(ABORT, 'refused by test'); END")
    }
}
