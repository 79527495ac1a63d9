import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A worker's identity that outlives the process: the lease owner a `skein serve` process
/// claims runs under, the same after it restarts, never held by two live processes at once.
///
/// Why: a run interrupted by a crash is resumed by whoever claims it once its lease expires
/// (15 s by default). When the process that crashed starts again it knows those runs are dead
/// — they carry its own identity — and takes them back at once (`RunQueue.releaseLeases`).
/// That is only safe if no other live process can carry the same identity, so each identity is
/// a numbered slot file in `<data dir>/workers/` held with an exclusive `flock` for the life of
/// the process. The kernel drops the lock when the process dies (`kill -9` included), so the
/// restarted process gets its slot back; a second process running at the same time finds the
/// slot locked and takes the next one. The slot file keeps a random id written on first use,
/// so two machines (or containers) with the same host name and their own data directories
/// never share an identity. The data directory must be on a local file system (NFS locks are
/// not reliable).
public struct WorkerSlot: Sendable {
    /// The lease owner: host name, the slot's random id and its number.
    public let owner: String
    /// The slot's number in `<data dir>/workers/` (0 for the first process on a data directory).
    public let number: Int

    /// How many processes may share one data directory.
    public static let maximumSlots = 256

    /// Takes the lowest free slot in `directory`/workers for the rest of the process's life.
    public static func acquire(dataDirectory directory: URL, host: String) throws -> WorkerSlot {
        let workers = directory.appendingPathComponent("workers")
        do {
            try FileManager.default.createDirectory(at: workers, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SkeinSetupError("cannot create \(workers.path) for the worker's identity: \(error.localizedDescription)")
        }
        for number in 0..<maximumSlots {
            let path = workers.appendingPathComponent("slot-\(number)").path
            // O_CLOEXEC: scripts and connectors' child processes must not inherit (and keep) the lock.
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw SkeinSetupError("cannot open \(path) for the worker's identity: \(String(cString: strerror(errno)))")
            }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                close(descriptor)
                continue
            }
            // Held until the process exits: the descriptor is deliberately never closed.
            let id = try slotID(descriptor: descriptor, path: path)
            return WorkerSlot(owner: "\(host)/\(id)/slot-\(number)", number: number)
        }
        throw SkeinSetupError("all \(maximumSlots) worker slots in \(workers.path) are held by running processes")
    }

    /// The slot's random id: read back, or written now when the slot is new.
    private static func slotID(descriptor: Int32, path: String) throws -> String {
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        let existing = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        if !existing.isEmpty, existing.count <= 36 { return existing }
        let id = UUID().uuidString.lowercased()
        let bytes = Array((id + "\n").utf8)
        guard ftruncate(descriptor, 0) == 0, pwrite(descriptor, bytes, bytes.count, 0) == bytes.count, fsync(descriptor) == 0 else {
            throw SkeinSetupError("cannot write the worker's identity to \(path): \(String(cString: strerror(errno)))")
        }
        return id
    }
}
