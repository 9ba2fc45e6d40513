import Foundation
import Hummingbird
import ISPMonCore
import ISPMonQuery
import NIOCore
import NIOPosix

/// The view routes of `/api/v1` (docs/http.md): each parses its parameters, asks the query
/// layer, and answers with the bytes of the matching `--json` output (``JSONForms``), so
/// the CLI and the API never disagree.
struct APIRoutes {
    let queries: Queries
    /// Runs the store's work (LMDB reads, a note's durable commit) off the event loops.
    let pool: NIOThreadPool
    var cache: AnswerCache { queries.answers }

    func add(to router: RouteTable) {
        let api = router.group("api/v1")
        api.get("status") { request, _ in
            _ = try QueryParameters(request, allowed: [])
            return try await cached(StatusAnswer.answerKey) { try JSONForms.status(queries.status()) }
        }
        api.get("outages") { request, _ in
            let p = try QueryParameters(request, allowed: ["since", "until", "min_duration", "format"])
            let q = OutageQuery(window: try p.window(now: now()), minDuration: try p.number("min_duration"))
            if try p.csv() { return try await blocking { csv(CSVForms.outages(try queries.outages(q)), "outages") } }
            return try await blocking { try json(JSONForms.outages(queries.outages(q))) }
        }
        api.get("outages/{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = try context.parameters.require("id")
            return try await blocking {
                guard let detail = try queries.outage(id: id) else { throw APIError(.notFound, "no outage \(id)") }
                return json(JSONForms.outageDetail(detail))
            }
        }
        api.post("outages/{id}/notes") { request, context in
            let id = try context.parameters.require("id")
            let text = try await NoteBody.text(of: request)
            return try await blocking {
                let note = try queries.addNote(outage: id, text: text, at: now())
                return json(JSONForms.eventObject(note), status: .created)
            }
        }
        api.get("latency") { request, _ in
            let p = try QueryParameters(request, allowed: ["target", "since", "until", "period", "format"])
            let period = try p.choice("period", ["hour": LatencyQuery.Period.hour, "day": .day]) ?? .hour
            let q = LatencyQuery(target: p["target"], window: try p.window(now: now()), period: period)
            if try p.csv() { return try await blocking { csv(CSVForms.latency(try queries.latency(q), q), "latency") } }
            return try await cached(q.answerKey) { try JSONForms.latency(queries.latency(q), q) }
        }
        api.get("speedtests") { request, _ in
            let p = try QueryParameters(request, allowed: ["since", "until", "period", "format"])
            let period = try p.choice("period", Dictionary(uniqueKeysWithValues: SpeedTestQuery.Period.allCases.map { ($0.rawValue, $0) })) ?? .test
            let q = SpeedTestQuery(window: try p.window(now: now()), period: period)
            if try p.csv() { return try await blocking { csv(CSVForms.speedTests(try queries.speedTests(q), q), "speedtests") } }
            return try await blocking { try json(JSONForms.speedTests(queries.speedTests(q), q)) }
        }
        api.get("availability") { request, _ in
            let p = try QueryParameters(request, allowed: ["since", "until", "per", "tz", "format"])
            let per = try p.choice("per", ["day": AvailabilityQuery.Period.day, "week": .week, "month": .month]) ?? .whole
            var zone = CalendarPeriods.Zone.utc
            if let name = p["tz"] {
                guard let named = CalendarPeriods.Zone(identifier: name) else { throw APIError.badParameter("tz", "'\(name)' is not an IANA time zone") }
                zone = named
            }
            let q = AvailabilityQuery(window: try p.window(now: now()), period: per, zone: zone)
            if try p.csv() { return try await blocking { csv(CSVForms.availability(try queries.availability(q)), "availability") } }
            return try await blocking { try json(JSONForms.availability(queries.availability(q))) }
        }
        api.get("events") { request, _ in
            let p = try QueryParameters(request, allowed: ["since", "until", "type", "target", "q", "before_seq", "after_seq", "limit", "order", "format"])
            let asCSV = try p.choice("format", ["ndjson": false, "csv": true]) ?? false
            let types = Dictionary(uniqueKeysWithValues: EventType.allCases.map { ($0.rawValue, $0) })
            let q = EventQuery(window: try p.window(now: now()), type: try p.choice("type", types), target: p["target"], text: p["q"],
                               beforeSeq: try p.sequenceNumber("before_seq"), afterSeq: try p.sequenceNumber("after_seq"),
                               limit: try p.integer("limit") ?? EventQuery.defaultLimit,
                               order: try p.choice("order", ["asc": EventQuery.Order.asc, "desc": .desc]) ?? .desc)
            try q.validate()
            let pages = EventPages(queries: queries, pool: pool)
            if asCSV { return try await pages.response(q, .csv, headers: csvHeaders("events")) }
            return try await pages.response(q, .ndjson, headers: [.contentType: "application/x-ndjson"])
        }
        router.get("metrics") { request, _ in
            _ = try QueryParameters(request, allowed: [])
            return try await blocking {
                Response(status: .ok, headers: [.contentType: PrometheusExposition.contentType],
                         body: .init(byteBuffer: ByteBuffer(bytes: PrometheusExposition.text(try queries.metrics()))))
            }
        }
        // Needs a session or token like the rest of /api: one rule for all of it (docs/http.md).
        api.get("openapi.json") { request, _ in
            _ = try QueryParameters(request, allowed: [])
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
        }
        api.get("traces") { request, _ in
            let p = try QueryParameters(request, allowed: ["since", "until"])
            let window = try p.window(now: now())
            return try await blocking { try json(JSONForms.eventArray(queries.traces(window))) }
        }
    }

    /// A CSV answer (`format=csv`), offered as a file named for what it holds.
    func csv(_ text: String, _ name: String) -> Response {
        Response(status: .ok, headers: csvHeaders(name), body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func csvHeaders(_ name: String) -> HTTPFields {
        [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"ispmon-\(name).csv\""]
    }

    func blocking(_ work: @escaping @Sendable () throws -> Response) async throws -> Response {
        try await pool.runIfActive(work)
    }

    /// The JSON answer `key` names, from the query layer's ``AnswerCache`` when nothing
    /// changed since it was computed (answered on the event loop: a look at the store's meta
    /// page in memory), else computed on the pool and kept beside the typed answer, as the
    /// body it is sent as (its line break included): a ByteBuffer is shared, not copied, by
    /// every response that sends it (a latency answer is 45 kB).
    func cached(_ key: String, _ compute: @escaping @Sendable () throws -> [UInt8]) async throws -> Response {
        let key = "json " + key
        if let version = cache.knownVersion(), let body = cache.answer(key, as: ByteBuffer.self, at: version) {
            return json(body)
        }
        return try await blocking { [cache] in
            let version = cache.version()
            let body = try cache.answer(key, at: version) {
                var body = ByteBuffer(bytes: try compute())
                body.writeInteger(UInt8(0x0A))
                return body
            }
            return json(body)
        }
    }

    let clock: WallClock

    func now() -> Timestamp { clock.now() }
}

/// A JSON answer of a body that has its line break already.
func json(_ body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
}

/// A JSON answer: the bytes `--json` prints, its line break included.
func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json"],
             body: .init(byteBuffer: ByteBuffer(bytes: bytes + [0x0A])))
}

/// The body of a new note: `{"text": "…"}`, nothing else.
enum NoteBody {
    static func text(of request: Request) async throws -> String {
        try await JSONBody.of(request, fields: ["text"], shape: #"{"text": "…"}"#).requiredString("text")
    }
}
