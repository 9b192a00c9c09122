// The metrics endpoint's HTTP (server/metrics_http.h): request heads however they arrive,
// what is refused, routing and the response's form.
#include <doctest/doctest.h>

#include <string>

#include "server/metrics_http.h"

namespace kvd::testing {
namespace {

TEST_CASE("a scrape request, in one piece or split at every byte") {
  const std::string wire =
      "GET /metrics?name[]=x HTTP/1.1\r\nHost: localhost:9121\r\nAccept: text/plain\r\n\r\n";
  for (size_t split = 0; split < wire.size(); ++split) {
    CAPTURE(split);
    HttpRequest r;
    CHECK(ParseHttpRequest(wire.substr(0, split), r) == HttpParseStatus::kNeedMore);
  }
  HttpRequest r;
  REQUIRE(ParseHttpRequest(wire, r) == HttpParseStatus::kComplete);
  CHECK(r.method == "GET");
  CHECK(r.path == "/metrics");
  CHECK(RouteMetricsRequest(r) == MetricsRoute::kMetrics);
}

TEST_CASE("HTTP/1.0 and bare line feeds are accepted") {
  HttpRequest r;
  REQUIRE(ParseHttpRequest("HEAD /metrics HTTP/1.0\n\n", r) == HttpParseStatus::kComplete);
  CHECK(r.method == "HEAD");
  CHECK(RouteMetricsRequest(r) == MetricsRoute::kMetrics);
}

TEST_CASE("other paths are not found, other methods not allowed") {
  HttpRequest r;
  REQUIRE(ParseHttpRequest("GET / HTTP/1.1\r\n\r\n", r) == HttpParseStatus::kComplete);
  CHECK(RouteMetricsRequest(r) == MetricsRoute::kNotFound);
  REQUIRE(ParseHttpRequest("GET /metricsx HTTP/1.1\r\n\r\n", r) == HttpParseStatus::kComplete);
  CHECK(RouteMetricsRequest(r) == MetricsRoute::kNotFound);
  REQUIRE(ParseHttpRequest("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", r) ==
          HttpParseStatus::kComplete);
  CHECK(RouteMetricsRequest(r) == MetricsRoute::kMethodNotAllowed);
}

TEST_CASE("what is not an HTTP request is refused as soon as its first line is complete") {
  for (const char* bad : {
           "PING\r\n",                             // RESP inline command
           "*1\r\n$4\r\nPING\r\n",                 // RESP
           "GET /metrics\r\n\r\n",                 // HTTP/0.9
           "GET metrics HTTP/1.1\r\n\r\n",         // not an absolute path
           "GET /metrics HTTP/2.0\r\n\r\n",        // not HTTP/1.x
           "GET /met rics HTTP/1.1\r\n\r\n",       // a space too many
           "G\x01T /metrics HTTP/1.1\r\n\r\n",     // not a token
           "GET /metrics HTTP/1.1 extra\r\n\r\n",  // trailing garbage
           "\r\n\r\n",
       }) {
    CAPTURE(bad);
    HttpRequest r;
    CHECK(ParseHttpRequest(bad, r) == HttpParseStatus::kBad);
  }
}

TEST_CASE("a request head past the size limit is refused") {
  std::string endless_line(kMaxHttpRequestHead + 1, 'A');
  HttpRequest r;
  CHECK(ParseHttpRequest(endless_line, r) == HttpParseStatus::kBad);
  std::string many_headers = "GET /metrics HTTP/1.1\r\n";
  while (many_headers.size() <= kMaxHttpRequestHead) many_headers += "X-Filler: 0123456789\r\n";
  CHECK(ParseHttpRequest(many_headers, r) == HttpParseStatus::kBad);
  CHECK(ParseHttpRequest(many_headers + "\r\n", r) == HttpParseStatus::kBad);
}

TEST_CASE("responses: status line, length, close; HEAD without the body") {
  std::string ok = HttpResponse(200, "text/plain", "abc\n");
  CHECK(ok ==
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n"
        "Connection: close\r\n\r\nabc\n");
  std::string head = HttpResponse(200, "text/plain", "abc\n", /*head_only=*/true);
  CHECK(head.find("Content-Length: 4\r\n") != std::string::npos);
  CHECK(head.ends_with("\r\n\r\n"));
  CHECK(HttpResponse(404, "text/plain", "").starts_with("HTTP/1.1 404 Not Found\r\n"));
  std::string not_allowed = HttpResponse(405, "text/plain", "");
  CHECK(not_allowed.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
  CHECK(not_allowed.find("Allow: GET, HEAD\r\n") != std::string::npos);
}

}  // namespace
}  // namespace kvd::testing
