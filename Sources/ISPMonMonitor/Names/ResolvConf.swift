/// What the name cache reads of `/etc/resolv.conf` (resolv.conf(5)): the resolvers of its
/// `nameserver` lines. The file is foreign bytes (written by DHCP clients, NetworkManager,
/// people), so anything that is not a `nameserver` line with a numeric address is skipped, never
/// an error. Pure, so that it is fuzzed (Fuzz/Sources/FuzzResolverFiles).
public struct ResolvConf: Sendable, Equatable {
    /// The resolvers' numeric addresses, in file order, at most `maxServers`.
    public var nameservers: [String] = []

    /// glibc's MAXNS: the C library asks no more than three, nor do we.
    public static let maxServers = 3

    /// With no `nameserver` line the C library asks the local host (resolv.conf(5)): so do we,
    /// so that a machine running its own resolver without saying so still resolves.
    public static let fallback = ["127.0.0.1"]

    public init(nameservers: [String] = []) { self.nameservers = nameservers }

    public static func parse(_ bytes: [UInt8]) -> ResolvConf {
        var conf = ResolvConf()
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            guard conf.nameservers.count < maxServers else { break }
            let fields = HostsFile.fields(line)
            // `#` and `;` start comments; the keyword is the first field, the address the second.
            guard fields.count >= 2, fields[0] == "nameserver" else { continue }
            let address = fields[1]
            guard Resolver.numeric(address, port: 53) != nil else { continue }
            conf.nameservers.append(address)
        }
        return conf
    }

    /// The servers to ask, on port 53: the file's, else the fallback.
    public var servers: [SocketAddress] {
        (nameservers.isEmpty ? ResolvConf.fallback : nameservers).compactMap { Resolver.numeric($0, port: 53) }
    }
}
