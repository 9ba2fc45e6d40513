import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import ISPMonCharts
import Testing

/// The chart module: ticks at round local times (daylight saving included), and charts that
/// are well-formed SVG, escape what they are given, and draw what the numbers say.
@Suite struct ChartTests {
    static let hour: Int64 = 3_600_000_000
    /// 2026-03-01T10:17:00Z
    static let t0: Int64 = 1_772_360_220_000_000

    /// The elements of a document, in order, with their attributes and text (nil: not well-formed).
    final class Elements: NSObject, XMLParserDelegate {
        var list: [(name: String, attributes: [String: String], text: String)] = []
        var stack: [Int] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            list.append((name, attributes, ""))
            stack.append(list.count - 1)
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { stack.removeLast() }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let i = stack.last { list[i].text += string }
        }
        static func of(_ svg: String) -> Elements? {
            let e = Elements()
            let parser = XMLParser(data: Data(svg.utf8))
            parser.delegate = e
            return parser.parse() ? e : nil
        }
        func named(_ name: String, class c: String? = nil) -> [(name: String, attributes: [String: String], text: String)] {
            list.filter { $0.name == name && (c == nil || ($0.attributes["class"] ?? "").split(separator: " ").contains(Substring(c ?? ""))) }
        }
        /// The text of the `<title>` child of element `i`.
        func title(of i: Int) -> String? {
            list.count > i + 1 && list[i + 1].name == "title" ? list[i + 1].text : nil
        }
    }

    @Test func ticksFallOnRoundLocalTimes() {
        let axis = TimeAxis(start: Self.t0, end: Self.t0 + 24 * Self.hour, maxTicks: 8, zone: .fixed(3600))
        // 24 h in at most 8 ticks: every 6 hours of the local clock (UTC+1).
        #expect(axis.ticks.map(\.label) == ["12:00", "18:00", "Mon 2", "06:00"], "\(axis.ticks)")
        for tick in axis.ticks {
            #expect((tick.time / 1_000_000 + 3600) % 21600 == 0, "\(tick) is on a round local time")
            #expect(tick.time >= axis.start && tick.time <= axis.end)
        }
        let fine = TimeAxis(start: Self.t0, end: Self.t0 + Self.hour, maxTicks: 8, zone: .fixed(3600))
        #expect(fine.ticks.map(\.label) == ["11:20", "11:30", "11:40", "11:50", "12:00", "12:10"])
        let days = TimeAxis(start: Self.t0, end: Self.t0 + 30 * 24 * Self.hour, maxTicks: 8, zone: .fixed(3600))
        #expect(days.ticks.count >= 4 && days.ticks.count <= 8, "\(days.ticks)")
        #expect(days.ticks.allSatisfy { ($0.time / 1_000_000 + 3600) % 86400 == 0 && $0.label.hasPrefix("Mar") || $0.label.hasPrefix("Apr") })
    }

    @Test func daylightSavingMovesTheTicksWithTheClock() {
        // Central Europe on 2026-03-29: 02:00 local (01:00Z) becomes 03:00.
        let change: Int64 = 1_774_746_000
        let zone = TimeAxis.Zone { $0 < change ? 3600 : 7200 }
        let start = (change - 3 * 3600) * 1_000_000
        let axis = TimeAxis(start: start, end: start + 6 * Self.hour, maxTicks: 8, zone: zone)
        #expect(axis.ticks.map(\.label) == ["23:00", "Sun 29", "01:00", "03:00", "04:00", "05:00", "06:00"], "\(axis.ticks.map(\.label))")
        let times = axis.ticks.map(\.time)
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 == Self.hour }, "one hour apart in UTC, 02:00 never was")
    }

    static func period(_ i: Int64, p50: Double?, sent: UInt64 = 3600, lost: UInt64 = 0) -> LatencyChart.Period {
        LatencyChart.Period(start: t0 + i * hour, end: t0 + (i + 1) * hour, sent: sent, lost: lost,
                            minMs: p50.map { $0 / 2 }, p50Ms: p50, p95Ms: p50.map { $0 * 1.5 }, maxMs: p50.map { $0 * 4 })
    }

    @Test func theLatencyChartDrawsWhatTheNumbersSay() throws {
        var periods = (0..<24).map { Self.period($0, p50: 10 + Double($0 % 5)) }
        periods[3] = Self.period(3, p50: 12, lost: 18)        // 0.5 %: low
        periods[7] = Self.period(7, p50: 12, lost: 90)        // 2.5 %: mid
        periods[9] = Self.period(9, p50: nil, lost: 3600)     // all lost: a gap in the line, a high mark
        let outage = LatencyChart.Shade(start: Self.t0 + 9 * Self.hour, end: Self.t0 + 10 * Self.hour,
                                        title: "outage: the ISP <script>alert(1)</script> & more")
        var chart = LatencyChart(start: Self.t0, end: Self.t0 + 24 * Self.hour, periods: periods, outages: [outage],
                                 label: "latency of \"router\" <b>")
        chart.zone = .fixed(0)
        let svg = chart.svg()
        let doc = try #require(Elements.of(svg), "well-formed XML")
        #expect(!svg.contains("<script") && !svg.contains("<b>"), "text is escaped")
        #expect(doc.list.first?.attributes["aria-label"] == "latency of \"router\" <b>")
        #expect(doc.list.first?.attributes["viewBox"] == "0 0 720 240", "sized by its viewBox, not in pixels")
        #expect(doc.list.first?.attributes["width"] == nil)

        let marks = doc.named("rect", class: "loss")
        #expect(marks.count == 3)
        #expect(doc.named("rect", class: "loss-low").count == 1 && doc.named("rect", class: "loss-mid").count == 1
                && doc.named("rect", class: "loss-high").count == 1)
        let shades = doc.list.indices.filter { doc.list[$0].name == "rect" && doc.list[$0].attributes["class"] == "outage" }
        #expect(shades.count == 1)
        #expect(doc.title(of: shades[0]) == outage.title, "the outage's words as its hover title, as text")
        // The shade spans hour 9 of 24 of the plot (x from 44 to 712).
        let x = Double(doc.list[shades[0]].attributes["x"] ?? "") ?? 0
        #expect(abs(x - (44 + 668.0 * 9 / 24)) < 0.01)

        // The median: two runs (the all-lost hour has none), 9 and 14 points.
        let medians = doc.named("polyline", class: "median").map { ($0.attributes["points"] ?? "").split(separator: " ").count }
        #expect(medians == [9, 14])
        let hovers = doc.list.indices.filter { doc.list[$0].attributes["class"] == "hover" }
        #expect(hovers.count == 24)
        #expect(doc.title(of: hovers[7])?.contains("loss 2.5 % (90 of 3600)") == true, "\(doc.title(of: hovers[7]) ?? "")")
        #expect(doc.title(of: hovers[0]) == "10:17–11:17: median 10 ms, p95 15 ms, min 5 ms, max 40 ms, loss 0 % (0 of 3600)")
        // The scale follows the p95s, not a maximum 4 times higher.
        let labels = doc.named("text", class: "axis").map(\.text)
        #expect(labels.contains("20") && !labels.contains("60"), "\(labels)")
        // A maximum above the scale reaches the plot's top edge (y 18), never out of the chart.
        let ys = doc.named("polygon", class: "band-minmax").flatMap { ($0.attributes["points"] ?? "").split(separator: " ") }
            .compactMap { Double($0.split(separator: ",").last ?? "") }
        #expect(!ys.isEmpty && ys.allSatisfy { $0 >= 18 && $0 <= 204 } && ys.contains(18), "\(ys)")
    }

    @Test func numbersAndTextAreWrittenSafely() {
        #expect(SVG.number(12) == "12" && SVG.number(12.5) == "12.5" && SVG.number(12.256) == "12.26")
        #expect(SVG.number(-0.001) == "0" && SVG.number(.nan) == "0" && SVG.number(-3.5) == "-3.5")
        #expect(SVG.escape("a\u{0}b\u{1B}c<&>\"'") == "abc&lt;&amp;&gt;&quot;&#39;")
        #expect(ValueAxis(maximum: 17.2).ticks == [0, 5, 10, 15, 20])
        #expect(ValueAxis(maximum: 0.3).ticks == [0, 0.1, 0.2, 0.3])
        #expect(ValueAxis(maximum: 0).top == 1)
    }
}
