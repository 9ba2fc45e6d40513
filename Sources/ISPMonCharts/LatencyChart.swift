/// The latency chart (web.md `/latency`, the overview, the reports): per period (an hour or a
/// day) the median line, the band from median to p95 and the fainter min–max band, a mark under
/// each period that lost probes, coloured by how much (under 1 %, under 5 %, more), and the
/// outages shaded; local time on the x-axis, milliseconds on the y-axis, a hover title on each
/// period with its numbers. The numbers are the query layer's (`ispmon latency`); this only
/// draws them.
public struct LatencyChart: Sendable {
    public struct Period: Sendable, Equatable {
        public var start: Int64
        public var end: Int64
        public var sent: UInt64
        public var lost: UInt64
        public var minMs: Double?
        public var p50Ms: Double?
        public var p95Ms: Double?
        public var maxMs: Double?

        public init(start: Int64, end: Int64, sent: UInt64, lost: UInt64, minMs: Double?, p50Ms: Double?, p95Ms: Double?, maxMs: Double?) {
            self.start = start
            self.end = end
            self.sent = sent
            self.lost = lost
            self.minMs = minMs
            self.p50Ms = p50Ms
            self.p95Ms = p95Ms
            self.maxMs = maxMs
        }

        public var lossPercent: Double { sent == 0 ? 0 : 100 * Double(lost) / Double(sent) }
    }

    /// A shaded stretch: an outage, with its words for the hover title.
    public struct Shade: Sendable, Equatable {
        public var start: Int64
        public var end: Int64
        public var title: String
        public init(start: Int64, end: Int64, title: String) {
            self.start = start
            self.end = end
            self.title = title
        }
    }

    public var start: Int64
    public var end: Int64
    public var periods: [Period]
    public var outages: [Shade]
    /// What the chart is of, e.g. `latency of router, last 24 h` (its accessible label).
    public var label: String

    /// The zone of the axis and the titles: the machine's.
    public var zone: TimeAxis.Zone = .local

    public init(start: Int64, end: Int64, periods: [Period], outages: [Shade], label: String) {
        self.start = start
        self.end = end
        self.periods = periods
        self.outages = outages
        self.label = label
    }

    /// How much was lost, as the mark's class: under 1 %, under 5 %, 5 % or more.
    public static func lossClass(_ percent: Double) -> String {
        percent < 1 ? "loss loss-low" : percent < 5 ? "loss loss-mid" : "loss loss-high"
    }

    public func svg(width: Double = 720, height: Double = 240) -> String {
        var svg = SVG(width: width, height: height)
        let left = 44.0, right = width - 8, top = 18.0, bottom = height - 36, lossBottom = height - 22
        let time = TimeAxis(start: start, end: end, maxTicks: max(2, Int(width / 90)), zone: zone)
        // The scale follows the p95s (a spike in a period's maximum would flatten everything else).
        let values = axis
        func x(_ t: Int64) -> Double { time.x(min(max(t, start), end), from: left, to: right) }
        func y(_ v: Double) -> Double { values.y(v, from: bottom, to: top) }
        // A maximum beyond the scale is drawn up to the plot's top edge, not out of the chart.
        func clamped(_ v: Double) -> Double { min(max(y(v), top), bottom) }

        for o in outages where o.end > start && o.start < end {
            svg.rect(x: x(o.start), y: top, width: max(1, x(o.end) - x(o.start)), height: bottom - top, className: "outage", title: o.title)
        }
        for v in values.ticks {
            svg.line(x1: left, y1: y(v), x2: right, y2: y(v), className: "grid")
            svg.text(ValueAxis.label(v), x: left - 4, y: y(v) + 4, className: "axis", anchor: "end")
        }
        svg.text("ms", x: left - 4, y: 10, className: "axis unit", anchor: "end")
        for tick in time.ticks {
            svg.line(x1: x(tick.time), y1: top, x2: x(tick.time), y2: bottom, className: "grid")
            svg.tickLabel(tick.label, x: x(tick.time), y: height - 6, left: left, right: right)
        }
        let mid = periods.map { p in (p, x(p.start) + (x(p.end) - x(p.start)) / 2) }
        svg.band(mid.map { p, cx in p.minMs.flatMap { lo in p.maxMs.map { hi in (cx, clamped(lo), clamped(hi)) } } }, className: "band-minmax")
        svg.band(mid.map { p, cx in p.p50Ms.flatMap { lo in p.p95Ms.map { hi in (cx, y(lo), y(hi)) } } }, className: "band-p95")
        svg.polyline(mid.map { p, cx in p.p50Ms.map { (cx, y($0)) } }, className: "median")
        for p in periods where p.lost > 0 {
            svg.rect(x: x(p.start), y: bottom + 3, width: max(1.5, x(p.end) - x(p.start) - 0.5), height: lossBottom - bottom - 3,
                     className: LatencyChart.lossClass(p.lossPercent),
                     title: "\(TimeAxis.label(p.start / 1_000_000, step: 60, zone: zone)): \(p.lost) of \(p.sent) lost (\(SVG.number(p.lossPercent)) %)")
        }
        // Last, so that they are on top: a hover target per period with its numbers.
        for p in periods {
            svg.rect(x: x(p.start), y: top, width: x(p.end) - x(p.start), height: lossBottom - top, className: "hover",
                     title: LatencyChart.title(p, zone: zone))
        }
        return svg.document(label: label, className: "chart latency")
    }

    /// The y-axis: up to the largest p95 (else median, else maximum) with a little room.
    var axis: ValueAxis {
        let p95 = periods.compactMap { $0.p95Ms ?? $0.p50Ms }.max() ?? periods.compactMap(\.maxMs).max() ?? 1
        return ValueAxis(maximum: p95 * 1.15)
    }

    static func title(_ p: Period, zone: TimeAxis.Zone) -> String {
        func ms(_ v: Double?) -> String { v.map { SVG.number($0) + " ms" } ?? "–" }
        let from = TimeAxis.label(p.start / 1_000_000, step: 60, zone: zone), to = TimeAxis.label(p.end / 1_000_000, step: 60, zone: zone)
        guard p.sent > 0 else { return "\(from)–\(to): no probes" }
        return "\(from)–\(to): median \(ms(p.p50Ms)), p95 \(ms(p.p95Ms)), min \(ms(p.minMs)), max \(ms(p.maxMs)), "
            + "loss \(SVG.number(p.lossPercent)) % (\(p.lost) of \(p.sent))"
    }
}
