import Foundation
import ISPMonCharts
import ISPMonCore
import ISPMonQuery

/// `outage.pdf` of an evidence zip (docs/reports.md): the outage (id, times, duration, cause in
/// words, culprits, explanation, notes), its timeline (a lane per target and interface, in path
/// order) and every probe of the window, runs of identical results folded into one row.
enum EvidencePDF {
    static func make(_ e: EvidenceAnswer, site: String, zone: CalendarPeriods.Zone, paper: ReportPDF.Paper) throws -> [UInt8] {
        let o = e.detail.outage
        let time = ZoneTime(zone)
        let doc = try PDFDocument(paper: paper == .a4 ? .a4 : .letter, title: "ispmon outage \(o.id)",
                                  footer: "ispmon evidence · \(site) · outage \(o.id) (\(zone))", date: o.start)
        doc.paragraph("Outage \(o.id) at \(site)", font: PDFDocument.Font.title, after: 8)
        let facts: [(String, String)] = [
            ("Kind", o.kind == .connectivity ? "internet (connectivity)" : "DNS"),
            ("Start", time.second(o.start)),
            ("End", o.end.map(time.second) ?? "under way when this was made"),
            ("Duration", NumberText.duration(o.duration)),
            ("Cause", o.cause.inWords),
            ("Culprits", o.culprits.isEmpty ? "none named" : o.culprits.joined(separator: ", ")),
            ("Times", "in \(zone)"),
        ]
        for (name, value) in facts {
            let h = doc.measure(value, font: PDFDocument.Font.body, width: doc.contentWidth - 90)
            doc.keep(h)
            doc.text(name, at: doc.margin, doc.y, width: 86, font: PDFDocument.Font.bold)
            doc.text(value, at: doc.margin + 90, doc.y, width: doc.contentWidth - 90)
            doc.y += h + 3
        }
        doc.heading("Why", with: 30)
        doc.paragraph(e.detail.explanation)
        if !o.notes.isEmpty {
            doc.heading("Notes", with: 20)
            for n in o.notes { doc.paragraph(time.minute(n.time) + ": " + n.text) }
        }

        let end = e.detail.timelineEnd
        let from = o.start - OutageDetail.margin
        let lanes = e.detail.timelineInPathOrder.map { lane in
            TimelineChart.Lane(name: lane.name, kind: lane.role, spans: lane.intervals.map {
                TimelineChart.Span(start: $0.start, end: $0.end ?? end, state: TimelineChart.State(rawValue: $0.state.rawValue) ?? .unknown)
            })
        }
        var chart = TimelineChart(start: from, end: max(end, from + 1), lanes: lanes, outageStart: o.start, outageEnd: o.end,
                                  label: "the states of each target and interface around the outage \(o.id)")
        chart.zone = time.axis
        let svg = chart.svg(width: 720)
        let height = doc.contentWidth * ChartStyle.aspect(svg)
        doc.heading("Timeline: each target and interface, 10 minutes either side", with: height)
        try doc.svg(ChartStyle.styled(svg), at: doc.margin, doc.y, width: doc.contentWidth, height: height)
        doc.y += height + 8

        doc.heading("Every event of the window (\(e.eventCount)), runs of the same result folded", with: 40)
        let table = PDFTable(columns: [.init(title: "Time", share: 0.3), .init(title: "Target or thing", share: 0.3),
                                       .init(title: "Result", share: 0.3), .init(title: "Times", share: 0.1)], padding: 1.5)
        table.draw(e.runs.map { r in
            [time.second(r.first) + (r.count > 1 ? " – " + time.second(r.last) : ""), r.subject, r.outcome, r.count > 1 ? "×\(r.count)" : ""]
        }, in: doc)
        doc.y += 8
        doc.paragraph("These events are in events.ndjson beside this file, as this command prints them on the machine that keeps the log:")
        doc.paragraph(e.exportCommand, font: PDFDocument.Font.mono)
        return try doc.finish()
    }
}
