import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SkeinJSON
import SkeinOperations
import Testing

@testable import SkeinWeb

/// Sign-in throttling: attempts are counted before the password is checked, per username and
/// per client address, in tables that fill up but never forget anyone early.
@Suite struct LoginThrottleTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func attemptsPastTheLimitWaitUntilTheOldestAgesOut() async {
        let throttle = LoginThrottle(limit: 3, addressLimit: 100, window: 300)
        for second in 0..<3 {
            guard case .admitted = await throttle.admit(username: "alice", address: "10.0.0.1", now: start + Double(second)) else {
                Issue.record("attempt \(second + 1) of 3 was refused")
                return
            }
        }
        guard case .refused(let wait, let reason) = await throttle.admit(username: "alice", address: "10.0.0.2", now: start + 10) else {
            Issue.record("a fourth attempt within the window was admitted")
            return
        }
        #expect(wait == 290, "the first attempt (at 0 s) ages out at 300 s")
        #expect(reason.contains("this user"))
        guard case .admitted = await throttle.admit(username: "bob", address: "10.0.0.2", now: start + 10) else {
            Issue.record("another user was refused")
            return
        }
        guard case .admitted = await throttle.admit(username: "alice", address: "10.0.0.1", now: start + 300) else {
            Issue.record("alice was still refused once her first attempt aged out")
            return
        }
    }

    @Test func aSuccessClearsTheUsersCountAndGivesBackItsAddressReservation() async {
        let throttle = LoginThrottle(limit: 3, addressLimit: 3, window: 300)
        for _ in 0..<2 { _ = await throttle.admit(username: "alice", address: "10.0.0.1", now: start) }
        guard case .admitted(let ticket) = await throttle.admit(username: "alice", address: "10.0.0.1", now: start + 1) else {
            Issue.record("the third attempt was refused")
            return
        }
        await throttle.succeeded(ticket)
        guard case .admitted = await throttle.admit(username: "alice", address: "10.0.0.2", now: start + 2) else {
            Issue.record("after a success alice was still counted")
            return
        }
        // The address keeps its two failures (the success was given back): one more, then refused.
        guard case .admitted = await throttle.admit(username: "carol", address: "10.0.0.1", now: start + 3) else {
            Issue.record("the address was refused after two failures")
            return
        }
        guard case .refused(_, let reason) = await throttle.admit(username: "dave", address: "10.0.0.1", now: start + 4) else {
            Issue.record("the address was admitted past its limit")
            return
        }
        #expect(reason.contains("this address"))
    }

    @Test func aFloodOfNamesFillsTheTableButNeverResetsALockedUser() async {
        let throttle = LoginThrottle(limit: 3, addressLimit: 1_000_000, window: 300, capacity: 100)
        for _ in 0..<3 { _ = await throttle.admit(username: "victim", address: nil, now: start) }
        var refusedNames = 0
        for index in 0..<10_002 {
            if case .refused = await throttle.admit(username: "spray-\(index)", address: nil, now: start + 1) { refusedNames += 1 }
        }
        #expect(refusedNames == 10_002 - 97, "97 names fit beside the victim's 3 attempts; the rest wait")
        #expect(await throttle.liveCounts.users == 100)
        guard case .refused(let wait, _) = await throttle.admit(username: "victim", address: nil, now: start + 2) else {
            Issue.record("the flood gave the locked-out user fresh guesses")
            return
        }
        #expect(wait == 298)
        // Once the window passes everything ages out and the table is usable again.
        guard case .admitted = await throttle.admit(username: "victim", address: nil, now: start + 301) else {
            Issue.record("the victim stayed locked after the window")
            return
        }
        #expect(await throttle.liveCounts.users == 1)
    }

    @Test func fortyConcurrentWrongPasswordsAreFortyAttempts() async throws {
        try await withAccess { fixture in
            try await fixture.application(loginLimit: 10).test(.router) { client in
                let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for _ in 0..<40 {
                        group.addTask {
                            try await client.execute(
                                uri: "/login", method: .post, headers: [.contentType: "application/json"],
                                body: ByteBuffer(string: #"{"username":"admin","password":"wrong password"}"#)
                            ).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == .unauthorized }.count == 10)
                #expect(statuses.filter { $0 == .tooManyRequests }.count == 30)
                let right = try await client.execute(
                    uri: "/login", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"username":"admin","password":"correct horse battery"}"#))
                #expect(right.status == .tooManyRequests, "the right password waits too once the user is locked")
                #expect(right.headers[.retryAfter].flatMap(Int.init).map { (1...300).contains($0) } == true)
            }
        }
    }

    @Test func emptyPasswordsAndImpossibleNamesAreNotGuessesAndCountAgainstNobody() async throws {
        try await withAccess { fixture in
            try await fixture.application(loginLimit: 3).test(.router) { client in
                @Sendable func attempt(_ username: String, _ password: String) async throws -> HTTPResponse.Status {
                    let body = JSON.object(["username": .string(username), "password": .string(password)]).serialized()
                    return try await client.execute(
                        uri: "/login", method: .post, headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: body)
                    ).status
                }
                for _ in 0..<3 {
                    let status = try await attempt("admin", "wrong password")
                    #expect(status == .unauthorized)
                }
                for index in 0..<300 {
                    let status = try await attempt(index.isMultiple(of: 2) ? "viewer" : "user-\(index)", "")
                    #expect(status == .unauthorized)
                }
                let impossible = try await attempt(String(repeating: "x", count: 5000), "some password")
                #expect(impossible == .unauthorized)
                let locked = try await attempt("admin", "another guess")
                #expect(locked == .tooManyRequests, "still locked")
                let viewer = try await attempt("viewer", "correct horse battery")
                #expect(viewer == .ok, "empty-password tries did not lock the viewer")
            }
        }
    }

    @Test func clientAddressesAreIPv4OrAnIPv6Slash64() throws {
        let v4 = try SocketAddress(ipAddress: "203.0.113.9", port: 4000)
        #expect(ClientAddress.key(peer: v4, forwardedFor: nil, trustForwardedFor: false) == "203.0.113.9")
        let v6a = try SocketAddress(ipAddress: "2001:db8:1:2:aaaa::1", port: 1)
        let v6b = try SocketAddress(ipAddress: "2001:db8:1:2:ffff:1:2:3", port: 1)
        #expect(ClientAddress.key(v6a) == "2001:db8:1:2::/64")
        #expect(ClientAddress.key(v6a) == ClientAddress.key(v6b), "one /64, one counter")
        let mapped = try SocketAddress(ipAddress: "::ffff:198.51.100.7", port: 1)
        #expect(ClientAddress.key(mapped) == "198.51.100.7")
        // X-Forwarded-For only when trusted, and then its last entry (the nearest proxy's).
        #expect(ClientAddress.key(peer: v4, forwardedFor: "1.1.1.1, 192.0.2.44", trustForwardedFor: false) == "203.0.113.9")
        #expect(ClientAddress.key(peer: v4, forwardedFor: "1.1.1.1, 192.0.2.44", trustForwardedFor: true) == "192.0.2.44")
    }
}

