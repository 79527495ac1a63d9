import GRDB
import SkeinCore

// Typed ids are stored as the integers they wrap, so they bind and read like `Int64` in SQL.

extension RunID: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { rawValue.databaseValue }

    public static func fromDatabaseValue(_ value: DatabaseValue) -> RunID? {
        Int64.fromDatabaseValue(value).map(RunID.init(rawValue:))
    }
}

extension SyncEntryID: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { rawValue.databaseValue }

    public static func fromDatabaseValue(_ value: DatabaseValue) -> SyncEntryID? {
        Int64.fromDatabaseValue(value).map(SyncEntryID.init(rawValue:))
    }
}
