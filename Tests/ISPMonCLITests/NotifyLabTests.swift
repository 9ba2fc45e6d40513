import Foundation
import TestSupport
import Testing

/// Notifications when the internet is down (docs/notify.md), end to end in the lab network
/// (tools/netlab): `ispmon run` on the lab's host with three webhook-style channels, one to a
/// receiver on the LAN (the router's LAN address) and two to receivers on the lab's "internet",
/// and a heartbeat to the internet. The ISP is cut: the LAN receiver hears of it during the
/// outage, the internet receivers nothing; after the restore each internet receiver gets exactly one
/// message, the recovery, with the cause and duration, saying that the notice was held back.
@Suite(.serialized) struct NotifyLabTests {
    @Test func theLANHearsDuringTheOutageTheInternetOnceAfterIt() throws {
        try LabTests.withLab { prefix, dir in
            let lan = try HTTPCatcher(dir, name: "lan", namespace: "\(prefix)-rtr", host: "192.0.2.1")
            defer { lan.stop() }
            let internet = try HTTPCatcher(dir, name: "internet", namespace: "\(prefix)-net", host: "203.0.113.10")
            defer { internet.stop() }
            try LabTests.netlab(prefix, ["config", "400ms"], output: dir.file("lab.yaml"))
            let lab = try String(contentsOfFile: dir.file("lab.yaml"), encoding: .utf8)
            try (lab + """

                site: lab
                notify:
                  - name: lan-hook
                    kind: webhook
                    url: \(lan.url)/hook
                  - name: phone
                    kind: ntfy
                    url: \(internet.url)/ntfy/lab
                  - name: cloud-hook
                    kind: webhook
                    url: \(internet.url)/hook
                heartbeat:
                  url: \(internet.url)/ping
                  interval: 1s

                """).write(toFile: dir.file("lab.yaml"), atomically: true, encoding: .utf8)
            let monitor = try LabTests.monitor(prefix, config: dir.file("lab.yaml"), data: dir.file("store"))
            defer { if monitor.isRunning { kill(monitor.processIdentifier, SIGKILL) } }

            // Up: the heartbeat pings the internet every second.
            #expect(wait(seconds: 20) { internet.requests("/ping").count >= 3 },
                    "heartbeats while up: \(internet.requests.count) requests")

            #expect(try LabTests.netlab(prefix, ["fault", "isp-down"]) == 0)
            let cut = Date()
            // The LAN receiver hears of the outage while it lasts.
            #expect(wait(seconds: 20) { lan.bodies("/hook").contains { $0.contains("\"trigger\":\"outage\"") } },
                    "the LAN receiver got the outage notice during the outage: \(lan.bodies("/hook"))")
            let pingsAtCut = internet.requests("/ping").count
            usleep(4_000_000)
            // Nothing reached the internet meanwhile: no message, no heartbeat (a ping in flight at the cut aside).
            #expect(internet.bodies("/hook").isEmpty && internet.bodies("/ntfy").isEmpty, "\(internet.requests.map(\.path))")
            #expect(internet.requests("/ping").count <= pingsAtCut + 1)
            #expect(try LabTests.netlab(prefix, ["restore", "isp-down"]) == 0)
            let outageSeconds = Date().timeIntervalSince(cut)

            // After the restore: one recovery per internet channel (retries back off up to 20 s here).
            #expect(wait(seconds: 60) { internet.bodies("/hook").count >= 1 && internet.bodies("/ntfy").count >= 1 },
                    "the internet receivers got the recovery: \(internet.requests.map(\.path))")
            usleep(3_000_000)
            let hooks = internet.bodies("/hook"), ntfy = internet.bodies("/ntfy")
            #expect(hooks.count == 1 && ntfy.count == 1, "exactly one message each: \(hooks) \(ntfy)")
            let hook = (try? JSONSerialization.jsonObject(with: Data((hooks.first ?? "").utf8))) as? [String: Any] ?? [:]
            #expect(hook["trigger"] as? String == "recovery")
            let text = hook["text"] as? String ?? ""
            #expect(text.contains("held back") && text.contains("the ISP"), "cause and held-back notice in words: \(text)")
            let outage = hook["outage"] as? [String: Any] ?? [:]
            #expect(outage["cause"] as? String == "isp" && (outage["duration_s"] as? Double ?? 0) > 1
                    && (outage["duration_s"] as? Double ?? 0) < outageSeconds + 5, "\(outage)")
            #expect(ntfy.first?.contains("held back") == true, "\(ntfy)")
            // The LAN receiver got the outage and the recovery, one each, each with its own key.
            let lanTriggers = lan.bodies("/hook").compactMap {
                ((try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any])?["trigger"] as? String
            }
            #expect(lanTriggers == ["outage", "recovery"], "\(lanTriggers)")
            let keys = Set(lan.requests.compactMap { $0.headers["idempotency-key"] })
            #expect(keys.count == 2)
            // The heartbeat resumed.
            let pings = internet.requests("/ping").count
            #expect(wait(seconds: 10) { internet.requests("/ping").count > pings })

            kill(monitor.processIdentifier, SIGTERM)
            monitor.waitUntilExit()
            // The log is the outbox: every attempt is a notify event; each channel's last one for the outage is ok.
            let r = try CLI.run(["notify", "status", "--json"], data: dir.file("store"))
            #expect(r.status == 0, "\(r.stderr)")
        }
    }

    func wait(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(200_000)
        }
        return condition()
    }
}
