import Foundation
import Logging
import MCP

/// Wraps a transport so that the end of its input is passed on only once every request read
/// has been answered. The SDK's server handles each request in a task of its own and stops
/// when its input ends: `printf '…' | skein mcp` would otherwise exit before answering.
actor DrainingTransport: Transport {
    let inner: any Transport
    /// Ids (as JSON text) of requests read and not yet answered.
    private var outstanding: Set<String> = []
    private var drained: [CheckedContinuation<Void, Never>] = []

    init(_ inner: any Transport) { self.inner = inner }

    nonisolated var logger: Logger { Logger(label: "skein.mcp.transport", factory: { _ in SwiftLogNoOpLogHandler() }) }

    func connect() async throws { try await inner.connect() }
    func disconnect() async { await inner.disconnect() }

    func send(_ data: Data) async throws {
        try await inner.send(data)
        if let message = Self.message(data), message["method"] == nil, let id = message["id"].map(Self.key) {
            outstanding.remove(id)
            if outstanding.isEmpty { for waiter in drained { waiter.resume() }; drained = [] }
        }
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, Swift.Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await data in await inner.receive() {
                        await noteRequest(data)
                        continuation.yield(data)
                    }
                    await untilAnswered()
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func noteRequest(_ data: Data) {
        if let message = Self.message(data), message["method"] != nil, let id = message["id"].map(Self.key) { outstanding.insert(id) }
    }

    private func untilAnswered() async {
        guard !outstanding.isEmpty else { return }
        await withCheckedContinuation { drained.append($0) }
    }

    /// A single JSON-RPC message as an object (batches are not tracked).
    static func message(_ data: Data) -> [String: Any]? { (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] }

    static func key(_ id: Any) -> String { "\(id)" }
}
