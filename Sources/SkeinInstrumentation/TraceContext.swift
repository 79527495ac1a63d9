public import Tracing

/// The W3C trace context (`traceparent: 00-<trace id>-<span id>-<flags>`) of spans, as text that
/// can be stored with a run and read back: a run resumed by another worker continues the same
/// trace, and the run page shows the trace id.
///
/// The text is whatever the bootstrapped instrument writes for the `traceparent` key; with no
/// tracer (the default), there is none.
public enum TraceContext {
    /// The `traceparent` header naming `context`'s span, when tracing is on and the span is sampled.
    public static func traceParent(of context: ServiceContext) -> String? {
        var carrier: [String: String] = [:]
        InstrumentationSystem.tracer.inject(context, into: &carrier, using: DictionaryCarrier())
        guard let value = carrier["traceparent"], let parsed = TraceParent(value), parsed.sampled else { return nil }
        return value
    }

    /// A context whose current span is the one `traceParent` names: spans started in it join that trace.
    public static func context(continuing traceParent: String) -> ServiceContext {
        var context = ServiceContext.topLevel
        InstrumentationSystem.tracer.extract(["traceparent": traceParent], into: &context, using: DictionaryCarrier())
        return context
    }

    /// Adds the headers that carry `context` to another system (`traceparent`, `tracestate`).
    public static func inject(_ context: ServiceContext, into headers: inout [(name: String, value: String)]) {
        var carrier: [String: String] = [:]
        InstrumentationSystem.tracer.inject(context, into: &carrier, using: DictionaryCarrier())
        for (name, value) in carrier.sorted(by: { $0.key < $1.key }) {
            headers.removeAll { $0.name.lowercased() == name.lowercased() }
            headers.append((name, value))
        }
    }
}

/// A parsed `traceparent` header (W3C Trace Context, version 00).
public struct TraceParent: Sendable, Equatable {
    /// 32 lowercase hexadecimal digits.
    public let traceID: String
    /// 16 lowercase hexadecimal digits: the span the header names.
    public let spanID: String
    public let sampled: Bool

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, parts[0] != "ff", parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
            parts.prefix(4).allSatisfy({ $0.allSatisfy(\.isHexDigit) && $0 == $0.lowercased() }),
            parts[1] != String(repeating: "0", count: 32), parts[2] != String(repeating: "0", count: 16),
            let flags = UInt8(parts[3], radix: 16)
        else { return nil }
        traceID = String(parts[1])
        spanID = String(parts[2])
        sampled = flags & 1 == 1
    }
}

struct DictionaryCarrier: Injector, Extractor {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}
