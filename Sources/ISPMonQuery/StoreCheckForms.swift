import ISPMonCore
public import ISPMonStore

extension JSONForms {
    /// `ispmon verify --json`: `{"chunks", "events", "ok", "problems", "segments", "views": [{"current",
    /// "definition", "name", "seq"}], "views_match_replay"}` (docs/cli.md; keys in alphabetical order,
    /// as the first form of this answer had them).
    public static func verify(_ report: VerifyReport) -> [UInt8] {
        var o = JSONObject()
        o.int("chunks", Int64(report.chunks))
        o.int("events", Int64(clamping: report.events))
        o.bool("ok", report.ok)
        o.strings("problems", report.problems)
        o.int("segments", Int64(report.segments))
        o.raw("views", JSONArray.bytes(report.views.map { v in
            var view = JSONObject()
            view.bool("current", v.problem == nil)
            view.raw("definition", v.stored.map { Array(String($0.definitionVersion).utf8) } ?? JSONArray.null)
            view.string("name", v.view.rawValue)
            view.raw("seq", v.stored.map { Array(String($0.seq).utf8) } ?? JSONArray.null)
            return view.finished()
        }, compact: true))
        o.bool("views_match_replay", report.viewsCompared && report.ok)
        return o.finished()
    }

    /// `ispmon replay --json`: `{"events", "seconds", "events_per_s"}`.
    public static func rebuild(_ report: EventStore.RebuildReport) -> [UInt8] {
        var o = JSONObject()
        o.int("events", Int64(clamping: report.events))
        o.number("seconds", report.seconds, decimals: 6)
        o.number("events_per_s", report.seconds > 0 ? (Double(report.events) / report.seconds).rounded() : 0, decimals: 0)
        return o.finished()
    }
}
