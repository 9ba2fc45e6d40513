import Foundation
import TestSupport
import ISPMonCore

/// Runs the `ispmon` built next to this test binary.
struct CLI {
    static let binary: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("ispmon").path
    }()

    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var out: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// A child that runs longer than this is killed, so a hang fails a test instead of CI.
    static let timeLimit: Double = 300

    @discardableResult
    static func run(_ args: [String], stdin: Data? = nil, data: String? = nil,
                    environment: [String: String] = [:]) throws -> Result {
        signal(SIGPIPE, SIG_IGN)  // a child that exits early must not kill the test process
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args + (data.map { ["--data", $0] } ?? [])
        var env = ProcessInfo.processInfo.environment
        env["ISPMON_DATA"] = nil
        env.merge(environment) { $1 }
        p.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        let pid = p.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeLimit, execute: watchdog)
        defer { watchdog.cancel() }
        // Feed stdin and drain stderr on their own threads so that nothing blocks the child.
        // nonisolated(unsafe): written only by errThread, read only after it has finished (below).
        nonisolated(unsafe) var errData = Data()
        let errThread = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        errThread.start()
        let writer = input.fileHandleForWriting
        let inThread = Thread {
            if let stdin { try? writer.write(contentsOf: stdin) }
            try? writer.close()
        }
        inThread.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !errThread.isFinished || !inThread.isFinished { usleep(1000) }
        return Result(status: p.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// Starts `ispmon bench ingest` writing `events` events into `data` (a durable commit
/// every `batch`), and returns once the first commit is durable, so the store exists.
func startBackgroundIngest(events: Int, batch: Int, data: String) throws -> Process {
    let writer = Process()
    writer.executableURL = URL(fileURLWithPath: CLI.binary)
    writer.arguments = ["bench", "ingest", "--events", String(events), "--batch", String(batch), "--data", data, "--report-commits"]
    let out = Pipe()
    writer.standardOutput = out
    writer.standardError = FileHandle.nullDevice
    try writer.run()
    var seen = Data()
    while !String(decoding: seen, as: UTF8.self).contains("committed") {
        let chunk = out.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        seen.append(chunk)
    }
    let drain = Thread { _ = out.fileHandleForReading.readDataToEndOfFile() }
    drain.start()
    return writer
}


func ndjson(_ events: [Event], withSeq: Bool = false) -> Data {
    var out: [UInt8] = []
    for (i, e) in events.enumerated() { EventJSON.append(e, seq: withSeq ? UInt64(i + 1) : nil, to: &out) }
    return Data(out)
}

/// Three days of a home network with everything that happens in one: link flaps,
/// monitor restarts, path traces, failed speed tests, paused jobs, notes.
func multiDayStream(days: Int = 3) -> [Event] {
    let targets: [SyntheticStream.TargetModel] = [
        .init(name: "router", role: .gateway, method: .icmp, interval: 10_000_000, baseRTT: 400, noise: 100),
        .init(name: "switch", role: .device, method: .icmp, interval: 30_000_000, baseRTT: 250, noise: 80),
        .init(name: "isp-edge", role: .isp, method: .icmp, interval: 10_000_000, baseRTT: 4_000, noise: 800),
        .init(name: "one-one", role: .internet, method: .icmp, interval: 15_000_000, baseRTT: 11_000, noise: 1_500),
        .init(name: "resolver", role: .dns, method: .dns, interval: 30_000_000, baseRTT: 12_000, noise: 3_000,
              detail: "example.com A 93.184.215.14"),
        .init(name: "web", role: .internet, method: .http, interval: 60_000_000, baseRTT: 45_000, noise: 9_000, detail: "200"),
    ]
    let start = Timestamp(microseconds: 1_772_323_200_000_000)
    let end = start.microseconds + Int64(days) * 86_400_000_000
    var events: [Event] = []
    var rng = SplitMix64(seed: 2026)
    for e in SyntheticStream(seed: 9, targets: targets, start: start) {
        if e.time.microseconds >= end { break }
        events.append(e)
        let t = e.time.microseconds
        switch rng.next() % 4000 {
        case 0: events.append(Event(time: Timestamp(microseconds: t + 1), body: .link(Link(interface: "eth0", up: false))))
                events.append(Event(time: Timestamp(microseconds: t + 2_500_000), body: .link(Link(interface: "eth0", up: true))))
        case 1: events.append(Event(time: Timestamp(microseconds: t + 3), body: .monitor(MonitorState(state: .stopped))))
                events.append(Event(time: Timestamp(microseconds: t + 60_000_000), body: .monitor(MonitorState(state: .started, version: "0.1.0"))))
        case 2: events.append(Event(time: Timestamp(microseconds: t + 7), body: .trace(Trace(destination: "203.0.113.10", hops: [
                    .init(ttl: 1, address: "192.0.2.1", rtt: 412), .init(ttl: 2, address: nil, rtt: nil),
                    .init(ttl: 3, address: "198.51.100.1", rtt: 4_321)]))))
        case 3: events.append(Event(time: Timestamp(microseconds: t + 9), body: .speedtest(SpeedTest(server: "http://203.0.113.20/down", outcome: .failed(error: "timeout")))))
        case 4: events.append(Event(time: Timestamp(microseconds: t + 11), body: .job(JobState(job: "speedtest", state: .paused))))
        case 5: events.append(Event(time: Timestamp(microseconds: t + 13), body: .note(Note(outage: "c-20260301T120005Z", text: "ISP said: \"cabinet\" fault ✓"))))
        default: break
        }
    }
    return events
}

/// What a test needs and this machine lacks although tools/test installs it: thrown, so that the
/// test fails rather than passing without having run. (Where the test cannot run at all, without
/// root, it is skipped by an `.enabled(if:)` trait instead, which reports it as skipped.)
struct MissingTool: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Programs of the system the tests check against (coreutils, poppler, python), run to the end.
enum SystemTool {
    /// `/usr/bin/NAME ARGS` in `directory`: its exit status and standard output (its errors dropped).
    static func run(_ name: String, _ args: [String], in directory: String? = nil) throws -> (status: Int32, out: String) {
        try ChildProcess.run("/usr/bin/" + name, args, in: directory)
    }

    /// SHA-256 of `bytes` in lowercase hex, by coreutils' sha256sum (another implementation than
    /// the one a test checks).
    static func sha256(_ bytes: [UInt8], in dir: TempDir) throws -> String {
        let file = dir.file("digest-input")
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return String(try run("sha256sum", [file]).out.prefix { $0 != " " })
    }
}
