/// What the ISP sells (the config's `plan:`): the download and upload rates, and below
/// what share of them a successful speed test counts as `slow` (docs/reports.md).
public struct ServicePlan: Sendable, Equatable {
    public var downMbps: Double
    public var upMbps: Double
    /// A test whose download or upload is under this percentage of the plan is slow.
    public var belowPercent: Double

    public init(downMbps: Double, upMbps: Double, belowPercent: Double = 80) {
        self.downMbps = downMbps
        self.upMbps = upMbps
        self.belowPercent = belowPercent
    }

    /// Whether a successful test with these rates is slow: either rate under `belowPercent` of the plan.
    public func isSlow(downMbps down: Double, upMbps up: Double) -> Bool {
        down < downMbps * belowPercent / 100 || up < upMbps * belowPercent / 100
    }
}
