import Foundation
import Hummingbird
import ISPMonControl
import ISPMonQuery
import NIOCore
import Synchronization

/// `POST /api/v1/tools/{ping|tcp|dns|http|trace|speedtest}`: one ad-hoc check, run now with the
/// monitor's own probe code (an ``AdHocChecks``: the monitor's ``CheckRunner``) against the target in the request, answered with
/// its results (``JSONForms/check(_:)``). Not recorded: no event, no part of any view.
///
/// One check at a time per client (its session or token: behind a reverse proxy every client
/// has the proxy's address), `429` while its previous one runs; at most ``maxRunning`` in all,
/// `503` beyond. Each runs on a thread of its own, so a 10 s speed test holds neither the event
/// loop nor the store's pool; a request whose client is gone, or a server that stops, does not
/// wait for it.
struct ToolRoutes {
    let runner: any AdHocChecks
    let running: RunningChecks

    static let maxRunning = 4

    func add(to router: RouteTable) {
        router.post("api/v1/tools/{tool}") { request, context in
            let name = try context.parameters.require("tool")
            guard let tool = Check.Tool(rawValue: name) else {
                throw APIError(.notFound, "no tool \(name) (tools: \(Check.Tool.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            _ = try QueryParameters(request, allowed: [])
            let check = try await CheckBody.check(tool, of: request)
            let client = ToolRoutes.client(context.access)
            try running.claim(client)
            // Released when the check ends, not when the answer does: a client that went away
            // while its check runs still has it running.
            if request.headers[.accept]?.contains("application/x-ndjson") == true {
                return stream(check, releasing: client)
            }
            let report = try await ToolRoutes.onThread { [running] in
                defer { running.release(client) }
                return runner.run(check)
            }
            return json(JSONForms.check(report))
        }
    }

    /// The check's results as they come (`Accept: application/x-ndjson`, the tools page): a
    /// line for each try or hop, then the whole answer as its last line.
    func stream(_ check: Check, releasing client: String) -> Response {
        let (lines, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .unbounded)
        let thread = Thread { [runner, running] in
            ThreadPriority.yieldToTheMonitor()
            defer { running.release(client) }
            let report = runner.run(check) { continuation.yield(JSONForms.checkStep($0) + [0x0A]) }
            continuation.yield(JSONForms.checkDone(report) + [0x0A])
            continuation.finish()
        }
        thread.name = "ispmon.check"
        thread.start()
        return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: .init { writer in
            for await line in lines { try await writer.write(ByteBuffer(bytes: line)) }
            try await writer.finish(nil)
        })
    }

    /// Who is asking, for "one at a time per client".
    static func client(_ access: WebContext.Access) -> String {
        switch access {
        case .session(let id): "session " + Secrets.sha256(id)
        case .token(let token): "token " + token.digest
        case .anonymous, .metricsScraper: "anonymous"  // AccessControl lets neither get here
        }
    }

    /// `work` on a new thread; the caller stops waiting when its task is cancelled (the client
    /// went away, the server stops), and the check ends on its own, within its bound.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        let waiter = ThreadWaiter<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard waiter.set(continuation) else { return }
                let thread = Thread {
                    ThreadPriority.yieldToTheMonitor()
                    waiter.resume(with: .success(work()))
                }
                thread.name = "ispmon.check"
                thread.start()
            }
        } onCancel: {
            waiter.resume(with: .failure(CancellationError()))
        }
    }
}

/// One continuation, resumed once: by the thread's result or by cancellation, whichever is first.
final class ThreadWaiter<T: Sendable>: Sendable {
    enum State { case waiting, armed(CheckedContinuation<T, any Error>), cancelled, done }
    let state = Mutex<State>(.waiting)

    /// Arms the waiter; false (and the continuation resumed) when it was cancelled already.
    func set(_ continuation: CheckedContinuation<T, any Error>) -> Bool {
        let cancelled = state.withLock { s -> Bool in
            if case .cancelled = s { s = .done; return true }
            s = .armed(continuation)
            return false
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
        return !cancelled
    }

    func resume(with result: Result<T, any Error>) {
        let continuation = state.withLock { s -> CheckedContinuation<T, any Error>? in
            switch s {
            case .armed(let c): s = .done; return c
            case .waiting: s = .cancelled; return nil
            case .cancelled, .done: return nil
            }
        }
        continuation?.resume(with: result)
    }
}

/// The checks under way: by client, and how many in all.
final class RunningChecks: Sendable {
    let clients = Mutex<Set<String>>([])

    func claim(_ client: String) throws {
        try clients.withLock { c in
            guard !c.contains(client) else {
                throw APIError(.tooManyRequests, "a check of yours is still running: one at a time", headers: [.retryAfter: "1"])
            }
            guard c.count < ToolRoutes.maxRunning else {
                throw APIError(.serviceUnavailable, "\(ToolRoutes.maxRunning) checks are running: try again in a moment", headers: [.retryAfter: "1"])
            }
            c.insert(client)
        }
    }

    func release(_ client: String) { _ = clients.withLock { $0.remove(client) } }
}

/// The body of a check: JSON `{"host", "port", "query", "url", "count"}` (or the same fields as
/// a form, from a page), each of the right type; what a tool takes is ``Check``'s to say.
enum CheckBody {
    static let fields: Set<String> = ["host", "port", "query", "url", "count"]

    /// `ignoring`: form fields that are no part of the check (the CSRF token; the tools page's
    /// choice of tool).
    static func check(_ tool: Check.Tool, of request: Request, ignoring: Set<String> = ["csrf"]) async throws -> Check {
        let body = try await request.body.collect(upTo: WebServer.maxBody)
        return try check(tool, body: body, form: request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true,
                         ignoring: ignoring)
    }

    static func check(_ tool: Check.Tool, body: ByteBuffer, form: Bool, ignoring: Set<String> = ["csrf"]) throws -> Check {
        var strings: [String: String] = [:]
        var numbers: [String: Int] = [:]
        if form {
            for (name, value) in URLEncodedFields(String(buffer: body)).fields where !ignoring.contains(name) {
                guard fields.contains(name) else { throw APIError.badParameter(name, "unknown field") }
                if value.isEmpty { continue }  // a form's empty field: not given
                if name == "port" || name == "count" {
                    guard let n = Int(value) else { throw APIError.badParameter(name, "'\(value.prefix(40))' is not a whole number") }
                    numbers[name] = n
                } else {
                    strings[name] = value
                }
            }
        } else if body.readableBytes > 0 {
            let json = try JSONBody(body, fields: fields, shape: #"{"host", "port", "query", "url", "count"}"#)
            strings = ["host": try json.string("host"), "query": try json.string("query"), "url": try json.string("url")].compactMapValues { $0 }
            numbers = ["port": try json.integer("port"), "count": try json.integer("count")].compactMapValues { $0 }
        }
        do {
            return try Check(tool: tool, host: strings["host"], port: numbers["port"], query: strings["query"],
                             url: strings["url"], count: numbers["count"])
        } catch {
            throw APIError.badParameter(error.field, error.reason)
        }
    }
}
