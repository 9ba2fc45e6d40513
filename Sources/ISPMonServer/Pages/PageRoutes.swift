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
                renderer.page("overview", title: "Overview", values: try OverviewPage.values(queries, plan: settings.plan, activity: activity?(),
                                                                                              now: settings.clock.microseconds, staleAfter: settings.staleAfter),
                              access: access)
            }
        }
        router.get("status") { request, _ in
            guard settings.publicStatus else { throw APIError(.notFound, "there is no public status page (web.public_status is off)") }
            _ = try QueryParameters(request, allowed: [])
            return try await pool.runIfActive {
                renderer.publicPage("status", title: "Status", values: try OverviewPage.publicValues(queries, now: settings.clock.microseconds,
                                                                                                     staleAfter: settings.staleAfter))
            }
        }
        router.get("outages") { request, context in
            let p = try QueryParameters(page: request, allowed: ["since", "until", "min_duration", "kind", "cause", "per", "page"])
            let form = Dictionary(uniqueKeysWithValues: ["since", "until", "min_duration", "kind", "cause", "per"].map { ($0, p[$0] ?? "") })
            // A bad filter is said on the page (with the form to mend it), not as JSON.
            let (query, per, error) = Self.checked { () throws -> (OutageQuery, AvailabilityQuery.Period?) in
                (OutageQuery(window: try p.window(now: settings.clock.now()), minDuration: try p.number("min_duration")),
                 try p.choice("per", ["day": AvailabilityQuery.Period.day, "week": .week, "month": .month]))
            }
            // Kind and cause narrow the list (the API's outages take neither: a program filters the JSON).
            let kind = try p.choice("kind", ["connectivity": Outage.Kind.connectivity, "dns": .dns])
            let cause = try p.choice("cause", Dictionary(uniqueKeysWithValues: Outage.Cause.allCases.map { ($0.rawValue, $0) }))
            let page = try p.integer("page") ?? 1
            guard page >= 1 else { throw APIError.badParameter("page", "must be 1 or more") }
            let access = context.access
            return try await pool.runIfActive {
                let views = try queries.views()
                let all = views.outages()  // diagnosed once, for the list and the availability
                let outages = (query.map { $0.answer(from: all, newest: views.newestTime ?? 0) } ?? [])
                    .filter { o in kind.map { o.kind == $0 } ?? true && cause.map { o.cause == $0 } ?? true }
                var values = OutagePages.list(outages, page: page, form: form, error: error)
                if let query {
                    values["availability"] = OutagePages.availability(views, outages: all, window: query.window, per: per ?? nil, form: form)
                }
                return renderer.page("outages", title: "Outages", values: values, access: access, status: error == nil ? .ok : .badRequest)
            }
        }
        router.get("outages/{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = try context.parameters.require("id")
            let access = context.access
            return try await pool.runIfActive {
                guard let detail = try queries.outageForPeople(id: id) else { throw APIError(.notFound, "no outage \(id)") }
                let window = TimeWindow(since: detail.outage.start - OutageDetail.margin,
                                        until: (detail.outage.end ?? Int64.max / 2) + OutageDetail.margin)
                let events = try queries.events(EventQuery(window: window, limit: EventQuery.maxLimit, order: .asc))
                return renderer.page("outage", title: "Outage \(id)", values: OutagePages.detail(detail, events: events), access: access)
            }
        }
        router.get("latency") { request, context in
            let p = try QueryParameters(page: request, allowed: ["target", "since", "until", "period"])
            let form = ["since": p["since"] ?? "", "until": p["until"] ?? ""]
            let access = context.access
            let (window, period, error) = Self.checked { (try p.window(now: settings.clock.now()),
                                                         try p.choice("period", ["hour": LatencyQuery.Period.hour, "day": .day])) }
            return try await pool.runIfActive {
                var values = try ViewPages.latency(queries, target: p["target"], window: window.flatMap { $0.since == nil && $0.until == nil ? nil : $0 },
                                                   period: period ?? nil, form: form)
                values["error"] = error
                return renderer.page("latency", title: "Latency", values: values, access: access, status: error == nil ? .ok : .badRequest)
            }
        }
        router.get("speedtests") { request, context in
            let p = try QueryParameters(page: request, allowed: ["since", "until", "summary"])
            let access = context.access
            let (window, summary, error) = Self.checked { (try p.window(now: settings.clock.now()),
                                                          try p.choice("summary", ["day": SpeedTestQuery.Period.day, "week": .week, "month": .month])) }
            return try await pool.runIfActive {
                var values = try ViewPages.speedTests(queries, window: window.flatMap { $0.since == nil && $0.until == nil ? nil : $0 },
                                                      summary: (summary ?? nil) ?? .day, plan: settings.plan)
                values["error"] = error
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
                var values = try ViewPages.events(queries, query ?? EventQuery(), form: form)
                if error != nil { values["events"] = [[String: Any]](); values["has_events"] = false; values["older"] = nil }
                values["error"] = error
                return renderer.page("events", title: "Events", values: values, access: access, status: error == nil ? .ok : .badRequest)
            }
        }
        router.get("path") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let access = context.access
            return try await pool.runIfActive { renderer.page("path", title: "Path", values: try ViewPages.path(queries), access: access) }
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
