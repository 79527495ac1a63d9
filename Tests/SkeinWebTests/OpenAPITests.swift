import Foundation
import Hummingbird
import Logging
import SkeinCore
import SkeinJSON
import SkeinOperations
import Testing

@testable import SkeinWeb

@Suite struct OpenAPITests {
    /// Every /api/v1 route the router serves, as `METHOD /path/{param}`.
    func routerRoutes() throws -> Set<String> {
        let fixture = try WebhookFixture()
        defer { fixture.remove() }
        let router = WebServer.router(store: fixture.store, settings: WebSettings(), logger: Logger(label: "test"))
        return Set(
            router.routes.compactMap { route -> String? in
                let path = route.path.description
                guard path.hasPrefix("/api/v1/") else { return nil }
                let parts = path.dropFirst("/api/v1".count).split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                return "\(route.method.rawValue) /" + parts.joined(separator: "/")
            })
    }

    func documentRoutes() -> Set<String> {
        var routes = Set<String>()
        for (path, item) in OpenAPIDocument.json["paths"]?.objectValue ?? [:] {
            for method in item.objectValue?.keys ?? [] { routes.insert("\(method.uppercased()) \(path)") }
        }
        return routes
    }

    @Test func theDocumentListsExactlyTheRoutesTheRouterServes() throws {
        let served = try routerRoutes()
        let documented = documentRoutes()
        #expect(served.count > 30)
        #expect(served.subtracting(documented).sorted() == [], "served but not documented")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
    }

    @Test func everyOperationNamesItsRoleAndAnErrorAnswer() {
        for (_, item) in OpenAPIDocument.json["paths"]?.objectValue ?? [:] {
            for (_, operation) in item.objectValue ?? [:] {
                #expect(Role(rawValue: operation["x-skein-role"]?.stringValue ?? "") != nil)
                #expect(operation["responses"]?["default"] != nil)
            }
        }
        #expect(OpenAPIDocument.json["openapi"] == "3.0.3")
    }
}
