/// How the server authenticates browsers and API clients.
public struct AccessSettings: Sendable {
    /// When session cookies carry `Secure` (sent only over https).
    public enum CookieSecurity: String, Sendable, CaseIterable {
        /// Secure when the request arrived over https (`X-Forwarded-Proto: https` from a TLS-terminating proxy).
        case auto
        case always
        case never
    }

    public var cookieSecurity: CookieSecurity
    /// Paths starting with one of these are served without signing in (stylesheets, scripts, images).
    public var publicPrefixes: [String]
    /// Sign-in attempts per username allowed within `loginWindowSeconds` before answering 429
    /// (a successful sign-in clears the user's count).
    public var maximumLoginFailures: Int
    /// Failed sign-in attempts per client address (IPv4 address, or IPv6 /64) within the window.
    public var maximumLoginFailuresPerAddress: Int
    public var loginWindowSeconds: Double
    /// Take the client's address for sign-in throttling from the last `X-Forwarded-For` entry
    /// (the one the nearest proxy added) instead of the connection's peer. Only behind a proxy
    /// that sets it: otherwise clients could name any address they like.
    public var trustForwardedFor: Bool

    public static let sessionCookie = "skein_session"

    public init(
        cookieSecurity: CookieSecurity = .auto, publicPrefixes: [String] = ["/static/", "/assets/"],
        maximumLoginFailures: Int = 10, maximumLoginFailuresPerAddress: Int = 30, loginWindowSeconds: Double = 300,
        trustForwardedFor: Bool = false
    ) {
        self.cookieSecurity = cookieSecurity
        self.publicPrefixes = publicPrefixes
        self.maximumLoginFailures = maximumLoginFailures
        self.maximumLoginFailuresPerAddress = maximumLoginFailuresPerAddress
        self.loginWindowSeconds = loginWindowSeconds
        self.trustForwardedFor = trustForwardedFor
    }
}