/// Redirect targets: only paths on this server, for `next` and `_back` alike.
@Suite struct RedirectTargetTests {
    @Test func pathsOnThisServerAreKept() {
        for path in ["/", "/runs/4?x=1", "/sync?search=a%20b&status=failed", "/flows/orders-to-erp#shapes", "/login?next=%2Fruns%3Fstatus%3Dfailure"] {
            #expect(RedirectTarget.localPath(path) == path, "\(path)")
        }
    }

    @Test func everythingThatCouldLeaveTheServerFallsBackToHome() {
        let hostile = [
            "//evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example/", "javascript:alert(1)", "evil.example",
            "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", " /x", "/x y", "/\u{200B}/evil.example", "/\u{2028}/x",
            "/%09/evil.example", "/%2F/evil.example", "/%2f%2fevil.example", "/%5Cevil.example", "/%252F/evil.example",
            "/%25252F/evil.example", "", String(repeating: "/a", count: 3000),
        ]
        for target in hostile {
            #expect(RedirectTarget.localPath(target) == nil, "\(target.debugDescription)")
            #expect(RedirectTarget.localPathOrHome(target) == "/")
        }
    }

    @Test func signInAndFormActionsUseTheCheck() async throws {
        try await withAccess { fixture in
            try await fixture.application().test(.router) { client in
                let (cookie, _) = try await signIn(client, as: "viewer")
                let signedIn = try await client.execute(uri: "/login?next=/%09/evil.example", method: .get, headers: [.cookie: cookie])
                #expect(signedIn.status == .seeOther)
                #expect(signedIn.headers[.location] == "/")
                let form = try await client.execute(
                    uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "username=viewer&password=correct+horse+battery&next=%2F%09%2Fevil.example"))
                #expect(form.headers[.location] == "/")
                let page = try await client.execute(uri: "/login?next=%2F%2Fevil.example", method: .get)
                #expect(page.text.contains(#"name="next" value="/""#))
            }
        }
        try await withUIFixture { fixture in
            try await fixture.deploy()
            try await fixture.application().test(.router) { client in
                let response = try await client.execute(
                    uri: "/flows/orders-to-erp/enabled", method: .post, headers: formHeaders,
                    body: form([("enabled", "false"), ("_back", "/\t/evil.example")]))
                #expect(response.status == .seeOther)
                #expect(response.location?.hasPrefix("/flows/orders-to-erp?notice=") == true)
                let failing = try await client.execute(
                    uri: "/flows/none/skip", method: .post, headers: formHeaders,
                    body: form([("shape", "x"), ("skip", "true"), ("_back", "/%2F/evil.example")]))
                #expect(failing.location?.hasPrefix("/?error=") == true, "an action's error returns home, not to the hostile _back")
            }
        }
    }
}
