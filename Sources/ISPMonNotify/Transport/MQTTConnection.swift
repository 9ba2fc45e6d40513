#if canImport(Glibc)
import Glibc
#endif
import CMosquitto
import Foundation
import ISPMonCore
public import Logging

/// A connection to an MQTT broker on libmosquitto that keeps a set of retained topics there: a
/// background thread connects, reconnects after a drop (1 s, doubling to 5 s), and on every
/// (re)connect publishes every topic it holds again, so that a broker that
/// restarted without persistence, or lost its retained messages, shows the current state. A
/// publish is QoS 1 and retained; ``publish(_:timeoutMicroseconds:)`` waits for the broker's
/// PUBACKs.
public final class MQTTConnection: @unchecked Sendable {
    // @unchecked: `client` is used only through libmosquitto calls, which are thread-safe in its
    // threaded mode (mosquitto_threaded_set), and is made here and destroyed in deinit after the
    // loop thread ended; all other state is the session's, under its lock.
    private let client: OpaquePointer
    private let session: MQTTSession
    public let endpoint: String

    public struct Settings: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var tls: Bool
        public var caFile: String?
        public var username: String?
        public var password: String?
        public var clientID: String

        public init(host: String, port: Int, tls: Bool, caFile: String? = nil, username: String? = nil, password: String? = nil, clientID: String) {
            self.host = host
            self.port = port
            self.tls = tls
            self.caFile = caFile
            self.username = username
            self.password = password
            self.clientID = clientID
        }
    }

    /// Starts connecting (in the background: a broker that is down now is retried until it is up).
    public init(_ settings: Settings, logger: Logger) throws(DeliveryError) {
        MQTTLibrary.initialize()
        endpoint = "\(settings.host):\(settings.port)"
        session = MQTTSession(endpoint: endpoint, logger: logger)
        guard let c = mosquitto_new(settings.clientID, true, Unmanaged.passUnretained(session).toOpaque()) else {
            throw DeliveryError(code: "mqtt", detail: "libmosquitto could not make a client")
        }
        client = c
        session.client = c
        func check(_ rc: Int32, _ what: String) throws(DeliveryError) {
            guard rc == MOSQ_ERR_SUCCESS.rawValue else {
                mosquitto_destroy(c)
                throw DeliveryError(code: "mqtt", detail: "\(what): \(String(cString: mosquitto_strerror(rc)))")
            }
        }
        if let user = settings.username {
            try check(mosquitto_username_pw_set(c, user, settings.password), "user name and password")
        }
        if settings.tls {
            // Without ca_file, the system's CAs (Debian's hashed directory).
            try check(mosquitto_tls_set(c, settings.caFile, settings.caFile == nil ? "/etc/ssl/certs" : nil, nil, nil, nil),
                      "TLS with \(settings.caFile ?? "the system's CAs")")
        }
        _ = mosquitto_threaded_set(c, true)
        mosquitto_connect_callback_set(c, mqttConnected)
        mosquitto_disconnect_callback_set(c, mqttDisconnected)
        mosquitto_publish_callback_set(c, mqttPublished)
        // At most 5 s between attempts: also how long closing a channel may wait for the loop.
        _ = mosquitto_reconnect_delay_set(c, 1, 5, true)
        // A refused first attempt is retried by the loop; its reason is kept for the first publish.
        let rc = mosquitto_connect_async(c, settings.host, Int32(settings.port), 30)
        if rc != MOSQ_ERR_SUCCESS.rawValue { session.connectFailed(rc) }
        let loopSession = session
        let loopClient = MQTTClientPointer(client: c)
        let thread = Thread { loopSession.runLoop(loopClient.client) }
        thread.name = "ispmon-mqtt"
        thread.start()
    }

    deinit {
        // The loop thread ends before the client is destroyed and the session released.
        session.stop()
        mosquitto_disconnect(client)
        session.waitForLoopEnd()
        mosquitto_destroy(client)
    }

    /// Sets these topics (retained, QoS 1), keeps them for every reconnect, and waits until the
    /// broker acknowledged each; throws when not connected or not acknowledged within the time.
    public func publish(_ topics: [(topic: String, payload: [UInt8])], timeoutMicroseconds: Int64 = 10_000_000) throws(DeliveryError) {
        try session.publish(topics, deadline: Monotonic.microseconds() + timeoutMicroseconds)
    }

    /// Adds topics to what every (re)connect publishes, without waiting (the discovery configs),
    /// and publishes them now if connected.
    public func keep(_ topics: [(topic: String, payload: [UInt8])]) {
        session.keep(topics)
    }

    /// How many times the connection was made (for tests of the reconnect).
    public var connects: Int { session.connects }
}

