import Foundation

/// How an alert reaches people: an email through an `smtp` instance, or a POST of
/// `{"text": "…"}` to a webhook URL. `SkeinShapes.AlertChannels` is the real one (the notify
/// shape's SMTP client and Skein's shared HTTP client); tests may record instead.
public protocol AlertDelivery: Sendable {
    /// Sends one email through the `smtp` instance `instance` (resolved with its credentials).
    /// Throws with a message that names no secret.
    func sendEmail(instance: Instance, from: String, to: [String], subject: String, body: String) async throws
    /// POSTs `{"text": text}` (Slack incoming webhooks, Teams' simple connectors) to `url`.
    func postWebhook(url: String, text: String) async throws
}

/// Webhook URLs carry their secret in the path (Slack, Teams): logs and the audit log show only scheme, host and port.
public enum AlertDeliverySafety {
    public static func safe(_ url: String) -> String {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, let host = parts.host else { return "webhook" }
        return "\(scheme)://\(host)\(parts.port.map { ":\($0)" } ?? "")/…"
    }
}
