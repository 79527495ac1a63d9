import Foundation
import SkeinConnectorsSFTP
import SkeinCore
import SkeinJSON
import SkeinSFTP

/// An `sftp` instance for the test server, password login and pinned host key unless overridden.
func sftpInstance(
    _ server: OpenSSHTestServer, name: String = "warehouse", port: Int? = nil,
    password: String? = nil, credentials: [String: String]? = nil,
    hostKey: (key: String, value: String)? = nil
) -> Instance {
    let key = hostKey ?? ("host_key", server.hostPublicKey.trimmingCharacters(in: .whitespacesAndNewlines))
    return Instance(
        name: name, connectorType: "sftp", address: "127.0.0.1:\(port ?? server.port)", timeout: .seconds(20),
        settings: ["username": .string(server.user.name), key.key: .string(key.value)],
        credentials: credentials ?? ["password": password ?? server.user.password])
}

struct SettingsProblems: Error, CustomStringConvertible {
    let problems: [FlowProblem]
    var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Prepares an `sftp:` step from settings, throwing the problems when they are rejected.
func prepareSFTP(_ settings: JSON) throws -> any ShapeExecutor {
    let problems = ProblemList()
    guard let reader = SettingsReader(settings, path: "shapes[0].sftp", problems: problems),
        let executor = SFTPShape().prepare(reader)
    else {
        throw SettingsProblems(problems: problems.problems)
    }
    return executor
}

func sftpProblems(_ settings: JSON) -> [String] {
    let problems = ProblemList()
    if let reader = SettingsReader(settings, path: "shapes[0].sftp", problems: problems) { _ = SFTPShape().prepare(reader) }
    return problems.problems.map(\.description)
}

func sftpContext(_ instance: Instance, variables: [String: JSON] = [:], recorder: CallRecorder = CallRecorder()) -> ShapeContext {
    ShapeContext(
        runID: 7, flowID: "files", shapeID: "files-step", variables: variables, recorder: recorder,
        instances: FixedInstances([instance]))
}

/// Runs `body` on the test server with a fresh directory (owned by the test user) under its files directory.
func withSFTPDirectory(_ body: (OpenSSHTestServer, String) async throws -> Void) async throws {
    try await withOpenSSHServer { server in
        try await body(server, server.filesDirectory)
    }
}
