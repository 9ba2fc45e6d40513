import ArgumentParser
import Foundation
import ISPMonStore

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every stored record against its checksum and the sequence for gaps.")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        try ispmon.run {
            let log = try store.open(create: false)
            let report = try log.verify()
            if json {
                let object: [String: Any] = [
                    "ok": report.ok, "events": report.events, "chunks": report.chunks,
                    "segments": report.segments, "problems": report.problems,
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else if report.ok {
                print("ok: \(report.events) events in \(report.chunks) sealed chunks and \(report.segments) tail segments, no gaps, every checksum matches")
            } else {
                for p in report.problems { Terminal.error("\(log.directory): \(p)") }
            }
            if !report.ok { throw ExitCode(1) }
        }
    }
}
