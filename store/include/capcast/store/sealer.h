// Phone numbers at rest: the store keeps a recipient's number sealed (authenticated encryption)
// and finds it again by a keyed hash, so that a copy of the database file alone reveals no
// number (capcast's privacy rule; issue 6). The store only calls this interface; the libsodium
// implementation below is the one capcast uses.
//
// Thread-safe: const methods of an immutable key.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "capcast/core/result.h"

namespace capcast::store {

class Sealer {
 public:
  virtual ~Sealer() = default;
  // Random nonce + ciphertext + tag: sealing the same number twice gives different bytes.
  virtual std::string seal(std::string_view plain) const = 0;
  // The plain text, or kPermissionDenied when the bytes were not sealed with this key (or were
  // altered).
  virtual Result<std::string> open(std::string_view sealed) const = 0;
  // A keyed hash of the plain text: equal numbers give equal keys, under this key only.
  virtual std::string lookup_key(std::string_view plain) const = 0;
};

// The key: 32 bytes, written as 64 hex digits (what `capcast keygen` prints; `openssl rand -hex
// 32` works too). Sealing uses XSalsa20-Poly1305 (libsodium crypto_secretbox) and the lookup
// BLAKE2b (crypto_generichash), each under its own subkey (crypto_kdf_derive_from_key), so the
// two uses never share a key.
Result<std::unique_ptr<Sealer>> sodium_sealer(std::string_view hex_key);

// A new random key in that form.
std::string new_sealer_key();

}  // namespace capcast::store
