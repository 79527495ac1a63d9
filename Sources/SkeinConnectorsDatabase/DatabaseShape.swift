public import Logging
public import SkeinCore
import SkeinJSON

/// `database` (connector): runs a query against, or inserts rows into, a PostgreSQL or
/// SQLite database named by a `database` instance.
///
/// ```yaml
/// - id: changed-orders
///   database:
///     instance: erp-db                   # address postgres://user@host:5432/db or sqlite:///path
///     query: "SELECT id, total, updated_at FROM orders WHERE updated_at > $1 ORDER BY id"
///     parameters: ["{{variables.since}}"]  # or JSONata over the input payload; always bound
/// - id: save-orders
///   database:
///     instance: erp-db
///     insert: { table: orders, rows: "orders", upsert_on: [id] }   # one transaction
/// ```
///
/// See docs/connectors-database.md for type mapping, parameters and errors.
public struct DatabaseShape: ShapeKind, InstanceKind {
    let logger: Logger

    public init(logger: Logger = Logger(label: "skein.database")) {
        self.logger = logger
    }

    public static let spec = ShapeSpec(
        type: "database", category: .connector, summary: "Query rows from, or insert/upsert rows into, PostgreSQL or SQLite.",
        help: "See docs/connectors-database.md for type mapping, parameters and errors.",
        settings: DatabaseShapeSettings.spec,
        example: """
            - id: save-orders
              database:
                instance: erp-db
                insert: { table: orders, rows: "orders", upsert_on: [id] }
            """)

    public var spec: ShapeSpec { Self.spec }

    public var instanceSpecs: [InstanceSpec] {
        [
            InstanceSpec(
                type: "database", summary: "A PostgreSQL or SQLite database.",
                address: "`postgres://user@host:5432/database` (the password as a credential) or `sqlite:///path/to/file.sqlite`.",
                settings: ObjectSpec([]), credentials: [.credential("password", help: "The PostgreSQL user's password.")])
        ]
    }

    public func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        DatabaseShapeSettings(settings).map { DatabaseExecutor(settings: $0, logger: logger) }
    }

    /// For `skein instance test`: connect, log in and run `SELECT 1`.
    public func testConnection(instance: Instance) async -> (ok: Bool, message: String) {
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let backend = try await DatabaseConnector.open(instance, logger: logger)
            do { _ = try await backend.query("SELECT 1", parameters: []) } catch {
                await backend.close()
                throw DatabaseFailures.failure(error, instance: instance, doing: "SELECT 1")
            }
            await backend.close()
            return (true, "instance '\(instance.name)': connected and ran SELECT 1 in \(DurationText.format(clock.now - started))")
        } catch let failure as ShapeFailure {
            return (false, failure.message)
        } catch {
            return (false, instance.redact("instance '\(instance.name)': \(error)"))
        }
    }
}
