import Foundation
import ISPMonConfig
import ISPMonControl
import ISPMonQuery
import ISPMonStore
import Logging
@testable import ISPMonServer
import TestSupport
import Testing

/// The server's one route table against its OpenAPI document: every route of the API is described,
/// and every described operation is a route the server has. The pages for a browser (docs/web.md)
/// are the rest of the table, named here: a new route must be described, or named a page.
@Suite struct RouteTableTests {
    /// The tools are not run here: the table only needs something to hand them.
    struct NoChecks: AdHocChecks {
        func run(_ check: Check, each: (CheckStep) -> Void) -> CheckReport { CheckReport(check: check) }
        func stop() {}
    }

    @Test func theDocumentDescribesExactlyTheRoutesOfTheTable() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        let server = WebServer(queries: Queries(store: store), settings: WebSettings(listen: .init(host: "127.0.0.1", port: 0)),
                               inProcess: false, checks: NoChecks(), logger: Logger(label: "test"))
        let table = Set(server.routeTable().routes.map { "\($0.method) \($0.path)" })
        #expect(table.count == server.routeTable().routes.count, "no route added twice")

        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        let documented = Set(paths.flatMap { path, item in item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" } })

        #expect(table.contains("GET /api/v1/availability") && table.contains("POST /api/v1/outages/{id}/notes"), "\(table.sorted())")
        let pages: Set<String> = [
            "GET /outages", "GET /outages/{id}", "POST /outages/{id}/notes", "GET /latency", "GET /speedtests", "GET /path",
            "GET /events", "GET /settings", "POST /settings/jobs/{job}", "POST /settings/log-level", "POST /settings/password",
            "POST /settings/tokens", "POST /settings/tokens/{name}/revoke", "POST /settings/notify/{channel}/test", "GET /tools", "POST /tools", "GET /status",
            "GET /static/app.css", "GET /static/app.js", "GET /favicon.ico", "GET /report", "GET /outages/{id}/evidence",
        ]
        #expect(table.subtracting(documented) == pages, "routes the document lacks: \(table.subtracting(documented).subtracting(pages).sorted()); pages gone: \(pages.subtracting(table).sorted())")
        #expect(documented.subtracting(table).isEmpty, "documented, but no route: \(documented.subtracting(table).sorted())")
    }
}
