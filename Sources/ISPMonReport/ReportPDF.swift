import Foundation
import ISPMonCharts
import ISPMonCore
public import ISPMonQuery

/// The PDF of a report (docs/reports.md): header, summary, charts, outages, appendix, on A4 or
/// Letter. Every number comes from the ``ReportAnswer`` (the query layer's); the charts are the
/// web UI's (ISPMonCharts), drawn as vectors; times are in the report's zone, which it names.
public enum ReportPDF {
    public enum Paper: String, Sendable, CaseIterable { case a4, letter }

    /// `periodName`: how the period was asked for (`2026-W09`, `2026-03`, or a range).
    public static func make(_ r: ReportAnswer, periodName: String, paper: Paper) throws -> [UInt8] {
        try draw(r, periodName: periodName, paper: paper, target: .pdf)
    }

    /// Page 1 of the same report as a PNG, `scale` pixels per point (2: about 190 pixels per inch).
    public static func firstPagePNG(_ r: ReportAnswer, periodName: String, paper: Paper, scale: Double = 2) throws -> [UInt8] {
        try draw(r, periodName: periodName, paper: paper, target: .firstPagePNG(scale: scale))
    }

    static func draw(_ r: ReportAnswer, periodName: String, paper: Paper, target: PDFDocument.Target) throws -> [UInt8] {
        let s = r.snapshot
        let time = ZoneTime(s.zone)
        let doc = try PDFDocument(paper: paper == .a4 ? .a4 : .letter, title: "ispmon report \(r.site) \(periodName)",
                                  footer: "ispmon report · \(r.site) · \(periodName) (\(s.zone))", date: r.made, target: target)
        header(doc, r, periodName: periodName, time: time)
        summary(doc, r, time: time)
        try charts(doc, s, plan: r.plan, time: time)
        outages(doc, s.outages, time: time)
        appendix(doc, r)
        return try doc.finish()
    }

    static func hours(_ us: Int64) -> String {
        let h = Double(us) / 3_600_000_000
        return h == h.rounded() ? "\(Int(h)) hours" : NumberText.format(h, decimals: 2) + " hours"
    }

    static func mbps(_ v: Double) -> String { NumberText.format(v, decimals: 1) + " Mb/s" }

    static func percent(_ p: AvailabilityQuery.Percent?) -> String { p.map { "\($0) %" } ?? "–" }

    // MARK: Header

    static func header(_ doc: PDFDocument, _ r: ReportAnswer, periodName: String, time: ZoneTime) {
        let s = r.snapshot
        doc.paragraph("Internet connection report: \(r.site)", font: PDFDocument.Font.title, after: 8)
        doc.paragraph("Period \(periodName): from \(time.minute(s.start)) to \(time.minute(s.end)), \(hours(s.end - s.start)); times in \(s.zone).",
                      font: PDFDocument.Font.bold)
        doc.paragraph("Made \(time.minute(r.made)) by ispmon \(r.version), from the log of this site's monitor: every figure below is one that "
                      + "the ispmon commands give for the same period (availability, outages, speedtests, export).")
        if let plan = r.plan {
            doc.paragraph("The plan: \(mbps(plan.downMbps)) down, \(mbps(plan.upMbps)) up; a speed test below "
                          + "\(NumberText.format(plan.belowPercent, decimals: 0)) % of either counts as slow.")
        } else {
            doc.paragraph("No plan is set (plan: in the config): no speed test counts as slow.")
        }
        doc.y += 4
        doc.rule()
        doc.y += 6
    }

    // MARK: Summary

