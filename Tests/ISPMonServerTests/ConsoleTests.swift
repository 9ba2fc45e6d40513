import Logging
@testable import ISPMonServer
import Testing

/// What the settings page shows of the monitor: its log ring and its config, masked.
@Suite struct ConsoleTests {
    @Test func theRingKeepsTheNewestLinesNewestFirstAndFiltersByLevel() {
        let ring = LogRing(capacity: 3)
        for (i, level) in [Logger.Level.info, .warning, .debug, .error, .notice].enumerated() {
            ring.append(LogRing.Line(time: Int64(i), level: level, label: "ispmon", text: "line \(i)"))
        }
        #expect(ring.lines().map(\.text) == ["line 4", "line 3", "line 2"], "bounded: the oldest went")
        #expect(ring.lines(atLeast: .notice).map(\.text) == ["line 4", "line 3"])
        #expect(ring.lines(atLeast: .trace, limit: 1).map(\.text) == ["line 4"])
        #expect(LogRing.text("probe failed", ["target": "router", "error": "timeout", "hb.request.id": "7"]) == "probe failed error=timeout target=router")
        #expect(LogRing.text("log level set", ["hb.request.id": "7"]) == "log level set")
    }

    @Test func theShownConfigMasksPasswordsInURLsAndSecretKeys() {
        let text = """
            ship:
              postgres: postgresql://ispmon:hunter2@db.example.net:5432/ispmon
              password_file: /etc/ispmon/secrets/pg
            notify:
              - {name: a, kind: webhook, url: "https://user:pa:ss@hook.example.net/x", secret: s3cr3t}
              - name: b
                token: abc123
                url: https://ntfy.example.net/topic # mirror at http://u:p@192.0.2.9/
            """
        let shown = ShownConfig(path: "/etc/ispmon/ispmon.yaml", text: text).text
        for secret in ["hunter2", "pa:ss", "abc123", ":p@"] { #expect(!shown.contains(secret), "\(secret) masked:\n\(shown)") }
        #expect(shown.contains("postgresql://ispmon:•••@db.example.net:5432/ispmon"))
        #expect(shown.contains("password_file: /etc/ispmon/secrets/pg"), "a secret's file is no secret")
        #expect(shown.contains("    token: •••"))
        #expect(shown.contains("http://u:•••@192.0.2.9/"))
        #expect(shown.contains("url: https://ntfy.example.net/topic"))
    }
}
