import NIOCore

/// Directory listing and metadata operations.
extension SFTPClient {
    /// Lists a directory. The `.` and `..` entries are left out; order is the server's.
    ///
    /// - Throws: ``SFTPError`` `.noSuchFile` if the directory does not exist,
    ///   `.permissionDenied`, `.operationFailed` (e.g. the path is a file), ...
    public func list(_ directory: String) async throws -> [SFTPFileInfo] {
        let operation = Operation("list directory", directory)
        let handle = try await openHandle(.openDirectory(path: directory), operation)
        var entries: [SFTPFileInfo] = []
        do {
            readLoop: while true {
                switch try await roundTrip(.readDirectory(handle), operation) {
                case .name(_, let names):
                    for name in names where name.filename != "." && name.filename != ".." {
                        entries.append(SFTPFileInfo(name: name.filename, attributes: name.attributes))
                    }
                case .status(_, let status) where status.code == .endOfFile:
                    break readLoop
                case .status(_, let status):
                    throw statusError(status, operation)
                case let other:
                    throw unexpected(other, operation)
                }
            }
        } catch {
            await closeQuietly(handle, path: directory)
            throw error
        }
        await closeQuietly(handle, path: directory)
        return entries
    }

    /// Metadata of `path` (following symbolic links), or `nil` if it does not exist.
    public func stat(_ path: String) async throws -> SFTPFileInfo? {
        let operation = Operation("stat", path)
        switch try await roundTrip(.stat(path: path), operation) {
        case .attributes(_, let attributes):
            return SFTPFileInfo(name: Self.lastComponent(of: path), attributes: attributes)
        case .status(_, let status) where status.code == .noSuchFile:
            return nil
        case .status(_, let status):
            throw statusError(status, operation)
        case let other:
            throw unexpected(other, operation)
        }
    }

    /// Creates a directory (the parent must exist). Fails with `.operationFailed` if it exists.
    public func makeDirectory(_ path: String) async throws {
        try await expectOK(.makeDirectory(path: path, attributes: .empty), Operation("create directory", path))
    }

    /// Removes an empty directory.
    public func removeDirectory(_ path: String) async throws {
        try await expectOK(.removeDirectory(path: path), Operation("remove directory", path))
    }

    /// Removes a file (not a directory; see ``removeDirectory(_:)``).
    public func remove(_ path: String) async throws {
        try await expectOK(.remove(path: path), Operation("remove", path))
    }

    /// Renames or moves `source` to `destination`.
    ///
    /// If the server supports the `posix-rename@openssh.com` extension (OpenSSH does), an
    /// existing `destination` is replaced atomically, as with POSIX `rename(2)`. Otherwise
    /// plain SFTP v3 semantics apply and an existing destination makes it fail with
    /// `.operationFailed`.
    public func rename(from source: String, to destination: String) async throws {
        let operation = Operation("rename", "\(source)' to '\(destination)")
        if serverExtensions[SFTPExtensionName.posixRename] != nil {
            try await expectOK(.posixRename(from: source, to: destination), operation)
        } else {
            try await expectOK(.rename(from: source, to: destination), operation)
        }
    }

    /// The server's absolute, canonical form of `path` (`"."` gives the login directory).
    public func canonicalPath(_ path: String) async throws -> String {
        let operation = Operation("resolve", path)
        switch try await roundTrip(.realPath(path: path), operation) {
        case .name(_, let names) where names.count == 1:
            return names[0].filename
        case .status(_, let status):
            throw statusError(status, operation)
        case let other:
            throw unexpected(other, operation)
        }
    }

    static func lastComponent(of path: String) -> String {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        return trimmed.split(separator: "/").last.map(String.init) ?? trimmed
    }
}
