import CoreMetrics
import Prometheus
import SkeinInstrumentation

/// A swift-metrics backend writing into one Prometheus registry, with each Skein metric's help
/// text and histogram buckets taken from `SkeinMetric.all`.
///
/// swift-prometheus's own factory registers everything with empty help and one set of buckets;
/// metrics outside the catalogue (from libraries) still go through it.
struct CatalogMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    let others: PrometheusMetricsFactory

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        self.others = PrometheusMetricsFactory(registry: registry)
    }

    private func descriptor(_ metric: SkeinMetric) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: metric.name, unitName: "", helpText: metric.help)
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard let metric = SkeinMetric.byName[label], metric.kind == .counter else { return others.makeCounter(label: label, dimensions: dimensions) }
        return registry.makeCounter(descriptor: descriptor(metric), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        others.makeFloatingPointCounter(label: label, dimensions: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard let metric = SkeinMetric.byName[label], metric.kind == .gauge else {
            return others.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
        }
        return registry.makeGauge(descriptor: descriptor(metric), labels: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        guard let metric = SkeinMetric.byName[label], metric.kind == .gauge else { return others.makeMeter(label: label, dimensions: dimensions) }
        return registry.makeGauge(descriptor: descriptor(metric), labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        guard let metric = SkeinMetric.byName[label], metric.kind == .histogram else { return others.makeTimer(label: label, dimensions: dimensions) }
        let buckets = metric.buckets.map { Duration.nanoseconds(Int64(($0 * 1e9).rounded())) }
        return registry.makeDurationHistogram(descriptor: descriptor(metric), labels: dimensions, buckets: buckets)
    }

    func destroyCounter(_ handler: any CounterHandler) { others.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { others.destroyFloatingPointCounter(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { others.destroyRecorder(handler) }
    func destroyMeter(_ handler: any MeterHandler) { others.destroyMeter(handler) }
    func destroyTimer(_ handler: any TimerHandler) { others.destroyTimer(handler) }
}
