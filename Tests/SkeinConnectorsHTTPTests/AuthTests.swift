import SkeinConnectorsHTTP
import SkeinCore
import SkeinJSON
import Testing

@Suite("Authentication against a live server")
struct AuthTests {
    let basicCredentials = ["username": Secrets.username, "password": Secrets.password]
    let oauthCredentials = ["client_id": Secrets.clientID, "client_secret": Secrets.clientSecret]

    func receive(_ path: String) -> JSON { ["instance": "shop", "direction": "receive", "path": .string(path)] }

    @Test func basicAuth() async throws {
        try await TestServer.with { base, _ in
            let instance = httpInstance(address: base, auth: "basic", credentials: basicCredentials)
            let result = try await prepare(makeShape(), receive("/basic")).execute([], context: context(instance))
            #expect(result.outputs.map(\.jsonValue) == [["auth": "basic"]])
        }
    }

    @Test func wrongPasswordFailsAtOnceNamingTheInstance() async throws {
        try await TestServer.with { base, _ in
            let instance = httpInstance(address: base, auth: "basic", credentials: ["username": Secrets.username, "password": "wrong-password-123"])
            let recorder = CallRecorder()
            let failure = try await failure(of: prepare(makeShape(), receive("/basic")), instance: instance, recorder: recorder)
            #expect(!failure.isTransient)
            #expect(failure.message == "instance 'shop': GET \(base)/basic failed: HTTP 401 Unauthorized: the username or password was rejected")
            #expect(!everything(recorder, [failure.message]).contains("wrong-password-123"))
        }
    }

    @Test func bearerToken() async throws {
        try await TestServer.with { base, _ in
            let instance = httpInstance(address: base, auth: "bearer", credentials: ["token": Secrets.bearer])
            let result = try await prepare(makeShape(), receive("/bearer")).execute([], context: context(instance))
            #expect(result.outputs.first?.jsonValue == ["auth": "bearer"])
        }
    }

    @Test func expiredBearerTokenSaysSo() async throws {
        try await TestServer.with { base, _ in
            let instance = httpInstance(address: base, auth: "bearer", credentials: ["token": "an-expired-token"])
            let failure = try await failure(of: prepare(makeShape(), receive("/bearer")), instance: instance)
            #expect(!failure.isTransient)
            #expect(failure.message.hasPrefix("instance 'shop': GET"))
            #expect(failure.message.contains("the bearer token was rejected (expired, revoked or wrong)"))
            #expect(!failure.message.contains("an-expired-token"))
        }
    }

    @Test func apiKeyInAHeader() async throws {
        try await TestServer.with { base, _ in
            let instance = httpInstance(address: base, auth: ["type": "api_key", "header": "X-Shop-Key"], credentials: ["api_key": Secrets.apiKey])
            let recorder = CallRecorder()
            let result = try await prepare(makeShape(), receive("/apikey-header")).execute([], context: context(instance, recorder: recorder))
            #expect(result.outputs.first?.jsonValue == ["auth": "api_key header"])
            #expect(recorder.calls.first?["request_headers"]?["X-Shop-Key"] == "[redacted]")
            expectNoSecrets(everything(recorder))
        }
    }

    @Test func apiKeyInTheQuery() async throws {
        try await TestServer.with { base, _ in
            let instance = httpInstance(address: base, auth: ["type": "api_key", "query": "api_key"], credentials: ["api_key": Secrets.apiKey])
            let recorder = CallRecorder()
            let result = try await prepare(makeShape(), receive("/apikey-query")).execute([], context: context(instance, recorder: recorder))
            #expect(result.outputs.first?.jsonValue == ["auth": "api_key query"])
            #expect(recorder.calls.first?["url"] == .string("\(base)/apikey-query?api_key=[redacted]"))
            expectNoSecrets(everything(recorder))
        }
    }

