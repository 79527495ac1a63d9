import GRDB
import PostgresNIO
import SkeinCore

/// Turns database errors into `ShapeFailure`s that name the instance and carry the
/// database's own message.
///
/// | failure                                                        | transient |
/// |----------------------------------------------------------------|-----------|
/// | connection refused / reset / timed out, server starting or full | yes       |
/// | serialization failure, deadlock (40001, 40P01), SQLite busy    | yes       |
/// | wrong password or user (28P01, 28000), unknown database (3D000) | no        |
/// | any SQL error (syntax, missing table, constraint violation)    | no        |
enum DatabaseFailures {
    static let transientStates: Set<String> = ["40001", "40P01", "57P01", "57P02", "57P03", "53300", "08000", "08003", "08006"]

    static func failure(_ error: any Error, instance: Instance, doing operation: String) -> ShapeFailure {
        if let failure = error as? ShapeFailure {
            return ShapeFailure(
                instance.redact("instance '\(instance.name)': \(operation): \(failure.message)"),
                isTransient: failure.isTransient, details: failure.details)
        }
        let prefix = "instance '\(instance.name)': \(operation)"
        if let error = error as? PSQLError { return postgres(error, prefix: prefix, instance: instance) }
        if let error = error as? DatabaseError {
            let transient = error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
            return ShapeFailure(instance.redact("\(prefix) failed: SQLite said: \(sqliteMessage(error))"), isTransient: transient)
        }
        if let error = error as? PostgresValues.Unsupported {
            return ShapeFailure("\(prefix) failed: \(error)")
        }
        return ShapeFailure(instance.redact("\(prefix) failed: \(String(describing: error))"))
    }

    static func sqliteMessage(_ error: any Error) -> String {
        guard let error = error as? DatabaseError else { return String(describing: error) }
        return error.message ?? "\(error.resultCode)"
    }

    private static func postgres(_ error: PSQLError, prefix: String, instance: Instance) -> ShapeFailure {
        if let info = error.serverInfo {
            let state = info[.sqlState] ?? ""
            var message = info[.message] ?? "an error without a message"
            if let detail = info[.detail] { message += " (\(detail))" }
            if let hint = info[.hint] { message += " Hint: \(hint)" }
            var text = "\(prefix) failed: PostgreSQL said: \(message) [SQLSTATE \(state)]"
            if state == "28P01" || state == "28000" {
                text += "; check the instance's user and its 'password' credential"
            }
            return ShapeFailure(instance.redact(text), isTransient: transientStates.contains(state))
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown:
            let reason = error.underlying.map { String(describing: $0) } ?? "the connection failed"
            return ShapeFailure(
                instance.redact("\(prefix) failed: cannot reach the database at \(instance.address): \(reason)"),
                isTransient: true)
        case .authMechanismRequiresPassword:
            return ShapeFailure("\(prefix) failed: the server asks for a password, and the instance has no 'password' credential")
        default:
            return ShapeFailure(instance.redact("\(prefix) failed: \(error.code)"), isTransient: false)
        }
    }
}
