import Foundation
import Hummingbird
import HummingbirdTesting
import SkeinCore
import SkeinJSON
import SkeinStorage
import Testing

@testable import SkeinWeb

/// `POST /api/v1/flows/{flow}/draft/edits`: the canvas's edits go into the draft (a YAML flow
/// keeps its comments), bad edits are refused with located problems, and only builders edit.
@Suite struct FlowDraftEditsAPITests {
    func edits(_ list: JSON) -> ByteBuffer { ByteBuffer(string: JSON.object(["edits": list]).serialized()) }

    @Test func aBuilderEditsTheDraftAndItsCommentsStay() async throws {
        try await withAccess { fixture in
            let builder = try await fixture.token(.builder)
            try await fixture.application().test(.router) { client in
                _ = try await client.execute(
                    uri: "/api/v1/drafts", method: .post, headers: FlowDraftAPITests().yaml(builder),
                    body: ByteBuffer(string: FlowDraftAPITests.v1))
                _ = try await client.execute(uri: "/api/v1/flows/orders/draft/deploy", method: .post, headers: bearer(builder))
                // With no draft, the edit starts one from the latest version.
                let edited = try await client.execute(
                    uri: "/api/v1/flows/orders/draft/edits", method: .post, headers: bearer(builder),
                    body: edits([
                        ["op": "set", "shape": "to-erp", "field": "map.fields.number", "value": "$string(id)"],
                        ["op": "add", "after": "to-erp", "shape": ["split": ["path": "lines"]]],
                    ]))
                #expect(edited.status == .ok)
                #expect(edited.json["added_shapes"] == ["split-1"] && edited.json["saved"] == true && edited.json["base_version"] == 1)
                let expected =
                    FlowDraftAPITests.v1.replacingOccurrences(of: "number: id", with: "number: \"$string(id)\"")
                    + "\n  - id: split-1\n    split:\n      path: lines"
                #expect(edited.json["source"]?.stringValue == expected, "the comments stay; only the edited text changes")
                #expect(try await fixture.store.draft(of: "orders")?.source == expected)
                #expect(try await fixture.store.flow(id: "orders", version: nil)?.version == 1, "deployed versions are never edited")
                let deployed = try await client.execute(uri: "/api/v1/flows/orders/draft/deploy", method: .post, headers: bearer(builder))
                #expect(deployed.status == .created && deployed.json["version"] == 2)
            }
        }
    }

    @Test func badEditsAreRefusedWithWhereAndNothingIsSaved() async throws {
        try await withAccess { fixture in
            let builder = try await fixture.token(.builder)
            try await fixture.application().test(.router) { client in
                _ = try await client.execute(
                    uri: "/api/v1/drafts", method: .post, headers: FlowDraftAPITests().yaml(builder),
                    body: ByteBuffer(string: FlowDraftAPITests.v1))
                let unknown = try await client.execute(
                    uri: "/api/v1/flows/orders/draft/edits", method: .post, headers: bearer(builder),
                    body: edits([["op": "remove", "shape": "nope"]]))
                #expect(unknown.status == .badRequest && unknown.errorCode == "invalid_flow")
                #expect(unknown.json["error"]?["details"]?["problems"]?[0]?["path"] == "edits[0].shape")
                #expect(unknown.json["error"]?["message"]?.stringValue?.contains("no shape 'nope'") == true)

                let invalid = try await client.execute(
                    uri: "/api/v1/flows/orders/draft/edits", method: .post, headers: bearer(builder),
                    body: edits([["op": "set", "shape": "to-erp", "field": "map.fields", "value": 5]]))
                #expect(invalid.status == .badRequest && invalid.errorCode == "invalid_flow")
                let paths = invalid.json["error"]?["details"]?["problems"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
                #expect(!paths.isEmpty && paths.allSatisfy { $0.hasPrefix("shapes[1].map") }, "\(paths)")

                let malformed = try await client.execute(
                    uri: "/api/v1/flows/orders/draft/edits", method: .post, headers: bearer(builder),
                    body: edits([["op": "explode"]]))
                #expect(malformed.status == .badRequest && malformed.json["error"]?["field"] == "edits[0].op")
                let empty = try await client.execute(uri: "/api/v1/flows/orders/draft/edits", method: .post, headers: bearer(builder), body: edits([]))
                #expect(empty.status == .badRequest)
                let missing = try await client.execute(
                    uri: "/api/v1/flows/other/draft/edits", method: .post, headers: bearer(builder),
                    body: edits([["op": "remove", "shape": "a"]]))
                #expect(missing.status == .notFound)
                #expect(try await fixture.store.draft(of: "orders")?.source == FlowDraftAPITests.v1, "nothing was saved")
            }
        }
    }

    @Test func operatorsAndViewersCannotEdit() async throws {
        try await withAccess { fixture in
            let builder = try await fixture.token(.builder), viewer = try await fixture.token(.viewer), operator_ = try await fixture.token(.operator)
            try await fixture.application().test(.router) { client in
                _ = try await client.execute(
                    uri: "/api/v1/drafts", method: .post, headers: FlowDraftAPITests().yaml(builder),
                    body: ByteBuffer(string: FlowDraftAPITests.v1))
                for token in [viewer, operator_] {
                    let refused = try await client.execute(
                        uri: "/api/v1/flows/orders/draft/edits", method: .post, headers: bearer(token),
                        body: edits([["op": "skip", "shape": "paid", "skip": true]]))
                    #expect(refused.status == .forbidden)
                }
                #expect(try await fixture.store.draft(of: "orders")?.source == FlowDraftAPITests.v1)
            }
        }
    }
}
