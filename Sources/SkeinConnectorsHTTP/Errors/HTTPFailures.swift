import JSONata
import SkeinCore
import SkeinJSON

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Turns HTTP outcomes into `ShapeFailure`s the engine knows how to treat.
///
/// | outcome                                   | transient | why                                        |
/// |-------------------------------------------|-----------|--------------------------------------------|
/// | refused / reset connection, timeout       | yes       | the system may be back in a moment         |
/// | 5xx, 408 Request Timeout, 429 Too Many    | yes       | the system said "not now"                  |
/// | 401, 403                                  | no        | credentials: retrying will not fix them    |
/// | any other 4xx                             | no        | the request is wrong; the body says why    |
///
/// Every message starts with who and what, `instance 'shop': GET https://…/orders?page=2 failed:`,
/// with secrets redacted from the URL, so an alert is actionable on its own.
enum HTTPFailures {
    static func prefix(_ request: OutgoingRequest, redactor: Redactor) -> String {
        "instance '\(redactor.instance.name)': \(request.method) \(redactor.url(request.url)) failed: "
    }

    /// The failure for a request that got no response.
    static func failure(for error: TransportError, request: OutgoingRequest, redactor: Redactor) -> ShapeFailure {
        ShapeFailure(redactor.text(prefix(request, redactor: redactor) + error.reason), isTransient: error.isTransient)
    }

    /// The failure for a response that is not 2xx.
    static func failure(
        for reply: HTTPReply, request: OutgoingRequest, redactor: Redactor, auth: AuthMethod,
        errorMessage: JSONataExpression? = nil
    ) -> ShapeFailure {
        let status = reply.status
        var reason = reply.statusLine
        if let message = systemMessage(reply, errorMessage) { reason += ": " + message }
        let transient = status >= 500 || status == 408 || status == 429
        var retryAfter: Duration?
        if status == 429 || status == 503, let header = reply.header("Retry-After") {
            retryAfter = RetryAfter.parse(header)
        }
        switch status {
        case 401, 403: reason += ": " + auth.rejectionHint
        case 300..<400:
            reason += reply.header("Location").map { " (a redirect to \(redactor.url($0)) that was not followed)" } ?? ""
        default: break
        }
        if let retryAfter { reason += " (retry after \(DurationText.format(retryAfter)))" }
        return ShapeFailure(
            redactor.text(prefix(request, redactor: redactor) + reason), isTransient: transient,
            retryAfter: retryAfter, details: details(of: reply, redactor: redactor))
    }

    /// The system's own words for a failure: `error_message` (JSONata) over the JSON error body.
    static func systemMessage(_ reply: HTTPReply, _ expression: JSONataExpression?) -> String? {
        guard let expression, let document = try? JSON(parsing: reply.body) else { return nil }
        let result: JSON?? = try? expression.evaluate(input: document, limits: .default)
        switch result.flatMap({ $0 }) {
        case .string(let text)? where !text.isEmpty: return text
        case .array(let items)?:
            let texts = items.compactMap(VariableScope.text).filter { !$0.isEmpty }
            return texts.isEmpty ? nil : texts.joined(separator: "; ")
        default: return nil
        }
    }

    /// The response body as the step shows it: JSON when it parses, else text (both redacted).
    static func details(of reply: HTTPReply, redactor: Redactor) -> JSON? {
        guard !reply.body.isEmpty else { return nil }
        let text = redactor.body(reply.body)
        if let json = try? JSON(parsing: text) { return json }
        return .string(text)
    }
}

/// `Retry-After` (RFC 9110 §10.2.3): a number of seconds, or an HTTP date.
enum RetryAfter {
    /// The wait the header asks for; nil when it is neither form. A date in the past is zero.
    static func parse(_ value: String, now: Double = Date().timeIntervalSince1970) -> Duration? {
        let trimmed = value.trimmingWhitespace()
        if let seconds = Int(trimmed) { return seconds >= 0 ? .seconds(seconds) : nil }
        if let seconds = Double(trimmed), seconds >= 0, seconds.isFinite { return .milliseconds(Int64(seconds * 1000)) }
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        let wait = max(0, date - now)
        return .milliseconds(Int64((wait * 1000).rounded(.up)))
    }
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the date format HTTP sends.
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since 1970 for an IMF-fixdate, or nil.
    static func parse(_ text: String) -> Double? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5].uppercased() == "GMT",
            let day = Int(parts[1]), let monthIndex = months.firstIndex(of: parts[2].lowercased()), let year = Int(parts[3])
        else {
            return nil
        }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (1...31).contains(day), (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2]) else {
            return nil
        }
        let days = daysFromCivil(year: year, month: monthIndex + 1, day: day)
        return Double(days * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2])
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
