import SkeinCore
import SkeinJSON
import SkeinSFTP

/// Runs one `sftp:` step: one connection per attempt, every operation recorded on the step.
struct SFTPExecutor: ShapeExecutor {
    let settings: SFTPShapeSettings

    func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
        let instance = try await context.instances.instance(named: settings.instance)
        let configuration = try SFTPInstance.configuration(for: instance)
        let operations = OperationLog(instance: instance, recorder: context.recorder)
        do {
            return try await SFTPClient.withConnection(configuration) { client in
                switch settings.direction {
                case .receive: return try await receive(client, operations)
                case .send: return try await send(input, client, operations, context: context)
                }
            }
        } catch {
            throw SFTPFailures.failure(error, instance: instance)
        }
    }

    /// One payload per matching file, oldest name first, bytes exactly as stored on the server.
    ///
    /// Files are deleted or moved (`after:`) only once every file of the step has been read,
    /// so a failed read leaves the directory as it was and a retry sees the same files.
    private func receive(_ client: SFTPClient, _ operations: OperationLog) async throws -> ShapeResult {
        let directory = settings.path
        let entries = try await operations.run("list", path: directory) { try await client.list(directory) }
        let matching = entries.filter { $0.isRegularFile && settings.pattern.matches($0.name) }.sorted { $0.name < $1.name }
        let chosen = matching.prefix(settings.maxFiles)
        var outputs: [Payload] = []
        var warnings: [String] = []
        for entry in chosen {
            let path = RemotePath.join(directory, entry.name)
            let bytes = try await operations.run("read", path: path, name: entry.name) { try await client.read(path) }
            outputs.append(try FileTypes.payload(bytes, fileName: entry.name, instance: operations.instance))
        }
        if matching.count > chosen.count {
            warnings.append("\(matching.count) files matched '\(settings.pattern.text)' in \(directory); took the first \(chosen.count) (max_files)")
        }
        for entry in chosen {
            let path = RemotePath.join(directory, entry.name)
            switch settings.after {
            case .keep: break
            case .delete:
                try await operations.run("delete", path: path, name: entry.name) { try await client.remove(path) }
            case .move:
                let target = RemotePath.join(settings.moveTo ?? "", entry.name)
                try await operations.run("move", path: path, name: entry.name, to: target) {
                    try await client.rename(from: path, to: target)
                }
            }
        }
        return ShapeResult(outputs: outputs, warnings: warnings, calls: [])
    }

    /// One file per payload. Each is written under a temporary name and renamed into place,
    /// so a system polling the directory never picks up half a file; a retry overwrites.
    private func send(_ input: [Payload], _ client: SFTPClient, _ operations: OperationLog,
                      context: ShapeContext) async throws -> ShapeResult {
        var names: [String: Int] = [:]
        var targets: [(path: String, name: String, payload: Payload)] = []
        for (offset, payload) in input.enumerated() {
            let name = try settings.filename!.render(payload: payload, index: offset + 1, context: context)
            if let earlier = names[name] {
                throw ShapeFailure("instance '\(settings.instance)': payloads \(earlier) and \(offset + 1) would both be written to \(name); make the filename template unique per payload (for example with {{index}})")
            }
            names[name] = offset + 1
            targets.append((RemotePath.join(settings.path, name), name, payload))
        }
        for target in targets {
            let bytes = target.payload.bytes()
            let temporary = RemotePath.join(settings.path, ".\(target.name).skein-part")
            try await operations.run("write", path: target.path, name: target.name, bytes: bytes.count) {
                try await client.write(temporary, bytes)
                try await client.rename(from: temporary, to: target.path)
            }
        }
        return ShapeResult(outputs: input)
    }
}

/// Records every SFTP operation on the step as it finishes (also when it fails):
/// `{"operation": "read", "path": "/outbound/a.csv", "file": "a.csv", "bytes": 812, "duration_ms": 4}`.
struct OperationLog: Sendable {
    let instance: Instance
    let recorder: CallRecorder

    @discardableResult
    func run<Result: Sendable>(_ operation: String, path: String, name: String? = nil, to target: String? = nil,
                               bytes: Int? = nil, _ body: () async throws -> Result) async throws -> Result {
        let clock = ContinuousClock()
        let started = clock.now
        var entry: JSON.Object = ["instance": .string(instance.name), "operation": .string(operation), "path": .string(path)]
        if let name { entry["file"] = .string(name) }
        if let target { entry["to"] = .string(target) }
        func finish(_ bytes: Int?, error: (any Error)?) {
            if let bytes { entry["bytes"] = .number(Double(bytes)) }
            if operation == "list", let count = bytes { entry["bytes"] = nil; entry["entries"] = .number(Double(count)) }
            entry["duration_ms"] = .number(Double(Self.milliseconds(clock.now - started)))
            if let error { entry["error"] = .string(SFTPFailures.failure(error, instance: instance).message) }
            recorder.record(.object(entry))
        }
        do {
            let result = try await body()
            let size = bytes ?? (result as? [UInt8])?.count ?? (result as? [SFTPFileInfo])?.count
            finish(size, error: nil)
            return result
        } catch {
            finish(bytes, error: error)
            throw SFTPFailures.failure(error, instance: instance, doing: "\(operation) \(path)")
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

enum RemotePath {
    static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}

/// Content types from file extensions, for received files.
enum FileTypes {
    static let byExtension = [
        "csv": "text/csv", "json": "application/json", "xml": "application/xml", "txt": "text/plain",
        "tsv": "text/tab-separated-values", "ndjson": "application/x-ndjson",
    ]

    static func contentType(of fileName: String) -> String {
        guard let dot = fileName.lastIndex(of: ".") else { return "application/octet-stream" }
        return byExtension[fileName[fileName.index(after: dot)...].lowercased()] ?? "application/octet-stream"
    }

    /// The file as a payload, bytes untouched. A `.json` file must parse, so a broken file is
    /// reported where it entered rather than by a later step.
    static func payload(_ bytes: [UInt8], fileName: String, instance: Instance) throws(ShapeFailure) -> Payload {
        let type = contentType(of: fileName)
        if Payload.isJSON(type) {
            do { _ = try JSON(parsing: bytes) } catch {
                throw ShapeFailure("instance '\(instance.name)': \(fileName) is not valid JSON: \(error)")
            }
        }
        return Payload(bytes: bytes, contentType: type)
    }
}
