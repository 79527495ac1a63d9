import AsyncHTTPClient
import SkeinConnectorsHTTP
import SkeinCore
import SkeinJSON
import Testing

struct SettingsProblems: Error, CustomStringConvertible {
    let problems: [FlowProblem]
    var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// The client the tests share, configured as docs/connectors-http.md recommends for the app:
/// a refused connection fails at once (the engine's retry policy decides about trying again)
/// instead of being retried inside AsyncHTTPClient until the timeout.
let testClient: HTTPClient = {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool.retryConnectionEstablishment = false
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}()

/// One connector per test, with its own token cache and rate limiters, over the shared client.
func makeShape() -> HTTPShape {
    HTTPShape(client: testClient)
}

func httpInstance(
    _ name: String = "shop", address: String, auth: JSON? = nil, credentials: [String: String] = [:],
    rateLimit: RateLimit? = nil, timeout: Duration = .seconds(10), variables: [String: String] = [:]
) -> Instance {
    var settings: JSON.Object = [:]
    if let auth { settings["auth"] = auth }
    return Instance(
        name: name, connectorType: "http", address: address, rateLimit: rateLimit, timeout: timeout,
        variables: variables, settings: .object(settings), credentials: credentials)
}

/// Reads settings as a flow file's step would be read; throws the problems found.
func prepare(_ shape: HTTPShape, _ settings: JSON) throws -> any ShapeExecutor {
    let problems = ProblemList()
    guard let reader = SettingsReader(settings, path: "shapes[0].http", problems: problems),
        let executor = shape.prepare(reader)
    else {
        throw SettingsProblems(problems: problems.problems)
    }
    return executor
}

/// The problems reported for `settings`, as `path: message` lines.
func problems(_ settings: JSON) -> [String] {
    let problems = ProblemList()
    if let reader = SettingsReader(settings, path: "shapes[0].http", problems: problems) {
        _ = makeShape().prepare(reader)
    }
    return problems.problems.map(\.description)
}

func context(
    _ instances: Instance..., variables: [String: JSON] = [:], recorder: CallRecorder = CallRecorder(),
    attempt: Int = 1
) -> ShapeContext {
    ShapeContext(
        runID: 7, flowID: "orders-sync", shapeID: "fetch", attempt: attempt, variables: variables,
        recorder: recorder, instances: FixedInstances(instances))
}

/// Runs a step as the engine does: on a transient failure, wait (Retry-After or the
/// policy's backoff) and try again, up to `policy.attempts` tries.
func runWithRetries(
    _ executor: any ShapeExecutor, input: [Payload] = [], instance: Instance,
    recorder: CallRecorder = CallRecorder(),
    policy: RetryPolicy = RetryPolicy(attempts: 3, backoff: .milliseconds(50))
) async throws -> (result: ShapeResult, attempts: Int) {
    var attempt = 1
    while true {
        do {
            let result = try await executor.execute(input, context: context(instance, recorder: recorder, attempt: attempt))
            return (result, attempt)
        } catch let failure as ShapeFailure where failure.isTransient && attempt < policy.attempts {
            try await Task.sleep(for: policy.delay(after: attempt, retryAfter: failure.retryAfter))
            attempt += 1
        }
    }
}

/// Runs a step once and returns the failure it throws.
func failure(
    of executor: any ShapeExecutor, input: [Payload] = [], instance: Instance,
    recorder: CallRecorder = CallRecorder()
) async throws -> ShapeFailure {
    do {
        _ = try await executor.execute(input, context: context(instance, recorder: recorder))
    } catch let failure as ShapeFailure {
        return failure
    }
    Issue.record("expected a ShapeFailure")
    throw CancellationError()
}

extension Payload {
    var jsonValue: JSON? { try? json() }
}

/// Every recorded call and message as one string, to search for leaked secrets.
func everything(_ recorder: CallRecorder, _ messages: [String] = []) -> String {
    (recorder.calls.map { $0.serialized() } + messages).joined(separator: "\n")
}

func expectNoSecrets(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for secret in Secrets.all {
        #expect(!text.contains(secret), "secret \(secret.prefix(6))… leaked", sourceLocation: sourceLocation)
    }
    let basic = TestServer.base64(Secrets.username + ":" + Secrets.password)
    #expect(!text.contains(basic), "Basic credentials leaked", sourceLocation: sourceLocation)
}
