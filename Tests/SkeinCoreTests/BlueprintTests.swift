import Foundation
import SkeinCore
import SkeinJSON
import Testing

@Suite struct BlueprintTests {
    static let manifest = """
        blueprint: acme-to-wms
        title: ACME orders to a WMS
        systems: [ACME, WMS]
        settings:
          host: { required: true, help: The ACME host. }
          region: { default: eu, help: The region. }
        credentials:
          acme_token: { help: An ACME API token. }
        instances:
          acme:
            type: http
            address: "https://{{host}}/{{region}}/api"
            settings: { auth: bearer, headers: { X-Region: "{{region}}" } }
            credentials: { token: acme_token }
        lookups:
          carriers: { csv: acme/carriers.csv, default: STD, help: Shipping codes to carriers. }
        flows: [acme/orders.yaml]
        """

    static let files: [String: String] = [
        "acme/carriers.csv": "left,right\nexpress,DHL\n",
        "acme/orders.yaml": "id: acme-orders\nname: ACME orders\nshapes:\n  - { id: p, payload: { json: {} } }\n",
    ]

    static func read(_ text: String = manifest, files: [String: String] = files) throws(BlueprintError) -> Blueprint {
        try BlueprintReader.read(text: text, source: "acme-to-wms.yaml") { files[$0].map { Array($0.utf8) } }
    }

    @Test func readsWhatItCreatesAndNeeds() throws {
        let blueprint = try Self.read()
        #expect(blueprint.name == "acme-to-wms")
        #expect(blueprint.systems == ["ACME", "WMS"])
        #expect(blueprint.settings.map(\.name) == ["host", "region"])
        #expect(blueprint.instances.first?.credentials == ["token": "acme_token"])
        #expect(
            blueprint.lookups.first?.table
                == LookupTable(
                    name: "carriers", description: "Shipping codes to carriers.", defaultValue: "STD",
                    rows: [LookupRow(left: "express", right: "DHL")]))
        #expect(blueprint.flows.map(\.id) == ["acme-orders"])
        #expect(blueprint.flows.first?.text == Self.files["acme/orders.yaml"])
    }

    @Test func reportsEveryProblemWithItsPath() {
        let broken = Self.manifest
            .replacingOccurrences(of: "{{region}}/api", with: "{{regoin}}/api")
            .replacingOccurrences(of: "token: acme_token", with: "token: acme_tokn")
            .replacingOccurrences(of: "systems:", with: "sytems:")
        #expect(
            throws: BlueprintError(
                source: "acme-to-wms.yaml",
                problems: [
                    "sytems: unknown field 'sytems'",
                    "instances.acme.credentials.token: 'acme_tokn' is not one of the blueprint's credentials (acme_token)",
                    "instances.acme.address: uses {{regoin}}, which is not one of the blueprint's settings",
                    "credentials.acme_token: no instance uses this credential",
                ].sorted())
        ) {
            do { _ = try Self.read(broken) } catch let error as BlueprintError { throw BlueprintError(source: error.source, problems: error.problems.sorted()) }
        }
    }

    @Test func filesMustExistStayInsideAndBeValid() {
        let outside = Self.manifest.replacingOccurrences(of: "flows: [acme/orders.yaml]", with: "flows: [../etc/passwd, acme/missing.yaml]")
        #expect(
            throws: BlueprintError(
                source: "acme-to-wms.yaml",
                problems: [
                    "flows[0]: '../etc/passwd' must be a path inside the blueprints directory, such as shopify-to-wms/orders.yaml",
                    "flows[1]: 'acme/missing.yaml': no such file",
                ])
        ) { _ = try Self.read(outside) }
        var files = Self.files
        files["acme/carriers.csv"] = "left,right\nexpress,DHL,extra\n"
        #expect(
            throws: BlueprintError(
                source: "acme-to-wms.yaml",
                problems: [
                    "lookups.carriers.csv: acme/carriers.csv: line 2: expected 2 fields (left,right), found 3"
                ])
        ) { _ = try Self.read(files: files) }
    }

    @Test func aPlanFillsPlaceholdersAndNamesWhatIsMissing() throws {
        let blueprint = try Self.read()
        let plan = try BlueprintInstallPlan.make(blueprint, BlueprintInstallRequest(settings: ["host": "acme.example"], credentials: ["acme_token": "s3cret"]))
        #expect(plan.instances[0].address == "https://acme.example/eu/api")
        #expect(plan.instances[0].settings == ["auth": "bearer", "headers": ["X-Region": "eu"]])
        #expect(plan.instances[0].credentials == ["token": "s3cret"])
        let overridden = try BlueprintInstallPlan.make(
            blueprint,
            BlueprintInstallRequest(
                settings: ["host": "h"], credentials: ["acme_token": "s3cret"], addresses: ["acme": "http://127.0.0.1:8091"]))
        #expect(overridden.instances[0].address == "http://127.0.0.1:8091")
        #expect(
            throws: BlueprintError(
                source: "blueprint acme-to-wms",
                problems: [
                    "unknown setting 'hots' (its settings: host, region)",
                    "missing --setting host=… (The ACME host.)",
                    "missing --credential-env acme_token=VARIABLE (An ACME API token.)",
                    "--address erp=…: the blueprint creates no instance 'erp' (its instances: acme)",
                ])
        ) { _ = try BlueprintInstallPlan.make(blueprint, BlueprintInstallRequest(settings: ["hots": "x"], addresses: ["erp": "http://x"])) }
    }
}
