import Foundation
import Hummingbird
import ISPMonCore
import ISPMonQuery
import NIOCore
import NIOPosix

/// The pages of the web UI (docs/web.md): HTML rendered on the server from the same query
/// layer as the API, so a page and `/api/v1/…` never disagree. Each page's store work runs on
/// the pool, like the API's.
struct PageRoutes {
    let queries: Queries
    let pool: NIOThreadPool
    let renderer = PageRenderer()

    func add(to router: Router<WebContext>) {
        Assets.add(to: router, version: renderer.version)
        router.get("/") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let access = context.access
            return try await pool.runIfActive {
                renderer.page("overview", title: "Overview", values: try OverviewPage.values(queries), access: access)
            }
        }
        router.get("outages") { request, context in
            let p = try QueryParameters(request, allowed: ["since", "until", "min_duration"])
            let form = ["since": p["since"] ?? "", "until": p["until"] ?? "", "min_duration": p["min_duration"] ?? ""]
            // A bad filter is said on the page (with the form to mend it), not as JSON.
            var query: OutageQuery?
            var problem: String?
            do {
                query = OutageQuery(window: try p.window(now: Timestamp(microseconds: Self.now())), minDuration: try p.number("min_duration"))
            } catch {
                problem = APIError.from(error)?.message ?? "\(error)"
            }
            let error = problem
            let access = context.access
            return try await pool.runIfActive { [query, error] in
                let outages = try query.map { try queries.outages($0) } ?? []
                return renderer.page("outages", title: "Outages", values: OutagePages.list(outages, form: form, error: error),
                                     access: access, status: error == nil ? .ok : .badRequest)
            }
        }
        router.get("outages/{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = try context.parameters.require("id")
            let access = context.access
            return try await pool.runIfActive {
                guard let detail = try queries.outage(id: id) else { throw APIError(.notFound, "no outage \(id)") }
                let window = TimeWindow(since: detail.outage.start - OutageDetail.margin,
                                        until: (detail.outage.end ?? Int64.max / 2) + OutageDetail.margin)
                let events = try queries.events(EventQuery(window: window, limit: EventQuery.maxLimit, order: .asc))
                return renderer.page("outage", title: "Outage \(id)", values: OutagePages.detail(detail, events: events), access: access)
            }
        }
        router.post("outages/{id}/notes") { request, context in
            let id = try context.parameters.require("id")
            let body = try await request.body.collect(upTo: WebServer.maxBody)
            let text = URLEncodedForm(String(buffer: body))["text"] ?? ""
            _ = try await pool.runIfActive { try queries.addNote(outage: id, text: text, at: Timestamp(microseconds: Self.now())) }
            return Response(status: .seeOther, headers: [.location: "/outages/" + PageText.query(id)])
        }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000_000) }
}
