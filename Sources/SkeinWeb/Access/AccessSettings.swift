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
    /// Failed sign-ins per username allowed within `loginWindowSeconds` before answering 429.
    public var maximumLoginFailures: Int
    public var loginWindowSeconds: Double

    public static let sessionCookie = "skein_session"

    public init(cookieSecurity: CookieSecurity = .auto, publicPrefixes: [String] = ["/static/", "/assets/"],
                maximumLoginFailures: Int = 10, loginWindowSeconds: Double = 300) {
        self.cookieSecurity = cookieSecurity
        self.publicPrefixes = publicPrefixes
        self.maximumLoginFailures = maximumLoginFailures
        self.loginWindowSeconds = loginWindowSeconds
    }
}
