import ISPMonCore

/// Home Assistant's MQTT discovery (docs/notify.md): one retained config per entity at
/// `DISCOVERY/COMPONENT/ispmon_SITE/OBJECT/config`, which makes Home Assistant create the
/// entity, listening to ispmon's state topics. The documents are
/// Resources/home-assistant-discovery.ndjson, one entity a line, with `%SITE%`, `%TOPIC%`
/// (`PREFIX/SITE`) and `%VERSION%` filled in here.
public enum HomeAssistantDiscovery {
    /// The configs' topics and payloads for a site; empty if the resource were malformed (a test
    /// checks that it is not).
    public static func configs(site: String, topicPrefix: String, discoveryPrefix: String) -> [(topic: String, payload: [UInt8])] {
        let text = String(decoding: PackageResources.home_assistant_discovery_ndjson, as: UTF8.self)
        var out: [(topic: String, payload: [UInt8])] = []
        for line in text.split(separator: "\n") where !line.isEmpty {
            let filled = line.replacingAll("%SITE%", with: site)
                .replacingAll("%TOPIC%", with: topicPrefix + "/" + site)
                .replacingAll("%VERSION%", with: ISPMonVersion.current)
            let bytes = Array(filled.utf8)
            guard let value = try? bytes.withUnsafeBytes({ b throws(JSONSyntaxError) in try JSONParser.parse(b) }),
                  case .object(let members) = value,
                  case .string(let topic)? = members.first(where: { $0.0 == "topic" })?.1,
                  let config = members.first(where: { $0.0 == "config" })?.1 else { continue }
            var payload: [UInt8] = []
            write(config, to: &payload)
            out.append((discoveryPrefix + "/" + topic, payload))
        }
        return out
    }

    /// Compact JSON of a parsed value (numbers as written).
    static func write(_ v: JSONValue, to out: inout [UInt8]) {
        switch v {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(let n): out += Array(n.utf8)
        case .string(let s): JSONWriter.appendString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, (k, item)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(k, to: &out)
                out.append(UInt8(ascii: ":"))
                write(item, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

extension Substring {
    /// Every `target` replaced (without Foundation).
    func replacingAll(_ target: String, with replacement: String) -> Substring {
        Substring(split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement))
    }
}
