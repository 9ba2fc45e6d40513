// The keys of the log's records (`chunks` and `tail`): the big-endian sequence number of
// their first event, so that keys sort in log order and appends use `MDB_APPEND`.

@inline(__always)
func withKey<R>(_ seq: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    var be = seq.bigEndian
    return try withUnsafeBytes(of: &be, body)
}

@inline(__always)
func decodeKey(_ key: UnsafeRawBufferPointer) -> UInt64 {
    guard key.count == 8 else { return 0 }
    return key.loadUnaligned(as: UInt64.self).bigEndian
}
