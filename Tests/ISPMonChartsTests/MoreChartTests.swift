import Foundation
@testable import ISPMonCharts
import Testing

/// The timeline, availability, speed-test and hop charts: well-formed, escaped, and drawing
/// what they are given.
@Suite struct MoreChartTests {
    typealias Elements = ChartTests.Elements
    static let t0 = ChartTests.t0
    static let minute: Int64 = 60_000_000

    @Test func theTimelineHasALanePerTargetAndTheOutageMarked() throws {
        let start = Self.t0, end = Self.t0 + 30 * Self.minute
        let lanes = [
            TimelineChart.Lane(name: "eth0", kind: "link", spans: [.init(start: start, end: end, state: .up)]),
            TimelineChart.Lane(name: "router <&>", kind: "gateway", spans: [
                .init(start: start, end: start + 10 * Self.minute, state: .up),
                .init(start: start + 10 * Self.minute, end: start + 12 * Self.minute + 5_000_000, state: .down),
                .init(start: start + 12 * Self.minute + 5_000_000, end: end, state: .unknown),
            ]),
        ]
        var chart = TimelineChart(start: start, end: end, lanes: lanes, outageStart: start + 10 * Self.minute,
                                  outageEnd: start + 12 * Self.minute + 5_000_000, label: "outage timeline")
        chart.zone = .fixed(0)
        let doc = try #require(Elements.of(chart.svg()))
        #expect(doc.named("text", class: "lane").map(\.text) == ["eth0", "router <&>"])
        let states = doc.named("rect").compactMap { $0.attributes["class"] }.filter { $0.hasPrefix("state-") }
        #expect(states == ["state-up", "state-up", "state-down", "state-unknown"])
        let down = try #require(doc.list.indices.first { doc.list[$0].attributes["class"] == "state-down" })
        #expect(doc.title(of: down) == "router <&>: down 10:27:00–10:29:05 (2 min 5 s)")
        let outage = try #require(doc.list.indices.first { doc.list[$0].attributes["class"] == "outage" })
        #expect(doc.title(of: outage) == "the outage: 10:27:00–10:29:05 (2 min 5 s)")
        // From a third of the way across the plot (x 150 to 712).
        let x: Double = Double(doc.list[outage].attributes["x"] ?? "") ?? 0
        let third: Double = 150 + 562.0 / 3
        #expect(abs(x - third) < 0.01)
        chart.outageEnd = nil
        let open = try #require(Elements.of(chart.svg()))
        let shade = try #require(open.list.indices.first { open.list[$0].attributes["class"] == "outage" })
        #expect(open.title(of: shade) == "the outage: from 10:27:00, still open")
    }

    @Test func availabilityBarsAreColouredByHowGoodTheyAre() throws {
        let day: Int64 = 86_400_000_000
        let bars = [
            AvailabilityBars.Bar(label: "Mar 1", upMicroseconds: day, downMicroseconds: 0),
            AvailabilityBars.Bar(label: "Mar 2", upMicroseconds: day - 60_000_000, downMicroseconds: 60_000_000),     // 99.93 %
            AvailabilityBars.Bar(label: "Mar 3", upMicroseconds: day - 600_000_000, downMicroseconds: 600_000_000),   // 99.31 %
            AvailabilityBars.Bar(label: "Mar 4", upMicroseconds: day / 2, downMicroseconds: day / 2),
            AvailabilityBars.Bar(label: "Mar 5", upMicroseconds: 0, downMicroseconds: 0),
        ]
        let doc = try #require(Elements.of(AvailabilityBars(bars: bars, label: "availability").svg()))
        let classes = doc.named("rect").map { $0.attributes["class"] ?? "" }
        #expect(classes == ["avail avail-good", "avail avail-good", "avail avail-fair", "avail avail-poor", "avail avail-none"])
        let titles = doc.list.indices.filter { doc.list[$0].name == "rect" }.compactMap { doc.title(of: $0) }
        #expect(titles[1] == "Mar 2: 99.93 % up, 1 min down")
        #expect(titles[4] == "Mar 5: no data")
        // A 50 % day lowers the floor to 50 %.
        #expect(doc.named("text", class: "axis").map(\.text).prefix(3) == ["50 %", "75 %", "100 %"])
        #expect(bars[2].hundredths == 9931 && AvailabilityBars.percentText(hundredths: 9931) == "99.31 %")
        #expect(AvailabilityBars.percentText(hundredths: 10_000) == "100.00 %" && AvailabilityBars.percentText(hundredths: 5) == "0.05 %")
    }

