public import ISPMonCore

/// The order of the path from this machine outwards (docs/web.md): its own link first, then
/// the device, the router, the ISP, the internet, DNS last. The overview's path and an outage's
/// timeline list what they show in this order, so a break reads from left to right.
public enum PathOrder {
    /// Role names in path order; `interface` (this machine's link) before any target.
    static let names = ["interface", "device", "gateway", "isp", "internet", "dns"]

    /// The place of a role (a target's role name or `interface`); unknown names last.
    public static func rank(_ role: String) -> Int { names.firstIndex(of: role) ?? names.count }

    public static func rank(_ role: Role) -> Int { rank(role.name) }
}