    @Test func oauthClientCredentialsTokenIsCachedAndShared() async throws {
        try await TestServer.with { base, state in
            let instance = httpInstance(
                address: base, auth: ["type": "oauth2_client_credentials", "token_url": .string(base + "/oauth/token"), "scope": "orders"],
                credentials: oauthCredentials)
            let shape = makeShape()
            let executor = try prepare(shape, receive("/oauth/data"))
            let recorder = CallRecorder()
            for _ in 0..<3 {
                let result = try await executor.execute([], context: context(instance, recorder: recorder))
                #expect(result.outputs.first?.jsonValue == ["orders": [1, 2, 3]])
            }
            // A second step prepared from the same shape shares the token.
            _ = try await prepare(shape, receive("/oauth/data")).execute([], context: context(instance, recorder: recorder))
            #expect(await state.hits("token-issued") == 1)
            expectNoSecrets(everything(recorder))
            let tokenCall = try #require(recorder.calls.first)
            #expect(tokenCall["url"] == .string(base + "/oauth/token"))
            #expect(tokenCall["response_body"]?.stringValue?.contains("\"access_token\":\"[redacted]\"") == true)
        }
    }

    @Test func oauthClientSecretInTheBody() async throws {
        try await TestServer.with { base, _ in
            let instance = httpInstance(
                address: base, auth: ["type": "oauth2_client_credentials", "token_url": .string(base + "/oauth/token"), "client_auth": "body"],
                credentials: oauthCredentials)
            let recorder = CallRecorder()
            let result = try await prepare(makeShape(), receive("/oauth/data")).execute([], context: context(instance, recorder: recorder))
            #expect(result.outputs.count == 1)
            expectNoSecrets(everything(recorder))
        }
    }

    @Test func tokenRejectedWithA401IsRefreshedOnce() async throws {
        try await TestServer.with { base, state in
            // The server claims tokens last an hour but revokes them early.
            let instance = httpInstance(
                address: base, auth: ["type": "oauth2_client_credentials", "token_url": .string(base + "/oauth/token")],
                credentials: oauthCredentials)
            let executor = try prepare(makeShape(), receive("/oauth/data"))
            _ = try await executor.execute([], context: context(instance))
            await state.revokeIssuedTokens()
            let recorder = CallRecorder()
            let result = try await executor.execute([], context: context(instance, recorder: recorder))
            #expect(result.outputs.first?.jsonValue == ["orders": [1, 2, 3]])
            #expect(await state.hits("token-issued") == 2)
            // data (401), token, data (200)
            #expect(recorder.calls.compactMap { $0["status"]?.numberValue } == [401, 200, 200])
            expectNoSecrets(everything(recorder))
        }
    }

    @Test func tokenPastItsExpiresInIsReplacedBeforeUse() async throws {
        try await TestServer.with { base, state in
            // The server says a token lasts 1 s (expires_in) but would accept it for an hour, so
            // only the client's own bookkeeping can replace it, and no request depends on timing.
            await state.setTokenLifetime(.seconds(3600), advertised: 1)
            let instance = httpInstance(
                address: base, auth: ["type": "oauth2_client_credentials", "token_url": .string(base + "/oauth/token")],
                credentials: oauthCredentials)
            let executor = try prepare(makeShape(), receive("/oauth/data"))
            _ = try await executor.execute([], context: context(instance))
            let firstToken = await state.tokensPresented.last
            try await Task.sleep(for: .milliseconds(1100))  // sleeps at least this long: the first token is past its expires_in
            _ = try await executor.execute([], context: context(instance))
            let secondToken = await state.tokensPresented.last
            #expect(firstToken != nil && secondToken != nil)
            #expect(secondToken != firstToken, "a token past its expires_in was used again instead of being replaced")
        }
    }

