#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed
   wrapper per kind of argument (the option says which kind it takes, curl_easy_setopt(3)). */
static inline CURLcode ispmon_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ispmon_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ispmon_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ispmon_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ispmon_curl_setopt_mime(CURL *handle, curl_mime *mime) {
    return curl_easy_setopt(handle, CURLOPT_MIMEPOST, mime);
}
static inline CURLcode ispmon_curl_setopt_size(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*ispmon_curl_data_callback)(char *buffer, size_t size, size_t count, void *context);
static inline CURLcode ispmon_curl_setopt_callback(CURL *handle, CURLoption option, ispmon_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}
static inline CURLcode ispmon_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
/* A macro of macros. */
static inline CURLcode ispmon_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}
