/// The path's hop diagram (web.md `/path`): the hops of a path discovery top to bottom (a
/// column reads on a phone as well as on a laptop), each with its TTL, the address that
/// answered and its RTT, a hop that did not answer shown as such, the roles ispmon gave
/// (gateway, ISP hop) named beside their hops.
public struct HopDiagram: Sendable {
    public struct Hop: Sendable, Equatable {
        public var ttl: Int
        public var address: String?
        public var rttMs: Double?
        /// What ispmon calls this hop, if anything: `the router`, `the ISP's first hop`.
        public var role: String?
        public init(ttl: Int, address: String?, rttMs: Double?, role: String? = nil) {
            self.ttl = ttl
            self.address = address
            self.rttMs = rttMs
            self.role = role
        }
    }

    public var origin: String
    public var hops: [Hop]
    public var label: String

    public init(origin: String, hops: [Hop], label: String) {
        self.origin = origin
        self.hops = hops
        self.label = label
    }

    static let row = 34.0

    public func svg(width: Double = 360) -> String {
        let height = HopDiagram.row * Double(hops.count + 1) + 8
        var svg = SVG(width: width, height: height)
        let cx = 22.0
        func y(_ i: Int) -> Double { 16 + HopDiagram.row * Double(i) }
        svg.line(x1: cx, y1: y(0), x2: cx, y2: y(hops.count), className: "path")
        svg.element("circle", [("cx", SVG.number(cx)), ("cy", SVG.number(y(0))), ("r", "7"), ("class", "node node-origin")], title: origin)
        svg.text(origin, x: cx + 16, y: y(0) + 4, className: "hop", anchor: "start")
        for (i, hop) in hops.enumerated() {
            let answered = hop.address != nil
            let rtt = hop.rttMs.map { SVG.number($0) + " ms" }
            let words = "\(hop.ttl). " + (hop.address ?? "no answer") + (rtt.map { "  \($0)" } ?? "")
            svg.element("circle", [("cx", SVG.number(cx)), ("cy", SVG.number(y(i + 1))), ("r", "7"),
                                   ("class", answered ? "node node-hop" : "node node-silent")],
                        title: "TTL \(hop.ttl): " + (hop.address ?? "no answer") + (rtt.map { ", \($0)" } ?? ""))
            svg.text(words, x: cx + 16, y: y(i + 1) + 4, className: answered ? "hop" : "hop silent", anchor: "start")
            if let role = hop.role { svg.text(role, x: width - 6, y: y(i + 1) + 4, className: "hop role", anchor: "end") }
        }
        return svg.document(label: label, className: "chart hops")
    }
}
