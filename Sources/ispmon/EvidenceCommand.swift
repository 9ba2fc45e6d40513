import ArgumentParser
import Foundation
import ISPMonConfig
import ISPMonCore
import ISPMonQuery
import ISPMonReport

/// `ispmon evidence OUTAGE_ID`: one outage as a zip to mail to the ISP (docs/reports.md).
struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "One outage as a zip to mail: outage.pdf, events.ndjson of its window, SHA256SUMS, README.txt.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The outage's id, as ispmon outages shows it.") var id: String
    @Option(help: ArgumentHelp("Where to write it (default: ispmon-evidence-ID.zip).", valueName: "FILE.zip")) var output: String?
    @Option(help: ArgumentHelp("The IANA zone of the PDF's times (default UTC).", valueName: "ZONE"))
    var tz: AvailabilityCommand.ZoneArgument?
    @Option(help: ArgumentHelp("The PDF's paper.", valueName: "a4|letter")) var paper: ReportCommand.Paper = .a4
    @Option(help: ArgumentHelp("The YAML config, for site: (default: the config file of ispmon init, if there is one).", valueName: "FILE"))
    var config: String?

    func run() throws {
        try ispmon.run {
            let settings = try RunCommand.loadConfig(config)
            let zone = tz?.value ?? .utc
            let time = ZoneTime(zone)
            let queries = Queries(store: try store.open(create: false, directory: settings.data)) { Terminal.error($0) }
            guard let evidence = try queries.evidence(id: id, time: time.second) else {
                throw ValidationError("no outage \(id) (see ispmon outages)")
            }
            let zip = try EvidenceZip.make(evidence, site: settings.siteName, zone: zone, paper: paper == .a4 ? .a4 : .letter)
            let path = output ?? "ispmon-evidence-\(id.replacingOccurrences(of: ":", with: "")).zip"
            // Whole or not at all.
            do { try Data(zip).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
                throw ValidationError("cannot write \(path): \((error as NSError).localizedDescription)")
            }
            Terminal.error("wrote \(path)")
        }
    }
}
