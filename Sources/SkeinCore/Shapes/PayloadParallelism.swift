import Foundation

/// Runs a shape's work payload by payload on every core when there are many payloads.
///
/// A `map` of ten thousand orders evaluates ten thousand independent JSONata transforms; one
/// core did them all while the other waited (the largest single cost of scenario 1 in
/// docs/benchmarks.md). The payloads are cut into one contiguous run per core, the outputs keep
/// the input's order, and a failure is reported for the lowest failing payload, exactly as one
/// core working in order would report it.
public enum PayloadParallelism {
    /// Fewer payloads than this per core are not worth a task of their own.
    public static let minimumPerTask = 256

    /// `transform(index, payload)` for every payload, in input order.
    public static func map(_ input: [Payload], _ transform: @escaping @Sendable (Int, Payload) throws -> Payload) async throws -> [Payload] {
        let tasks = min(ProcessInfo.processInfo.activeProcessorCount, input.count / minimumPerTask)
        guard tasks > 1 else { return try input.enumerated().map { try transform($0.offset, $0.element) } }
        let size = (input.count + tasks - 1) / tasks
        let ranges = stride(from: 0, to: input.count, by: size).map { $0..<min($0 + size, input.count) }
        let results = await withTaskGroup(of: (Int, Result<[Payload], any Error>).self) { group in
            for (position, range) in ranges.enumerated() {
                group.addTask {
                    do { return (position, .success(try range.map { try transform($0, input[$0]) })) } catch { return (position, .failure(error)) }
                }
            }
            var collected = [Result<[Payload], any Error>?](repeating: nil, count: ranges.count)
            for await (position, result) in group { collected[position] = result }
            return collected
        }
        var outputs: [Payload] = []
        outputs.reserveCapacity(input.count)
        for result in results { outputs += try result!.get() }
        return outputs
    }
}
