import Metrics

/// Recording through swift-metrics: whatever backend the executable bootstrapped (Prometheus in
/// `skein serve --metrics-port`) receives the value; with none, the calls cost next to nothing.
///
/// Label values are given in the order of `labels`, so every series of a metric carries the
/// same label names in the same order.
extension SkeinMetric {
    public func dimensions(_ values: [String]) -> [(String, String)] {
        assert(values.count == labels.count, "\(name) takes the labels \(labels), got \(values.count) values")
        return Array(zip(labels, values))
    }

    /// Adds `amount` to a counter.
    public func increment(_ values: String..., by amount: Int = 1) {
        guard amount > 0 else { return }
        Counter(label: name, dimensions: dimensions(values)).increment(by: amount)
    }

    /// Records one observation of a duration histogram.
    public func record(_ duration: Duration, _ values: String...) {
        Metrics.Timer(label: name, dimensions: dimensions(values)).record(duration: duration)
    }

    /// Sets a gauge.
    public func set(_ value: Double, _ values: String...) {
        Gauge(label: name, dimensions: dimensions(values)).record(value)
    }

    /// Moves an up-and-down gauge (`runs_in_progress`) by `delta`.
    public func add(_ delta: Double, _ values: String...) {
        let meter = Meter(label: name, dimensions: dimensions(values))
        if delta >= 0 { meter.increment(by: delta) } else { meter.decrement(by: -delta) }
    }
}
