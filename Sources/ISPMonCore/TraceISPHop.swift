extension Trace {
    /// The ISP's first hop on a path (views.md): the first hop past the home's router that
    /// answered, is not the router and not the destination itself. `gateway`: the router's
    /// address (nil: the first hop is the router); `destinationAddress`: the destination's address
    /// (the monitor knows it from its lookup; a reader of the log knows it only when the
    /// destination is an address, or takes the last hop that answered).
    public static func ispHop(_ hops: [Hop], gateway: String?, destinationAddress: String?) -> String? {
        let gatewayTTL = hops.first { $0.address != nil && $0.address == gateway }?.ttl ?? 1
        return hops.first { $0.ttl > gatewayTTL && $0.address != nil && $0.address != gateway && $0.address != destinationAddress }?.address
    }

    /// ``ispHop(_:gateway:destinationAddress:)`` of this trace as the log has it: the router is
    /// its first hop, the destination's address is the destination when it is one, else the last
    /// hop that answered. No lookup: the same answer on every machine, every time.
    public var ispHop: String? {
        let last = hops.last { $0.address != nil }?.address
        let destinationAddress = HostName.isNumericAddress(destination) ? destination : last
        return Trace.ispHop(hops, gateway: hops.first?.address, destinationAddress: destinationAddress)
    }
}
