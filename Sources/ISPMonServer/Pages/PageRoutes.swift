import Foundation
import Hummingbird
import ISPMonCore
import ISPMonControl
import ISPMonQuery
import NIOCore
import NIOPosix

/// The pages of the web UI (docs/web.md): HTML rendered on the server from the same query
/// layer as the API, so a page and `/api/v1/…` never disagree. Each page's store work runs on
/// the pool, like the API's.
struct PageRoutes {
    let queries: Queries
    let pool: NIOThreadPool
    let renderer: PageRenderer
    let settings: WebSettings
    /// The monitor in this process (`ispmon run`): what it is doing, for the overview's live line.
    let activity: (@Sendable () -> MonitorActivity)?

    func add(to router: RouteTable) {
        Assets.add(to: router, version: renderer.version)
        router.get("/") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let access = context.access
            return try await pool.runIfActive {
                let now = settings.clock.microseconds
                let answer = try queries.overview(OverviewQuery(now: now, staleAfter: settings.staleAfter, plan: settings.plan))
                return renderer.page("overview", title: "Overview", values: OverviewPage.values(answer, plan: settings.plan, activity: activity?(), now: now),
                                     access: access)
            }
        }
        router.get("status") { request, _ in
            guard settings.publicStatus else { throw APIError(.notFound, "there is no public status page (web.public_status is off)") }
            _ = try QueryParameters(request, allowed: [])
            return try await pool.runIfActive {
                let answer = try queries.overview(OverviewQuery(now: settings.clock.microseconds, staleAfter: settings.staleAfter,
                                                                recentOutages: 20, details: false))
                return renderer.publicPage("status", title: "Status", values: OverviewPage.publicValues(answer))
            }
        }
        router.get("outages") { request, context in
            let p = try QueryParameters(page: request, allowed: ["since", "until", "min_duration", "kind", "cause", "per", "page"])
            let form = OutagePages.Form(fields: Dictionary(uniqueKeysWithValues: ["since", "until", "min_duration", "kind", "cause", "per"].map { ($0, p[$0] ?? "") }))
            // Kind and cause narrow the list (the API's outages take neither: a program filters the JSON).
            let kind = try p.choice("kind", ["connectivity": Outage.Kind.connectivity, "dns": .dns])
            let cause = try p.choice("cause", Dictionary(uniqueKeysWithValues: Outage.Cause.allCases.map { ($0.rawValue, $0) }))
            // A bad filter is said on the page (with the form to mend it), not as JSON.
            let (query, per, error) = Self.checked { () throws -> (OutageQuery, AvailabilityQuery.Period?) in
                (OutageQuery(window: try p.window(now: settings.clock.now()), minDuration: try p.number("min_duration"), kind: kind, cause: cause),
                 try p.choice("per", ["day": AvailabilityQuery.Period.day, "week": .week, "month": .month]))
            }
            let page = try p.integer("page") ?? 1
            guard page >= 1 else { throw APIError.badParameter("page", "must be 1 or more") }
            let access = context.access
            return try await pool.runIfActive {
                // Days, weeks and months of this machine's zone, as every time shown to people is local.
                let list = try query.map { try queries.outageList($0, per: per ?? nil, zone: .local) }
                return renderer.page("outages", title: "Outages", values: OutagePages.list(list, page: page, form: form, error: error,
                                                                                                 reports: ReportRoutes.links(now: settings.clock.microseconds)),
                                     access: access, status: error == nil ? .ok : .badRequest)
            }
        }
        router.get("outages/{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = try context.parameters.require("id")
            let access = context.access
            return try await pool.runIfActive {
                guard let detail = try queries.outageForPeople(id: id) else { throw APIError(.notFound, "no outage \(id)") }
                return renderer.page("outage", title: "Outage \(id)", values: OutagePages.detail(detail, runs: try queries.eventRuns(of: detail)),
                                     access: access)
            }
        }
        router.get("latency") { request, context in
            let p = try QueryParameters(page: request, allowed: ["target", "since", "until", "period"])
            let form = (since: p["since"] ?? "", until: p["until"] ?? "")
            let access = context.access
            let (window, period, error) = Self.checked { (try p.window(now: settings.clock.now()),
                                                         try p.choice("period", ["hour": LatencyQuery.Period.hour, "day": .day])) }
            return try await pool.runIfActive {
                let values = try ViewPages.latency(queries, target: p["target"], window: window.flatMap { $0.since == nil && $0.until == nil ? nil : $0 },
                                                   period: period ?? nil, form: form, error: error)
                return renderer.page("latency", title: "Latency", values: values, access: access, status: error == nil ? .ok : .badRequest)
            }
        }
        router.get("speedtests") { request, context in
            let p = try QueryParameters(page: request, allowed: ["since", "until", "summary"])
            let access = context.access
            let (window, summary, error) = Self.checked { (try p.window(now: settings.clock.now()),
                                                          try p.choice("summary", ["day": SpeedTestQuery.Period.day, "week": .week, "month": .month])) }
            return try await pool.runIfActive {
                let values = try ViewPages.speedTests(queries, window: window.flatMap { $0.since == nil && $0.until == nil ? nil : $0 },
                                                      summary: (summary ?? nil) ?? .day, plan: settings.plan, error: error,
                                                      now: settings.clock.microseconds)
                return renderer.page("speedtests", title: "Speed tests", values: values, access: access, status: error == nil ? .ok : .badRequest)
            }
        }
        router.get("events") { request, context in
            let p = try QueryParameters(page: request, allowed: ["since", "until", "type", "target", "q", "before_seq", "after_seq", "limit", "order"])
            let form = ["since": p["since"] ?? "", "until": p["until"] ?? "", "type": p["type"] ?? "", "target": p["target"] ?? "", "q": p["q"] ?? ""]
            let access = context.access
            let types = Dictionary(uniqueKeysWithValues: EventType.allCases.map { ($0.rawValue, $0) })
            let (query, _, error) = Self.checked { () throws -> (EventQuery, Int) in
                let q = EventQuery(window: try p.window(now: settings.clock.now()), type: p["type"] == "" ? nil : try p.choice("type", types),
                                   target: p["target"].flatMap { $0.isEmpty ? nil : $0 }, text: p["q"].flatMap { $0.isEmpty ? nil : $0 },
                                   beforeSeq: try p.sequenceNumber("before_seq"), afterSeq: try p.sequenceNumber("after_seq"),
                                   limit: try p.integer("limit") ?? EventQuery.defaultLimit,
                                   order: try p.choice("order", ["asc": EventQuery.Order.asc, "desc": .desc]) ?? .desc)
                try q.validate()
                return (q, 0)
            }
            return try await pool.runIfActive {
                let values = try ViewPages.events(queries, query, form: form, error: error)
                return renderer.page("events", title: "Events", values: values, access: access, status: error == nil ? .ok : .badRequest)
            }
        }
        router.get("path") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let access = context.access
            return try await pool.runIfActive { renderer.page("path", title: "Path", values: ViewPages.path(try queries.path()), access: access) }
        }
        router.post("outages/{id}/notes") { request, context in
            let id = try context.parameters.require("id")
            let body = try await request.body.collect(upTo: WebServer.maxBody)
            let text = URLEncodedFields(String(buffer: body))["text"] ?? ""
            _ = try await pool.runIfActive { try queries.addNote(outage: id, text: text, at: settings.clock.now()) }
            return Response(status: .seeOther, headers: [.location: "/outages/" + PageText.query(id)])
        }
    }


    /// A page's parameters, checked: the values, or (nil, nil, what is wrong) for the page to say
    /// beside the form that mends it, instead of a JSON error.
    static func checked<A, B>(_ parse: () throws -> (A, B)) -> (A?, B?, String?) {
        do {
            let (a, b) = try parse()
            return (a, b, nil)
        } catch {
            return (nil, nil, APIError.from(error)?.message ?? "\(error)")
        }
    }
}
