/// Availability bars (the overview, `/outages`, the reports): one bar per day, week or month,
/// its height the share of the time the internet was up, coloured by how good that is
/// (99.9 % or more, 99 % or more, less); a hover title with the down time in words.
public struct AvailabilityBars: Sendable {
    public struct Bar: Sendable, Equatable {
        /// What the bar is of, as an axis label: `Mar 3`, `week 10`, `March`.
        public var label: String
        /// µs the internet was up and down in it (time with no data counts in neither).
        public var upMicroseconds: Int64
        public var downMicroseconds: Int64
        public init(label: String, upMicroseconds: Int64, downMicroseconds: Int64) {
            self.label = label
            self.upMicroseconds = upMicroseconds
            self.downMicroseconds = downMicroseconds
        }

        /// Percent up, of the time known; nil with nothing known.
        public var percent: Double? { hundredths.map { Double($0) / 100 } }

        /// Percent up in hundredths, rounded half away from zero from the integer microseconds:
        /// the availability of the query layer (docs/views.md), digit for digit.
        public var hundredths: Int64? {
            let known = upMicroseconds + downMicroseconds
            guard known > 0 else { return nil }
            return (20_000 * Swift.max(0, upMicroseconds) + known) / (2 * known)
        }
    }

    public var bars: [Bar]
    public var label: String

    public init(bars: [Bar], label: String) {
        self.bars = bars
        self.label = label
    }

    public static func className(_ percent: Double?) -> String {
        guard let p = percent else { return "avail avail-none" }
        return p >= 99.9 ? "avail avail-good" : p >= 99 ? "avail avail-fair" : "avail avail-poor"
    }

    /// The bars rise from the axis's floor (90 % unless a bar is lower) so that 99.9 and 99 differ visibly.
    var floor: Double {
        let lowest = bars.compactMap(\.percent).min() ?? 100
        return lowest >= 90 ? 90 : Swift.max(0, (lowest / 10).rounded(.down) * 10)
    }

    public func svg(width: Double = 720, height: Double = 160) -> String {
        var svg = SVG(width: width, height: height)
        let left = 44.0, right = width - 8, top = 8.0, bottom = height - 24
        let lo = floor
        func y(_ p: Double) -> Double { bottom - (bottom - top) * (Swift.max(p, lo) - lo) / (100 - lo) }
        for p in [lo, lo + (100 - lo) / 2, 100] {
            svg.line(x1: left, y1: y(p), x2: right, y2: y(p), className: "grid")
            svg.text(SVG.number(p) + " %", x: left - 4, y: y(p) + 4, className: "axis", anchor: "end")
        }
        guard !bars.isEmpty else { return svg.document(label: label, className: "chart availability") }
        let slot = (right - left) / Double(bars.count)
        // Labels never overlap: apart by the longest one's width (about 6.2 units a character at
        // the axis's 11 units) and a gap, and at least 50 units.
        let widest = Double(bars.map(\.label.count).max() ?? 0) * 6.2 + 10
        let every = Swift.max(1, Int((Swift.max(50, widest) / slot).rounded(.up)))
        for (i, bar) in bars.enumerated() {
            let x = left + Double(i) * slot + slot * 0.15
            let p = bar.percent
            let title = "\(bar.label): " + (bar.hundredths.map { "\(AvailabilityBars.percentText(hundredths: $0)) up, \(Durations.length(bar.downMicroseconds)) down" } ?? "no data")
            let h = p.map { bottom - y($0) } ?? 0
            svg.rect(x: x, y: bottom - Swift.max(h, 1), width: slot * 0.7, height: Swift.max(h, 1), className: AvailabilityBars.className(p), title: title)
            if i % every == 0 { svg.text(bar.label, x: x + slot * 0.35, y: height - 6, className: "axis") }
        }
        return svg.document(label: label, className: "chart availability")
    }

    /// `99.88 %`: exactly two decimals, as the reports print it (so a day down for a few
    /// seconds can read `100.00 %`; its down time is in the same title).
    static func percentText(hundredths h: Int64) -> String {
        "\(h / 100)." + (h % 100 < 10 ? "0" : "") + String(h % 100) + " %"
    }
}
