import Foundation
import SkeinJSON

/// Reads a blueprint manifest (YAML or JSON) and the files it names, reporting every problem with
/// its path, the way `skein flow validate` reports a flow's:
/// `shopify-to-wms.yaml: lookups.carriers.csv: line 3: expected 2 fields (left,right), found 3`.
///
/// The files (flows, lookup CSVs) are named relative to the blueprint directory and fetched
/// through `file`, so the reader does no I/O: the shipped blueprints pass their embedded bytes,
/// the catalog passes files read from `DATA_DIR/blueprints/`. What the reader checks: every key
/// is known, names are well formed, every `{{placeholder}}` names a setting, every instance
/// credential names one of the blueprint's credentials (and each credential is used), each flow
/// file is a flow document with an `id` (its shapes are checked against the shape catalog at
/// install, once the instances it uses are known), and each CSV is a valid lookup CSV.
public enum BlueprintReader {
    /// Largest manifest or flow file: 1 MiB (a lookup CSV may be as large as an import, 5 MB).
    public static let maximumFileBytes = 1024 * 1024

    /// - Parameters:
    ///   - text: the manifest.
    ///   - source: where it came from, for messages.
    ///   - file: the bytes of a file named relative to the blueprint directory, nil when missing.
    public static func read(text: String, source: String, file: (String) -> [UInt8]?) throws(BlueprintError) -> Blueprint {
        let document: JSON
        do { document = try FlowFile.document(from: text, source: source) } catch {
            throw BlueprintError(source: source, problems: error.problems.map(\.description))
        }
        let problems = ProblemList()
        let blueprint = read(document, source: source, problems: problems, file: file)
        guard problems.isEmpty, let blueprint else { throw BlueprintError(source: source, problems: problems.problems.map(\.description)) }
        return blueprint
    }

    static func read(_ document: JSON, source: String, problems: ProblemList, file: (String) -> [UInt8]?) -> Blueprint? {
        guard let reader = SettingsReader(document, path: "", problems: problems, allowMissing: false) else { return nil }
        let name = reader.string("blueprint", required: true)
        if let name, let problem = nameProblem(name) { reader.report("blueprint", problem) }
        let title = reader.string("title", required: true)
        let description = reader.string("description") ?? ""
        var systems: [String] = []
        for (index, value) in (reader.array("systems") ?? []).enumerated() {
            guard case .string(let system) = value else { problems.add("systems[\(index)]", "expected text"); continue }
            systems.append(system)
        }
        let settings = readSettings(reader)
        let credentials = readCredentials(reader)
        let instances = readInstances(reader, settings: settings, credentials: credentials)
        let lookups = readLookups(reader, file: file)
        let flows = readFlows(reader, file: file)
        reader.finish()
        guard let name, let title, problems.isEmpty else { return nil }
        return Blueprint(
            source: source, name: name, title: title, description: description, systems: systems, settings: settings,
            credentials: credentials, instances: instances, lookups: lookups, flows: flows)
    }

    /// Blueprint, setting, credential and instance names: lowercase letters, digits, `-` and `_`.
    static func nameProblem(_ name: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-_")
        guard !name.isEmpty, name.count <= 64, name.allSatisfy(allowed.contains), name.first != "-", name.first != "_" else {
            return "'\(name)' must be 1 to 64 lowercase letters, digits, '-' or '_', starting with a letter or digit"
        }
        return nil
    }

    private static func readSettings(_ reader: SettingsReader) -> [Blueprint.Setting] {
        guard let object = reader.object("settings") else { return [] }
        var settings: [Blueprint.Setting] = []
        for key in object.members.keys {
            if let problem = nameProblem(key) { object.report(key, problem) }
            guard let setting = object.object(key) else { continue }
            let required = setting.bool("required") ?? false
            let defaultValue = setting.raw("default").flatMap(scalarText)
            if setting.has("default"), defaultValue == nil { setting.report("default", "expected text, a number or a boolean") }
            if required, defaultValue != nil { setting.report("default", "a required setting has no default") }
            if !required, !setting.has("default") { setting.report("required", "a setting is required or has a default") }
            let help = setting.string("help", required: true) ?? ""
            setting.finish()
            settings.append(Blueprint.Setting(name: key, required: required, defaultValue: defaultValue, help: help))
        }
        return settings
    }

    private static func readCredentials(_ reader: SettingsReader) -> [Blueprint.Credential] {
        guard let object = reader.object("credentials") else { return [] }
        var credentials: [Blueprint.Credential] = []
        for key in object.members.keys {
            if let problem = nameProblem(key) { object.report(key, problem) }
            guard let credential = object.object(key) else { continue }
            credentials.append(Blueprint.Credential(name: key, help: credential.string("help", required: true) ?? ""))
            credential.finish()
        }
        return credentials
    }

