/// Little helpers for the binary encodings: LEB128 varints, zigzag, fixed-width ints.
extension Array where Element == UInt8 {
    @inline(__always)
    public mutating func appendVarint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(v))
    }

    @inline(__always)
    public mutating func appendZigzag(_ v: Int64) { appendVarint(zigzag(v)) }

    public mutating func appendUInt64LE(_ v: UInt64) {
        for s in stride(from: 0, to: 64, by: 8) { append(UInt8(truncatingIfNeeded: v >> UInt64(s))) }
    }

    public mutating func appendLengthPrefixed(_ s: String) {
        appendVarint(UInt64(s.utf8.count))
        append(contentsOf: s.utf8)
    }
}

@inline(__always) public func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
@inline(__always) public func unzigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }

/// Why stored bytes could not be decoded. Carries no position: the caller names the record.
public struct CorruptData: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// A bounds-checked cursor over stored bytes: damaged input throws, never traps.
public struct ByteReader {
    public let bytes: UnsafeRawBufferPointer
    public var offset: Int

    public init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset >= bytes.count }

    @inline(__always)
    public mutating func byte() throws(CorruptData) -> UInt8 {
        guard offset < bytes.count else { throw CorruptData("truncated record") }
        defer { offset += 1 }
        return bytes[offset]
    }

    @inline(__always)
    public mutating func varint() throws(CorruptData) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            guard shift < 64 else { throw CorruptData("bad varint") }
        }
    }

    public mutating func zigzag() throws(CorruptData) -> Int64 { unzigzag(try varint()) }

    /// A varint that must be at most `limit` (guards allocations sized from stored data).
    public mutating func count(max limit: Int) throws(CorruptData) -> Int {
        let v = try varint()
        guard v <= UInt64(limit) else { throw CorruptData("implausible count \(v)") }
        return Int(v)
    }

    public mutating func uint32LE() throws(CorruptData) -> UInt32 {
        guard remaining >= 4 else { throw CorruptData("truncated record") }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[offset + i]) << UInt32(8 * i) }
        offset += 4
        return v
    }

    public mutating func uint64LE() throws(CorruptData) -> UInt64 {
        guard remaining >= 8 else { throw CorruptData("truncated record") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
        offset += 8
        return v
    }

    public mutating func slice(_ n: Int) throws(CorruptData) -> UnsafeRawBufferPointer {
        guard n >= 0, remaining >= n else { throw CorruptData("truncated record") }
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)])
    }

    public mutating func string(maxBytes: Int = 1 << 16) throws(CorruptData) -> String {
        let n = try count(max: maxBytes)
        let s = try slice(n)
        guard let str = String(validating: s, as: UTF8.self) else { throw CorruptData("string is not UTF-8") }
        return str
    }
}

/// `withUnsafeBytes` for code with typed `CorruptData` throws (the standard one rethrows `any Error`).
@inline(__always)
func withBytes<R>(_ a: [UInt8], _ body: (UnsafeRawBufferPointer) throws(CorruptData) -> R) throws(CorruptData) -> R {
    let result: Result<R, CorruptData> = a.withUnsafeBytes { b in
        do throws(CorruptData) { return .success(try body(b)) } catch { return .failure(error) }
    }
    return try result.get()
}
