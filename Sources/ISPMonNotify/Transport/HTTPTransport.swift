import CCurl
import ISPMonCore

/// One HTTP request of a channel, as libcurl sends it.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    /// `Name: value` lines.
    public var headers: [String]
    public var body: [UInt8]
    /// Basic auth: user and password (the password read from its `*_file`).
    public var basicAuth: BasicAuth?
    /// PEM CAs to trust instead of the system's.
    public var caFile: String?

    public struct BasicAuth: Sendable, Equatable {
        public var user: String
        public var password: String

        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }
    }

    public init(method: String, url: String, headers: [String] = [], body: [UInt8] = [], basicAuth: BasicAuth? = nil, caFile: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.basicAuth = basicAuth
        self.caFile = caFile
    }
}

/// The receiver's answer: its status and the first bytes of its body.
public struct HTTPAnswer: Sendable, Equatable {
    public var status: Int
    public var body: String

    /// The answer in a line, for `ispmon notify test` and error details: "HTTP 200 {"id":…}".
    public var summary: String {
        let firstLine = body.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? ""
        let clipped = firstLine.count > 200 ? String(firstLine.prefix(200)) + "…" : firstLine
        return clipped.isEmpty ? "HTTP \(status)" : "HTTP \(status) \(clipped)"
    }

    /// This answer when it is a 2xx, else `http-status` with the answer as the detail.
    public func requireSuccess() throws(DeliveryError) -> HTTPAnswer {
        guard (200..<300).contains(status) else { throw DeliveryError(code: "http-status", detail: summary) }
        return self
    }
}

/// Sends HTTP requests with libcurl, one blocking attempt each: a 10 s limit on the whole
/// exchange (5 s to connect), no redirects (a channel's URL is where it delivers, and a redirect
/// could lead a signed body elsewhere), http and https only.
public enum HTTPTransport {
    /// What every request says it is.
    public static let userAgent = "ispmon/\(ISPMonVersion.current)"

    public static func send(_ request: HTTPRequest, timeoutMilliseconds: Int = 10_000) throws(DeliveryError) -> HTTPAnswer {
        guard let curl = CurlHandle(totalTimeoutMilliseconds: timeoutMilliseconds,
                                    connectTimeoutMilliseconds: min(5_000, timeoutMilliseconds)) else {
            throw DeliveryError(code: "internal", detail: "libcurl could not make a request")
        }
        curl.set(CURLOPT_URL, request.url)
        curl.set(CURLOPT_PROTOCOLS_STR, "http,https")
        curl.set(CURLOPT_FOLLOWLOCATION, 0)
        curl.set(CURLOPT_USERAGENT, userAgent)
        if let caFile = request.caFile { curl.set(CURLOPT_CAINFO, caFile) }
        if let auth = request.basicAuth {
            curl.set(CURLOPT_USERNAME, auth.user)
            curl.set(CURLOPT_PASSWORD, auth.password)
        }
        switch request.method {
        case "GET": curl.set(CURLOPT_HTTPGET, 1)
        case "POST": curl.setBody(request.body)
        default:
            curl.set(CURLOPT_CUSTOMREQUEST, request.method)
            if !request.body.isEmpty { curl.setBody(request.body) }
        }
        // "Expect:" (empty): no 100-continue round trip before a body.
        curl.set(CURLOPT_HTTPHEADER, list: request.headers + ["Expect:"])
        let (code, words) = curl.perform()
        guard code == CURLE_OK else {
            throw CurlFailure.error(code, words: words, osErrno: curl.info(CURLINFO_OS_ERRNO), smtp: false)
        }
        return HTTPAnswer(status: curl.info(CURLINFO_RESPONSE_CODE), body: curl.answer.text)
    }
}