/// The client, handed to the loop thread.
struct MQTTClientPointer: @unchecked Sendable {
    // @unchecked: libmosquitto's client is thread-safe in threaded mode (see MQTTConnection).
    let client: OpaquePointer
}

/// mosquitto_lib_init, once per process (not thread-safe itself; a static's initializer runs once).
/// SIGPIPE is ignored from then on: over TLS, OpenSSL writes to the socket with plain write(2),
/// and a broker that closed the connection would otherwise end the whole process rather than
/// fail one publish (libcurl guards its own writes; NIO uses MSG_NOSIGNAL).
enum MQTTLibrary {
    private static let initialized: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return mosquitto_lib_init() == MOSQ_ERR_SUCCESS.rawValue
    }()
    static func initialize() { _ = initialized }
}

/// What the broker's callbacks and the publishers share: connected or not, the retained topics,
/// the acknowledged message ids.
final class MQTTSession: @unchecked Sendable {
    // @unchecked: every var is read and written only with `condition` locked.
    private let condition = MonotonicCondition()
    private let logger: Logger
    private let endpoint: String
    /// Set once, right after mosquitto_new, before the loop thread exists.
    var client: OpaquePointer?
    private var connected = false
    /// Why the connection is not up: the `notify` error's code and words.
    private var lastFailure: DeliveryError?
    private var connectCount = 0
    /// Topics in the order first set, and their last payloads.
    private var order: [String] = []
    private var retained: [String: [UInt8]] = [:]
    private var acknowledged: Set<Int32> = []
    private var stopping = false
    private var loopEnded = false

    init(endpoint: String, logger: Logger) {
        self.endpoint = endpoint
        self.logger = logger
    }

    var connects: Int {
        condition.lock()
        defer { condition.unlock() }
        return connectCount
    }

