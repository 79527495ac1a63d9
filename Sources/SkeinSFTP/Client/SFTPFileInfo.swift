#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Metadata of a remote file or directory.
public struct SFTPFileInfo: Sendable, Hashable {
    /// The entry's name: for ``SFTPClient/list(_:)`` the name inside the directory, for
    /// ``SFTPClient/stat(_:)`` the last component of the path.
    public var name: String
    /// Size in bytes, if the server reported it.
    public var size: UInt64?
    /// Last modification time (second precision in SFTP v3), if reported.
    public var modificationDate: Date?
    /// POSIX mode bits including the file-type bits (e.g. `0o100644` for a regular file),
    /// if reported.
    public var permissions: UInt32?

    public init(name: String, size: UInt64? = nil, modificationDate: Date? = nil, permissions: UInt32? = nil) {
        self.name = name
        self.size = size
        self.modificationDate = modificationDate
        self.permissions = permissions
    }

    /// True for directories (`S_IFDIR`).
    public var isDirectory: Bool { fileType == 0o040000 }
    /// True for regular files (`S_IFREG`).
    public var isRegularFile: Bool { fileType == 0o100000 }
    /// True for symbolic links (`S_IFLNK`); only ``SFTPClient/list(_:)`` can report these,
    /// because ``SFTPClient/stat(_:)`` follows links.
    public var isSymbolicLink: Bool { fileType == 0o120000 }
    /// The access bits only, e.g. `0o644`.
    public var accessBits: UInt32? { permissions.map { $0 & 0o7777 } }

    private var fileType: UInt32? { permissions.map { $0 & 0o170000 } }
}

extension SFTPFileInfo {
    init(name: String, attributes: SFTPAttributes) {
        self.init(
            name: name,
            size: attributes.size,
            modificationDate: attributes.modificationTime.map { Date(timeIntervalSince1970: TimeInterval($0)) },
            permissions: attributes.permissions
        )
    }
}
