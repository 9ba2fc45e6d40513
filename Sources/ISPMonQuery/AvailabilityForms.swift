/// `ispmon availability --json` / `--csv` and `GET /api/v1/availability` (docs/cli.md): one
/// object (row) a period, oldest first. Seconds with up to six decimals (the log's
/// microseconds); percentages with exactly two (``AvailabilityQuery/Percent``), null (empty in
/// CSV) without monitored time.
extension JSONForms {
    static let availabilityFields = ["period", "start", "end", "monitored_s", "unmonitored_s", "connectivity_down_s",
                                     "dns_down_s", "isp_down_s", "connectivity_pct", "dns_pct", "isp_pct"]

    public static func availability(_ answers: [AvailabilityQuery.Answer]) -> [UInt8] {
        JSONArray.bytes(answers.map { a in
            var o = JSONObject()
            o.string("period", a.label)
            o.time("start", a.start)
            o.time("end", a.end)
            for (key, us) in zip(availabilityFields[3...7], availabilitySeconds(a)) { o.number(key, Double(us) / 1e6, decimals: 6) }
            for (key, percent) in zip(availabilityFields[8...], availabilityPercents(a)) {
                o.raw(key, percent.map { Array($0.description.utf8) } ?? JSONArray.null)
            }
            return o.finished()
        })
    }

    static func availabilitySeconds(_ a: AvailabilityQuery.Answer) -> [Int64] {
        [a.monitored, a.unmonitored, a.connectivityDown, a.dnsDown, a.ispDown]
    }

    static func availabilityPercents(_ a: AvailabilityQuery.Answer) -> [AvailabilityQuery.Percent?] {
        [a.connectivityPercent, a.dnsPercent, a.ispPercent]
    }
}

extension CSVForms {
    public static func availability(_ answers: [AvailabilityQuery.Answer]) -> String {
        lines(JSONForms.availabilityFields, answers.map { a -> [CSVCell] in
            let period: [CSVCell] = [text(a.label), time(a.start), time(a.end)]
            let seconds: [CSVCell] = JSONForms.availabilitySeconds(a).map { .number(NumberText.format(Double($0) / 1e6, decimals: 6)) }
            let percents: [CSVCell] = JSONForms.availabilityPercents(a).map { .number($0?.description ?? "") }
            return period + seconds + percents
        })
    }
}
