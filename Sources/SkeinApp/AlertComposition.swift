import SkeinCore
public import SkeinEngine
import SkeinShapes

extension SkeinEnvironment {
    /// The alerting service: failures of flows with `alerts:` reach their notification groups
    /// by mail (the notify shape's SMTP client) and webhook (the process's shared HTTP client).
    public func alertService(settings: AlertService.Settings) -> AlertService {
        AlertService(
            store: store, catalog: catalog, instances: instances, delivery: AlertChannels(client: ConnectorShapes.client),
            settings: settings, logger: logger)
    }
}
