import ArgumentParser
import Foundation
import ISPMonConfig
import ISPMonCore
import ISPMonQuery
import ISPMonReport

/// `ispmon report`: a week, a month or a range of the log, as a person hands it to their ISP
/// (docs/reports.md). Its numbers are the query layer's (``ReportAnswer``): the same as
/// `availability`, `outages`, `speedtests` and `export` give for the period and zone.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "A report of a week, a month or a range: availability, outages, speed tests against the plan, and the export's SHA-256.")

    @OptionGroup var store: StoreOptions
    @Option(help: ArgumentHelp("An ISO week of --tz.", valueName: "YYYY-Www")) var week: String?
    @Option(help: ArgumentHelp("A month of --tz.", valueName: "YYYY-MM")) var month: String?
    @OptionGroup var range: TimeRange
    @Option(help: ArgumentHelp("The IANA zone of the week, the month and the days (default UTC).", valueName: "ZONE"))
    var tz: AvailabilityCommand.ZoneArgument?
    @Option(help: ArgumentHelp("The PDF's paper.", valueName: "a4|letter")) var paper: Paper = .a4
    @Option(help: ArgumentHelp("pdf (default), json, csv, or png (page 1 of the PDF as a picture).", valueName: "FORMAT")) var format: Format = .pdf
    @Option(help: ArgumentHelp("Where to write it (default: ispmon-SITE-PERIOD.pdf or .png, else standard output).", valueName: "FILE"))
    var output: String?
    @Option(help: ArgumentHelp("The YAML config, for site: and plan: (default: the config file of ispmon init, if there is one).", valueName: "FILE"))
    var config: String?

    enum Paper: String, ExpressibleByArgument, CaseIterable { case a4, letter }
    enum Format: String, ExpressibleByArgument, CaseIterable { case pdf, json, csv, png }

    func validate() throws {
        let forms = [week != nil, month != nil, range.since != nil || range.until != nil].filter { $0 }.count
        guard forms == 1 else { throw ValidationError("choose one period: --week 2026-W09, --month 2026-03, or --since T --until T") }
        if week == nil && month == nil && (range.since == nil || range.until == nil) {
            throw ValidationError("a range needs both --since and --until")
        }
    }

    /// The period as [start, end) and its name (for the file's), in `zone`.
    func period(zone: CalendarPeriods.Zone) throws -> (start: Int64, end: Int64, name: String) {
        if let week {
            guard let p = CalendarPeriods.period(.week, labelled: week, zone: zone) else {
                throw ValidationError("--week \(week): not an ISO week (2026-W09: a year, W, a week from 01 to 52 or 53)")
            }
            return (p.start, p.end, p.label)
        }
        if let month {
            guard let p = CalendarPeriods.period(.month, labelled: month, zone: zone) else {
                throw ValidationError("--month \(month): not a month (2026-03)")
            }
            return (p.start, p.end, p.label)
        }
        guard let since = range.since?.timestamp.microseconds, let until = range.until?.timestamp.microseconds else {
            throw ValidationError("a range needs both --since and --until")
        }
        guard until > since else { throw ValidationError("--until must be after --since") }
        return (since, until, Timestamp(microseconds: since).description + "--" + Timestamp(microseconds: until).description)
    }

    func run() throws {
        try ispmon.run {
            let settings = try RunCommand.loadConfig(config)
            let zone = tz?.value ?? .utc
            let (start, end, name) = try period(zone: zone)
            let queries = Queries(store: try store.open(create: false, directory: settings.data)) { Terminal.error($0) }
            let report = try queries.report(ReportQuery(period: PeriodQuery(start: start, end: end, zone: zone, plan: settings.plan),
                                                        site: settings.siteName, made: WallClock.system.microseconds))
            let bytes: [UInt8]
            switch format {
            case .json: bytes = JSONForms.report(report) + [0x0A]
            case .csv: bytes = Array(CSVForms.report(report).utf8)
            case .pdf: bytes = try ReportPDF.make(report, periodName: name, paper: paper == .a4 ? .a4 : .letter)
            case .png: bytes = try ReportPDF.firstPagePNG(report, periodName: name, paper: paper == .a4 ? .a4 : .letter)
            }
            let fileName = "ispmon-\(settings.siteName)-\(name.replacingOccurrences(of: ":", with: ""))"
            let path = output ?? (format == .pdf || format == .png ? "\(fileName).\(format.rawValue)" : nil)
            guard let path else {
                FileHandle.standardOutput.write(Data(bytes))
                return
            }
            // Whole or not at all: a failed run leaves no half a report under the name.
            do { try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
                throw ValidationError("cannot write \(path): \((error as NSError).localizedDescription)")
            }
            Terminal.error("wrote \(path)")
        }
    }
}
