/// The outage timeline (web.md `/outages/{id}`, the evidence report): one lane per target and
/// interface, its state intervals (up, down, unknown) across the window, the outage itself
/// marked; local time on the x-axis, a hover title on each interval with its times.
public struct TimelineChart: Sendable {
    public enum State: String, Sendable { case up, down, unknown }

    public struct Span: Sendable, Equatable {
        public var start: Int64
        public var end: Int64
        public var state: State
        public init(start: Int64, end: Int64, state: State) {
            self.start = start
            self.end = end
            self.state = state
        }
    }

    public struct Lane: Sendable, Equatable {
        /// The target's or interface's name, and what it is (its role, or `link`).
        public var name: String
        public var kind: String
        public var spans: [Span]
        public init(name: String, kind: String, spans: [Span]) {
            self.name = name
            self.kind = kind
            self.spans = spans
        }
    }

    public var start: Int64
    public var end: Int64
    public var lanes: [Lane]
    /// The outage the chart is about (its end nil while it is open).
    public var outageStart: Int64
    public var outageEnd: Int64?
    public var label: String
    public var zone: TimeAxis.Zone = .local

    public init(start: Int64, end: Int64, lanes: [Lane], outageStart: Int64, outageEnd: Int64?, label: String) {
        self.start = start
        self.end = end
        self.lanes = lanes
        self.outageStart = outageStart
        self.outageEnd = outageEnd
        self.label = label
    }

    static let laneHeight = 20.0
    static let nameWidth = 150.0

    public func svg(width: Double = 720) -> String {
        // A phone's narrow chart gives the names less room.
        let top = 6.0, left = width < 500 ? 96 : TimelineChart.nameWidth, right = width - 8
        let bottom = top + Double(lanes.count) * TimelineChart.laneHeight
        let height = bottom + 24
        var svg = SVG(width: width, height: height)
        let time = TimeAxis(start: start, end: end, maxTicks: max(2, Int((right - left) / 80)), zone: zone)
        func x(_ t: Int64) -> Double { time.x(min(max(t, start), end), from: left, to: right) }

        let oEnd = outageEnd ?? end
        svg.rect(x: x(outageStart), y: 0, width: max(1, x(oEnd) - x(outageStart)), height: bottom + 2, className: "outage",
                 title: "the outage: " + Durations.span(outageStart, outageEnd, zone: zone))
        for tick in time.ticks {
            svg.line(x1: x(tick.time), y1: top, x2: x(tick.time), y2: bottom, className: "grid")
            svg.tickLabel(tick.label, x: x(tick.time), y: height - 6, left: left, right: right)
        }
        for (i, lane) in lanes.enumerated() {
            let y = top + Double(i) * TimelineChart.laneHeight
            let room = width < 500 ? 12 : 18
            let shown = lane.name.count > room ? String(lane.name.prefix(room - 1)) + "…" : lane.name
            svg.element("text", [("x", SVG.number(left - 6)), ("y", SVG.number(y + 14)), ("class", "lane"), ("text-anchor", "end")],
                        title: "\(lane.name) (\(lane.kind))", children: SVG.escape(shown))
            for span in lane.spans where span.end > start && span.start < end {
                svg.rect(x: x(span.start), y: y + 3, width: max(0.5, x(span.end) - x(span.start)), height: TimelineChart.laneHeight - 6,
                         className: "state-" + span.state.rawValue,
                         title: "\(lane.name): \(span.state.rawValue) " + Durations.span(span.start, span.end, zone: zone))
            }
        }
        return svg.document(label: label, className: "chart timeline")
    }
}

/// Times and durations in hover titles: `12:01:05–12:03:10 (2 min 5 s)`.
enum Durations {
    static func clock(_ us: Int64, zone: TimeAxis.Zone) -> String {
        let t = us.floorDiv(1_000_000)
        let local = t + zone.offset(t)
        let s = ((local % 86400) + 86400) % 86400
        return TimeAxis.two(Int(s / 3600)) + ":" + TimeAxis.two(Int(s / 60 % 60)) + ":" + TimeAxis.two(Int(s % 60))
    }

    static func span(_ start: Int64, _ end: Int64?, zone: TimeAxis.Zone) -> String {
        guard let end else { return "from \(clock(start, zone: zone)), still open" }
        return "\(clock(start, zone: zone))–\(clock(end, zone: zone)) (\(length(end - start)))"
    }

    /// `45 s`, `2 min 5 s`, `3 h 12 min`, `2 d 4 h`.
    static func length(_ us: Int64) -> String {
        let s = max(0, us / 1_000_000)
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min" + (s % 60 == 0 ? "" : " \(s % 60) s") }
        if s < 86400 { return "\(s / 3600) h" + (s / 60 % 60 == 0 ? "" : " \(s / 60 % 60) min") }
        return "\(s / 86400) d" + (s / 3600 % 24 == 0 ? "" : " \(s / 3600 % 24) h")
    }
}

extension Int64 {
    /// Division rounding toward minus infinity (times before 1970 stay on their second).
    func floorDiv(_ d: Int64) -> Int64 { self >= 0 ? self / d : -((-self + d - 1) / d) }
}
