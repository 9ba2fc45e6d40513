#if canImport(Glibc)
import Glibc
#endif
import CCurl

/// A failed libcurl transfer in the `notify` event's words (the codes of a probe's `error`).
enum CurlFailure {
    /// `protocolCode`: what a failure that is neither the network's nor TLS's is called for this
    /// protocol (`smtp`; for HTTP, `reset` or `http-malformed` by what went wrong).
    static func error(_ code: CURLcode, words: String, osErrno: Int, smtp: Bool) -> DeliveryError {
        DeliveryError(code: name(code, osErrno: osErrno, smtp: smtp), detail: words)
    }

    static func name(_ code: CURLcode, osErrno: Int, smtp: Bool) -> String {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return "timeout"
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return "dns"
        case CURLE_COULDNT_CONNECT:
            switch Int32(osErrno) {
            case ECONNREFUSED: return "refused"
            case ETIMEDOUT: return "timeout"
            default: return "unreachable"
            }
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            return "tls"
        default:
            if smtp { return "smtp" }
            switch code {
            case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE: return "reset"
            default: return "http-malformed"
            }
        }
    }
}
