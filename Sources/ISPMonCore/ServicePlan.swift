/// What the ISP sells (the config's `plan:`): the download and upload rates, and below
/// what share of them a successful speed test counts as `slow` (docs/reports.md).
public struct ServicePlan: Sendable, Equatable {
    public var downMbps: Double
    public var upMbps: Double
    /// A test whose download or upload is under this percentage of the plan is slow.
    public var belowPercent: Double
    /// This many slow or failed tests in a row are a `slow_speed` notification (docs/notify.md).
    public var slowAfter: Int

    public init(downMbps: Double, upMbps: Double, belowPercent: Double = 80, slowAfter: Int = 2) {
        self.downMbps = downMbps
        self.upMbps = upMbps
        self.belowPercent = belowPercent
        self.slowAfter = slowAfter
    }

    /// Whether a successful test with these rates is slow: either rate under `belowPercent` of the plan.
    public func isSlow(downMbps down: Double, upMbps up: Double) -> Bool {
        down < downMbps * belowPercent / 100 || up < upMbps * belowPercent / 100
    }
}

extension ServicePlan {
    /// A successful test against the plan: each rate as a percentage of the plan's, and whether
    /// that makes the test slow.
    public struct Share: Sendable, Hashable {
        public var downPercent: Double
        public var upPercent: Double
        public var slow: Bool
    }

    public func share(downMbps down: Double, upMbps up: Double) -> Share {
        Share(downPercent: down * 100 / downMbps, upPercent: up * 100 / upMbps, slow: isSlow(downMbps: down, upMbps: up))
    }
}
