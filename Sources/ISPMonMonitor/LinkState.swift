#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation

/// The local link: whether an interface is up (carrier and an address), and
/// which interface and gateway the default route uses.
public enum LinkState {
    /// Carrier up and an IPv4 or IPv6 address assigned (events.md `link`); false for a missing interface.
    public static func isUp(_ interface: String) -> Bool {
        guard let carrier = try? String(contentsOfFile: "/sys/class/net/\(interface)/carrier", encoding: .utf8),
              carrier.trimmingCharacters(in: .whitespacesAndNewlines) == "1" else { return false }
        return hasAddress(interface)
    }

    static func hasAddress(_ interface: String) -> Bool {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return false }
        defer { freeifaddrs(list) }
        var p = list
        while let entry = p {
            defer { p = entry.pointee.ifa_next }
            guard let name = entry.pointee.ifa_name, String(cString: name) == interface,
                  let addr = entry.pointee.ifa_addr else { continue }
            let family = Int32(addr.pointee.sa_family)
            if family == AF_INET || family == AF_INET6 { return true }
        }
        return false
    }

    /// The default route: its interface and gateway, from `/proc/net/route` (IPv4).
    public static func defaultRoute(table: String? = nil) -> (interface: String, gateway: String?)? {
        guard let text = table ?? (try? String(contentsOfFile: "/proc/net/route", encoding: .utf8)) else { return nil }
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard f.count >= 3, f[1] == "00000000", let gw = UInt32(f[2], radix: 16) else { continue }
            // The gateway is in network byte order, printed as a little-endian number.
            let gateway = gw == 0 ? nil : [gw & 0xFF, gw >> 8 & 0xFF, gw >> 16 & 0xFF, gw >> 24].map(String.init).joined(separator: ".")
            return (String(f[0]), gateway)
        }
        return nil
    }
}
