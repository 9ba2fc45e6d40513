import ArgumentParser
import ISPMonCore
import ISPMonQuery

/// `ispmon availability`: the share of the monitored time the internet, DNS and the ISP's part
/// of the path were up (docs/cli.md), for the range or per calendar day, ISO week or month.
struct AvailabilityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "availability",
        abstract: "Availability of the monitored time: internet, DNS and the ISP's share, for the range or per day, week or month.")

    @OptionGroup var view: ViewOptions
    @OptionGroup var range: TimeRange
    @Option(help: ArgumentHelp("One row per calendar day, ISO week or month of --tz.", valueName: "day|week|month"))
    var per: PeriodArgument?
    @Option(help: ArgumentHelp("The IANA zone whose days, weeks and months count (default UTC).", valueName: "ZONE"))
    var tz: ZoneArgument?
    @Flag(help: "CSV for programs.")
    var csv = false

    func validate() throws {
        if csv && view.json { throw ValidationError("choose --json or --csv") }
    }

    func run() throws {
        try ispmon.run {
            let q = AvailabilityQuery(window: range.window, period: per?.value ?? .whole, zone: tz?.value ?? .utc)
            let answers = try view.queries().availability(q, asOf: view.asOfTime)
            if view.json {
                printJSON(JSONForms.availability(answers))
            } else if csv {
                print(CSVForms.availability(answers), terminator: "")
            } else if answers.isEmpty {
                print("nothing monitored in this range")
            } else {
                func percent(_ p: AvailabilityQuery.Percent?) -> String { p.map { "\($0) %" } ?? "-" }
                let rows = answers.map { a in
                    [a.label.isEmpty ? "whole range" : a.label, NumberText.duration(a.monitored), NumberText.duration(a.unmonitored),
                     percent(a.connectivityPercent), percent(a.dnsPercent), percent(a.ispPercent)]
                }
                print(Output.table(["PERIOD (\(q.zone))", "MONITORED", "NOT MONITORED", "INTERNET", "DNS", "ISP'S SHARE"], rows),
                      terminator: "")
            }
        }
    }

    struct PeriodArgument: ExpressibleByArgument {
        let value: AvailabilityQuery.Period
        init?(argument: String) {
            guard ["day", "week", "month"].contains(argument), let p = AvailabilityQuery.Period(rawValue: argument) else { return nil }
            value = p
        }
    }

    struct ZoneArgument: ExpressibleByArgument {
        let value: CalendarPeriods.Zone
        init?(argument: String) {
            guard let zone = CalendarPeriods.Zone(identifier: argument) else { return nil }
            value = zone
        }
    }
}
