import SkeinCore
import SkeinJSON

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The connector definitions an installation knows: those shipped with Skein (embedded in the
/// binary from `Sources/SkeinConnectorsHTTP/Definitions/*.yaml`) and the ones its users wrote,
/// one file per system in `DATA_DIR/connectors/` (`*.yaml`, `*.yml` or `*.json`). A user's
/// file with the name of a shipped connector replaces it.
///
/// A definition file may be at most `maximumFileBytes` (1 MiB); the shipped ones are under 10 KiB.
public struct ConnectorCatalog: Sendable {
    public static let maximumFileBytes = 1024 * 1024

    public private(set) var definitions: [String: ConnectorDefinition] = [:]
    /// Files that could not be read, with their problems; the rest of the catalog still works.
    public private(set) var errors: [ConnectorDefinitionError] = []

    public init() {}

    /// The connectors shipped with Skein.
    public static let builtIn: ConnectorCatalog = {
        var catalog = ConnectorCatalog()
        for (file, bytes) in BuiltInDefinitions.files {
            catalog.add(text: String(decoding: bytes, as: UTF8.self), source: "built-in \(file)")
        }
        return catalog
    }()

    /// The shipped connectors plus the definitions in `directory` (missing is fine).
    public static func load(directory: String?) -> ConnectorCatalog {
        var catalog = builtIn
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return catalog }
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json") {
            let path = directory + "/" + name
            if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maximumFileBytes {
                catalog.errors.append(
                    ConnectorDefinitionError(source: path, problems: ["the file is larger than 1 MiB (\(size) bytes); a definition is a few KiB"]))
                continue
            }
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                catalog.errors.append(ConnectorDefinitionError(source: path, problems: ["cannot read the file as UTF-8 text"]))
                continue
            }
            catalog.add(text: text, source: path)
        }
        return catalog
    }

    /// Reads one definition and adds it (replacing one of the same name), or records its problems.
    public mutating func add(text: String, source: String) {
        do {
            let definition = try ConnectorDefinitionReader.read(text: text, source: source)
            definitions[definition.name] = definition
        } catch {
            errors.append(error)
        }
    }

    public func definition(_ name: String) -> ConnectorDefinition? { definitions[name] }

    public var names: [String] { definitions.keys.sorted() }

    /// Every connector that has an endpoint of this name.
    func connectors(withEndpoint name: String) -> [ConnectorDefinition] {
        names.compactMap { definitions[$0] }.filter { $0.endpoint(name) != nil }
    }
}
