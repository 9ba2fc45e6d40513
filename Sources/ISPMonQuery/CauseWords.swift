public import ISPMonCore

// The words every front end uses for causes and layers: a person reads the same
// diagnosis in the terminal, on the page and in a report.

extension Outage.Cause {
    public var inWords: String {
        switch self {
        case .local: "this machine's link (cable, Wi-Fi)"
        case .device: "a switch, access point or firewall"
        case .gateway: "the router"
        case .isp: "the ISP (beyond the router)"
        case .upstream: "beyond the ISP's edge"
        case .dns: "the DNS resolvers"
        case .unknown: "unknown (nothing on the path answered)"
        }
    }
}

extension Projection.Layer {
    /// What the targets of the layer are, for sentences: "the router did not answer".
    public var inWords: String {
        switch self {
        case .local: "this machine's link"
        case .device: "the local devices (switches, access points)"
        case .gateway: "the router"
        case .isp: "the ISP's first hop"
        case .internet: "the internet hosts"
        case .dns: "the DNS resolvers"
        }
    }
}
