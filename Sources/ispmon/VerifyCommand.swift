import ArgumentParser
import Foundation
import ISPMonCore
import ISPMonQuery
import ISPMonStore

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every stored record against its checksum, the sequence for gaps, and every view against a fresh replay.")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        try ispmon.run {
            // Stale views are a finding here, not something to fix quietly.
            let log = try store.open(create: false, rebuildViews: false)
            var report = try log.verify()
            try log.verifyViews(&report)
            if json {
                print(String(decoding: JSONForms.verify(report), as: UTF8.self))
            } else if report.ok {
                print("ok: \(report.events) events in \(report.chunks) sealed chunks and \(report.segments) tail segments, no gaps, every checksum matches")
                print("ok: the views (\(report.views.map(\.view.rawValue).joined(separator: ", "))) match a fresh replay of the log")
            } else {
                for p in report.problems { Terminal.error("\(log.directory): \(p)") }
            }
            if !report.ok { throw ExitCode(1) }
        }
    }
}
