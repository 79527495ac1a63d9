import Foundation
import Hummingbird
public import Logging
import Metrics
import NIOCore
import Prometheus
public import ServiceLifecycle
import SkeinInstrumentation
public import SkeinStorage

/// `GET /metrics` in the Prometheus text format, on a port of its own (`skein serve
/// --metrics-port`), as a `Service` of `skein serve`'s group.
///
/// A port of its own, not a route of the API: every process of a deployment has one — a
/// worker-only process, which serves no HTTP otherwise, included — and a scrape never meets the
/// API's sign-in. It listens on 127.0.0.1 unless told otherwise; with `token` set, a scrape must
/// send `Authorization: Bearer <token>`.
public struct MetricsServer: Service {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        /// When set, scrapes must present it as a bearer token.
        public var token: String?

        public init(host: String = "127.0.0.1", port: Int, token: String? = nil) {
            self.host = host
            self.port = port
            self.token = token
        }
    }

    let settings: Settings
    let registry: PrometheusCollectorRegistry
    let gauges: QueueGauges
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void

    /// Makes the server for the registry `MetricsExport.bootstrap()` returned.
    public init(
        settings: Settings, registry: MetricsRegistry, store: any RunCountStore, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.settings = settings
        self.registry = registry.registry
        self.gauges = QueueGauges(store: store, logger: logger)
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let router = Router()
        let (registry, gauges, token) = (registry, gauges, settings.token)
        router.get("metrics") { request, _ -> Response in
            if let token, !BearerToken.matches(request.headers[.authorization], expected: token) {
                return Response(
                    status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"],
                    body: .init(byteBuffer: ByteBuffer(string: "this metrics endpoint needs Authorization: Bearer <token>\n")))
            }
            await gauges.refresh()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        let onListening = onListening
        let app = Application(
            router: router, configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) }, logger: logger)
        do {
            try await app.runService()
        } catch  where "\(error)".contains("bind(") {
            let reason = "\(error)".contains("in use") ? "the address is already in use; choose another --metrics-port" : "\(error)"
            throw ListenError(description: "cannot listen on \(settings.host):\(settings.port) for metrics: \(reason)")
        }
    }

    /// The metrics port could not be opened, said so that it is not taken for the API's port.
    public struct ListenError: Error, CustomStringConvertible {
        public let description: String
    }
}

/// The Prometheus registry behind swift-metrics, made once per process.
public struct MetricsRegistry: Sendable {
    let registry: PrometheusCollectorRegistry
}

public enum MetricsExport {
    /// Makes the registry and bootstraps swift-metrics with it; call once, at start, before any metric is recorded.
    public static func bootstrap() -> MetricsRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(CatalogMetricsFactory(registry: registry))
        return MetricsRegistry(registry: registry)
    }
}

enum BearerToken {
    /// Whether `header` is `Bearer <expected>`, compared in constant time.
    static func matches(_ header: String?, expected: String) -> Bool {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        let presented = Array(header.dropFirst(7).utf8)
        let wanted = Array(expected.utf8)
        var difference = UInt8(presented.count == wanted.count ? 0 : 1)
        for index in wanted.indices { difference |= wanted[index] ^ (index < presented.count ? presented[index] : 0) }
        return difference == 0
    }
}
