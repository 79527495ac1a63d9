import SkeinCore

/// The outputs of a walk's most recently finished steps, kept in memory as they were produced.
///
/// Every step's outputs are stored before the walk moves on (that is what makes a run
/// resumable), but the next step need not read them back: it takes them from here, JSON still
/// parsed, with the sizes they were stored at. Outputs this walk did not produce (the run's
/// input, a resumed run's earlier steps, a `branch` child reading the branch's input) are read
/// from the store once, when the step that needs them starts, and kept as the one read-back.
/// Keeping only the last `depth` steps bounds the memory to what a step boundary holds anyway.
struct PayloadHandoff {
    /// How many finished steps' outputs are kept.
    static let depth = 2

    private struct Kept {
        var sequence: Int
        var payloads: [Payload]
        var sizes: [Int]
    }
    private var kept: [Kept] = []
    /// One earlier step's outputs read back from the store — most often the run's input — so a
    /// step's start, which records the size of its input, and its shape share one read.
    private var readBack: Kept?

    /// Keeps step `sequence`'s outputs (`sizes[i]`: bytes stored for `payloads[i]`), forgetting the oldest beyond `depth`.
    mutating func keep(sequence: Int, payloads: [Payload], sizes: [Int]) {
        kept.removeAll { $0.sequence == sequence }
        kept.append(Kept(sequence: sequence, payloads: payloads, sizes: sizes))
        if kept.count > Self.depth { kept.removeFirst(kept.count - Self.depth) }
    }

    /// Keeps step `sequence`'s outputs as read back from the store, in place of the last ones read back.
    mutating func keepReadBack(sequence: Int, payloads: [Payload]) {
        var payloads = payloads
        let (stored, sizes) = Self.storageForm(&payloads)
        readBack = Kept(sequence: sequence, payloads: stored, sizes: sizes)
    }

    /// Step `sequence`'s outputs, when kept.
    func payloads(of sequence: Int) -> [Payload]? { kept(sequence)?.payloads }

    /// The stored sizes of step `sequence`'s outputs, when kept.
    func sizes(of sequence: Int) -> [Int]? { kept(sequence)?.sizes }

    private func kept(_ sequence: Int) -> Kept? {
        kept.first { $0.sequence == sequence } ?? (readBack?.sequence == sequence ? readBack : nil)
    }

    /// `outputs` in the form they are stored (JSON serialised once, here, so its size is known
    /// and the store does not serialise it again), with each one's size in bytes. Each JSON
    /// output keeps its bytes (`Payload.keepBytes()`), so the next steps that pass it on
    /// unchanged, and this function when it stores it again as theirs, do not serialise it again.
    static func storageForm(_ outputs: inout [Payload]) -> (payloads: [Payload], sizes: [Int]) {
        var stored: [Payload] = []
        var sizes: [Int] = []
        stored.reserveCapacity(outputs.count)
        sizes.reserveCapacity(outputs.count)
        for index in outputs.indices {
            switch outputs[index].body {
            case .json:
                let bytes = outputs[index].keepBytes()
                stored.append(Payload(bytes: bytes, contentType: outputs[index].contentType))
                sizes.append(bytes.count)
            case .bytes(let bytes):
                stored.append(outputs[index])
                sizes.append(bytes.count)
            }
        }
        return (stored, sizes)
    }
}
