/// The ticks of a value axis from 0: round numbers (1, 2 or 5 times a power of ten) up to a
/// top at or above the largest value, about `count` of them.
public struct ValueAxis: Sendable, Equatable {
    public var top: Double
    public var ticks: [Double]

    public init(maximum: Double, count: Int = 4) {
        let m = maximum.isFinite && maximum > 0 ? maximum : 1
        let raw = m / Double(max(1, count))
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? magnitude * 10
        let n = (m / step).rounded(.up)
        top = n * step
        // Rounded to the step's own precision: 3 × 0.1 is 0.30000000000000004.
        ticks = (0...Int(n)).map { (Double($0) * step * 1e9).rounded() / 1e9 }
    }

    /// Where `value` falls between `y0` (at 0) and `y1` (at the top), clamped to them.
    public func y(_ value: Double, from y0: Double, to y1: Double) -> Double {
        y0 + (y1 - y0) * min(max(value / top, 0), 1)
    }

    /// `5`, `2.5`, `0.25`: a tick's label.
    public static func label(_ v: Double) -> String { SVG.number(v) }
}
