import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinJSON

extension FlowCommand {
    /// `skein flow schema`: what flow files may say, generated from the shape specs that
    /// validate them — as a JSON Schema for editors, as the specs themselves for programs,
    /// or as the reference section of docs/shapes.md.
    struct Schema: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the JSON Schema of flow files (or the shape specs, or the shape reference), generated from the shape specs.",
            discussion: """
                Without options it prints the JSON Schema (draft 2020-12) that editors use to complete and check flow files:
                  skein flow schema > flow.schema.json
                and in a flow file: # yaml-language-server: $schema=flow.schema.json
                --update FILE writes the output into FILE (for --docs, between the generated markers only);
                --check FILE exits 1 when FILE is not what --update would write.
                """)

        @Flag(help: "Print the shape specs as JSON (fields, kinds, defaults, rules), for programs that build forms.") var specs = false
        @Flag(help: "Print the generated shape reference (the part of docs/shapes.md between its markers).") var docs = false
        @Option(help: "Write the output into this file instead of printing it.") var update: String?
        @Option(help: "Exit 1 if this file is not what --update would write.") var check: String?

        func validate() throws {
            if specs && docs { throw ValidationError("give --specs or --docs, not both") }
            if update != nil && check != nil { throw ValidationError("give --update or --check, not both") }
        }

        func run() async throws {
            let catalog = SkeinEnvironment.specCatalog()
            let output: String
            if docs {
                output = ShapeReference.markdown(catalog: catalog)
            } else {
                output = (specs ? SpecJSON.document(catalog: catalog) : FlowSchema.document(catalog: catalog)).serialized(.pretty) + "\n"
            }
            guard let file = update ?? check else {
                print(output, terminator: "")
                return
            }
            let wanted: String
            if docs {
                let current = try FlowCommand.text(of: file)
                guard let replaced = ShapeReference.replacing(in: current, with: output) else {
                    throw CLIError(
                        "\(file) has no generated section: add the lines\n\(ShapeReference.beginMarker)\n\(ShapeReference.endMarker)\nwhere the reference belongs"
                    )
                }
                wanted = replaced
            } else {
                wanted = output
            }
            let current = FileManager.default.contents(atPath: file).map { String(decoding: $0, as: UTF8.self) }
            if check != nil {
                guard current == wanted else {
                    let command = "skein flow schema\(docs ? " --docs" : specs ? " --specs" : "") --update \(file)"
                    throw CLIError("\(file) is stale: it is not what the shape specs give. Regenerate it with `\(command)`")
                }
                print("\(file): up to date")
                return
            }
            do { try Data(wanted.utf8).write(to: URL(fileURLWithPath: file)) } catch {
                throw CLIError("\(file): cannot write the file: \(error.localizedDescription)")
            }
            print(current == wanted ? "\(file): already up to date" : "\(file): updated")
        }
    }
}
