import Foundation
import ISPMonCore
import ISPMonQuery
import ISPMonStore
import Testing
import TestSupport

/// The pages over HTTP (docs/web.md), on a store with a day of faults: each is HTML from the
/// query layer's answers, carries the session's CSRF token, loads nothing from another host,
/// and shows stored text as text. (The browser tests drive them in Chromium.)
@Suite(.serialized) struct PagesTests {
    typealias Served = WebServeTests.Served

    static func outageIDs(_ store: String) throws -> [(id: String, cause: String)] {
        let out = try CLI.run(["outages", "--json"], data: store).out
        let list = (try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]]) ?? []
        return list.map { ($0["id"] as? String ?? "?", $0["cause"] as? String ?? "?") }
    }

    @Test func everyPageIsHTMLWithItsTokenAndNothingFromElsewhere() throws {
        let s = try Served()
        guard let (cookie, csrf) = s.signIn() else { Issue.record("sign-in failed"); return }
        let ids = try Self.outageIDs(s.store)
        #expect(!ids.isEmpty)
        for path in ["/", "/outages", "/outages/\(ids[0].id)", "/outages?since=30d"] {
            let r = s.client.get(path, headers: [("Cookie", cookie)])
            #expect(r?.status == 200, "\(path): \(r?.status ?? 0)")
            #expect(r?.header("Content-Type") == "text/html; charset=utf-8")
            let html = r?.text ?? ""
            #expect(html.contains("<meta name=\"csrf-token\" content=\"\(csrf)\">"), "\(path) carries the session's CSRF token")
            // No script but ispmon's own file, no inline style or handler, nothing from another host.
            #expect(html.components(separatedBy: "<script").count == 2 && html.contains("<script src=\"/static/app.js"), "\(path)")
            #expect(!html.contains("style=") && !html.contains(" onclick") && !html.contains(" onload"), "\(path)")
            for attribute in ["src=\"", "href=\"", "action=\""] {
                for value in html.components(separatedBy: attribute).dropFirst().map({ String($0.prefix { $0 != "\"" }) }) {
                    #expect(value.hasPrefix("/") || value.hasPrefix("#") || value.hasPrefix("?"), "\(path): \(attribute)\(value) is not ispmon's own")
                }
            }
        }
        for (path, type) in [("/static/app.css", "text/css; charset=utf-8"), ("/static/app.js", "text/javascript; charset=utf-8"),
                             ("/favicon.ico", "image/svg+xml")] {
            let r = s.client.get(path)
            #expect(r?.status == 200 && r?.header("Content-Type") == type, "\(path) needs no sign-in and is served by ispmon")
        }
        // The overview's path starts at this machine's link (the faults' store watches eth0).
        let overview = s.client.get("/", headers: [("Cookie", cookie)])?.text ?? ""
        let path = overview.components(separatedBy: "<ol class=\"path\">\n").dropFirst().first ?? ""
        #expect(path.hasPrefix("<li class=\"node state-unknown\"><a href=\"/events?type=link\"><span class=\"role\">link</span> <span class=\"name\">eth0</span>"),
                "the store ends with the monitor stopped: its link is unknown: \(path.prefix(300))")
        #expect(s.client.get("/")?.status == 303, "a page without a session redirects to /login")
    }

    /// A value a page does not have is left out, never shown as the word "nil": the sign-in page
    /// without an error, an outage under way without an end.
    @Test func noPageShowsAMissingValueAsNil() throws {
        let s = try Served()
        let login = s.client.get("/login")
        #expect(login?.status == 200 && login?.text.contains("<button type=\"submit\">Sign in</button>") == true)
        #expect(login?.text.contains("nil") == false && login?.text.contains("role=\"alert\"") == false, "\(login?.text ?? "")")
        let wrong = s.client.request("POST", "/login", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("password=guess".utf8))
        #expect(wrong?.status == 401 && wrong?.text.contains("<p class=\"error\" role=\"alert\">Wrong password.</p>") == true)

        // An outage under way, after the store's day: the internet hosts fail while the router answers.
        let start: Int64 = 1_780_272_000_000_000  // 2026-06-01T00:00:00Z
        let events = (0..<6).flatMap { i -> [Event] in
            let t = start + Int64(i) * 10_000_000
            return [Event(time: Timestamp(microseconds: t), body: .probe(Probe(target: "router", role: .gateway, method: .icmp, outcome: .ok(rtt: 400))))]
                + ["one-one", "quad-nine", "web"].map { host in
                    Event(time: Timestamp(microseconds: t + 1), body: .probe(Probe(target: host, role: .internet, method: .icmp,
                                                                                   outcome: i < 2 ? .ok(rtt: 9_000) : .failed(error: "timeout"))))
                }
        }
        #expect(try CLI.run(["import", "-"], stdin: ndjson(events), data: s.store).status == 0)
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        let open = try Self.outageIDs(s.store).last?.id ?? "?"
        let page = s.client.get("/outages/\(open)", headers: [("Cookie", cookie)])?.text ?? ""
        #expect(page.contains("<dt>End</dt><dd>under way</dd>"), "\(open): \(page.prefix(2000))")
        for path in ["/", "/outages", "/outages/\(open)", "/events", "/latency", "/speedtests", "/path", "/settings", "/tools"] {
            let html = s.client.get(path, headers: [("Cookie", cookie)])?.text ?? ""
            #expect(!html.isEmpty && !html.contains("nil"), "\(path) shows nil")
        }
    }

    /// Freshness first (web.md): while no monitor holds the store, or its newest result is older
    /// than three probe intervals, the overview's and the public page's big states are grey "Not
    /// monitoring since" the newest result, not Up or Down.
    @Test func theStateIsNotMonitoringUnlessAMonitorHoldsTheStoreWithFreshResults() throws {
        func bigStates(_ html: String) -> [String] {
            html.components(separatedBy: "<div class=\"big ").dropFirst().map { $0.components(separatedBy: "</div>")[0] }
        }
        let s = try Served(config: "web: {public_status: true}\n")
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        var options = EventStore.Options()
        options.create = false
        let status = try Queries(store: try EventStore(directory: s.store, options: options)).status()
        let last = try #require(status.lastResult)
        #expect(status.connectivity == .up && status.monitor == .stopped)
        let grey = "state-unmonitored\"><span class=\"label\">Internet</span> <strong>Not monitoring</strong> <small>since \(LocalTime.format(last))</small>"
        let overview = s.client.get("/", headers: [("Cookie", cookie)])?.text ?? ""
        #expect(bigStates(overview).count == 2 && bigStates(overview)[0] == grey, "no monitor: \(bigStates(overview))")
        #expect(bigStates(overview).allSatisfy { $0.hasPrefix("state-unmonitored") && !$0.contains("Up") })
        #expect(bigStates(s.client.get("/status")?.text ?? "").first == grey, "the public page too")
        // The page reloads when the stream's status differs from what it shows: the monitor is part of it.
        #expect(overview.contains("data-shown=\"up up - stopped\""))
        #expect(!overview.contains("freshness"), "not monitored: the grey state says since when, no age")

        // A monitor holds the store (here the test, by its lock): the state is the log's.
        do {
            let lock = try MonitorLock(directory: s.store)
            let held = s.client.get("/", headers: [("Cookie", cookie)])?.text ?? ""
            #expect(bigStates(held).first?.hasPrefix("state-up\"><span class=\"label\">Internet</span> <strong>Up</strong>") == true, "\(bigStates(held))")
            #expect(held.contains("data-shown=\"up up - running\""))
            // Freshness first: how old the newest result is, which app.js counts on from.
            #expect(held.contains("<p class=\"activity freshness\" data-last-result=\"\(last / 1000)\" data-server-now=\""), "\(held)")
            #expect(held.contains("Last result <span data-live=\"ago\">"))
            _ = consume lock
        }

        // With probes every 10 s configured, a result months old is stale, monitor or not.
        let probing = try Served(config: "targets:\n  - {name: router, role: gateway, method: icmp, host: 192.0.2.1, interval: 10s}\n")
        guard let (cookie2, _) = probing.signIn() else { Issue.record("sign-in failed"); return }
        let lock = try MonitorLock(directory: probing.store)
        let stale = probing.client.get("/", headers: [("Cookie", cookie2)])?.text ?? ""
        #expect(bigStates(stale).first?.hasPrefix("state-unmonitored\"><span class=\"label\">Internet</span> <strong>Not monitoring</strong>") == true,
                "\(bigStates(stale))")
        _ = consume lock
    }

    /// An error on a page is a page, its message escaped; the API's errors stay JSON.
    @Test func aPagesErrorIsAPage() throws {
        let s = try Served()
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        let missing = s.client.get("/outages/c-'&x", headers: [("Cookie", cookie)])
        #expect(missing?.status == 404 && missing?.header("Content-Type") == "text/html; charset=utf-8")
        #expect(missing?.text.contains("no outage c-&#39;&amp;x") == true, "escaped: \(missing?.text ?? "")")
        let unknown = s.client.get("/events?nope=1", headers: [("Cookie", cookie)])
        #expect(unknown?.status == 400 && unknown?.text.contains("nope") == true && unknown?.header("Content-Type") == "text/html; charset=utf-8")
        let api = s.client.get("/api/v1/outages/c-nope", headers: [("Cookie", cookie)])
        #expect(api?.status == 404 && api?.header("Content-Type") == "application/json")
    }

    @Test func theOutagesPageListsEveryOutageWithItsCauseInWords() throws {
        let s = try Served()
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        let ids = try Self.outageIDs(s.store)
        let html = s.client.get("/outages", headers: [("Cookie", cookie)])?.text ?? ""
        for (id, _) in ids { #expect(html.contains("href=\"/outages/\(id)\""), "\(id) is listed") }
        // Each with its id as text (people quote it to the ISP; `ispmon note` takes it), in its own column.
        #expect(html.contains("<th>Cause</th><th>Id</th></tr>"))
        for (id, _) in ids { #expect(html.contains("<td class=\"id\">\(id)</td></tr>"), "\(id) is shown") }
        #expect(html.contains("\(ids.count) outages."))
        #expect(html.contains("the router") && html.contains("the ISP (beyond the router)"), "the CLI's words for causes")
        // Kind and cause narrow the list: exactly the CLI's outages of that kind or cause.
        let all = try JSONSerialization.jsonObject(with: Data(try CLI.run(["outages", "--json"], data: s.store).out.utf8)) as? [[String: Any]] ?? []
        for (query, keep) in [("kind=dns", { (o: [String: Any]) in o["kind"] as? String == "dns" }),
                              ("cause=gateway", { (o: [String: Any]) in o["cause"] as? String == "gateway" }),
                              ("kind=connectivity&cause=dns", { (_: [String: Any]) in false })] {
            let page = s.client.get("/outages?\(query)", headers: [("Cookie", cookie)])?.text ?? ""
            let shown = all.filter { page.contains("href=\"/outages/\($0["id"] as? String ?? "?")\"") }.map { $0["id"] as? String ?? "" }
            let expected = all.filter(keep).map { $0["id"] as? String ?? "" }
            #expect(shown == expected && page.contains("\(expected.count) outage"), "\(query): \(shown) vs \(expected)")
        }
        #expect(s.client.get("/outages?cause=cosmic", headers: [("Cookie", cookie)])?.status == 400)
        let bad = s.client.get("/outages?since=yesterday", headers: [("Cookie", cookie)])
        #expect(bad?.status == 400 && bad?.text.contains("since: ") == true, "a bad filter is said on the page")
    }

    /// 150 short outages: the list shows 100 a page, newest first, with links between the pages.
    @Test func theOutagesListPagesByAHundred() throws {
        let s = try Served()
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        let t0: Int64 = 1_780_000_000_000_000
        // A restart first: the store's own targets are unknown from then on, so each outage is this target's.
        var events = [Event(time: Timestamp(microseconds: t0 - 2_000_000), body: .monitor(MonitorState(state: .stopped))),
                      Event(time: Timestamp(microseconds: t0 - 1_000_000), body: .monitor(MonitorState(state: .started)))]
        for i in 0..<150 {
            let t = t0 + Int64(i) * 60_000_000
            for k in 0..<4 {
                events.append(Event(time: Timestamp(microseconds: t + Int64(k) * 1_000_000), body: .probe(Probe(
                    target: "paging", role: .internet, method: .tcp, outcome: k < 3 ? .failed(error: "timeout") : .ok(rtt: 900)))))
            }
        }
        #expect(try CLI.run(["import", "-"], stdin: ndjson(events), data: s.store).status == 0)
        let ids = try Self.outageIDs(s.store).map(\.id).filter { $0.hasPrefix("c-202605") }
        #expect(ids.count == 150)
        let first = s.client.get("/outages?since=2026-05-28T00:00:00Z", headers: [("Cookie", cookie)])?.text ?? ""
        #expect(first.contains("150 outages, 1–100 shown."), "\(first.prefix(2000))")
        #expect(first.contains("href=\"/outages/\(ids[149])\"") && first.contains("href=\"/outages/\(ids[50])\"") && !first.contains("href=\"/outages/\(ids[49])\""))
        #expect(first.contains("href=\"/outages?page=2&amp;since=2026-05-28T00%3A00%3A00Z\">Older outages</a>") && !first.contains("Newer outages"))
        let second = s.client.get("/outages?page=2&since=2026-05-28T00%3A00%3A00Z", headers: [("Cookie", cookie)])?.text ?? ""
        #expect(second.contains("150 outages, 101–150 shown.") && second.contains("href=\"/outages/\(ids[0])\"") && !second.contains("href=\"/outages/\(ids[50])\""))
        #expect(second.contains("Newer outages") && !second.contains("Older outages"))
        #expect(s.client.get("/outages?page=0", headers: [("Cookie", cookie)])?.status == 400)
    }

    @Test func aNoteIsAddedFromTheOutagePageAndShownAsText() throws {
        let s = try Served()
        guard let (cookie, csrf) = s.signIn() else { Issue.record("sign-in failed"); return }
        let id = try Self.outageIDs(s.store)[0].id
        let note = "<script>alert(\"x\")</script> & <b>bold</b>"
        let form = "csrf=\(csrf)&text=" + (note.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        let headers = [("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded")]
        let without = s.client.request("POST", "/outages/\(id)/notes", headers: headers, body: Array("text=hello".utf8))
        #expect(without?.status == 403, "a form without the CSRF token is refused")
        let added = s.client.request("POST", "/outages/\(id)/notes", headers: headers, body: Array(form.utf8))
        #expect(added?.status == 303 && added?.header("Location") == "/outages/\(id)")
        let html = s.client.get("/outages/\(id)", headers: [("Cookie", cookie)])?.text ?? ""
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"), "the note, as text")
        #expect(!html.contains("<script>alert") && !html.contains("<b>bold"))
        // The explanation for people: local times (the API's keeps UTC).
        let explanation = html.components(separatedBy: "<p class=\"explanation\">").dropFirst().first.map { String($0.prefix { $0 != "<" }) } ?? ""
        let api = (s.client.get("/api/v1/outages/\(id)", headers: [("Cookie", cookie)])?.json as? [String: Any])?["explanation"] as? String ?? ""
        #expect(explanation.contains(" from 20") && !explanation.contains("Z ") && !explanation.contains("Z."), "\(explanation)")
        #expect(api.contains("Z to 20") && api.count > 40, "\(api)")
        // In every HTML answer: the overview and the outages list do not show notes; none runs it.
        for path in ["/", "/outages", "/login"] {
            let page = s.client.get(path, headers: [("Cookie", cookie)])?.text ?? ""
            #expect(!page.contains("<script>alert"), "\(path)")
        }
        let events = try CLI.run(["events", "--json", "--type", "note"], data: s.store).out
        #expect(events.contains("alert"), "the note is a note event in the log")
    }
}
