import Foundation
import Hummingbird
import ISPMonCore
import ISPMonQuery
import ISPMonReport
import NIOCore
import NIOPosix

/// The web UI's downloads of docs/reports.md: `GET /report` (a week's or a month's report, the
/// file `ispmon report` writes) and `GET /outages/{id}/evidence` (the zip of `ispmon evidence`).
/// Periods and times are this machine's zone, as everything the pages show. Made on the pool:
/// the store and cairo never run on an event loop.
struct ReportRoutes {
    let queries: Queries
    let pool: NIOThreadPool
    let settings: WebSettings

    func add(to router: RouteTable) {
        router.get("report") { request, _ in
            let p = try QueryParameters(request, allowed: ["week", "month", "format", "paper"])
            let zone = CalendarPeriods.Zone.local
            let period: CalendarPeriods.Period
            switch (p["week"], p["month"]) {
            case let (week?, nil):
                guard let w = CalendarPeriods.period(.week, labelled: week, zone: zone) else {
                    throw APIError.badParameter("week", "'\(week)' is not an ISO week (2026-W09)")
                }
                period = w
            case let (nil, month?):
                guard let m = CalendarPeriods.period(.month, labelled: month, zone: zone) else {
                    throw APIError.badParameter("month", "'\(month)' is not a month (2026-03)")
                }
                period = m
            default:
                throw APIError(.badRequest, "give one period: week=2026-W09 or month=2026-03")
            }
            let format = try p.choice("format", ["pdf": "pdf", "json": "json", "csv": "csv"]) ?? "pdf"
            let paper = try p.choice("paper", ["a4": ReportPDF.Paper.a4, "letter": .letter]) ?? .a4
            let site = settings.site, plan = settings.plan, made = settings.clock.microseconds
            return try await pool.runIfActive {
                let report = try queries.report(ReportQuery(period: PeriodQuery(start: period.start, end: period.end, zone: zone, plan: plan),
                                                            site: site, made: made))
                let name = "ispmon-\(site)-\(period.label)"
                switch format {
                case "json": return Self.download(JSONForms.report(report) + [0x0A], type: "application/json", name: name + ".json")
                case "csv": return Self.download(Array(CSVForms.report(report).utf8), type: "text/csv; charset=utf-8", name: name + ".csv")
                default: return Self.download(try ReportPDF.make(report, periodName: period.label, paper: paper), type: "application/pdf", name: name + ".pdf")
                }
            }
        }
        router.get("outages/{id}/evidence") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = try context.parameters.require("id")
            let site = settings.site
            return try await pool.runIfActive {
                let zone = CalendarPeriods.Zone.local
                guard let evidence = try queries.evidence(id: id, time: ZoneTime(zone).second) else { throw APIError(.notFound, "no outage \(id)") }
                let zip = try EvidenceZip.make(evidence, site: site, zone: zone, paper: .a4)
                return Self.download(zip, type: "application/zip", name: "ispmon-evidence-\(id).zip")
            }
        }
    }

    /// The report buttons of the speed tests and outages pages: this and the last week, this and
    /// the last month of this machine's calendar, at `now`.
    static func links(now: Int64) -> [ChoiceLink] {
        let zone = CalendarPeriods.Zone.local
        func label(_ unit: CalendarPeriods.Unit, _ t: Int64) -> String {
            CalendarPeriods.periods(unit, from: t, to: t + 1, zone: zone).first?.label ?? ""
        }
        let week = CalendarPeriods.start(of: .week, containing: now, zone: zone)
        let month = CalendarPeriods.start(of: .month, containing: now, zone: zone)
        return [("this week", "week", label(.week, now)), ("last week", "week", label(.week, week - 1)),
                ("this month", "month", label(.month, now)), ("last month", "month", label(.month, month - 1))].map { words, unit, period in
            ChoiceLink(label: "\(words) (\(period))", href: "/report?\(unit)=\(period)", current: false)
        }
    }

    /// A file to save, not to show; never kept by a cache (the log grows).
    static func download(_ bytes: [UInt8], type: String, name: String) -> Response {
        let safe = String(name.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || "0123456789-_.".unicodeScalars.contains($0)) })
        return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(safe)\"", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