    private static func readInstances(
        _ reader: SettingsReader, settings: [Blueprint.Setting],
        credentials: [Blueprint.Credential]
    ) -> [Blueprint.InstanceEntry] {
        guard let object = reader.object("instances", required: true) else { return [] }
        let settingNames = Set(settings.map(\.name))
        var used: Set<String> = []
        var instances: [Blueprint.InstanceEntry] = []
        for key in object.members.keys {
            if let problem = nameProblem(key) { object.report(key, problem) }
            guard let entry = object.object(key) else { continue }
            let connector = entry.string("connector")
            let type = entry.string("type", allowed: ["http", "sftp", "database", "smtp"])
            if connector == nil, type == nil, !entry.has("type") {
                entry.report("", "give connector: (a connector definition) or type: (http, sftp, database, smtp)")
            }
            if connector != nil, let type, type != "http" { entry.report("type", "a connector instance is an http instance; leave out type: \(type)") }
            let address = entry.string("address", required: connector == nil && type != nil)
            var settingsValue = entry.raw("settings") ?? .object([:])
            if case .object(let members) = settingsValue {
                if connector != nil {
                    var texts = JSON.Object()
                    for (name, value) in members {
                        guard let text = scalarText(value) else {
                            entry.report("settings.\(name)", "a connector setting is text, a number or a boolean"); continue
                        }
                        texts[name] = .string(text)
                    }
                    settingsValue = .object(texts)
                }
            } else {
                entry.report("settings", "expected an object of settings, found \(settingsValue.typeName)")
            }
            var slots: [String: String] = [:]
            if let mapping = entry.object("credentials") {
                for slot in mapping.members.keys {
                    guard let credential = mapping.string(slot) else { continue }
                    guard credentials.contains(where: { $0.name == credential }) else {
                        mapping.report(slot, "'\(credential)' is not one of the blueprint's credentials (\(credentials.map(\.name).joined(separator: ", ")))")
                        continue
                    }
                    slots[slot] = credential
                    used.insert(credential)
                }
                mapping.finish()
            }
            for name in BlueprintPlaceholders.names(in: address ?? "") where !settingNames.contains(name) {
                entry.report("address", "uses {{\(name)}}, which is not one of the blueprint's settings")
            }
            for name in BlueprintPlaceholders.names(in: settingsValue) where !settingNames.contains(name) {
                entry.report("settings", "uses {{\(name)}}, which is not one of the blueprint's settings")
            }
            let help = entry.string("help") ?? ""
            entry.finish()
            instances.append(
                Blueprint.InstanceEntry(
                    name: key, connector: connector, type: type ?? "http", address: address,
                    settings: settingsValue, credentials: slots, help: help))
        }
        for credential in credentials where !used.contains(credential.name) {
            reader.report("credentials.\(credential.name)", "no instance uses this credential")
        }
        return instances
    }

    private static func readLookups(_ reader: SettingsReader, file: (String) -> [UInt8]?) -> [Blueprint.LookupEntry] {
        guard let object = reader.object("lookups") else { return [] }
        var lookups: [Blueprint.LookupEntry] = []
        for key in object.members.keys {
            if let problem = LookupLimits.problem(withName: key) { object.report(key, problem) }
            guard let entry = object.object(key) else { continue }
            let help = entry.string("help") ?? ""
            let defaultValue = entry.raw("default").flatMap(scalarText)
            if entry.has("default"), defaultValue == nil { entry.report("default", "expected text, a number or a boolean") }
            var rows: [LookupRow] = []
            let path = entry.string("csv", required: true)
            if let path, let bytes = fetch(path, at: entry.childPath("csv"), problems: entry.problems, limit: LookupLimits.maxImportBytes, file: file) {
                do { rows = try LookupCSV.parse(bytes) } catch { entry.report("csv", "\(path): \(error)") }
            }
            entry.finish()
            lookups.append(Blueprint.LookupEntry(name: key, help: help, defaultValue: defaultValue, file: path ?? "", rows: rows))
        }
        return lookups
    }

    private static func readFlows(_ reader: SettingsReader, file: (String) -> [UInt8]?) -> [Blueprint.FlowEntry] {
        var flows: [Blueprint.FlowEntry] = []
        var ids: [String: Int] = [:]
        for (index, value) in (reader.array("flows", required: true) ?? []).enumerated() {
            let at = "flows[\(index)]"
            guard case .string(let path) = value else { reader.problems.add(at, "expected the path of a flow file"); continue }
            guard let bytes = fetch(path, at: at, problems: reader.problems, limit: maximumFileBytes, file: file) else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            let document: JSON
            do { document = try FlowFile.document(from: text, source: path) } catch {
                for problem in error.problems { reader.problems.add(at, "\(path): \(problem)") }
                continue
            }
            guard case .string(let id)? = document["id"] else { reader.problems.add(at, "\(path): the flow has no id"); continue }
            if let earlier = ids[id] { reader.problems.add(at, "\(path): flow '\(id)' is also flows[\(earlier)]") }
            ids[id] = index
            flows.append(Blueprint.FlowEntry(file: path, id: id, name: document["name"]?.stringValue, text: text))
        }
        if flows.isEmpty, reader.problems.isEmpty { reader.problems.add("flows", "a blueprint deploys at least one flow") }
        return flows
    }

    /// A file named relative to the blueprint directory: no absolute paths, no `..`, at most `limit` bytes.
    private static func fetch(
        _ path: String, at location: String, problems: ProblemList, limit: Int,
        file: (String) -> [UInt8]?
    ) -> [UInt8]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\\"), !parts.contains(".."), !parts.contains("") else {
            problems.add(location, "'\(path)' must be a path inside the blueprints directory, such as shopify-to-wms/orders.yaml")
            return nil
        }
        guard let bytes = file(path) else { problems.add(location, "'\(path)': no such file"); return nil }
        guard bytes.count <= limit else { problems.add(location, "'\(path)' is \(bytes.count) bytes; at most \(limit)"); return nil }
        return bytes
    }

    /// Text, a number (as JSON writes it) or a boolean, as text.
    static func scalarText(_ value: JSON) -> String? {
        switch value {
        case .string(let text): text
        case .bool(let bool): bool ? "true" : "false"
        case .number: value.serialized()
        default: nil
        }
    }
}
