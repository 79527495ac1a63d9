public import Logging
import OTel
public import ServiceLifecycle

/// OpenTelemetry traces over OTLP/HTTP, configured by the standard `OTEL_*` environment variables
/// (docs/operations.md, "Tracing").
///
/// Tracing is on when `OTEL_TRACES_EXPORTER=otlp` or an OTLP endpoint
/// (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, and
/// `OTEL_SDK_DISABLED` is not `true`: without them a server does not try to reach a collector that
/// is not there. Only traces are exported (metrics go to Prometheus, logs to the log output), over
/// OTLP/HTTP with protobuf or JSON bodies; this build has no gRPC exporter.
public enum TracingExport {
    /// Why the `OTEL_*` settings cannot be used, said plainly.
    public struct SettingsError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Whether `environment` asks for traces.
    public static func isRequested(_ environment: [String: String]) -> Bool {
        if environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" { return false }
        if let exporter = environment["OTEL_TRACES_EXPORTER"] { return exporter.lowercased() != "none" }
        return environment["OTEL_EXPORTER_OTLP_ENDPOINT"] != nil || environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] != nil
    }

    /// Checks what this build cannot do before swift-otel reads the settings (it stops the process
    /// on an exporter it was built without).
    public static func validate(_ environment: [String: String]) throws(SettingsError) {
        if let exporter = environment["OTEL_TRACES_EXPORTER"]?.lowercased(), !["otlp", "none"].contains(exporter) {
            throw SettingsError(description: "OTEL_TRACES_EXPORTER=\(exporter) is not supported: use otlp (or none)")
        }
        for key in ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] {
            guard let value = environment[key] else { continue }
            guard ["http/protobuf", "http/json"].contains(value.lowercased()) else {
                throw SettingsError(
                    description:
                        "\(key)=\(value) is not supported: Skein exports OTLP over HTTP (http/protobuf, the default, or http/json); point it at the collector's OTLP/HTTP port (4318)"
                )
            }
            break  // the traces-specific setting wins over the shared one
        }
        for key in ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"] {
            if let value = environment[key], !(value.hasPrefix("http://") || value.hasPrefix("https://")) {
                throw SettingsError(description: "\(key)=\(value) must be an http:// or https:// URL")
            }
        }
    }

    /// When `environment` asks for traces: bootstraps the process's tracer and returns the service
    /// that batches and exports spans, to run in `skein serve`'s group (it flushes on shutdown).
    /// Nil when tracing is off. Call once per process.
    public static func bootstrap(environment: [String: String], logger: Logger) throws -> (any Service)? {
        guard isRequested(environment) else { return nil }
        try validate(environment)
        var configuration = OTel.Configuration.default
        configuration.serviceName = "skein"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.diagnosticLogger = .custom(logger)
        do {
            return try OTel.bootstrap(configuration: configuration, environment: environment)
        } catch {
            throw SettingsError(description: "the OTEL_* settings cannot be used: \(error)")
        }
    }
}
