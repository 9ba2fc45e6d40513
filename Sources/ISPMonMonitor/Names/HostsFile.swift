import ISPMonCore

/// What the name cache reads of `/etc/hosts` (hosts(5)): each name's addresses, asked before any
/// resolver (as nsswitch's usual `hosts: files dns`). Foreign bytes: a line that is not an
/// address followed by names is skipped, never an error. Pure, so that it is fuzzed
/// (Fuzz/Sources/FuzzResolverFiles).
public struct HostsFile: Sendable, Equatable {
    /// Lower-case name (no trailing dot) → its addresses, in file order, without repeats.
    public var addresses: [String: [String]] = [:]

    public init() {}

    public static func parse(_ bytes: [UInt8]) -> HostsFile {
        var file = HostsFile()
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            let fields = HostsFile.fields(line)
            guard fields.count >= 2, Resolver.numeric(fields[0], port: nil) != nil else { continue }
            // Only names a target can have (config.md): `..` would otherwise be kept as `.`.
            for name in fields.dropFirst() where HostName.isValid(name) {
                let key = DNSMessage.normalized(name)
                if file.addresses[key, default: []].contains(fields[0]) { continue }
                file.addresses[key, default: []].append(fields[0])
            }
        }
        return file
    }

    /// The addresses the file gives `name` (any case, a trailing dot allowed); empty when none.
    public func lookup(_ name: String) -> [String] { addresses[DNSMessage.normalized(name)] ?? [] }

    /// A line's whitespace-separated fields before any comment (`#`; `;` too, which resolv.conf
    /// allows and no host name contains). Bytes that are not UTF-8 become U+FFFD, so such a
    /// field is never a valid address or name; a NUL separates too (else getaddrinfo would read
    /// `192.0.2.1<NUL>junk` as the address before the NUL).
    static func fields(_ line: ArraySlice<UInt8>) -> [String] {
        let content = line.prefix { $0 != UInt8(ascii: "#") && $0 != UInt8(ascii: ";") }
        return content.split { $0 == 0x20 || $0 == 0x09 || $0 == 0x00 || $0 == 0x0D || $0 == 0x0B || $0 == 0x0C }
            .map { String(decoding: $0, as: UTF8.self) }
    }
}
