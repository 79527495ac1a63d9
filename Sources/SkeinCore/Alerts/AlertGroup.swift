public import Foundation

/// A notification group: who hears of failures. A flow names its groups under `alerts:`
/// (`on_failure`, `on_sync_failed`); each group gets an email at its addresses and a POST of
/// `{"text": "…"}` (what Slack incoming webhooks and Teams' simple connectors accept) at its
/// webhook URLs.
public struct AlertGroup: Sendable, Equatable {
    /// Lowercase letters, digits, `-` and `_` (as flow ids).
    public var name: String
    public var emails: [String]
    public var webhookURLs: [String]
    /// The `smtp` instance the group's mail goes through; nil uses the server's `alert_smtp_instance`.
    public var smtpInstance: String?
    public var updatedAt: Date

    public init(name: String, emails: [String] = [], webhookURLs: [String] = [], smtpInstance: String? = nil, updatedAt: Date) {
        self.name = name; self.emails = emails; self.webhookURLs = webhookURLs; self.smtpInstance = smtpInstance; self.updatedAt = updatedAt
    }

    /// Group names: as flow ids.
    public static let namePattern = "^[a-z0-9][a-z0-9_-]{0,99}$"

    /// What is wrong with the group as given, one line each (empty when it is fine).
    public var problems: [String] { fieldProblems.map(\.message) }

    /// One thing wrong with a group, and the field it is in: `name`, `emails` or `webhook_urls`
    /// (the API's member names; the CLI's `--email` and `--webhook`).
    public struct Problem: Sendable, Equatable {
        public var field: String
        public var message: String

        public init(field: String, message: String) { self.field = field; self.message = message }
    }

    /// What is wrong with the group as given, with the field of each (empty when it is fine).
    public var fieldProblems: [Problem] {
        var problems: [Problem] = []
        if name.range(of: Self.namePattern, options: .regularExpression) == nil {
            problems.append(
                Problem(
                    field: "name",
                    message: "name '\(Self.shown(name))' must be lowercase letters, digits, '-' and '_', starting with a letter or digit (at most 100)"))
        }
        if emails.isEmpty && webhookURLs.isEmpty {
            problems.append(Problem(field: "emails", message: "give at least one email address or webhook URL"))
        }
        for email in emails where !Self.looksLikeAddress(email) {
            problems.append(Problem(field: "emails", message: "'\(Self.shown(email))' is not an email address (name@domain, at most 254 characters)"))
        }
        for (index, url) in webhookURLs.enumerated() {
            guard let parsed = URLComponents(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                !(parsed.host ?? "").isEmpty, url.utf8.count <= Self.maximumURLBytes
            else {
                // The URL itself is the secret (Slack, Teams), so it is named by its place, never shown.
                problems.append(
                    Problem(
                        field: "webhook_urls",
                        message: "webhook URL \(index + 1) is not an http(s) URL with a host of at most "
                            + "\(Self.maximumURLBytes) bytes (webhook URLs hold secrets, so it is not shown)"))
                continue
            }
        }
        if emails.count + webhookURLs.count > Self.maximumRecipients {
            problems.append(
                Problem(
                    field: emails.count > webhookURLs.count ? "emails" : "webhook_urls",
                    message: "at most \(Self.maximumRecipients) recipients (addresses and URLs) per group"))
        }
        return problems
    }

    /// Addresses and URLs one group may hold together.
    public static let maximumRecipients = 100
    /// The longest webhook URL accepted.
    public static let maximumURLBytes = 2048

    /// Hostile input is echoed only in part.
    public static func shown(_ text: String) -> String { text.count > 100 ? String(text.prefix(100)) + "…" : text }

    static func looksLikeAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && text.count <= 254
            && !text.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == "\r" || $0 == "\n" })
    }
}

/// What a flow failure means for one group under the rate limit (`AlertStore.recordAlertEvent`).
public enum AlertDecision: Sendable, Equatable {
    /// The first failure in the group's window for the flow: send an alert now.
    case send
    /// Counted into the pending digest (this many failures now wait for it).
    case counted(pending: Int)
    /// This event was already recorded (seen before, e.g. after a restart): nothing to do.
    case duplicate
}

/// A digest waiting for its window to end: `pending` failures of `flowID` since `since`, for `group`.
public struct PendingDigest: Sendable, Equatable {
    public var flowID: String
    public var group: String
    public var pending: Int
    /// When the first of the pending failures happened.
    public var since: Date
    /// When the window ends and the digest goes out.
    public var windowEndsAt: Date
    /// The newest failure counted (e.g. `run:42`).
    public var lastEvent: String

    public init(flowID: String, group: String, pending: Int, since: Date, windowEndsAt: Date, lastEvent: String) {
        self.flowID = flowID; self.group = group; self.pending = pending; self.since = since
        self.windowEndsAt = windowEndsAt; self.lastEvent = lastEvent
    }
}

/// The alert settings of a flow (`alerts:` in the flow file).
public struct FlowAlerts: Sendable, Equatable {
    /// Groups alerted when a run ends failed.
    public var onFailure: [String]
    /// Groups alerted when a sync report entry turns Failed.
    public var onSyncFailed: [String]

    public init(onFailure: [String] = [], onSyncFailed: [String] = []) {
        self.onFailure = onFailure; self.onSyncFailed = onSyncFailed
    }

    public var isEmpty: Bool { onFailure.isEmpty && onSyncFailed.isEmpty }
}
