import Foundation
import Hummingbird
import ISPMonCore
import ISPMonControl
import ISPMonQuery
import NIOCore

/// `/tools` (docs/web.md): the ad-hoc checks of `POST /api/v1/tools/{tool}` from a form. With
/// JavaScript the page asks the API for the streamed form and shows each try or hop as it
/// comes; without, the form posts to `/tools`, which runs the check and answers the page with
/// its results. The words of the rows are the same either way (app.js writes them alike).
enum ToolPage {
    static let labels: [(Check.Tool, String)] = [
        (.ping, "ping (ICMP echo)"), (.tcp, "TCP connect"), (.dns, "DNS lookup"), (.http, "HTTP get"),
        (.trace, "trace (path discovery)"), (.speedtest, "speed test (download and upload)"),
    ]

    struct Values {
        var host: String
        var port: String
        var query: String
        var url: String
        var count: String
        var tools: [Option]
        var error: String?
        var result: Result?
    }

    struct Result {
        var rows: [Row]
        var summary: String
        var ok: Bool
    }

    struct Row {
        var label: String
        var text: String
        var bad: Bool
    }

    static func values(form: [String: String], report: CheckReport?, error: String?) -> Values {
        Values(host: form["host"] ?? "", port: form["port"] ?? "", query: form["query"] ?? "", url: form["url"] ?? "", count: form["count"] ?? "",
               tools: labels.map { tool, label in Option(name: tool.rawValue, label: label, selected: tool.rawValue == (form["tool"] ?? "ping")) },
               error: error, result: report.map(result))
    }

    static func result(_ r: CheckReport) -> Result {
        var rows: [Row] = []
        if let f = r.failure { rows.append(Row(label: "could not run", text: f.error + (f.detail.isEmpty ? "" : " (\(f.detail))"), bad: true)) }
        for (i, t) in r.tries.enumerated() { rows.append(tryRow(i + 1, t)) }
        for hop in r.hops ?? [] { rows.append(hopRow(hop)) }
        if let s = r.speedTest {
            switch s.outcome {
            case let .ok(down, up):
                rows.append(Row(label: "download", text: NumberText.format(down, decimals: 1) + " Mb/s", bad: false))
                rows.append(Row(label: "upload", text: NumberText.format(up, decimals: 1) + " Mb/s", bad: false))
            case .failed(let error): rows.append(Row(label: "speed test", text: "failed: " + error, bad: true))
            }
        }
        var summary = (r.ok ? "ok" : "failed") + ": " + r.check.target + (r.address.map { " (\($0))" } ?? "")
        if !r.tries.isEmpty {
            let numbers = r.summary
            summary += ", sent \(numbers.sent), lost \(numbers.lost) (\(NumberText.format(numbers.lossPercent ?? 0, decimals: 1)) %)"
            if let lo = numbers.minMs, let avg = numbers.avgMs, let hi = numbers.maxMs {
                summary += ", min/avg/max \(ms(lo))/\(ms(avg))/\(ms(hi)) ms"
            }
        }
        return Result(rows: rows, summary: summary, ok: r.ok)
    }

    static func ms(_ v: Double) -> String { NumberText.format(v, decimals: 1) }

    static func tryRow(_ n: Int, _ t: ProbeResult) -> Row {
        switch t {
        case let .ok(rtt, detail):
            Row(label: "try \(n)", text: "ok, " + ms(Double(rtt) / 1000) + " ms" + (detail.map { " (\($0))" } ?? ""), bad: false)
        case let .failed(error, detail):
            Row(label: "try \(n)", text: error + (detail.map { " (\($0))" } ?? ""), bad: true)
        }
    }

    static func hopRow(_ h: Trace.Hop) -> Row {
        Row(label: "hop \(h.ttl)", text: h.address.map { $0 + (h.rtt.map { ", " + ms(Double($0) / 1000) + " ms" } ?? "") } ?? "no answer",
            bad: h.address == nil)
    }
}

/// `GET /tools` and the form's `POST /tools` (the page without JavaScript).
struct ToolPageRoutes {
    let runner: any AdHocChecks
    let running: RunningChecks
    let renderer: PageRenderer

    static let fields = ["tool", "host", "port", "query", "url", "count"]

    func add(to router: RouteTable) {
        router.get("tools") { request, context in
            _ = try QueryParameters(request, allowed: [])
            return renderer.page("tools", title: "Tools", values: ToolPage.values(form: [:], report: nil, error: nil), access: context.access)
        }
        router.post("tools") { request, context in
            let body = try await request.body.collect(upTo: WebServer.maxBody)
            let form = URLEncodedFields(String(buffer: body))
            var shown: [String: String] = [:]
            for name in Self.fields { shown[name] = form[name] ?? "" }
            let access = context.access
            func page(_ report: CheckReport?, _ error: String?) -> Response {
                renderer.page("tools", title: "Tools", values: ToolPage.values(form: shown, report: report, error: error),
                              access: access, status: error == nil ? .ok : .badRequest)
            }
            guard let tool = Check.Tool(rawValue: form["tool"] ?? "") else { return page(nil, "Choose a check.") }
            let check: Check
            do { check = try CheckBody.check(tool, body: body, form: true, ignoring: ["csrf", "tool"]) } catch let error as APIError {
                return page(nil, error.message)
            }
            let client = ToolRoutes.client(access)
            try running.claim(client)
            let report = try await ToolRoutes.onThread { [running, runner] in
                defer { running.release(client) }
                return runner.run(check)
            }
            return page(report, nil)
        }
    }
}