    static func summary(_ doc: PDFDocument, _ r: ReportAnswer, time: ZoneTime) {
        let s = r.snapshot
        doc.heading("Summary")
        guard let a = s.availability, a.monitored > 0 else {
            doc.paragraph("Nothing was monitored in this period: the log has no result of it, so there is no availability to give.")
            speedTests(doc, s.speedTests)
            return
        }
        let connectivity = s.outages.filter { $0.kind == .connectivity }
        doc.paragraph("Internet availability: \(percent(a.connectivityPercent)) of the monitored time "
                      + "(\(NumberText.duration(a.monitored)) monitored, \(NumberText.duration(a.unmonitored)) not monitored, which counts neither way).",
                      font: PDFDocument.Font.bold)
        doc.paragraph("The ISP's share: \(percent(a.ispPercent)), counting only the outages whose cause lies past this home's router "
                      + "(the ISP, beyond the ISP's edge); outages of the home's own link, devices or router and unexplained ones do not count in it.")
        doc.paragraph("DNS availability: \(percent(a.dnsPercent)).")
        if a.end < s.end {
            // The log says nothing of the time after its newest event (the monitor may run on,
            // or not): that time counts neither way, and is not called unmonitored either.
            doc.paragraph("The log's newest event is of \(time.minute(a.end)): the \(NumberText.duration(s.end - a.end)) of the period "
                          + "after it are unknown and count neither way.")
        }
        if connectivity.isEmpty {
            doc.paragraph("No internet outage in the period.")
        } else {
            let longest = connectivity.max { $0.duration < $1.duration }
            doc.paragraph("Downtime: \(NumberText.duration(a.connectivityDown)) of the monitored time in \(connectivity.count) outage"
                          + (connectivity.count == 1 ? "" : "s") + "; the ISP answers for \(NumberText.duration(a.ispDown)) of it."
                          + (longest.map { " The longest lasted \(NumberText.duration($0.duration)) (\($0.id))." } ?? ""))
            let byCause = s.outagesByCause.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }
                .map { "\($0.key.inWords): \($0.value)" }.joined(separator: "; ")
            doc.paragraph("Internet outages by cause: " + byCause + ".")
        }
        let dns = s.outages.filter { $0.kind == .dns }.count
        if dns > 0 { doc.paragraph("DNS outages: \(dns).") }
        speedTests(doc, s.speedTests)
    }

    static func speedTests(_ doc: PDFDocument, _ t: PeriodSnapshot.SpeedTests) {
        guard t.count > 0 else {
            doc.paragraph("Speed tests: none in the period.")
            return
        }
        func spread(_ s: SpeedTestQuery.Spread?) -> String {
            s.map { "median \(mbps($0.median)) (min \(mbps($0.min)), max \(mbps($0.max)))" } ?? "–"
        }
        doc.paragraph("Speed tests: \(t.count), of which \(t.failures) failed and \(t.slow) of the successful ones were slow. "
                      + "Download \(spread(t.down)); upload \(spread(t.up)).")
    }

    // MARK: Charts

    static func charts(_ doc: PDFDocument, _ s: PeriodSnapshot, plan: ServicePlan?, time: ZoneTime) throws {
        let width = doc.contentWidth
        func draw(_ title: String, _ svg: String, height: Double) throws {
            doc.heading(title, with: height)
            try doc.svg(ChartStyle.styled(svg), at: doc.margin, doc.y, width: width, height: height)
            doc.y += height + 6
        }
        let unit = s.availabilityUnit == .hour ? "hour" : "day"
        // A bar for every day (hour) of the period, so that the chart spans the period as the
        // others do: one with nothing known is an empty slot.
        let known = Dictionary(s.availabilityPer.map { ($0.label, $0) }, uniquingKeysWith: { a, _ in a })
        let bars = AvailabilityBars(bars: CalendarPeriods.periods(s.availabilityUnit == .hour ? .hour : .day, from: s.start, to: s.end, zone: s.zone).map {
            let a = known[$0.label]
            return AvailabilityBars.Bar(label: $0.label, upMicroseconds: a.map { $0.monitored - $0.connectivityDown } ?? 0,
                                        downMicroseconds: a?.connectivityDown ?? 0)
        }, label: "internet availability per \(unit)")
        try draw("Internet availability per \(unit)", bars.svg(width: 720, height: 170), height: width * 170 / 720)

        let length: Int64 = s.latencyUnit == .hour ? 3_600_000_000 : 86_400_000_000
        let shades = s.outages.filter { $0.kind == .connectivity }.map {
            LatencyChart.Shade(start: $0.start, end: $0.end ?? s.end, title: "outage: " + $0.cause.inWords)
        }
        for layer in [Projection.Layer.internet, .gateway] {
            let rows = s.layerLatency.filter { $0.layer == layer }
            guard !rows.isEmpty else { continue }
            var chart = LatencyChart(start: s.start, end: s.end, periods: rows.map { r in
                LatencyChart.Period(start: r.start, end: r.start + length, sent: r.stats.sent, lost: r.stats.lost, minMs: r.stats.minMs,
                                    p50Ms: r.stats.percentileMs(50), p95Ms: r.stats.percentileMs(95), maxMs: r.stats.maxMs)
            }, outages: shades, label: "latency and loss of \(layer.inWords)")
            chart.zone = time.axis
            try draw("Latency and loss of \(layer.inWords) per \(s.latencyUnit == .hour ? "hour" : "day") (median, to p95; loss below)",
                     chart.svg(width: 720, height: 240), height: width * 240 / 720)
        }
        if !s.speedTests.tests.isEmpty {
            var chart = SpeedTestChart(start: s.start, end: s.end, tests: s.speedTests.tests.map { r in
                switch r.test.outcome {
                case let .ok(down, up): SpeedTestChart.Test(time: r.time, downMbps: down, upMbps: up)
                case let .failed(error): SpeedTestChart.Test(time: r.time, downMbps: nil, upMbps: nil, error: error)
                }
            }, plan: plan.map { SpeedTestChart.Plan(downMbps: $0.downMbps, upMbps: $0.upMbps, belowPercent: $0.belowPercent) },
               label: "download and upload of each speed test")
            chart.zone = time.axis
            try draw("Speed tests: download and upload" + (plan == nil ? "" : ", with the plan's lines"),
                     chart.svg(width: 720, height: 240, hover: false), height: width * 240 / 720)
        }
    }

    // MARK: Outages

    static func outages(_ doc: PDFDocument, _ list: [Outage], time: ZoneTime) {
        doc.heading("Outages (\(list.count))", with: 40)
        guard !list.isEmpty else {
            doc.paragraph("No outage overlaps the period.")
            return
        }
        doc.paragraph("Every outage that overlaps the period, by start; an open one lasts to the newest event. The id is what "
                      + "`ispmon outages` and `ispmon evidence` take.")
        // The id's column holds an id on one line (people quote it; pdftotext finds it whole).
        let table = PDFTable(columns: [
            .init(title: "Id", share: 0.25, font: PDFDocument.Font.id), .init(title: "Start", share: 0.12), .init(title: "End", share: 0.12),
            .init(title: "Duration", share: 0.10), .init(title: "Cause", share: 0.15), .init(title: "Culprits", share: 0.11),
            .init(title: "Notes", share: 0.15),
        ])
        table.draw(list.map { o in
            [o.id, time.second(o.start), o.end.map(time.second) ?? "under way", NumberText.duration(o.duration),
             (o.kind == .dns ? "DNS: " : "") + o.cause.inWords, o.culprits.joined(separator: ", "),
             o.notes.map { time.minute($0.time) + ": " + $0.text }.joined(separator: "\n")]
        }, in: doc)
        doc.y += 6
    }

    // MARK: Appendix

    static func appendix(_ doc: PDFDocument, _ r: ReportAnswer) {
        let e = r.snapshot.events
        doc.heading("Appendix: the log behind this report", with: 80)
        let counts = EventType.allCases.map { "\($0.rawValue) \(e.byType[$0] ?? 0)" }.joined(separator: ", ")
        doc.paragraph("Events in the period: \(e.count) (\(counts)).")
        if let first = e.firstSeq, let last = e.lastSeq {
            doc.paragraph("Their sequence numbers run from \(first) to \(last) (the log's \(r.snapshot.lastSeq) events at the time of the report).")
        }
        doc.paragraph("The SHA-256 of the bytes that this command prints, on the machine that keeps the log:")
        doc.paragraph(r.exportCommand, font: PDFDocument.Font.mono)
        doc.paragraph(r.exportSHA256, font: PDFDocument.Font.mono)
        doc.paragraph("Check it with:")
        doc.paragraph(r.exportCommand + " | sha256sum", font: PDFDocument.Font.mono)
        doc.paragraph("The same digest means the report was made from that log; the events are the monitor's own probe results, "
                      + "each kept as it was recorded.")
    }
}
