// libsodium behind store::Sealer (sealer.h).
#include <sodium.h>

#include <array>
#include <cstring>

#include "capcast/store/sealer.h"

namespace capcast::store {
namespace {

// crypto_kdf contexts: 8 bytes each, naming what the subkey is for.
constexpr char kSealContext[crypto_kdf_CONTEXTBYTES] = {'c', 'c', 's', 'e', 'a', 'l', '0', '1'};
constexpr uint64_t kSealSubkey = 1;
constexpr uint64_t kLookupSubkey = 2;

class SodiumSealer final : public Sealer {
 public:
  explicit SodiumSealer(const std::array<unsigned char, crypto_kdf_KEYBYTES>& master) {
    crypto_kdf_derive_from_key(seal_key_.data(), seal_key_.size(), kSealSubkey, kSealContext,
                               master.data());
    crypto_kdf_derive_from_key(lookup_key_.data(), lookup_key_.size(), kLookupSubkey, kSealContext,
                               master.data());
  }
  ~SodiumSealer() override {
    sodium_memzero(seal_key_.data(), seal_key_.size());
    sodium_memzero(lookup_key_.data(), lookup_key_.size());
  }

  std::string seal(std::string_view plain) const override {
    std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
    auto* p = reinterpret_cast<unsigned char*>(out.data());
    randombytes_buf(p, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(p + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), p,
                          seal_key_.data());
    return out;
  }

  Result<std::string> open(std::string_view sealed) const override {
    if (sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
      return Status(Code::kPermissionDenied, "sealed value too short");
    }
    const auto* p = reinterpret_cast<const unsigned char*>(sealed.data());
    std::string out(sealed.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
    if (crypto_secretbox_open_easy(
            reinterpret_cast<unsigned char*>(out.data()), p + crypto_secretbox_NONCEBYTES,
            sealed.size() - crypto_secretbox_NONCEBYTES, p, seal_key_.data()) != 0) {
      return Status(Code::kPermissionDenied,
                    "cannot open a sealed value: another key, or the data was altered");
    }
    return out;
  }

  std::string lookup_key(std::string_view plain) const override {
    std::string out(crypto_generichash_BYTES, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                       reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
                       lookup_key_.data(), lookup_key_.size());
    return out;
  }

 private:
  std::array<unsigned char, crypto_secretbox_KEYBYTES> seal_key_{};
  std::array<unsigned char, crypto_generichash_KEYBYTES> lookup_key_{};
};

}  // namespace

Result<std::unique_ptr<Sealer>> sodium_sealer(std::string_view hex_key) {
  if (sodium_init() < 0) return Status(Code::kInternal, "libsodium failed to initialise");
  std::array<unsigned char, crypto_kdf_KEYBYTES> master{};
  size_t len = 0;
  const char* end = nullptr;
  if (hex_key.size() != 2 * master.size() ||
      sodium_hex2bin(master.data(), master.size(), hex_key.data(), hex_key.size(), nullptr, &len,
                     &end) != 0 ||
      len != master.size()) {
    return Status(Code::kInvalidArgument,
                  "the key must be 64 hex digits (32 bytes); make one with `capcast keygen`");
  }
  auto sealer = std::make_unique<SodiumSealer>(master);
  sodium_memzero(master.data(), master.size());
  return std::unique_ptr<Sealer>(std::move(sealer));
}

std::string new_sealer_key() {
  if (sodium_init() < 0) return "";
  std::array<unsigned char, crypto_kdf_KEYBYTES> key{};
  crypto_kdf_keygen(key.data());
  std::string hex(2 * key.size() + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), key.data(), key.size());
  hex.pop_back();
  sodium_memzero(key.data(), key.size());
  return hex;
}

}  // namespace capcast::store
