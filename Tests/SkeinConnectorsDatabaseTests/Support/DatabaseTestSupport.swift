import Foundation
import SkeinConnectorsDatabase
import SkeinCore
import SkeinJSON
import SkeinTestSupport

struct SettingsProblems: Error, CustomStringConvertible {
    let problems: [FlowProblem]
    var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Prepares a `database:` step from settings, throwing the problems when they are rejected.
func prepareDatabase(_ settings: JSON) throws -> any ShapeExecutor {
    let problems = ProblemList()
    guard let reader = SettingsReader(settings, path: "shapes[0].database", problems: problems),
        let executor = DatabaseShape().prepare(reader)
    else {
        throw SettingsProblems(problems: problems.problems)
    }
    return executor
}

func databaseProblems(_ settings: JSON) -> [String] {
    let problems = ProblemList()
    if let reader = SettingsReader(settings, path: "shapes[0].database", problems: problems) { _ = DatabaseShape().prepare(reader) }
    return problems.problems.map(\.description)
}

func databaseContext(_ instance: Instance, variables: [String: JSON] = [:], recorder: CallRecorder = CallRecorder()) -> ShapeContext {
    ShapeContext(
        runID: 3, flowID: "db", shapeID: "db-step", variables: variables, recorder: recorder,
        instances: FixedInstances([instance]))
}

func postgresInstance(_ server: PostgresTestDatabase, name: String = "erp-db", password: String? = nil, port: Int? = nil) -> Instance {
    let address = port.map { "postgres://\(server.user)@127.0.0.1:\($0)/\(server.database)" } ?? server.address
    return Instance(
        name: name, connectorType: "database", address: address, timeout: .seconds(10),
        credentials: ["password": password ?? server.password])
}

func sqliteInstance(_ path: String, name: String = "local-db") -> Instance {
    Instance(name: name, connectorType: "database", address: "sqlite://" + path)
}

/// A path for a new SQLite file in the temporary directory.
func temporarySQLitePath() -> String {
    NSTemporaryDirectory() + "skein-db-\(UUID().uuidString).sqlite"
}

/// Runs the statements through the shape itself (one `query` step each), so setup and the code under test agree.
func run(_ statements: [String], on instance: Instance) async throws {
    for statement in statements {
        _ = try await prepareDatabase(["instance": .string(instance.name), "query": .string(statement)])
            .execute([], context: databaseContext(instance))
    }
}
