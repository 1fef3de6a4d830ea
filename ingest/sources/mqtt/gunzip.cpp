#include "mqtt/gunzip.h"

#include <zlib.h>

#include <climits>

namespace capcast::ingest::mqtt {

Result<std::string> gunzip(std::string_view gz, size_t limit) {
  // RFC 1952 §2.3.1: ID1 = 31, ID2 = 139. Checked here so that the error is plain.
  if (gz.size() < 2 || static_cast<unsigned char>(gz[0]) != 0x1f ||
      static_cast<unsigned char>(gz[1]) != 0x8b) {
    return invalid_argument("not gzip data (no 1f 8b header)");
  }
  if (gz.size() > UINT_MAX) return invalid_argument("gzip data too large");
  z_stream zs{};
  // windowBits 15 + 16: a gzip wrapper only, not zlib's (zlib.h, inflateInit2).
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return internal_error("zlib: inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[16 * 1024];
  Status error;
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    int rc = inflate(&zs, Z_NO_FLUSH);
    size_t produced = sizeof buf - zs.avail_out;
    if (produced > limit - out.size()) {
      error = invalid_argument("gzip content inflates to more than " + std::to_string(limit) +
                               " bytes (max_bytes): stopped there, refused");
      break;
    }
    out.append(buf, produced);
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      // Another member follows (RFC 1952 §2.2).
      if (inflateReset(&zs) != Z_OK) {
        error = internal_error("zlib: inflateReset failed");
        break;
      }
      continue;
    }
    if (rc == Z_OK || rc == Z_BUF_ERROR) {
      // No input left and room to spare, yet the member has not ended: it was cut short.
      if (zs.avail_in == 0 && zs.avail_out != 0) {
        error = invalid_argument("gzip data is truncated");
        break;
      }
      continue;
    }
    std::string why = zs.msg ? std::string(zs.msg) : "zlib error " + std::to_string(rc);
    error = invalid_argument("corrupt gzip data: " + why);
    break;
  }
  inflateEnd(&zs);
  if (!error.ok()) return error;
  return out;
}

}  // namespace capcast::ingest::mqtt