    @Test func refreshTokenGrantFollowsRotation() async throws {
        try await TestServer.with { base, state in
            await state.setTokenLifetime(.seconds(3600), advertised: 1)  // replaced because of expires_in alone
            let instance = httpInstance(
                address: base, auth: ["type": "oauth2_refresh_token", "token_url": .string(base + "/oauth/token")],
                credentials: oauthCredentials.merging(["refresh_token": Secrets.refreshToken]) { $1 })
            let executor = try prepare(makeShape(), receive("/oauth/data"))
            let recorder = CallRecorder()
            _ = try await executor.execute([], context: context(instance, recorder: recorder))
            try await Task.sleep(for: .milliseconds(1100))
            // The first refresh token was used up; the rotated one must be used now.
            let result = try await executor.execute([], context: context(instance, recorder: recorder))
            #expect(result.outputs.first?.jsonValue == ["orders": [1, 2, 3]])
            // At least the two expected grants (a loaded machine can make the first 1 s token stale before
            // its data request and add one); success above shows each grant used the rotated refresh
            // token, since a used one is refused.
            #expect(await state.hits("refresh-rotations") >= 2)
            let text = everything(recorder)
            expectNoSecrets(text)
            #expect(!text.contains("refresh-rotated-1"))
            #expect(!text.contains("access-1-"))
        }
    }

    @Test func expiredRefreshTokenGivesAClearError() async throws {
        try await TestServer.with { base, _ in
            let instance = httpInstance(
                address: base, auth: ["type": "oauth2_refresh_token", "token_url": .string(base + "/oauth/token")],
                credentials: oauthCredentials.merging(["refresh_token": "refresh-token-from-last-year"]) { $1 })
            let failure = try await failure(of: prepare(makeShape(), receive("/oauth/data")), instance: instance)
            #expect(!failure.isTransient)
            #expect(
                failure.message.hasPrefix(
                    "instance 'shop': could not get an OAuth access token from \(base)/oauth/token: HTTP 400 Bad Request (invalid_grant: refresh token expired)"
                ))
            #expect(failure.message.contains("update its refresh_token credential"))
            #expect(!failure.message.contains("refresh-token-from-last-year"))
        }
    }

    @Test func wrongClientSecret() async throws {
        try await TestServer.with { base, _ in
            let instance = httpInstance(
                address: base, auth: ["type": "oauth2_client_credentials", "token_url": .string(base + "/oauth/token")],
                credentials: ["client_id": Secrets.clientID, "client_secret": "not-the-secret"])
            let failure = try await failure(of: prepare(makeShape(), receive("/oauth/data")), instance: instance)
            #expect(!failure.isTransient)
            #expect(failure.message.contains("instance 'shop'"))
            #expect(failure.message.contains("invalid_client"))
            #expect(failure.message.contains("check the instance's client_id and client_secret"))
        }
    }

    @Test func missingCredentialsAreReportedBeforeAnyRequest() async throws {
        let instance = httpInstance(address: "http://127.0.0.1:1", auth: "basic", credentials: ["username": "u"])
        let failure = try await failure(of: prepare(makeShape(), receive("/basic")), instance: instance)
        #expect(failure.message == "instance 'shop' is not set up right: credentials: auth basic needs 'password'")
    }

    @Test func testConnectionReportsReachabilityAndAuthentication() async throws {
        try await TestServer.with { base, _ in
            let shape = makeShape()
            var good = httpInstance(address: base, auth: "basic", credentials: basicCredentials)
            good.settings = ["auth": "basic", "test_path": "/basic"]
            let ok = await shape.testConnection(instance: good)
            #expect(ok.ok)
            #expect(ok.message.hasPrefix("instance 'shop': reachable, GET \(base)/basic answered HTTP 200 OK in"))

            var bad = good
            bad.credentials["password"] = "nope-nope"
            let rejected = await shape.testConnection(instance: bad)
            #expect(!rejected.ok)
            #expect(rejected.message == "instance 'shop': GET \(base)/basic answered HTTP 401 Unauthorized: the username or password was rejected")

            let down = await shape.testConnection(instance: httpInstance(address: "http://127.0.0.1:1"))
            #expect(!down.ok)
            #expect(down.message.contains("instance 'shop': GET http://127.0.0.1:1 failed: could not connect"))
        }
    }
}
