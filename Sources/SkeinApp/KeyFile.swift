import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes small secret files so that they are never readable by others and never half-written.
enum KeyFile {
    /// Writes `bytes` to `url` atomically: a temporary file created with mode 0600 in the same
    /// directory, flushed to disk, renamed over `url`, and the directory flushed so the rename
    /// itself survives a power cut. A reader sees the old file or the new one, never a mix.
    static func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
        let directory = url.deletingLastPathComponent().path
        let temporary = url.path + ".tmp-\(getpid())"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw SkeinSetupError("cannot create \(temporary): \(lastError())") }
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                let message = lastError()
                close(descriptor)
                unlink(temporary)
                throw SkeinSetupError("cannot write \(temporary): \(message)")
            }
            written += result
        }
        guard fsync(descriptor) == 0 else {
            let message = lastError()
            close(descriptor)
            unlink(temporary)
            throw SkeinSetupError("cannot flush \(temporary) to disk: \(message)")
        }
        close(descriptor)
        guard rename(temporary, url.path) == 0 else {
            let message = lastError()
            unlink(temporary)
            throw SkeinSetupError("cannot move \(temporary) to \(url.path): \(message)")
        }
        syncDirectory(directory)
    }

    /// Removes `url` (if present) and flushes its directory.
    static func remove(_ url: URL) throws {
        guard unlink(url.path) == 0 || errno == ENOENT else { throw SkeinSetupError("cannot remove \(url.path): \(lastError())") }
        syncDirectory(url.deletingLastPathComponent().path)
    }

    static func read(_ url: URL) throws -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        guard data.count == 32 else { throw SkeinSetupError("\(url.path) must hold exactly 32 bytes, found \(data.count)") }
        return [UInt8](data)
    }

    private static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
