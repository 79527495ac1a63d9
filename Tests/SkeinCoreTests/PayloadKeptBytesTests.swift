import SkeinCore
import SkeinJSON
import Testing

/// A payload keeps its JSON serialisation once written, so passing it on unchanged costs no
/// second serialisation; what it keeps must never outlive a change to its body.
struct PayloadKeptBytesTests {
    @Test func keptBytesAreTheSerialisationAndTravelWithCopies() {
        let order: JSON = ["id": 1001, "total": 12.5, "lines": [["sku": "A-1", "qty": 2]]]
        var payload = Payload(json: order)
        #expect(payload.keepBytes() == order.serializedBytes())
        let copy = payload
        #expect(copy.bytes() == order.serializedBytes())
        #expect(copy == Payload(json: order))
    }

    @Test func changingTheBodyForgetsTheKeptBytes() {
        var payload = Payload(json: ["id": 1])
        _ = payload.keepBytes()
        payload.body = .json(["id": 2])
        #expect(payload.bytes() == Array(#"{"id":2}"#.utf8))
        payload.body = .bytes(Array("id\n3\n".utf8))
        #expect(payload.bytes() == Array("id\n3\n".utf8))
    }

    @Test func bytesThatArrivedAreTheirOwnBytes() {
        let csv = Array("sku,qty\nA-1,2\n".utf8)
        var payload = Payload(bytes: csv, contentType: "text/csv")
        #expect(payload.keepBytes() == csv)
        #expect(payload.bytes() == csv)
    }
}
