#pragma once
// Reply encoder for RESP2 and RESP3: appends to the connection's output buffer; never
// builds intermediate strings. In RESP2, RESP3-only types degrade as Redis does (a map is a
// flat array, a double a bulk string, a boolean an integer, null `$-1`/`*-1`).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kvd {

class ReplyWriter {
 public:
  explicit ReplyWriter(std::string& out, int protocol = 2) : out_(out), protocol_(protocol) {}

  int protocol() const { return protocol_; }
  void set_protocol(int p) { protocol_ = p; }
  std::string& buffer() { return out_; }

  void Simple(std::string_view s);              // +OK
  void Error(std::string_view s);               // -ERR ... (\r and \n become spaces)
  void Integer(int64_t v);                      // :1
  void Bulk(std::string_view s);                // $3\r\nabc
  void Null();                                  // RESP2 $-1, RESP3 _
  void NullArray();                             // RESP2 *-1, RESP3 _
  void ArrayHeader(size_t n);                   // *n
  void MapHeader(size_t pairs);                 // RESP3 %n, RESP2 *2n
  void SetHeader(size_t n);                     // RESP3 ~n, RESP2 *n
  void PushHeader(size_t n);                    // RESP3 >n, RESP2 *n
  // RESP3 |n: n key/value pairs about the reply that follows. RESP2 has no attributes:
  // callers send them to RESP3 clients only.
  void AttributeHeader(size_t pairs);
  void Double(double v);                        // RESP3 ,v; RESP2 bulk; inf/-inf/nan as Redis
  void Bool(bool v);                            // RESP3 #t/#f, RESP2 :1/:0
  void Verbatim(std::string_view format, std::string_view s);  // RESP3 =, RESP2 bulk
  void BigNumber(std::string_view digits);      // RESP3 (, RESP2 bulk
  void BulkInteger(int64_t v);                  // an integer as a bulk string: $2\r\n42

  // Frequent constant replies, appended without formatting.
  void Ok() { out_.append("+OK\r\n"); }

 private:
  std::string& out_;
  int protocol_;
};

// Redis's shortest round-trip text for a double ("1.5", "inf", "-inf", "nan"; integral
// values without ".0"), as used in replies and INCRBYFLOAT-style results.
std::string FormatDouble(double v);

// FormatDouble without allocating: writes at most kMaxDoubleChars bytes to `buf` and
// returns how many.
inline constexpr size_t kMaxDoubleChars = 32;
size_t FormatDouble(double v, char* buf);

}  // namespace kvd
