#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import COpenSSL
import ISPMonConfig

/// A connected byte stream for HTTP: plain TCP, or TLS over it (OpenSSL, the
/// system's trusted certificates, the host name checked). Non-blocking: every
/// call waits at most until its deadline.
final class Connection {
    let fd: FileDescriptor
    private var ssl: OpaquePointer?

    enum IO {
        case bytes(Int)
        case eof
        /// Nothing before the deadline.
        case timeout
        case failed(ProbeFailure)
    }

    private init(fd: FileDescriptor) { self.fd = fd }

    deinit { if let ssl { SSL_free(ssl) } }

    /// Connects to `address` (with its port), else to the URL's host and port looked up now,
    /// and shakes hands for https, always with the URL's host as the name to check.
    static func open(_ url: HTTPURL, address: SocketAddress? = nil, deadline: Int64) -> Result<Connection, ProbeFailure> {
        guard let address = address ?? Resolver.resolve(url.host, port: url.port) else {
            return .failure(ProbeFailure("resolve", "cannot resolve \(url.host)"))
        }
        switch Sockets.connect(address, type: Int32(SOCK_STREAM.rawValue), deadline: deadline) {
        case .failure(let f): return .failure(f)
        case .success(let fd):
            let c = Connection(fd: fd)
            if url.secure, let f = c.handshake(host: url.host, deadline: deadline) { return .failure(f) }
            return .success(c)
        }
    }

    /// The shared client context: TLS 1.2 or newer, peers verified against the system's CAs.
    private final class Context: @unchecked Sendable {
        // @unchecked: an SSL_CTX is safe to share once set up; only SSL_new reads it.
        let ctx: OpaquePointer?
        init() {
            ctx = SSL_CTX_new(TLS_client_method())
            if let ctx {
                SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
                SSL_CTX_set_default_verify_paths(ctx)
                SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(TLS1_2_VERSION), nil)
            }
        }
    }
    private static let context = Context()

    private func handshake(host: String, deadline: Int64) -> ProbeFailure? {
        guard let ctx = Connection.context.ctx, let ssl = SSL_new(ctx) else { return ProbeFailure("tls", "cannot set up TLS") }
        self.ssl = ssl
        SSL_set_fd(ssl, fd.raw)
        if Resolver.numeric(host, port: nil) != nil {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host)
        } else {
            _ = ispmon_ssl_set_sni(ssl, host)
            SSL_set1_host(ssl, host)
        }
        while true {
            ERR_clear_error()
            let rc = SSL_connect(ssl)
            if rc == 1 { return nil }
            switch SSL_get_error(ssl, rc) {
            case SSL_ERROR_WANT_READ:
                guard Sockets.wait(fd.raw, Int16(POLLIN), until: deadline) else { return ProbeFailure("timeout", "TLS handshake") }
            case SSL_ERROR_WANT_WRITE:
                guard Sockets.wait(fd.raw, Int16(POLLOUT), until: deadline) else { return ProbeFailure("timeout", "TLS handshake") }
            default:
                let verify = SSL_get_verify_result(ssl)
                if verify != X509_V_OK { return ProbeFailure("tls", String(cString: X509_verify_cert_error_string(verify))) }
                return ProbeFailure("tls", Connection.openSSLError() ?? "handshake failed")
            }
        }
    }

    static func openSSLError() -> String? {
        let e = ERR_get_error()
        guard e != 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(e, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Writes some of `data`.
    func write(_ data: ArraySlice<UInt8>, until deadline: Int64) -> IO {
        while true {
            if let ssl {
                ERR_clear_error()
                let n = data.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
                if n > 0 { return .bytes(Int(n)) }
                if let io = wait(SSL_get_error(ssl, n), deadline) { return io }
            } else {
                let n = data.withUnsafeBytes { send(fd.raw, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n >= 0 { return .bytes(n) }
                if errno == EINTR { continue }
                guard errno == EAGAIN else { return .failed(ProbeFailure(Sockets.errorCode(errno), Sockets.message(errno))) }
                guard Sockets.wait(fd.raw, Int16(POLLOUT), until: deadline) else { return .timeout }
            }
        }
    }

    /// Reads what is there (waiting for something until `deadline`).
    func read(into buffer: inout [UInt8], until deadline: Int64) -> IO {
        while true {
            if let ssl {
                ERR_clear_error()
                let n = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
                if n > 0 { return .bytes(Int(n)) }
                let e = SSL_get_error(ssl, n)
                if e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) { return .eof }
                if let io = wait(e, deadline) { return io }
            } else {
                let n = buffer.withUnsafeMutableBytes { recv(fd.raw, $0.baseAddress, $0.count, 0) }
                if n > 0 { return .bytes(n) }
                if n == 0 { return .eof }
                if errno == EINTR { continue }
                guard errno == EAGAIN else { return .failed(ProbeFailure(Sockets.errorCode(errno), Sockets.message(errno))) }
                guard Sockets.wait(fd.raw, Int16(POLLIN), until: deadline) else { return .timeout }
            }
        }
    }

    /// Waits as OpenSSL asks; nil to try again.
    private func wait(_ sslError: Int32, _ deadline: Int64) -> IO? {
        switch sslError {
        case SSL_ERROR_WANT_READ: return Sockets.wait(fd.raw, Int16(POLLIN), until: deadline) ? nil : .timeout
        case SSL_ERROR_WANT_WRITE: return Sockets.wait(fd.raw, Int16(POLLOUT), until: deadline) ? nil : .timeout
        default: return .failed(ProbeFailure("tls", Connection.openSSLError() ?? "TLS error \(sslError)"))
        }
    }

    /// Writes all of `data`; false on a timeout or an error.
    func writeAll(_ data: [UInt8], until deadline: Int64) -> ProbeFailure? {
        var sent = 0
        while sent < data.count {
            switch write(data[sent...], until: deadline) {
            case .bytes(let n): sent += n
            case .eof, .timeout: return ProbeFailure("timeout", nil)
            case .failed(let f): return f
            }
        }
        return nil
    }
}
