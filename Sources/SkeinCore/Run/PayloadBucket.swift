public import SkeinJSON

/// `count` payloads stored by step `sequence` (0 = the run's input), from index `start`.
public struct PayloadRef: Sendable, Equatable {
    public var sequence: Int
    public var start: Int
    public var count: Int

    public init(sequence: Int, start: Int, count: Int) {
        self.sequence = sequence
        self.start = start
        self.count = count
    }
}

/// The payloads a step receives, as references to payloads already stored.
///
/// Every payload a run handles is stored by the step that produced it, so what flows between
/// steps of a tree (a route's share of its input, the outputs of several branches joined) is a
/// list of slices of stored outputs. That keeps a resumed run exact without storing anything
/// twice, and `runs retry` can feed a failed step the same payloads (`details.input`).
public struct PayloadBucket: Sendable, Equatable {
    public private(set) var refs: [PayloadRef] = []

    public static let empty = PayloadBucket()

    public init() {}

    /// All `count` outputs of step `sequence`.
    public init(sequence: Int, count: Int) {
        if count > 0 { refs = [PayloadRef(sequence: sequence, start: 0, count: count)] }
    }

    public var count: Int { refs.reduce(0) { $0 + $1.count } }

    /// Adds `ref` at the end, joining it to the last slice when they are adjacent.
    public mutating func append(_ ref: PayloadRef) {
        guard ref.count > 0 else { return }
        if let last = refs.last, last.sequence == ref.sequence, last.start + last.count == ref.start {
            refs[refs.count - 1].count += ref.count
        } else {
            refs.append(ref)
        }
    }

    public static func + (lhs: PayloadBucket, rhs: PayloadBucket) -> PayloadBucket {
        var joined = lhs
        for ref in rhs.refs { joined.append(ref) }
        return joined
    }

    /// The reference to the payload at `index` of the bucket.
    public func ref(at index: Int) -> PayloadRef? {
        var offset = index
        for ref in refs {
            if offset < ref.count { return PayloadRef(sequence: ref.sequence, start: ref.start + offset, count: 1) }
            offset -= ref.count
        }
        return nil
    }

    /// A bucket of the single payload `ref` points at.
    public static func single(_ ref: PayloadRef) -> PayloadBucket {
        var bucket = PayloadBucket.empty
        bucket.append(ref)
        return bucket
    }

    /// `[[sequence, start, count], ...]`, as kept in a step's `details.input`.
    public var json: JSON { .array(refs.map { [.number(Double($0.sequence)), .number(Double($0.start)), .number(Double($0.count))] }) }

    public init?(json: JSON?) {
        guard let list = json?.arrayValue else { return nil }
        for item in list {
            guard let parts = item.arrayValue?.compactMap(\.numberValue), parts.count == 3 else { return nil }
            append(PayloadRef(sequence: Int(parts[0]), start: Int(parts[1]), count: Int(parts[2])))
        }
    }
}
