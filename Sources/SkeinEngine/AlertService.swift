public import Foundation
public import Logging
import ServiceLifecycle
public import SkeinCore
import SkeinJSON
public import SkeinStorage
import Synchronization

/// Tells notification groups of failures, as a `Service` of `skein serve` (scheduler role).
///
/// Every `interval` it looks for runs that ended failed and sync report entries that turned
/// Failed in the last `lookback`, and for each whose flow names groups under `alerts:` it
/// records the failure with each group (`AlertStore.recordAlertEvent`, once per failure and
/// group, so a restart or a second scheduler never alerts twice). The first failure of a flow
/// in a group's window is sent at once; later ones are counted, and when the window ends one
/// digest ("12 more failures since 14:05 UTC") goes out. Counts are stored, so they survive a
/// restart. Every alert sent, or that could not be sent, is written to the audit log
/// (`alert.sent`, `alert.digest`, `alert.failed`), actor `skein`.
///
/// Alert texts carry the flow, the run or sync entry, the failed step and the error the run log
/// shows (errors never hold secrets: instances redact theirs), and a link to the run page.
public struct AlertService: Service {
    public typealias Store = FlowReader & RunLogReader & SyncReportReader & AlertStore & AuditLog

    public struct Settings: Sendable {
        /// How long after an alert further failures of the flow only count toward a digest (`alert_window`, default 15 minutes).
        public var window: Duration
        /// The sender of alert mail (`alert_from`).
        public var from: String
        /// The `smtp` instance for groups that name none (`alert_smtp_instance`).
        public var smtpInstance: String?
        /// Where people open Skein (`base_url`), for links to run pages.
        public var baseURL: String
        /// How often to look for failures.
        public var interval: Duration
        /// How far back failures are looked for (also how long after a restart a failure is still alerted).
        public var lookback: TimeInterval

        public init(
            window: Duration = .seconds(15 * 60), from: String = "skein@localhost", smtpInstance: String? = nil,
            baseURL: String = "http://127.0.0.1:8080", interval: Duration = .seconds(2), lookback: TimeInterval = 3600
        ) {
            self.window = window; self.from = from; self.smtpInstance = smtpInstance; self.baseURL = baseURL
            self.interval = interval; self.lookback = lookback
        }

        /// The default `alert_window`.
        public static let defaultWindow = "15m"
    }

    let store: any Store
    let catalog: ShapeCatalog
    let instances: any InstanceResolver
    let delivery: any AlertDelivery
    let settings: Settings
    let logger: Logger
    let now: @Sendable () -> Date
    /// Flow alert settings by flow and version (deployed versions never change).
    private let flowAlerts = FlowAlertsCache()

    public init(
        store: any Store, catalog: ShapeCatalog, instances: any InstanceResolver, delivery: any AlertDelivery, settings: Settings,
        logger: Logger, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store; self.catalog = catalog; self.instances = instances; self.delivery = delivery
        self.settings = settings; self.logger = logger; self.now = now
    }

    var windowSeconds: TimeInterval { Double(settings.window.components.seconds) + Double(settings.window.components.attoseconds) / 1e18 }

    public func run() async throws {
        var lastPrune = Date.distantPast
        while ServicePacing.keepsRunning {
            do {
                try await pass()
                if now().timeIntervalSince(lastPrune) > 3600 {
                    lastPrune = now()
                    _ = try await store.pruneAlertEvents(before: now().addingTimeInterval(-(settings.lookback * 2 + windowSeconds)))
                }
            } catch {
                logger.error("alerts could not be checked", metadata: ["error": "\(error)"])
            }
            await ServicePacing.pause(settings.interval)
        }
    }

    /// One look: new failures, then the digests whose window ended.
    public func pass() async throws {
        let now = now()
        let since = now.addingTimeInterval(-settings.lookback)
        let failed = try await store.runs(RunQuery(statuses: [.failure], limit: 500))
        for run in failed where (run.finishedAt ?? run.queuedAt) >= since {
            guard let alerts = try await alerts(flowID: run.flowID, version: run.flowVersion), !alerts.onFailure.isEmpty else { continue }
            try await record(event: "run:\(run.id)", flowID: run.flowID, groups: alerts.onFailure, now: now) {
                runFailedText(run)
            }
        }
        let entries = try await store.syncEntries(SyncQuery(since: since, statuses: [.failed], limit: 500)).entries
        for entry in entries {
            guard let alerts = try await alerts(flowID: entry.flowID, version: entry.flowVersion), !alerts.onSyncFailed.isEmpty else { continue }
            try await record(event: "sync:\(entry.id):\(entry.attempts)", flowID: entry.flowID, groups: alerts.onSyncFailed, now: now) {
                syncFailedText(entry)
            }
        }
        for digest in try await store.dueDigests(now: now) {
            let text = digestText(digest)
            await deliver(
                text, flowID: digest.flowID, groupName: digest.group, action: "alert.digest",
                details: ["event": .string(digest.lastEvent), "count": .number(Double(digest.pending))])
            try await store.digestSent(flowID: digest.flowID, group: digest.group, window: windowSeconds, now: now)
        }
    }

    private func record(event: String, flowID: String, groups: [String], now: Date, text: () -> AlertText) async throws {
        for group in groups {
            let decision = try await store.recordAlertEvent(flowID: flowID, group: group, event: event, window: windowSeconds, now: now)
            switch decision {
            case .send:
                await deliver(text(), flowID: flowID, groupName: group, action: "alert.sent", details: ["event": .string(event)])
            case .counted(let pending):
                logger.info("failure counted for the alert digest", metadata: ["flow.id": "\(flowID)", "group": "\(group)", "pending": "\(pending)"])
            case .duplicate:
                continue
            }
        }
    }

