import Foundation
import TestSupport
import Testing

/// `ispmon notify test CHANNEL` as a person runs it: the real binary, a config file, and the
/// notification tests' HTTP catcher (Tests/ISPMonNotifyTests/Receivers) on loopback.
/// Whether python3 is on PATH.

@Suite(.enabled(if: pythonOnPath, "python3 is not installed (the HTTP catcher is a python script)"))
struct NotifyCommandTests {
    @Test func sendsATestMessageAndPrintsTheAnswer() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try HTTPCatcher(dir)
        defer { catcher.stop() }
        let secret = dir.file("hook-secret")
        try Data("k\n".utf8).write(to: URL(fileURLWithPath: secret))
        let config = dir.file("ispmon.yaml")
        try Data("""
            site: home
            notify:
              - name: phone
                kind: ntfy
                url: http://127.0.0.1:\(catcher.port)/alerts
              - name: hook
                kind: webhook
                url: http://127.0.0.1:\(catcher.port)/status/500
                secret_file: \(secret)
              - name: broken
                kind: webhook
                url: http://127.0.0.1:\(catcher.port)/x
                secret_file: \(dir.file("absent"))
            """.utf8).write(to: URL(fileURLWithPath: config))

        let ok = try CLI.run(["notify", "test", "phone", "--config", config])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.out.hasPrefix("phone: delivered test/"))
        #expect(ok.out.contains("HTTP 200"))
        let r = try #require(catcher.requests.first)
        #expect(r.path == "/alerts")
        #expect(r.headers["idempotency-key"]?.hasPrefix("test/") == true)
        #expect(r.headers["title"] == "ispmon test message from home")

        let refused = try CLI.run(["notify", "test", "hook", "--config", config])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("notify channel 'hook': not delivered: http-status: HTTP 500"))
        #expect(!refused.stderr.contains("k\n") && refused.stderr.split(separator: "\n").count == 1)

        let unknown = try CLI.run(["notify", "test", "pager", "--config", config])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no notify channel 'pager' in the config (its channels: phone, hook, broken)"))

        let missing = try CLI.run(["notify", "test", "broken", "--config", config])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("notify channel 'broken': secret_file \(dir.file("absent")): No such file or directory"))
        #expect(catcher.requests.count == 2)
    }
}
