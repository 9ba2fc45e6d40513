import FuzzSupport
import ISPMonMonitor

// The name cache's readers of /etc/resolv.conf and /etc/hosts (files other programs and people
// write) on any bytes, both on the same input: what they keep must be what the cache can use,
// numeric addresses and names in the form it looks them up by.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(Fuzz.input(data, size))
    let conf = ResolvConf.parse(bytes)
    Fuzz.require(conf.nameservers.count <= ResolvConf.maxServers, "\(conf.nameservers.count) nameservers")
    for s in conf.nameservers {
        Fuzz.require(Resolver.numeric(s, port: 53) != nil && !s.contains("\0"), "nameserver \(s.debugDescription) is not an address")
    }
    Fuzz.require(conf.servers.count == max(conf.nameservers.count, conf.nameservers.isEmpty ? ResolvConf.fallback.count : 0),
                 "a nameserver has no socket address")
    let hosts = HostsFile.parse(bytes)
    for (name, addresses) in hosts.addresses {
        Fuzz.require(!name.isEmpty && name == name.lowercased() && !name.hasSuffix(".") && !name.contains("\0"),
                     "name \(name.debugDescription) is not in lookup form")
        Fuzz.require(!addresses.isEmpty && Set(addresses).count == addresses.count, "\(name): addresses \(addresses)")
        Fuzz.require(hosts.lookup(name) == addresses, "\(name) does not look up as read")
        for a in addresses {
            Fuzz.require(Resolver.numeric(a, port: nil) != nil && !a.contains("\0"), "address \(a.debugDescription) is not an address")
        }
    }
    return 0
}

@_cdecl("FuzzResolverFiles_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    Fuzz.runDriver(argc, argv, fuzz)
}
