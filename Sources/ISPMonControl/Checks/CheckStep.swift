public import ISPMonCore

/// One result of a check as it comes (a try's, or a hop's), for a page that shows them so.
public enum CheckStep: Sendable {
    case tried(Int, ProbeResult)
    case hop(Trace.Hop)
}
