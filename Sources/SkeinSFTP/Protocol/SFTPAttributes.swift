import NIOCore

/// File attributes as carried in SFTP v3 `ATTRS` (§5): every field is optional and
/// present only when its flag bit is set.
struct SFTPAttributes: Sendable, Hashable {
    var size: UInt64?
    var userID: UInt32?
    var groupID: UInt32?
    /// POSIX mode bits, including the file type bits (`S_IFDIR`, `S_IFREG`, ...).
    var permissions: UInt32?
    /// Seconds since the Unix epoch.
    var accessTime: UInt32?
    /// Seconds since the Unix epoch.
    var modificationTime: UInt32?
    /// Vendor extensions (`extended_type`, `extended_data` pairs).
    var extended: [ExtendedAttribute] = []

    struct ExtendedAttribute: Sendable, Hashable {
        var type: String
        var data: [UInt8]
    }

    /// Attributes with no fields set, as sent with `OPEN` when the server should pick defaults.
    static let empty = SFTPAttributes()

    enum Flag {
        static let size: UInt32 = 0x0000_0001
        static let userAndGroupID: UInt32 = 0x0000_0002
        static let permissions: UInt32 = 0x0000_0004
        static let accessAndModificationTime: UInt32 = 0x0000_0008
        static let extended: UInt32 = 0x8000_0000
    }
}

extension ByteBuffer {
    /// Writes `attributes` in the v3 `ATTRS` layout.
    mutating func writeSFTPAttributes(_ attributes: SFTPAttributes) {
        typealias Flag = SFTPAttributes.Flag
        var flags: UInt32 = 0
        if attributes.size != nil { flags |= Flag.size }
        if attributes.userID != nil && attributes.groupID != nil { flags |= Flag.userAndGroupID }
        if attributes.permissions != nil { flags |= Flag.permissions }
        if attributes.accessTime != nil && attributes.modificationTime != nil {
            flags |= Flag.accessAndModificationTime
        }
        if !attributes.extended.isEmpty { flags |= Flag.extended }

        self.writeInteger(flags)
        if let size = attributes.size { self.writeInteger(size) }
        if flags & Flag.userAndGroupID != 0, let uid = attributes.userID, let gid = attributes.groupID {
            self.writeInteger(uid)
            self.writeInteger(gid)
        }
        if let permissions = attributes.permissions { self.writeInteger(permissions) }
        if flags & Flag.accessAndModificationTime != 0,
            let atime = attributes.accessTime, let mtime = attributes.modificationTime
        {
            self.writeInteger(atime)
            self.writeInteger(mtime)
        }
        if !attributes.extended.isEmpty {
            self.writeInteger(UInt32(attributes.extended.count))
            for pair in attributes.extended {
                self.writeSFTPString(pair.type)
                self.writeSFTPBytes(pair.data)
            }
        }
    }

    /// Reads a v3 `ATTRS` structure, or `nil` if the buffer ends early.
    mutating func readSFTPAttributes() -> SFTPAttributes? {
        typealias Flag = SFTPAttributes.Flag
        let start = self.readerIndex
        func fail() -> SFTPAttributes? {
            self.moveReaderIndex(to: start)
            return nil
        }
        guard let flags = self.readInteger(as: UInt32.self) else { return fail() }
        var attributes = SFTPAttributes()
        if flags & Flag.size != 0 {
            guard let size = self.readInteger(as: UInt64.self) else { return fail() }
            attributes.size = size
        }
        if flags & Flag.userAndGroupID != 0 {
            guard let uid = self.readInteger(as: UInt32.self), let gid = self.readInteger(as: UInt32.self)
            else { return fail() }
            attributes.userID = uid
            attributes.groupID = gid
        }
        if flags & Flag.permissions != 0 {
            guard let permissions = self.readInteger(as: UInt32.self) else { return fail() }
            attributes.permissions = permissions
        }
        if flags & Flag.accessAndModificationTime != 0 {
            guard let atime = self.readInteger(as: UInt32.self), let mtime = self.readInteger(as: UInt32.self)
            else { return fail() }
            attributes.accessTime = atime
            attributes.modificationTime = mtime
        }
        if flags & Flag.extended != 0 {
            guard let count = self.readInteger(as: UInt32.self) else { return fail() }
            for _ in 0..<count {
                guard let type = self.readSFTPString(), let data = self.readSFTPBytes() else { return fail() }
                attributes.extended.append(.init(type: type, data: data))
            }
        }
        return attributes
    }
}
