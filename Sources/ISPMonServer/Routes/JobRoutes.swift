import Foundation
import Hummingbird
import ISPMonCore
import ISPMonQuery
import NIOCore
import NIOPosix

/// `GET /api/v1/jobs` and `POST /api/v1/jobs/{job}`: the running monitor's jobs, asked and
/// changed through its control socket (the same for `ispmon run`, where the monitor is in this
/// process, and `ispmon serve` beside one): each change is a `job` event; `409` when no
/// monitor runs on the store.
struct JobRoutes {
    let queries: Queries
    let pool: NIOThreadPool
    var control: MonitorControl { MonitorControl(queries: queries) }

    func add(to router: RouteTable) {
        router.get("api/v1/jobs") { request, _ in
            _ = try QueryParameters(request, allowed: [])
            return try await pool.runIfActive {
                let list = try control.jobs().map { job, state in
                    var o = JSONObject()
                    o.string("job", job.rawValue)
                    o.string("state", state)
                    return o.finished()
                }
                var o = JSONObject()
                o.string("monitor", "running")
                o.raw("jobs", JSONArray.bytes(list, compact: true))
                return json(o.finished())
            }
        }
        router.post("api/v1/jobs/{job}") { request, context in
            let name = try context.parameters.require("job")
            guard let job = JobName(rawValue: name) else {
                throw APIError(.notFound, "no job \(name) (jobs: \(JobName.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let text = try await JSONBody.of(request, fields: ["state"], shape: #"{"state": "run"|"paused"|"disabled"}"#).requiredString("state")
            guard let state = JobState.State(rawValue: text) else { throw APIError.badParameter("state", "'\(text)' is not run, paused or disabled") }
            return try await pool.runIfActive {
                let answer = try control.set(job, state)
                var o = JSONObject()
                o.string("job", job.rawValue)
                o.string("state", state.rawValue)
                o.string("result", answer)
                return json(o.finished())
            }
        }
    }
}
