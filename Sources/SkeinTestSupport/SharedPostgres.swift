import Foundation

/// The PostgreSQL server the storage tests use.
///
/// `scripts/test.sh` starts one throwaway cluster for the whole run and exports its URL as
/// `SKEIN_TEST_POSTGRES_URL`; the Swift suites and the end-to-end tests both use it. When
/// the variable is not set (`swift test` run by hand), one cluster is started for this test
/// process (as `PostgresTestServer` does for the database connector tests) and stopped when the
/// process exits. If PostgreSQL is not installed the tests fail saying so; they never skip.
public enum SharedPostgres {
    public static let variable = "SKEIN_TEST_POSTGRES_URL"

    /// A URL of a database on the server whose user may create databases.
    public static func url() async throws -> String {
        if let url = ProcessInfo.processInfo.environment[variable], !url.isEmpty { return url }
        return try await onDedicatedThread { try Started.shared.url() }
    }

    private final class Started: @unchecked Sendable {
        static let shared = Started()
        private let lock = NSLock()
        private var server: PostgresTestServer?

        func url() throws -> String {
            try lock.withLock {
                if let server { return server.url }
                let started = try PostgresTestServer.start(maxConnections: 300)
                server = started
                startedServer = started
                atexit { startedServer?.stop() }
                return started.url
            }
        }
    }
}

nonisolated(unsafe) private var startedServer: PostgresTestServer?
