public import ISPMonCore
import ISPMonConfig
public import ISPMonQuery
public import ISPMonReport
public import ISPMonStore

/// A due notification in words (docs/notify.md), from the query layer's answers: the outage's
/// cause in words, its culprits and duration, the outage as one element of `ispmon outages
/// --json`, the speed test as one of `ispmon speedtests --json`. Words are chosen when the message
/// is sent, so a recovery says what the views know by then.
public struct MessageComposer: Sendable {
    public var site: String
    /// The web UI's address (`web.public_url`), for links to the outage page; nil: no links.
    public var publicURL: String?
    public var plan: ServicePlan?
    /// The zone and paper of the weekly and monthly reports.
    public var reportZone = CalendarPeriods.Zone.local
    public var paper = ReportPDF.Paper.a4
    let queries: Queries
    let store: EventStore

    public init(site: String, publicURL: String?, plan: ServicePlan?, store: EventStore) {
        self.site = site
        self.publicURL = publicURL
        self.plan = plan
        self.store = store
        queries = Queries(store: store)
    }

    /// The message for `due`; `heldBackOutage`: a recovery whose outage notice never went out;
    /// `suppressed`: outage notices flap control held back since the channel's last message.
    public func compose(_ due: DueNotification, heldBackOutage: Bool, suppressed: Int) throws -> Notification {
        var n: Notification
        switch due.trigger {
        case .outage, .recovery:
            let outage = try due.outage.flatMap { id in try queries.outages().first { $0.id == id } }
            n = MessageComposer.outageMessage(due, outage: outage, site: site, heldBackOutage: heldBackOutage)
            n.outageJSON = outage.map { String(decoding: JSONForms.outage($0), as: UTF8.self) }
            n.link = publicURL.flatMap { url in due.outage.map { url + "/outages/" + $0 } }
        case .slowSpeed:
            var record: (time: Int64, test: SpeedTest)?
            if let seq = UInt64(due.key.dropFirst("speedtest/".count)), let e = try store.event(at: seq),
               case .speedtest(let test) = e.body {
                record = (e.time.microseconds, test)
            }
            n = MessageComposer.slowSpeedMessage(due, test: record?.test, plan: plan, site: site)
            n.speedtestJSON = record.map { String(decoding: JSONForms.speedTest($0.test, time: $0.time), as: UTF8.self) }
        case .monitor:
            n = MessageComposer.monitorMessage(due, site: site)
        case .report:
            n = try reportMessage(due)
        }
        n.state = try? siteState()
        if suppressed > 0 {
            n.text += "\n\(suppressed) more outage notice\(suppressed == 1 ? " was" : "s were") held back by flap control (min_interval) since the last message."
        }
        return n
    }

    /// The site's state after the notification, for the channels that show state (mqtt): the
    /// internet's and DNS's condition now, the open outage or else the last one, the last speed test.
    func siteState() throws -> SiteState {
        let status = try queries.status()
        let outage = try status.openOutage ?? queries.outages().last
        var lastTest: String?
        if case .tests(let tests) = try queries.speedTests(), let newest = tests.first {
            lastTest = String(decoding: JSONForms.speedTest(newest.test, time: newest.time), as: UTF8.self)
        }
        return SiteState(connectivityUp: status.connectivity != .down, dnsUp: status.dns != .down,
                         outageJSON: outage.map { String(decoding: JSONForms.outage($0), as: UTF8.self) }, speedtestJSON: lastTest)
    }

    /// The week's or month's report (`ispmon report`'s PDF, in the notifier's zone), attached.
    func reportMessage(_ due: DueNotification) throws -> Notification {
        guard let period = due.report else { throw ReportMissing() }
        let zone = reportZone
        let report = try queries.report(ReportQuery(period: PeriodQuery(start: period.start, end: period.end, zone: zone, plan: plan),
                                                    site: site, made: due.time.microseconds))
        let pdf = try ReportPDF.make(report, periodName: period.label, paper: paper)
        let availability = report.snapshot.availability?.connectivityPercent.map { "\($0) %" } ?? "nothing monitored"
        let outages = report.snapshot.outages.filter { $0.kind == .connectivity }.count
        let what = period.cadence == .weekly ? "week" : "month"
        return Notification(key: due.key, site: site, trigger: .report, time: due.time,
                            title: "ispmon report \(site) \(period.label)",
                            text: "The \(what) \(period.label) at \(site) (times in \(zone)): internet availability \(availability) of the monitored time, "
                                + "\(outages) internet outage\(outages == 1 ? "" : "s"). The report is attached (ispmon report --\(what == "week" ? "week" : "month") \(period.label)).",
                            priority: 2, tags: ["report"],
                            attachments: [.init(filename: "ispmon-\(site)-\(period.label).pdf", contentType: "application/pdf", bytes: pdf)])
    }

