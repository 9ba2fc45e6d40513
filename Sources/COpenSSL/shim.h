#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <openssl/sha.h>
#include <openssl/crypto.h>

/* Macros Swift cannot call. */
static inline long ispmon_ssl_set_sni(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}
/* The webhook's signature: HMAC-SHA256 in one call. */
#include <openssl/hmac.h>
#include <openssl/evp.h>
