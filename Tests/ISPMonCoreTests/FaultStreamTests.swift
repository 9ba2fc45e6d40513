import Testing
@testable import ISPMonCore

/// views.md on realistic multi-day streams: each injected fault is exactly one
/// outage with the right cause, culprits and duration; what is no outage is none.
@Suite struct FaultStreamTests {
    static let stream = SyntheticFaults(days: 3)

    static let projection: Projection = {
        var p = Projection()
        for (i, e) in stream.events.enumerated() { p.apply(e, seq: UInt64(i + 1)) }
        return p
    }()

    func outages(overlapping w: SyntheticFaults.Window) -> [Outage] {
        FaultStreamTests.projection.outages().filter { $0.start < w.end + 60_000_000 && ($0.end ?? .max) > w.start }
    }

    @Test(arguments: [
        (SyntheticFaults.Fault.routerHang, Outage.Kind.connectivity, Outage.Cause.gateway, ["router"]),
        (.ispDown, .connectivity, .isp, ["isp-edge"]),
        (.dnsDown, .dns, .dns, ["resolver", "resolver-2"]),
        (.cablePulled, .connectivity, .local, ["eth0"]),
    ])
    func eachFaultIsOneOutageWithItsCause(fault: SyntheticFaults.Fault, kind: Outage.Kind, cause: Outage.Cause, culprits: [String]) {
        let windows = FaultStreamTests.stream.windows.filter { $0.fault == fault }
        #expect(windows.count == 3)
        for w in windows {
            let found = outages(overlapping: w)
            #expect(found.count == 1, "\(fault) at \(Timestamp(microseconds: w.start)): \(found.map(\.id))")
            guard let o = found.first else { continue }
            #expect(o.kind == kind)
            #expect(o.cause == cause)
            #expect(o.culprits == culprits)
            // Starts at the first failed probe (backdated), ends at the first success after the
            // fault: within one probe interval (≤ 60 s here) of the fault's own edges.
            #expect(o.start >= w.start && o.start < w.start + 60_000_000)
            #expect(o.end.map { $0 >= w.end && $0 < w.end + 60_000_000 } == true)
            #expect(o.id == Outage.id(kind: kind, start: o.start))
        }
    }

    @Test func lossRestartsAndADeadHostAreNoOutage() {
        for w in FaultStreamTests.stream.windows where [.lossyHour, .monitorRestart].contains(w.fault) {
            #expect(outages(overlapping: w).isEmpty, "\(w.fault) at \(Timestamp(microseconds: w.start))")
        }
        // Four real faults a day, nothing else: the dead `web` host and the isolated loss make none.
        #expect(FaultStreamTests.projection.outages().count == 4 * 3)
        #expect(FaultStreamTests.projection.targets["web"]?.state == .down)
    }

    @Test func notesAttachToTheirOutages() {
        let noted = FaultStreamTests.projection.outages().filter { !$0.notes.isEmpty }
        #expect(noted.count == 4)  // every third of twelve
        for o in noted { #expect(o.notes.first?.text.hasSuffix(o.cause.rawValue) == true) }
    }

    @Test func theLossyHourShowsInTheHourlyNumbers() {
        let hours = FaultStreamTests.projection.hours["one-one"] ?? [:]
        let lossy = FaultStreamTests.stream.windows.first { $0.fault == .lossyHour }!
        let h = hours[lossy.start]!
        #expect(h.sent == 240)  // one probe every 15 s
        #expect(h.lost >= 4 && h.lost <= 30)  // 5 % of 240 is 12
        let calm = hours[lossy.start - 3_600_000_000]!
        #expect(calm.lost <= 4)  // ~0.5 % isolated loss
    }
}
