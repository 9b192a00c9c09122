#pragma once
// The little HTTP/1.x the metrics endpoint speaks: it reads one request head and answers it,
// then closes the connection. GET (or HEAD) /metrics is served; other paths get 404, other
// methods 405, anything that is not an HTTP request 400.
#include <cstddef>
#include <string>
#include <string_view>

namespace kvd {

// A request head larger than this is refused (400) without reading further.
inline constexpr size_t kMaxHttpRequestHead = 8192;

enum class HttpParseStatus { kNeedMore, kComplete, kBad };

struct HttpRequest {
  std::string method;
  std::string path;  // the target without its query string
};

// Parses the request head at the start of `in` (the request line and the headers, up to the
// empty line). Headers and any body are ignored: the endpoint needs neither.
HttpParseStatus ParseHttpRequest(std::string_view in, HttpRequest& out);

enum class MetricsRoute { kMetrics, kNotFound, kMethodNotAllowed };

// What the endpoint does with a complete request.
MetricsRoute RouteMetricsRequest(const HttpRequest& request);

// A complete response with `Connection: close`; HEAD requests get the head alone.
std::string HttpResponse(int status, std::string_view content_type, std::string_view body,
                         bool head_only = false);

}  // namespace kvd
