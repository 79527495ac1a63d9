import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SkeinCore
import SkeinJSON
import SkeinStorage
import Testing

/// Webhooks posted at once share group commits, yet each is answered 202 only once its own run
/// is stored, and a batch the store refuses answers 503 to every request in it.
@Suite struct WebhookGroupCommitTests {
    let path = "/webhooks/orders-in/\(WebhookFixture.token)"

    @Test func concurrentPostsAreAllStoredBeforeEachAnswer() async throws {
        try await withFixture(sqlite: true) { fixture in
            try await fixture.deploy()
            let store = fixture.store
            try await fixture.application().test(.router) { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for n in 1...100 {
                        group.addTask {
                            let body = #"{"orders": [{"id": \#(n)}]}"#
                            try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: ByteBuffer(string: body)) { response in
                                #expect(response.status == .accepted)
                                let id = try #require(response.json["run"]?.numberValue.map { RunID(Int64($0)) })
                                // The answer came after the commit: the run and its body are readable now.
                                let payload = try #require(try await store.payload(of: .input(of: id), index: 0))
                                #expect(payload.bytes() == Array(body.utf8))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            #expect(try await fixture.runs().count == 100)
        }
    }

    @Test func aRefusedBatchAnswers503ToEveryRequestAndStoresNothing() async throws {
        try await withFixture(sqlite: true) { fixture in
            try await fixture.deploy()
            try refuseRunInserts(databaseAt: try #require(fixture.databasePath))
            try await fixture.application().test(.router) { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for n in 1...40 {
                        group.addTask {
                            try await client.execute(
                                uri: path, method: .post, headers: jsonHeaders,
                                body: ByteBuffer(string: #"{"orders": [{"id": \#(n)}]}"#)
                            ) { response in
                                #expect(response.status == .serviceUnavailable)
                                #expect(response.errorCode == "unavailable")
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            #expect(try await fixture.runs().isEmpty)
        }
    }
}
