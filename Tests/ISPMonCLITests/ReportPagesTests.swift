import Foundation
import ISPMonCore
import Testing
import TestSupport

/// The web UI's report and evidence downloads give the files of `ispmon report` and `ispmon
/// evidence` (docs/reports.md), for this machine's zone (here UTC, set for the server).
@Suite struct ReportPagesTests {
    typealias Served = WebServeTests.Served

    @Test func theButtonsGiveTheCommandsFiles() throws {
        let s = try Served(environment: ["TZ": "UTC"], config: "site: lab\nplan: {down_mbps: 100, up_mbps: 20}\n")
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        let auth = [("Cookie", cookie)]
        try "site: lab\nplan: {down_mbps: 100, up_mbps: 20}\n".write(toFile: s.dir.file("cli.yaml"), atomically: true, encoding: .utf8)

        // The JSON form: the command's bytes for the same week and zone.
        let json = try #require(s.client.get("/report?week=2026-W09&format=json", headers: auth))
        #expect(json.status == 200 && json.header("Content-Disposition") == "attachment; filename=\"ispmon-lab-2026-W09.json\"")
        let cli = try CLI.run(["report", "--format", "json", "--week", "2026-W09", "--tz", "UTC", "--config", s.dir.file("cli.yaml")], data: s.store)
        #expect(cli.status == 0 && json.body == Array(cli.stdout), "\(json.text)\n\(cli.out)")
        #expect(json.text.contains("\"id\":\"c-2026"), "the day of faults is in that week")

        // The PDF: a PDF, named for the site and the period, never cached.
        let pdf = try #require(s.client.get("/report?month=2026-03", headers: auth))
        #expect(pdf.status == 200 && pdf.header("Content-Type") == "application/pdf" && pdf.body.starts(with: Array("%PDF-".utf8)))
        #expect(pdf.header("Content-Disposition") == "attachment; filename=\"ispmon-lab-2026-03.pdf\"" && pdf.header("Cache-Control") == "no-store")
        #expect(s.client.get("/report?week=2026-W99", headers: auth)?.status == 400)
        #expect(s.client.get("/report?week=2026-W09&month=2026-03", headers: auth)?.status == 400)
        #expect(s.client.get("/report?week=2026-W09")?.status == 303, "behind the sign-in")

        // The pages link to them; the outage page to its evidence, which is the command's zip.
        let tests = s.client.get("/speedtests", headers: auth)?.text ?? ""
        #expect(tests.contains("href=\"/report?week=") && tests.contains("href=\"/report?month="))
        let list = s.client.get("/outages", headers: auth)?.text ?? ""
        #expect(list.contains("class=\"ranges reports\""))
        let outages = try CLI.run(["outages", "--json"], data: s.store)
        let id = try #require(((try JSONSerialization.jsonObject(with: outages.stdout) as? [[String: Any]])?.first?["id"] as? String))
        let page = s.client.get("/outages/\(id)", headers: auth)?.text ?? ""
        #expect(page.contains("href=\"/outages/\(id)/evidence\""))
        let zip = try #require(s.client.get("/outages/\(id)/evidence", headers: auth))
        #expect(zip.status == 200 && zip.header("Content-Type") == "application/zip")
        let file = s.dir.file("cli.zip")
        #expect(try CLI.run(["evidence", id, "--output", file, "--tz", "UTC", "--config", s.dir.file("cli.yaml")], data: s.store).status == 0)
        #expect(zip.body == Array(try Data(contentsOf: URL(fileURLWithPath: file))), "the same zip, byte for byte")
        #expect(s.client.get("/outages/c-nope/evidence", headers: auth)?.status == 404)
    }
}
