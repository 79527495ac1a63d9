import Foundation
public import SkeinCore

/// The blueprints an installation knows: those shipped with Skein (embedded in the binary from
/// `Sources/SkeinOperations/Blueprints/Shipped/`) and the ones its users wrote in
/// `DATA_DIR/blueprints/` (or `SKEIN_BLUEPRINTS_DIR`): one manifest `NAME.yaml` (or `.yml`,
/// `.json`) per blueprint, naming its flow files and lookup CSVs relative to that directory
/// (usually in a sub-directory of the blueprint's name). A user's blueprint with the name of a
/// shipped one replaces it.
///
/// Files that cannot be read are kept in `errors` with every problem; the other blueprints still work.
public struct BlueprintCatalog: Sendable {
    public private(set) var blueprints: [String: Blueprint] = [:]
    public private(set) var errors: [BlueprintError] = []

    public init() {}

    /// The blueprints shipped with Skein.
    public static let builtIn: BlueprintCatalog = {
        var catalog = BlueprintCatalog()
        let files = BuiltInBlueprints.files
        for manifest in BuiltInBlueprints.manifests {
            guard let bytes = files[manifest] else { continue }
            catalog.add(text: String(decoding: bytes, as: UTF8.self), source: "built-in \(manifest)") { files[$0] }
        }
        return catalog
    }()

    /// The shipped blueprints plus the manifests in `directory` (a missing directory is fine).
    public static func load(directory: String?) -> BlueprintCatalog {
        var catalog = builtIn
        let fileManager = FileManager.default
        guard let directory, let names = try? fileManager.contentsOfDirectory(atPath: directory) else { return catalog }
        let root = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath().path
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json") {
            let path = directory + "/" + name
            guard let text = read(path, limit: BlueprintReader.maximumFileBytes, errors: &catalog.errors).map({ String(decoding: $0, as: UTF8.self) }) else {
                continue
            }
            var refused: [BlueprintError] = []
            catalog.add(text: text, source: path) { relative in
                // Only files inside the directory: a link pointing out of it is not followed.
                let full = URL(fileURLWithPath: directory + "/" + relative).standardizedFileURL.resolvingSymlinksInPath().path
                guard full.hasPrefix(root + "/") else { return nil }
                return read(full, limit: LookupLimits.maxImportBytes, errors: &refused)
            }
            catalog.errors += refused
        }
        return catalog
    }

    private static func read(_ path: String, limit: Int, errors: inout [BlueprintError]) -> [UInt8]? {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limit {
            errors.append(BlueprintError(source: path, problems: ["the file is \(size) bytes; at most \(limit)"]))
            return nil
        }
        return FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// Reads one manifest (fetching the files it names through `file`) and adds it, replacing
    /// one of the same name, or records its problems.
    public mutating func add(text: String, source: String, file: (String) -> [UInt8]?) {
        do {
            let blueprint = try BlueprintReader.read(text: text, source: source, file: file)
            blueprints[blueprint.name] = blueprint
        } catch {
            errors.append(error)
        }
    }

    public func blueprint(_ name: String) -> Blueprint? { blueprints[name] }

    public var names: [String] { blueprints.keys.sorted() }

    /// Every blueprint, by name.
    public var all: [Blueprint] { names.compactMap { blueprints[$0] } }
}