    struct ReportMissing: Error {}

    // MARK: The words, pure

    public static func outageMessage(_ due: DueNotification, outage: Outage?, site: String, heldBackOutage: Bool) -> Notification {
        let kind = outage?.kind == .dns || due.outage?.hasPrefix("d-") == true ? "DNS" : "Internet"
        let cause = outage.map { " (cause: \($0.cause.rawValue))" } ?? ""
        var lines: [String] = []
        let start = outage.map { Timestamp(microseconds: $0.start) } ?? DueNotification.start(ofOutage: due.outage ?? "") ?? due.time
        if due.trigger == .outage {
            lines.append("\(kind) down at \(site) since \(start).")
        } else {
            let end = outage?.end.map(Timestamp.init(microseconds:)) ?? due.time
            let duration = outage?.duration ?? (end.microseconds - start.microseconds)
            lines.append("\(kind) back up at \(site) at \(end), after \(NumberText.duration(duration)) down (since \(start)).")
        }
        if let o = outage {
            lines.append("Cause: \(o.cause.inWords).")
            if !o.culprits.isEmpty { lines.append("Culprits: \(o.culprits.joined(separator: ", ")).") }
        }
        if heldBackOutage {
            lines.append("The outage notice was held back by the outage itself: this is the first message about it.")
        }
        if let id = due.outage { lines.append("Outage \(id).") }
        let title = due.trigger == .outage ? "\(kind) down at \(site)\(cause)" : "\(kind) back at \(site)\(cause)"
        return Notification(key: due.key, site: site, trigger: due.trigger, time: due.time, title: title,
                            text: lines.joined(separator: "\n"), priority: due.trigger == .outage ? 4 : 3,
                            tags: due.trigger == .outage ? ["warning", "outage"] : ["white_check_mark", "recovery"])
    }

    public static func slowSpeedMessage(_ due: DueNotification, test: SpeedTest?, plan: ServicePlan?, site: String) -> Notification {
        let n = due.inARow ?? plan?.slowAfter ?? 1
        var lines = ["\(n) speed test\(n == 1 ? "" : "s") in a row slow or failed at \(site)."]
        switch test?.outcome {
        case .ok(let down, let up)?:
            var line = "Last: \(NumberText.format(down, decimals: 1)) / \(NumberText.format(up, decimals: 1)) Mb/s"
            if let plan {
                let share = plan.share(downMbps: down, upMbps: up)
                line += " of \(NumberText.format(plan.downMbps, decimals: 1)) / \(NumberText.format(plan.upMbps, decimals: 1)) Mb/s"
                    + " (\(NumberText.format(share.downPercent, decimals: 0)) % / \(NumberText.format(share.upPercent, decimals: 0)) %,"
                    + " slow below \(NumberText.format(plan.belowPercent, decimals: 0)) %)"
            }
            lines.append(line + ".")
        case .failed(let error)?:
            lines.append("Last: failed (\(error)).")
        case nil:
            break
        }
        if let server = test?.server { lines.append("Server: \(server).") }
        return Notification(key: due.key, site: site, trigger: .slowSpeed, time: due.time, title: "Slow internet at \(site)",
                            text: lines.joined(separator: "\n"), priority: 3, tags: ["turtle", "slow_speed"])
    }

    public static func monitorMessage(_ due: DueNotification, site: String) -> Notification {
        let title: String
        let text: String
        if due.stopped {
            title = "ispmon stopped at \(site)"
            text = "The monitor at \(site) stopped at \(due.time): nothing is watched until it starts again."
        } else {
            title = "ispmon restarted at \(site) after an unclean stop"
            let gap = due.unmonitored.map { " Unmonitored for \(NumberText.duration($0)) before this start." } ?? ""
            text = "The monitor at \(site) started at \(due.time) after an unclean stop (a crash or a power cut).\(gap)"
        }
        return Notification(key: due.key, site: site, trigger: .monitor, time: due.time, title: title, text: text,
                            priority: 3, tags: ["monitor"])
    }
}
