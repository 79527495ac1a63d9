public import SkeinStorage

/// The storage conformance suite: what every `SkeinStore` backend must do, written once and
/// run against each backend (SQLite, PostgreSQL and in memory) by their test targets, so the backends
/// cannot drift apart.
///
/// Each check gets a `StoreOpener` that opens a store on one fresh, empty database; calling it
/// again opens another handle on the same database, as a second process would. Checks throw
/// `ConformanceFailure` on the first expectation that does not hold. They use no test
/// framework, so a backend's suite wraps them in one parameterized Swift Testing test:
///
/// ```swift
/// @Test(arguments: StorageConformance.checks)
/// func conforms(_ check: ConformanceCheck) async throws {
///     try await withFreshDatabase { open in try await check.run(open) }
/// }
/// ```
public enum StorageConformance {
    public static let checks: [ConformanceCheck] =
        FlowChecks.all + RunChecks.all + QueueChecks.all + SyncChecks.all + InstanceChecks.all
        + AccessChecks.all + ShapeStoreChecks.all + DeliveryChecks.all + AlertChecks.all + LookupChecks.all + WebhookIdentityChecks.all
        + ActionTokenChecks.all + RecoveryChecks.all
}

/// Opens a store on the check's database (each call a new handle on the same database).
public typealias StoreOpener = @Sendable () async throws -> any SkeinStore

/// One named behaviour every backend must have.
public struct ConformanceCheck: Sendable, CustomStringConvertible {
    public let name: String
    public let run: @Sendable (StoreOpener) async throws -> Void

    init(_ name: String, _ run: @escaping @Sendable (StoreOpener) async throws -> Void) {
        self.name = name
        self.run = run
    }

    public var description: String { name }
}

/// An expectation that did not hold, with where it is in the suite.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public let description: String
}

func expect(_ condition: Bool, _ message: @autoclosure () -> String = "", file: StaticString = #fileID, line: UInt = #line) throws {
    guard condition else { throw ConformanceFailure(description: "\(file):\(line): expectation failed \(message())") }
}

func expectEqual<T: Equatable>(
    _ actual: T, _ expected: T, _ message: @autoclosure () -> String = "",
    file: StaticString = #fileID, line: UInt = #line
) throws {
    guard actual == expected else {
        throw ConformanceFailure(description: "\(file):\(line): got \(actual), expected \(expected) \(message())")
    }
}

func expectThrows<E: Error>(
    _ type: E.Type, _ message: @autoclosure () -> String = "", file: StaticString = #fileID, line: UInt = #line,
    _ body: () async throws -> Void
) async throws {
    do {
        try await body()
    } catch is E {
        return
    } catch {
        throw ConformanceFailure(description: "\(file):\(line): threw \(error), expected a \(E.self) \(message())")
    }
    throw ConformanceFailure(description: "\(file):\(line): did not throw, expected a \(E.self) \(message())")
}

func unwrap<T>(_ value: T?, _ message: @autoclosure () -> String = "", file: StaticString = #fileID, line: UInt = #line) throws -> T {
    guard let value else { throw ConformanceFailure(description: "\(file):\(line): unexpected nil \(message())") }
    return value
}
