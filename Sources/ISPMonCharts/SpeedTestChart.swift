/// Speed tests over time (web.md `/speedtests`, the reports): each test's download and upload
/// as points joined by lines, the plan's download and upload as dashed lines, tests under the
/// plan's threshold marked slow, failed tests as marks on the axis; hover titles with the numbers.
public struct SpeedTestChart: Sendable {
    public struct Test: Sendable, Equatable {
        public var time: Int64
        /// Mbps; nil for a failed test (then `error` says why).
        public var downMbps: Double?
        public var upMbps: Double?
        public var error: String?
        public init(time: Int64, downMbps: Double?, upMbps: Double?, error: String? = nil) {
            self.time = time
            self.downMbps = downMbps
            self.upMbps = upMbps
            self.error = error
        }
    }

    /// What the ISP sells (config `plan:`), and below what share of it a test is slow.
    public struct Plan: Sendable, Equatable {
        public var downMbps: Double
        public var upMbps: Double
        public var belowPercent: Double
        public init(downMbps: Double, upMbps: Double, belowPercent: Double) {
            self.downMbps = downMbps
            self.upMbps = upMbps
            self.belowPercent = belowPercent
        }
    }

    public var start: Int64
    public var end: Int64
    public var tests: [Test]
    public var plan: Plan?
    public var label: String
    public var zone: TimeAxis.Zone = .local

    public init(start: Int64, end: Int64, tests: [Test], plan: Plan?, label: String) {
        self.start = start
        self.end = end
        self.tests = tests
        self.plan = plan
        self.label = label
    }

    /// Whether a test's direction is under the plan's threshold.
    public func isSlow(_ mbps: Double?, planned: Double?) -> Bool {
        guard let mbps, let planned, let plan else { return false }
        return mbps < planned * plan.belowPercent / 100
    }

    /// `hover`: each test's numbers as a hover title (a phone has no hover: its drawing leaves
    /// them out when there are many tests).
    public func svg(width: Double = 720, height: Double = 240, hover: Bool = true) -> String {
        var svg = SVG(width: width, height: height)
        let left = 52.0, right = width - 8, top = 18.0, bottom = height - 36
        let time = TimeAxis(start: start, end: end, maxTicks: max(2, Int(width / 90)), zone: zone)
        let highest = (tests.flatMap { [$0.downMbps, $0.upMbps] }.compactMap { $0 } + [plan?.downMbps, plan?.upMbps].compactMap { $0 }).max() ?? 1
        let values = ValueAxis(maximum: highest * 1.1)
        func x(_ t: Int64) -> Double { time.x(min(max(t, start), end), from: left, to: right) }
        func y(_ v: Double) -> Double { values.y(v, from: bottom, to: top) }

        for v in values.ticks {
            svg.line(x1: left, y1: y(v), x2: right, y2: y(v), className: "grid")
            svg.text(ValueAxis.label(v), x: left - 4, y: y(v) + 4, className: "axis", anchor: "end")
        }
        svg.text("Mb/s", x: left - 4, y: 10, className: "axis unit", anchor: "end")
        for tick in time.ticks {
            svg.line(x1: x(tick.time), y1: top, x2: x(tick.time), y2: bottom, className: "grid")
            svg.tickLabel(tick.label, x: x(tick.time), y: height - 6, left: left, right: right)
        }
        if let plan {
            svg.line(x1: left, y1: y(plan.downMbps), x2: right, y2: y(plan.downMbps), className: "plan plan-down")
            svg.line(x1: left, y1: y(plan.upMbps), x2: right, y2: y(plan.upMbps), className: "plan plan-up")
        }
        let sorted = tests.sorted { $0.time < $1.time }
        svg.polyline(sorted.map { t in t.downMbps.map { (x(t.time), y($0)) } }, className: "series-down")
        svg.polyline(sorted.map { t in t.upMbps.map { (x(t.time), y($0)) } }, className: "series-up")
        // Many tests (more than one per 8 units of width): the lines carry them, slow ones keep
        // their mark, and each test gets one hover strip with its numbers instead of two points:
        // a month of tests every two hours stays a small page.
        let dense = sorted.count > Int(width / 8)
        let strip = (right - left) / Double(max(sorted.count, 1))
        for t in sorted {
            let when = TimeAxis.label(t.time / 1_000_000, step: 86400, zone: zone) + " " + Durations.clock(t.time, zone: zone)
            guard let down = t.downMbps, let up = t.upMbps else {
                svg.rect(x: x(t.time) - 2, y: bottom + 3, width: 4, height: 8, className: "failed",
                         title: "\(when): failed (\(t.error ?? "error"))")
                continue
            }
            let title = "\(when): download \(SVG.number(down)) Mb/s, upload \(SVG.number(up)) Mb/s"
            let slowText = " (slow: under \(SVG.number(plan?.belowPercent ?? 0)) % of the plan)"
            for (v, planned, series) in [(down, plan?.downMbps, "down"), (up, plan?.upMbps, "up")] {
                let slow = isSlow(v, planned: planned)
                if dense && !slow { continue }
                svg.element("circle", [("cx", SVG.number(x(t.time))), ("cy", SVG.number(y(v))), ("r", slow ? "4" : "3"),
                                       ("class", "point point-\(series)" + (slow ? " slow" : ""))],
                            title: dense ? nil : title + (slow ? slowText : ""))
            }
            if dense && hover {
                let slow = isSlow(down, planned: plan?.downMbps) || isSlow(up, planned: plan?.upMbps)
                svg.rect(x: x(t.time) - strip / 2, y: top, width: strip, height: bottom - top, className: "hover",
                         title: title + (slow ? slowText : ""))
            }
        }
        return svg.document(label: label, className: "chart speedtests")
    }
}
