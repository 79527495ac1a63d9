import Foundation

/// Reads a file named on the command line (or standard input for `-`) straight into a byte
/// array: one copy of the content, never a `Data` and an array of it side by side, so
/// `skein run --payload` of a 100 MB file holds 100 MB, not 200 (docs/benchmarks.md, scenario 4).
enum InputBytes {
    /// The whole content of `path`, or of standard input when `path` is `-`.
    static func read(_ path: String) throws -> [UInt8] {
        let name = path == "-" ? "standard input" : path
        let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CLIError("\(name): cannot read the file (\(String(cString: strerror(errno))))") }
        defer { if path != "-" { close(descriptor) } }

        var status = stat()
        let regularSize = fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG ? Int(status.st_size) : 0
        var failure: Int32 = 0
        // A regular file: read its size in place, into exactly that much memory.
        var bytes = [UInt8](unsafeUninitializedCapacity: regularSize) { buffer, initialized in
            while initialized < regularSize {
                let count = Foundation.read(descriptor, buffer.baseAddress! + initialized, regularSize - initialized)
                if count < 0, errno == EINTR { continue }
                if count <= 0 { failure = count < 0 ? errno : 0; break }
                initialized += count
            }
        }
        if failure != 0 { throw CLIError("\(name): cannot read (\(String(cString: strerror(failure))))") }
        // Anything more (a pipe, or a file that grew): chunk by chunk to the end.
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { throw CLIError("\(name): cannot read (\(String(cString: strerror(errno))))") }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
        }
    }
}
