public import ISPMonCore

extension Event {
    /// The event's NDJSON export line: what the fuzz targets compare events by, since it is
    /// exact to the bit where `==` is not (a NaN decoded from damaged bytes is not equal to itself).
    public var exportLine: [UInt8] {
        var out: [UInt8] = []
        EventJSON.append(self, seq: nil, to: &out)
        return out
    }
}
