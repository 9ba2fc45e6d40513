#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import ISPMonCore
import Synchronization
import ISPMonConfig

/// Speed tests on a thread of their own: a download then an upload, each bounded
/// by half of `max_duration`, recorded as `speedtest` events in Mbps (10^6 bit/s).
/// The probes never wait for it, and it stops within a fraction of a second of
/// the monitor stopping.
final class SpeedTester: @unchecked Sendable {
    // @unchecked: every field is immutable, atomic (`stopping`: read by the transfer loops,
    // written once by `stop()`) or a lock (`progress`, `wake`, `done`).
    let settings: MonitorConfig.SpeedTest
    let record: @Sendable (Event) -> Void
    let stopping = Atomic<Bool>(false)
    /// The transfer under way, for the monitor's activity (the web UI's live view).
    let progress = Mutex<Progress?>(nil)
    let wake = MonotonicCondition()
    let done = DispatchSemaphore(value: 0)
    /// Delay before the first test, in µs (tests use a short one).
    let firstDelay: Int64

    /// Whether the speedtest job is `run` now (paused or disabled: the turn is skipped).
    let isRunning: @Sendable () -> Bool

    /// The wall clock tests are stamped with (the monitor's).
    let now: @Sendable () -> Timestamp

    /// Where to connect, when the caller looked the URL's host up already (the tools, which
    /// judged that address: a second lookup could answer another); nil: looked up each test.
    let address: SocketAddress?

    init(_ settings: MonitorConfig.SpeedTest, firstDelay: Int64, now: @escaping @Sendable () -> Timestamp,
         isRunning: @escaping @Sendable () -> Bool, address: SocketAddress? = nil, record: @escaping @Sendable (Event) -> Void) {
        self.settings = settings
        self.address = address
        self.now = now
        self.isRunning = isRunning
        self.firstDelay = firstDelay
        self.record = record
    }

    func start() {
        let thread = Thread { [self] in
            defer { done.signal() }
            var due = Monotonic.microseconds() + firstDelay
            while !stopping.load(ordering: .relaxed) {
                let left = due - Monotonic.microseconds()
                if left > 0 {
                    wake.lock()
                    if !stopping.load(ordering: .relaxed) { wake.wait(microseconds: left) }
                    wake.unlock()
                    continue
                }
                if isRunning() {
                    let time = now()
                    let test = run()
                    if !stopping.load(ordering: .relaxed) { record(Event(time: time, body: .speedtest(test))) }
                }
                due += settings.interval
                if due < Monotonic.microseconds() { due = Monotonic.microseconds() + settings.interval }
            }
        }
        thread.name = "ispmon.speedtest"
        thread.start()
    }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        wake.lock()
        wake.broadcast()
        wake.unlock()
        done.wait()
    }

    /// One speed test: idle RTT (a TCP connect), download, upload.
    func run() -> SpeedTest {
        guard let down = settings.downloadURL, let up = settings.uploadURL else {
            return SpeedTest(server: "", outcome: .failed(error: "config"))
        }
        let server = String(down.description.utf8.prefix(256)) ?? down.host
        let half = settings.maxDuration / 2
        var rtt: Int64?
        let idle = address.map { TCPProbe.run(address: $0, timeout: 2_000_000) } ?? TCPProbe.run(host: down.host, port: down.port, timeout: 2_000_000)
        if case .ok(let r, _) = idle { rtt = r }
        switch transfer(down, upload: false, budget: half) {
        case .failure(let f): return SpeedTest(server: server, outcome: .failed(error: f.code), rtt: rtt)
        case .success(let downMbps):
            switch transfer(up, upload: true, budget: half) {
            case .failure(let f): return SpeedTest(server: server, outcome: .failed(error: f.code), rtt: rtt)
            case .success(let upMbps):
                return SpeedTest(server: server, outcome: .ok(downMbps: downMbps, upMbps: upMbps), rtt: rtt)
            }
        }
    }

    /// A transfer under way: its direction, bytes so far, and its start and budget (monotonic µs).
    struct Progress: Sendable {
        var upload: Bool
        var bytes: Int64 = 0
        var started: Int64
        var budget: Int64
    }

    /// Mbps of one transfer, over at most `budget` µs (a transfer cut short by the budget still counts).
    func transfer(_ url: HTTPURL, upload: Bool, budget: Int64) -> Result<Double, ProbeFailure> {
        let deadline = Monotonic.microseconds() + budget
        progress.withLock { $0 = Progress(upload: upload, started: Monotonic.microseconds(), budget: budget) }
        defer { progress.withLock { $0 = nil } }
        let connection: Connection
        switch Connection.open(url, address: address, deadline: deadline) {
        case .success(let c): connection = c
        case .failure(let f): return .failure(f)
        }
        let defaultPort: UInt16 = url.secure ? 443 : 80
        let host = (url.host.contains(":") ? "[\(url.host)]" : url.host) + (url.port == defaultPort ? "" : ":\(url.port)")
        let size: Int64 = 1 << 40  // an upload is cut by the budget, not by its size
        let head = upload
            ? "POST \(url.path) HTTP/1.1\r\nHost: \(host)\r\nUser-Agent: ispmon\r\nContent-Type: application/octet-stream\r\nContent-Length: \(size)\r\nConnection: close\r\n\r\n"
            : "GET \(url.path) HTTP/1.1\r\nHost: \(host)\r\nUser-Agent: ispmon\r\nConnection: close\r\n\r\n"
        if let f = connection.writeAll(Array(head.utf8), until: deadline) { return .failure(f) }
        let bodyStart = Monotonic.microseconds()
        var bytes: Int64 = 0
        // Short waits, so that a stopping monitor is not kept waiting.
        func slice() -> Int64 { min(deadline, Monotonic.microseconds() + 100_000) }
        if upload {
            let block = [UInt8](repeating: 0x5A, count: 65536)
            sending: while Monotonic.microseconds() < deadline && !stopping.load(ordering: .relaxed) {
                switch connection.write(block[...], until: slice()) {
                case .bytes(let n):
                    bytes += Int64(n)
                    progress.withLock { $0?.bytes = bytes }
                case .timeout: continue
                case .eof: break sending
                case .failed(let f):
                    if bytes == 0 { return .failure(f) }
                    break sending
                }
            }
        } else {
            var buffer = [UInt8](repeating: 0, count: 65536)
            var header: [UInt8] = []
            var inBody = false
            receiving: while Monotonic.microseconds() < deadline && !stopping.load(ordering: .relaxed) {
                let n: Int
                switch connection.read(into: &buffer, until: slice()) {
                case .bytes(let k): n = k
                case .timeout: continue
                case .eof: break receiving
                case .failed(let f): return .failure(f)
                }
                if inBody {
                    bytes += Int64(n)
                    progress.withLock { $0?.bytes = bytes }
                    continue
                }
                header += buffer[..<n]
                guard let end = HTTPHead.end(header) else { continue }
                guard let code = HTTPHead.status(header) else { return .failure(ProbeFailure("http-malformed", nil)) }
                guard (200...299).contains(code) else { return .failure(ProbeFailure("http-status", String(code))) }
                bytes += Int64(header.count - end)
                inBody = true
            }
        }
        let seconds = Double(Monotonic.microseconds() - bodyStart) / 1e6
        guard bytes > 0, seconds > 0 else { return .failure(ProbeFailure("timeout", nil)) }
        return .success((Double(bytes) * 8 / seconds / 1e6 * 10).rounded() / 10)
    }

}