    /// The flow's `alerts:` for this deployed version (nil when the flow cannot be read).
    func alerts(flowID: String, version: Int) async throws -> FlowAlerts? {
        let key = "\(flowID)@\(version)"
        if let known = flowAlerts.known.withLock({ $0[key] }) { return known }
        guard let deployed = try await store.flow(id: flowID, version: version) else { return nil }
        let alerts = (try? FlowFile.decode(deployed.source, source: "flow '\(flowID)'", catalog: catalog))?.alerts ?? FlowAlerts()
        flowAlerts.known.withLock { $0[key] = alerts }
        return alerts
    }

    /// A subject and a body; webhooks get both as one text.
    struct AlertText {
        var subject: String
        var body: String
    }

    func link(_ path: String) -> String {
        (settings.baseURL.hasSuffix("/") ? String(settings.baseURL.dropLast()) : settings.baseURL) + path
    }

    func runFailedText(_ run: RunRecord) -> AlertText {
        var body = "Run \(run.id) of flow '\(run.flowID)' (v\(run.flowVersion)) failed"
        if let step = run.failedShapeID { body += " at step '\(step)'" }
        body += ".\n"
        if let error = run.error { body += "Error: \(Self.clipped(error))\n" }
        body += "Run: \(link("/runs/\(run.id)"))\n"
        return AlertText(subject: "[Skein] \(run.flowID): run \(run.id) failed", body: body)
    }

    func syncFailedText(_ entry: SyncEntry) -> AlertText {
        var body = "Sync entry \(entry.id) (\(entry.system) \(entry.reference)) of flow '\(entry.flowID)' turned Failed after \(entry.attempts) attempts.\n"
        if !entry.latestResponse.isEmpty { body += "Latest response: \(Self.clipped(entry.latestResponse))\n" }
        body += "Run: \(link("/runs/\(entry.runID)"))\nSync report: \(link("/sync?status=failed&flow=\(entry.flowID)"))\n"
        return AlertText(subject: "[Skein] \(entry.flowID): sync \(entry.reference) failed", body: body)
    }

    func digestText(_ digest: PendingDigest) -> AlertText {
        let since = Self.clock(digest.since)
        let noun = digest.pending == 1 ? "failure" : "failures"
        let body = """
            \(digest.pending) more \(noun) of flow '\(digest.flowID)' since \(since) UTC (alerts are limited to one per \(DurationText.format(settings.window)) per flow).
            Failed runs: \(link("/runs?flow=\(digest.flowID)&status=failure"))

            """
        return AlertText(subject: "[Skein] \(digest.flowID): \(digest.pending) more \(noun) since \(since) UTC", body: body)
    }

    static func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "HH:mm"
        return formatter.string(from: date)
    }

    static func clipped(_ text: String) -> String { text.count > 1000 ? String(text.prefix(1000)) + "…" : text }

    /// Sends `text` to every address and URL of the group and writes the audit line.
    func deliver(_ text: AlertText, flowID: String, groupName: String, action: String, details: [String: JSON]) async {
        var details = details
        details["group"] = .string(groupName)
        var failures: [String] = []
        var sent: [JSON] = []
        do {
            guard let group = try await store.alertGroup(named: groupName) else {
                throw AlertSendError("there is no alert group '\(groupName)' (skein alert-group create \(groupName) …)")
            }
            if !group.emails.isEmpty {
                do {
                    guard let instanceName = group.smtpInstance ?? settings.smtpInstance else {
                        throw AlertSendError("group '\(groupName)' has email addresses but names no smtp instance, and alert_smtp_instance is not set")
                    }
                    let instance = try await instances.instance(named: instanceName)
                    try await delivery.sendEmail(instance: instance, from: settings.from, to: group.emails, subject: text.subject, body: text.body)
                    sent.append(contentsOf: group.emails.map { .string("mailto:\($0)") })
                } catch {
                    failures.append("\(error)")
                }
            }
            for url in group.webhookURLs {
                do {
                    try await delivery.postWebhook(url: url, text: "\(text.subject)\n\(text.body)")
                    sent.append(.string(AlertDeliverySafety.safe(url)))
                } catch {
                    failures.append("\(error)")
                }
            }
        } catch {
            failures.append("\(error)")
        }
        details["subject"] = .string(text.subject)
        details["sent_to"] = .array(sent)
        if !failures.isEmpty {
            details["errors"] = .array(failures.map { .string(Self.clipped($0)) })
            logger.warning("alert not delivered", metadata: ["flow.id": "\(flowID)", "group": "\(groupName)", "errors": "\(failures)"])
        }
        let finalAction = failures.isEmpty ? action : "alert.failed"
        if !failures.isEmpty { details["kind"] = .string(action) }
        do {
            try await store.appendAudit(
                actor: "skein", action: finalAction, target: "flow:\(flowID)",
                details: .object(.init(uniqueKeysWithValues: details.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })), now: now())
        } catch {
            logger.error("alert not written to the audit log", metadata: ["flow.id": "\(flowID)", "error": "\(error)"])
        }
    }
}

/// `alerts:` of deployed flow versions, read once each.
final class FlowAlertsCache: Sendable {
    let known = Mutex<[String: FlowAlerts]>([:])
}

struct AlertSendError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
