#if canImport(Glibc)
import Glibc
#endif
import CCurl

/// One libcurl easy handle for one request, and what it must outlive: the header lists and the
/// MIME message it was given, and the receiver's answer as it arrives. libcurl is thread-safe
/// this way (a handle is used by one thread, and `NOSIGNAL` keeps its resolver from raising
/// SIGALRM), so the channels make one per attempt and share nothing.
final class CurlHandle {
    let handle: UnsafeMutableRawPointer
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private var mimes: [OpaquePointer] = []
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    /// The answer's first bytes (the rest is read and dropped: nobody needs a page of HTML).
    let answer = AnswerSink(limit: 4096)

    /// A handle with what every request shares: the total and connect timeouts, no signals, the
    /// error buffer, and the answer's sink. nil when libcurl cannot make one (out of memory).
    init?(totalTimeoutMilliseconds: Int = 10_000, connectTimeoutMilliseconds: Int = 5_000) {
        guard CurlGlobal.ready, let h = curl_easy_init() else { return nil }
        handle = h
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_TIMEOUT_MS, totalTimeoutMilliseconds)
        set(CURLOPT_CONNECTTIMEOUT_MS, connectTimeoutMilliseconds)
        _ = ispmon_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = ispmon_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, curlCollectAnswer)
        _ = ispmon_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(answer).toOpaque())
    }

    deinit {
        curl_easy_cleanup(handle)
        for m in mimes { curl_mime_free(m) }
        for l in lists { curl_slist_free_all(l) }
        errorBuffer.deallocate()
    }

    func set(_ option: CURLoption, _ value: Int) {
        _ = ispmon_curl_setopt_long(handle, option, value)
    }

    /// libcurl copies strings it is given (CURLOPT_POSTFIELDS aside, which is never used here).
    func set(_ option: CURLoption, _ value: String) {
        _ = ispmon_curl_setopt_string(handle, option, value)
    }

    /// A list option (headers, recipients): the list lives as long as the handle.
    func set(_ option: CURLoption, list values: [String]) {
        var list: UnsafeMutablePointer<curl_slist>?
        for v in values {
            guard let longer = curl_slist_append(list, v) else { break }
            list = longer
        }
        guard let list else { return }
        lists.append(list)
        _ = ispmon_curl_setopt_slist(handle, option, list)
    }

    /// The request's body, copied by libcurl (CURLOPT_COPYPOSTFIELDS after its size).
    func setBody(_ body: [UInt8]) {
        _ = ispmon_curl_setopt_size(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
        if body.isEmpty {
            set(CURLOPT_COPYPOSTFIELDS, "")
            return
        }
        body.withUnsafeBytes { b in
            _ = ispmon_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: b.baseAddress))
        }
    }

    /// A MIME message made on this handle (curl_mime_init), freed with it.
    func makeMime() -> OpaquePointer? {
        guard let mime = curl_mime_init(handle) else { return nil }
        mimes.append(mime)
        return mime
    }

    func info(_ what: CURLINFO) -> Int {
        var value = 0
        _ = ispmon_curl_getinfo_long(handle, what, &value)
        return value
    }

    /// Runs the request; on failure, libcurl's code and its words for it.
    func perform() -> (code: CURLcode, words: String) {
        let code = curl_easy_perform(handle)
        if code == CURLE_OK { return (code, "") }
        let buffered = String(cString: errorBuffer)
        return (code, buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered)
    }
}

/// libcurl's global state, set up once before the first handle: curl_global_init is not
/// thread-safe, and a static's initializer runs exactly once, under a lock.
enum CurlGlobal {
    static let ready: Bool = ispmon_curl_global_init() == CURLE_OK
}

/// Collects the first `limit` bytes of an answer. Written only by libcurl's callback on the
/// thread that runs `curl_easy_perform`, read by that thread after it returns.
final class AnswerSink {
    let limit: Int
    var bytes: [UInt8] = []

    init(limit: Int) { self.limit = limit }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// CURLOPT_WRITEFUNCTION: keeps the first bytes, swallows the rest (a short count would abort).
private func curlCollectAnswer(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                               _ context: UnsafeMutableRawPointer?) -> Int {
    let total = size * count
    guard let buffer, let context else { return total }
    let sink = Unmanaged<AnswerSink>.fromOpaque(context).takeUnretainedValue()
    let room = max(0, sink.limit - sink.bytes.count)
    if room > 0 {
        buffer.withMemoryRebound(to: UInt8.self, capacity: total) { p in
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: p, count: min(room, total)))
        }
    }
    return total
}
