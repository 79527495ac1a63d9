import SkeinCore

/// The outputs of a walk's most recently finished steps, kept in memory as they were produced.
///
/// Every step's outputs are stored before the walk moves on (that is what makes a run
/// resumable), but the next step need not read them back: it takes them from here, JSON still
/// parsed, with the sizes they were stored at. Only outputs this walk produced are here; a
/// resumed run, or a step whose input comes from further back in a tree (a `branch` child
/// reading the branch's input), reads them from the store as before. Keeping only the last
/// `depth` steps bounds the memory to what a step boundary holds anyway.
struct PayloadHandoff {
    /// How many finished steps' outputs are kept.
    static let depth = 2

    private struct Kept {
        var sequence: Int
        var payloads: [Payload]
        var sizes: [Int]
    }
    private var kept: [Kept] = []

    /// Keeps step `sequence`'s outputs (`sizes[i]`: bytes stored for `payloads[i]`), forgetting the oldest beyond `depth`.
    mutating func keep(sequence: Int, payloads: [Payload], sizes: [Int]) {
        kept.removeAll { $0.sequence == sequence }
        kept.append(Kept(sequence: sequence, payloads: payloads, sizes: sizes))
        if kept.count > Self.depth { kept.removeFirst(kept.count - Self.depth) }
    }

    /// Step `sequence`'s outputs, when kept.
    func payloads(of sequence: Int) -> [Payload]? { kept.first { $0.sequence == sequence }?.payloads }

    /// The stored sizes of step `sequence`'s outputs, when kept.
    func sizes(of sequence: Int) -> [Int]? { kept.first { $0.sequence == sequence }?.sizes }

    /// `outputs` in the form they are stored (JSON serialised once, here, so its size is known
    /// and the store does not serialise it again), with each one's size in bytes.
    static func storageForm(_ outputs: [Payload]) -> (payloads: [Payload], sizes: [Int]) {
        var stored: [Payload] = []
        var sizes: [Int] = []
        stored.reserveCapacity(outputs.count)
        sizes.reserveCapacity(outputs.count)
        for payload in outputs {
            switch payload.body {
            case .json(let document):
                let bytes = document.serializedBytes()
                stored.append(Payload(bytes: bytes, contentType: payload.contentType))
                sizes.append(bytes.count)
            case .bytes(let bytes):
                stored.append(payload)
                sizes.append(bytes.count)
            }
        }
        return (stored, sizes)
    }
}