    @Test func speedTestsUnderThePlanAreMarkedSlow() throws {
        let hour: Int64 = 3_600_000_000
        let tests = [
            SpeedTestChart.Test(time: Self.t0, downMbps: 95, upMbps: 38),
            SpeedTestChart.Test(time: Self.t0 + 2 * hour, downMbps: 60, upMbps: 39),     // download slow (< 80 of 100)
            SpeedTestChart.Test(time: Self.t0 + 4 * hour, downMbps: nil, upMbps: nil, error: "timeout"),
        ]
        let chart = SpeedTestChart(start: Self.t0, end: Self.t0 + 6 * hour, tests: tests,
                                   plan: .init(downMbps: 100, upMbps: 40, belowPercent: 80), label: "speed tests")
        let doc = try #require(Elements.of(chart.svg()))
        #expect(doc.named("circle").count == 4)
        #expect(doc.named("circle", class: "slow").count == 1)
        #expect(doc.named("circle", class: "slow").first?.attributes["class"] == "point point-down slow")
        #expect(doc.named("rect", class: "failed").count == 1)
        #expect(doc.named("line", class: "plan").count == 2)
        let failed = try #require(doc.list.indices.first { doc.list[$0].attributes["class"] == "failed" })
        #expect(doc.title(of: failed)?.hasSuffix("failed (timeout)") == true)
    }

    /// A month of tests: the lines carry them, slow ones keep a mark, one hover strip each.
    @Test func manySpeedTestsAreLinesWithAHoverStripEach() throws {
        let hour: Int64 = 3_600_000_000
        let tests = (0..<360).map { i in
            SpeedTestChart.Test(time: Self.t0 + Int64(i) * 2 * hour, downMbps: i % 50 == 0 ? 50 : 95, upMbps: 38)
        }
        let chart = SpeedTestChart(start: Self.t0, end: Self.t0 + 720 * hour, tests: tests,
                                   plan: .init(downMbps: 100, upMbps: 40, belowPercent: 80), label: "a month")
        let svg = chart.svg()
        let doc = try #require(Elements.of(svg))
        #expect(doc.named("circle").count == 8 && doc.named("circle", class: "slow").count == 8, "only the slow tests are points")
        let strips = doc.list.indices.filter { doc.list[$0].name == "rect" && doc.list[$0].attributes["class"] == "hover" }
        #expect(strips.count == 360)
        #expect(doc.title(of: strips[0])?.hasSuffix("download 50 Mb/s, upload 38 Mb/s (slow: under 80 % of the plan)") == true)
        #expect(doc.named("polyline", class: "series-down").count == 1)
        #expect(svg.utf8.count < 80_000, "\(svg.utf8.count) bytes")
    }

    @Test func theHopDiagramShowsSilentHopsAndRoles() throws {
        let hops = [
            HopDiagram.Hop(ttl: 1, address: "192.168.1.1", rttMs: 0.6, role: "the router"),
            HopDiagram.Hop(ttl: 2, address: nil, rttMs: nil),
            HopDiagram.Hop(ttl: 3, address: "203.0.113.1", rttMs: 8.25, role: "the ISP's first hop"),
        ]
        let doc = try #require(Elements.of(HopDiagram(origin: "this machine", hops: hops, label: "path").svg()))
        #expect(doc.named("circle").count == 4)
        #expect(doc.named("circle", class: "node-silent").count == 1)
        #expect(doc.named("text", class: "hop").map(\.text) == ["this machine", "1. 192.168.1.1  0.6 ms", "the router",
                                                                "2. no answer", "3. 203.0.113.1  8.25 ms", "the ISP's first hop"])
    }
}
