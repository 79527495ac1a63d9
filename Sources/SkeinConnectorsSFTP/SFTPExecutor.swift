import SkeinCore
import SkeinInstrumentation
import SkeinJSON
import SkeinSFTP

/// Runs one `sftp:` step: one connection per attempt, every operation recorded on the step.
struct SFTPExecutor: ShapeExecutor {
    let settings: SFTPShapeSettings

    func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
        let instance = try await context.instances.instance(named: settings.instance)
        let configuration = try SFTPInstance.configuration(for: instance)
        let operations = OperationLog(instance: instance, recorder: context.recorder)
        if settings.direction == .send, let sync = settings.sync {
            return try await sendReporting(input, sync: sync, configuration: configuration, operations, context: context)
        }
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
    private func send(
        _ input: [Payload], _ client: SFTPClient, _ operations: OperationLog,
        context: ShapeContext
    ) async throws -> ShapeResult {
        for target in try targets(input, context: context) {
            try await write(target, client, operations)
        }
        return ShapeResult(outputs: input)
    }

    /// A send with `sync:`: every file is tried and each outcome becomes a sync item — Sent
    /// when the file was written (OK later, when the destination acknowledges it), Pending or
    /// Failed when it was not — instead of failing the step. The endpoint id is the file name,
    /// which the acknowledgement poller matches (`ack:`). A connection that cannot be opened
    /// makes every item Pending (or Failed, for a wrong host key or login).
    private func sendReporting(
        _ input: [Payload], sync: SyncSettings, configuration: SFTPConfiguration,
        _ operations: OperationLog, context: ShapeContext
    ) async throws -> ShapeResult {
        let targets = try targets(input, context: context)
        var notes: [String] = []
        var items = targets.map { target in
            let document = try? target.payload.json()
            return SyncItem(
                system: sync.system, reference: SyncSettings.text(sync.reference, document, &notes, name: "reference"),
                sourceID: SyncSettings.text(sync.sourceID, document, &notes, name: "source_id"),
                endpointID: target.name, payload: target.payload, outcome: .delivered)
        }
        func fail(_ index: Int, _ failure: ShapeFailure) {
            items[index].outcome = failure.isTransient ? .transientFailure(failure.message) : .permanentFailure(failure.message)
            items[index].response = failure.message
        }
        do {
            try await SFTPClient.withConnection(configuration) { client in
                for (index, target) in targets.enumerated() {
                    try Task.checkCancellation()
                    do {
                        try await write(target, client, operations)
                        items[index].response = "written to \(target.path)"
                    } catch let failure as ShapeFailure {
                        fail(index, failure)
                    }
                }
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // The connection could not be opened (or broke): the files not yet written share its failure.
            let failure = SFTPFailures.failure(error, instance: operations.instance)
            for index in items.indices where items[index].response == nil { fail(index, failure) }
        }
        let outputs = zip(items, input).filter { $0.0.outcome == .delivered }.map(\.1)
        return ShapeResult(outputs: outputs, warnings: Array(Set(notes)).sorted(), syncItems: items)
    }

    /// The file each payload goes to; two payloads may not share a name.
    private func targets(_ input: [Payload], context: ShapeContext) throws -> [(path: String, name: String, payload: Payload)] {
        var names: [String: Int] = [:]
        var targets: [(path: String, name: String, payload: Payload)] = []
        for (offset, payload) in input.enumerated() {
            let name = try settings.filename!.render(payload: payload, index: offset + 1, context: context)
            if let earlier = names[name] {
                throw ShapeFailure(
                    "instance '\(settings.instance)': payloads \(earlier) and \(offset + 1) would both be written to \(name); make the filename template unique per payload (for example with {{index}})"
                )
            }
            names[name] = offset + 1
            targets.append((RemotePath.join(settings.path, name), name, payload))
        }
        return targets
    }

    private func write(
        _ target: (path: String, name: String, payload: Payload), _ client: SFTPClient,
        _ operations: OperationLog
    ) async throws {
        let bytes = target.payload.bytes()
        let temporary = RemotePath.join(settings.path, ".\(target.name).skein-part")
        try await operations.run("write", path: target.path, name: target.name, bytes: bytes.count) {
            try await client.write(temporary, bytes)
            try await client.rename(from: temporary, to: target.path)
        }
    }
}

/// Records every SFTP operation on the step as it finishes (also when it fails):
/// `{"operation": "read", "path": "/outbound/a.csv", "file": "a.csv", "bytes": 812, "duration_ms": 4}`.
struct OperationLog: Sendable {
    let instance: Instance
    let recorder: CallRecorder