    /// The loop thread: mosquitto_loop_forever reconnects by itself after most failures, but
    /// returns on some (a TLS or DNS failure, a refused login); then it waits and starts again,
    /// until the connection is closed.
    func runLoop(_ client: OpaquePointer) {
        var delay: Int64 = 1_000_000
        while true {
            let rc = mosquitto_loop_forever(client, 1000, 1)
            condition.lock()
            if stopping { break }
            if rc != MOSQ_ERR_SUCCESS.rawValue {
                lastFailure = MQTTSession.failure(rc)
                connected = false
            }
            condition.wait(microseconds: delay)
            if stopping { break }
            condition.unlock()
            delay = min(delay * 2, 5_000_000)
            let again = mosquitto_reconnect(client)
            if again != MOSQ_ERR_SUCCESS.rawValue { connectFailed(again) } else { delay = 1_000_000 }
        }
        loopEnded = true
        condition.broadcast()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    func waitForLoopEnd() {
        condition.lock()
        while !loopEnded { condition.wait() }
        condition.unlock()
    }

    func connectFailed(_ rc: Int32) {
        condition.lock()
        lastFailure = MQTTSession.failure(rc)
        condition.unlock()
    }

    /// The connect callback (the loop thread): publishes every kept topic again.
    func didConnect(_ rc: Int32) {
        condition.lock()
        guard rc == 0 else {
            let refusal = DeliveryError(code: "mqtt", detail: "the broker refused the connection: " + String(cString: mosquitto_connack_string(rc)))
            lastFailure = refusal
            condition.broadcast()
            condition.unlock()
            logger.warning("mqtt \(endpoint): \(refusal.detail)")
            return
        }
        connected = true
        connectCount += 1
        lastFailure = nil
        let all = order.compactMap { t in retained[t].map { (t, $0) } }
        condition.broadcast()
        condition.unlock()
        logger.info("mqtt \(endpoint): connected, publishing \(all.count) retained topics")
        for (topic, payload) in all { _ = send(topic, payload) }
    }

    func didDisconnect(_ rc: Int32) {
        condition.lock()
        connected = false
        // After a refused CONNECT, the refusal stays the reason.
        if rc != 0 && lastFailure == nil {
            let lost = MQTTSession.failure(rc)
            lastFailure = DeliveryError(code: lost.code, detail: "connection lost: " + lost.detail)
        }
        condition.broadcast()
        condition.unlock()
        if rc != 0 { logger.warning("mqtt \(endpoint): connection lost, reconnecting") }
    }

    func didPublish(_ mid: Int32) {
        condition.lock()
        // Acknowledgements nobody waits for (the reconnect's) must not pile up.
        if acknowledged.count > 10_000 { acknowledged.removeAll() }
        acknowledged.insert(mid)
        condition.broadcast()
        condition.unlock()
    }

    func keep(_ topics: [(topic: String, payload: [UInt8])]) {
        condition.lock()
        remember(topics)
        let now = connected
        condition.unlock()
        if now { for t in topics { _ = send(t.topic, t.payload) } }
    }

    func publish(_ topics: [(topic: String, payload: [UInt8])], deadline: Int64) throws(DeliveryError) {
        condition.lock()
        remember(topics)
        while !connected {
            let left = deadline - Monotonic.microseconds()
            if left <= 0 {
                let why = lastFailure ?? DeliveryError(code: "timeout", detail: "no answer yet")
                condition.unlock()
                throw DeliveryError(code: why.code, detail: "not connected to the broker at \(endpoint): \(why.detail)")
            }
            condition.wait(microseconds: left)
        }
        condition.unlock()
        var waiting: [Int32] = []
        for t in topics {
            switch send(t.topic, t.payload) {
            case .success(let mid): waiting.append(mid)
            case .failure(let e): throw e
            }
        }
        condition.lock()
        defer { condition.unlock() }
        while !waiting.allSatisfy(acknowledged.contains) {
            let left = deadline - Monotonic.microseconds()
            if left <= 0 {
                throw DeliveryError(code: "timeout", detail: "the broker at \(endpoint) did not acknowledge (PUBACK) in time")
            }
            condition.wait(microseconds: left)
        }
        for mid in waiting { acknowledged.remove(mid) }
    }

    /// With the lock held.
    private func remember(_ topics: [(topic: String, payload: [UInt8])]) {
        for t in topics {
            if retained[t.topic] == nil { order.append(t.topic) }
            retained[t.topic] = t.payload
        }
    }

    private func send(_ topic: String, _ payload: [UInt8]) -> Result<Int32, DeliveryError> {
        guard let client else { return .failure(DeliveryError(code: "mqtt", detail: "no client")) }
        var mid: Int32 = 0
        let rc = payload.withUnsafeBytes { p in
            mosquitto_publish(client, &mid, topic, Int32(p.count), p.baseAddress, 1, true)
        }
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            return .failure(DeliveryError(code: "mqtt", detail: "publishing \(topic): \(MQTTSession.words(rc))"))
        }
        return .success(mid)
    }

    static func words(_ rc: Int32) -> String {
        if rc == MOSQ_ERR_ERRNO.rawValue { return String(cString: strerror(errno)) }
        return String(cString: mosquitto_strerror(rc))
    }

    /// A failed connect or loop as the `notify` error: refused, unreachable, dns, tls, or mqtt.
    static func failure(_ rc: Int32) -> DeliveryError {
        let code: String
        if rc == MOSQ_ERR_ERRNO.rawValue {
            switch errno {
            case ECONNREFUSED: code = "refused"
            case ETIMEDOUT: code = "timeout"
            default: code = "unreachable"
            }
        } else if rc == MOSQ_ERR_CONN_REFUSED.rawValue {
            // A refused TCP connection (the broker's own refusal comes with its CONNACK instead).
            code = "refused"
        } else if rc == MOSQ_ERR_EAI.rawValue {
            code = "dns"
        } else if rc == MOSQ_ERR_TLS.rawValue || rc == MOSQ_ERR_TLS_HANDSHAKE.rawValue {
            code = "tls"
        } else {
            code = "mqtt"
        }
        return DeliveryError(code: code, detail: words(rc))
    }
}

// libmosquitto's callbacks: C functions that find the session in the client's user data.
private func session(_ context: UnsafeMutableRawPointer?) -> MQTTSession? {
    context.map { Unmanaged<MQTTSession>.fromOpaque($0).takeUnretainedValue() }
}

private func mqttConnected(_ client: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ rc: Int32) {
    session(context)?.didConnect(rc)
}

private func mqttDisconnected(_ client: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ rc: Int32) {
    session(context)?.didDisconnect(rc)
}

private func mqttPublished(_ client: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ mid: Int32) {
    session(context)?.didPublish(mid)
}
