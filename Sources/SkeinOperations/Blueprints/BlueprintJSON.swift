public import SkeinCore
public import SkeinJSON

/// The JSON form of a blueprint, the same for `skein blueprint list|show --json` and
/// `GET /api/v1/blueprints[/{name}]`: what it creates and what it needs, never file contents
/// beyond the lookup rows (flows are listed by id and file; `GET /api/v1/flows` shows them once installed).
public enum BlueprintJSON {
    /// Name, title, description, systems and the names of what it creates.
    public static func summary(_ blueprint: Blueprint) -> JSON {
        [
            "name": .string(blueprint.name), "title": .string(blueprint.title), "description": .string(blueprint.description),
            "systems": .array(blueprint.systems.map(JSON.string)), "source": .string(blueprint.source),
            "instances": .array(blueprint.instances.map { .string($0.name) }),
            "lookups": .array(blueprint.lookups.map { .string($0.name) }),
            "flows": .array(blueprint.flows.map { .string($0.id) }),
        ]
    }

    /// Everything `summary` has, with the settings and credentials it needs and each instance,
    /// lookup (with its rows) and flow in full.
    public static func detail(_ blueprint: Blueprint) -> JSON {
        guard case .object(var object) = summary(blueprint) else { return summary(blueprint) }
        object["settings"] = .array(
            blueprint.settings.map {
                ["name": .string($0.name), "required": .bool($0.required), "default": $0.defaultValue.map(JSON.string) ?? .null, "help": .string($0.help)]
            })
        object["credentials"] = .array(blueprint.credentials.map { ["name": .string($0.name), "help": .string($0.help)] })
        object["instances"] = .array(
            blueprint.instances.map {
                [
                    "name": .string($0.name), "connector": $0.connector.map(JSON.string) ?? .null, "type": .string($0.type),
                    "address": $0.address.map(JSON.string) ?? .null, "settings": $0.settings,
                    "credentials": .object(
                        JSON.Object(uniqueKeysWithValues: $0.credentials.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) })),
                    "help": .string($0.help),
                ]
            })
        object["lookups"] = .array(
            blueprint.lookups.map {
                [
                    "name": .string($0.name), "help": .string($0.help), "default": $0.defaultValue.map(JSON.string) ?? .null, "file": .string($0.file),
                    "rows": .array($0.rows.map { ["left": .string($0.left), "right": .string($0.right)] }),
                ]
            })
        object["flows"] = .array(blueprint.flows.map { ["id": .string($0.id), "name": $0.name.map(JSON.string) ?? .null, "file": .string($0.file)] })
        return .object(object)
    }
}