    @discardableResult
    func run<Result: Sendable>(
        _ operation: String, path: String, name: String? = nil, to target: String? = nil,
        bytes: Int? = nil, _ body: () async throws -> Result
    ) async throws -> Result {
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
        let instance = instance
        var timedOut = false
        return try await ConnectorCall.measure(
            "sftp \(operation)", connector: "sftp", instance: instance.name,
            end: { (result: Swift.Result<Result, any Error>) in
                guard case .failure(let error) = result else { return ConnectorCall.Ending(.success) }
                return ConnectorCall.Ending(timedOut ? .timeout : .error, message: SFTPFailures.failure(error, instance: instance).message)
            }
        ) { span in
            span.attributes["skein.sftp.operation"] = operation
            do {
                let result = try await body()
                let size = bytes ?? (result as? [UInt8])?.count ?? (result as? [SFTPFileInfo])?.count
                finish(size, error: nil)
                return result
            } catch {
                finish(bytes, error: error)
                timedOut = (error as? SFTPError)?.code == .timeout
                throw SFTPFailures.failure(error, instance: instance, doing: "\(operation) \(path)")
            }
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

/// Acknowledgement files (`ack:`): a Sent entry becomes OK once the destination has written
/// the acknowledgement file for the file Skein wrote (`order-7.json` → `order-7.json.ack`).
extension SFTPExecutor: SyncConfirming {
    var checksConfirmations: Bool { settings.ack != nil && settings.sync != nil && settings.direction == .send }

    /// Lists the acknowledgement directory once and confirms every item whose file has an
    /// acknowledgement there; with `after: delete` the acknowledgement files are removed once
    /// `record` has stored the confirmations.
    func confirm(
        _ items: [SentItem], context: ShapeContext,
        record: @Sendable ([SyncEntryID: String]) async throws -> Void
    ) async throws -> Int {
        guard let ack = settings.ack, !items.isEmpty else { return 0 }
        let instance = try await context.instances.instance(named: settings.instance)
        let configuration = try SFTPInstance.configuration(for: instance)
        let operations = OperationLog(instance: instance, recorder: context.recorder)
        let directory = ack.path ?? settings.path
        do {
            return try await SFTPClient.withConnection(configuration) { client in
                let present = Set(
                    try await operations.run("list", path: directory) { try await client.list(directory) }
                        .filter(\.isRegularFile).map(\.name))
                var confirmed: [SyncEntryID: String] = [:]
                for item in items where !item.endpointID.isEmpty {
                    let name = ack.ackName(for: item.endpointID)
                    guard present.contains(name) else { continue }
                    let path = RemotePath.join(directory, name)
                    confirmed[item.entryID] = "acknowledgement file \(path)"
                }
                guard !confirmed.isEmpty else { return 0 }
                try await record(confirmed)
                if ack.deleteAfter {
                    for name in Set(items.filter { confirmed[$0.entryID] != nil }.map { ack.ackName(for: $0.endpointID) }) {
                        let path = RemotePath.join(directory, name)
                        try await operations.run("delete", path: path, name: name) { try await client.remove(path) }
                    }
                }
                return confirmed.count
            }
        } catch {
            throw SFTPFailures.failure(error, instance: instance)
        }
    }
}
