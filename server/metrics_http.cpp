#include "server/metrics_http.h"

namespace kvd {
namespace {

bool IsTokenChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_' || c == '.';
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    default: return "Internal Server Error";
  }
}

}  // namespace

HttpParseStatus ParseHttpRequest(std::string_view in, HttpRequest& out) {
  // The head ends at an empty line; bare LF line ends are tolerated, as most servers do.
  size_t end = in.find("\r\n\r\n");
  if (end == std::string_view::npos) end = in.find("\n\n");
  size_t line_end = in.find('\n');
  if (end == std::string_view::npos) {
    // Reject garbage early: a request line that is complete and wrong, or a head too long.
    if (line_end == std::string_view::npos) {
      return in.size() > kMaxHttpRequestHead ? HttpParseStatus::kBad : HttpParseStatus::kNeedMore;
    }
    if (in.size() > kMaxHttpRequestHead) return HttpParseStatus::kBad;
  } else if (end > kMaxHttpRequestHead) {
    return HttpParseStatus::kBad;
  }
  std::string_view line = in.substr(0, line_end);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  // METHOD SP request-target SP HTTP/1.x
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return HttpParseStatus::kBad;
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (method.empty()) return HttpParseStatus::kBad;
  for (char c : method) {
    if (!IsTokenChar(c)) return HttpParseStatus::kBad;
  }
  if (target.empty() || target[0] != '/') return HttpParseStatus::kBad;
  for (char c : target) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return HttpParseStatus::kBad;
  }
  if (version != "HTTP/1.0" && version != "HTTP/1.1") return HttpParseStatus::kBad;
  if (end == std::string_view::npos) return HttpParseStatus::kNeedMore;

  out.method = std::string(method);
  out.path = std::string(target.substr(0, target.find('?')));
  return HttpParseStatus::kComplete;
}

MetricsRoute RouteMetricsRequest(const HttpRequest& request) {
  if (request.method != "GET" && request.method != "HEAD") return MetricsRoute::kMethodNotAllowed;
  if (request.path != "/metrics") return MetricsRoute::kNotFound;
  return MetricsRoute::kMetrics;
}

std::string HttpResponse(int status, std::string_view content_type, std::string_view body,
                         bool head_only) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " ";
  out.append(ReasonPhrase(status)).append("\r\n");
  out.append("Content-Type: ").append(content_type).append("\r\n");
  out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  if (status == 405) out.append("Allow: GET, HEAD\r\n");
  out.append("Connection: close\r\n\r\n");
  if (!head_only) out.append(body);
  return out;
}

}  // namespace kvd
