import ISPMonCore

/// The one writer of `GET /metrics` (docs/metrics.md): the Prometheus text
/// exposition format, version 0.0.4, from a ``MetricsAnswer``.
///
/// The same answer gives the same bytes: families in a fixed order, series sorted
/// (targets by name, outage pairs in path order), numbers written exactly (integers
/// as integers, seconds from integer microseconds, no locale, no exponent). No
/// sample carries a timestamp: Prometheus stamps a scrape with its own time, and
/// the views are as of now.
public enum PrometheusExposition {
    /// The `Content-Type` of the bytes ``text(_:)`` writes.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func text(_ m: MetricsAnswer) -> [UInt8] {
        var w = Writer()
        w.family("ispmon_connectivity_up", .gauge,
                 "Whether the internet answers: 1 up, 0 down (every internet reference host down); absent while unknown.")
        if let v = up(m.connectivity) { w.sample("ispmon_connectivity_up", [], v) }
        w.family("ispmon_dns_up", .gauge,
                 "Whether the DNS resolvers answer: 1 up, 0 down (every resolver down); absent while unknown.")
        if let v = up(m.dns) { w.sample("ispmon_dns_up", [], v) }

        w.family("ispmon_target_up", .gauge, "Whether the target answers: 1 up, 0 down; absent while the target is unknown.")
        for t in m.targets { if let v = up(t.state) { w.sample("ispmon_target_up", labels(t), v) } }
        w.family("ispmon_target_rtt_seconds", .gauge, "The round-trip time of the target's latest successful probe.")
        for t in m.targets { if let rtt = t.lastRTT { w.sample("ispmon_target_rtt_seconds", labels(t), seconds(rtt)) } }
        w.family("ispmon_probes_total", .counter, "Probes of the target recorded in the log, by result.")
        for t in m.targets {
            w.sample("ispmon_probes_total", labels(t) + [("result", "ok")], String(t.succeeded))
            w.sample("ispmon_probes_total", labels(t) + [("result", "error")], String(t.failed))
        }

        w.family("ispmon_outages_total", .counter, "Ended outages, by kind and cause.")
        for o in m.outageTotals { w.sample("ispmon_outages_total", outageLabels(o), String(o.count)) }
        w.family("ispmon_outage_seconds_total", .counter, "Total duration of the ended outages, by kind and cause.")
        for o in m.outageTotals { w.sample("ispmon_outage_seconds_total", outageLabels(o), seconds(o.duration)) }
        w.family("ispmon_outage_open", .gauge, "Whether an outage of the kind is open now: 1 or 0.")
        w.sample("ispmon_outage_open", [("kind", Outage.Kind.connectivity.rawValue)], m.connectivityOutageOpen ? "1" : "0")
        w.sample("ispmon_outage_open", [("kind", Outage.Kind.dns.rawValue)], m.dnsOutageOpen ? "1" : "0")

        w.family("ispmon_speedtest_download_bytes_per_second", .gauge, "The download rate of the latest successful speed test.")
        if let s = m.lastSpeedTest { w.sample("ispmon_speedtest_download_bytes_per_second", [], bytesPerSecond(s.down)) }
        w.family("ispmon_speedtest_upload_bytes_per_second", .gauge, "The upload rate of the latest successful speed test.")
        if let s = m.lastSpeedTest { w.sample("ispmon_speedtest_upload_bytes_per_second", [], bytesPerSecond(s.up)) }

        w.family("ispmon_events_total", .counter, "Events in the log: the sequence number of the newest one.")
        w.sample("ispmon_events_total", [], String(m.lastSeq))
        w.family("ispmon_store_bytes", .gauge, "Bytes of the store's files on disk.")
        w.sample("ispmon_store_bytes", [], String(m.storeBytes))
        return w.bytes
    }

    static func up(_ c: Projection.Condition) -> String? {
        switch c {
        case .unknown: nil
        case .up: "1"
        case .down: "0"
        }
    }

    static func labels(_ t: MetricsAnswer.Target) -> [(String, String)] {
        [("target", t.name), ("role", t.role.name), ("method", t.method.name)]
    }

    static func outageLabels(_ o: MetricsAnswer.OutageTotal) -> [(String, String)] {
        [("kind", o.kind.rawValue), ("cause", o.cause.rawValue)]
    }

    /// Integer microseconds as seconds, exactly: `0.000412`, `599.984787`, `4`, `-0.5`.
    /// Computed on integers, so no binary fraction shows up in the digits.
    static func seconds(_ us: Int64) -> String {
        let whole = us / 1_000_000, fraction = (us % 1_000_000).magnitude
        let sign = us < 0 && whole == 0 ? "-" : ""
        guard fraction != 0 else { return sign + String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return sign + String(whole) + "." + digits
    }

    /// Mbps as bytes per second (Prometheus's base unit; `× 125 000`), to the bit: the rates are
    /// recorded in decimal Mbps, and `× 10^6` in binary floating point can leave a stray fraction
    /// of a bit, so the whole bits are divided by 8 on integers (an eighth is three decimals).
    static func bytesPerSecond(_ mbps: Double) -> String {
        // Recorded rates are `0 <= value < 1e9` Mbps (docs/events.md): whole bits fit an Int64.
        let bits = Int64((min(max(mbps, 0), 1e9) * 1_000_000).rounded())
        let whole = bits / 8, eighths = bits % 8
        guard eighths != 0 else { return String(whole) }
        var digits = String(eighths * 125)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return String(whole) + "." + digits
    }

    enum Kind: String { case gauge, counter }

    struct Writer {
        var bytes: [UInt8] = []

        init() { bytes.reserveCapacity(16_384) }

        mutating func family(_ name: String, _ kind: Kind, _ help: String) {
            bytes += Array("# HELP \(name) ".utf8)
            // HELP text escapes only backslash and newline (the exposition format).
            for b in help.utf8 {
                switch b {
                case 0x5C: bytes += [0x5C, 0x5C]
                case 0x0A: bytes += [0x5C, 0x6E]
                default: bytes.append(b)
                }
            }
            bytes += Array("\n# TYPE \(name) \(kind.rawValue)\n".utf8)
        }

        mutating func sample(_ name: String, _ labels: [(String, String)], _ value: String) {
            bytes += Array(name.utf8)
            if !labels.isEmpty {
                bytes.append(0x7B)  // {
                for (i, (key, value)) in labels.enumerated() {
                    if i > 0 { bytes.append(0x2C) }
                    bytes += Array(key.utf8)
                    bytes += [0x3D, 0x22]  // ="
                    appendLabelValue(value)
                    bytes.append(0x22)
                }
                bytes.append(0x7D)  // }
            }
            bytes.append(0x20)
            bytes += Array(value.utf8)
            bytes.append(0x0A)
        }

        /// A label value escapes backslash, double quote and newline; everything else,
        /// UTF-8 included, goes as it is. Target names cannot hold these (events.md),
        /// but the form must not depend on every writer of the log checking that.
        mutating func appendLabelValue(_ v: String) {
            for b in v.utf8 {
                switch b {
                case 0x5C: bytes += [0x5C, 0x5C]
                case 0x22: bytes += [0x5C, 0x22]
                case 0x0A: bytes += [0x5C, 0x6E]
                default: bytes.append(b)
                }
            }
        }
    }
}
