// XML digital signatures of CAP alerts (CAP 1.2 §3.3.2.1: an <alert> may carry an enveloped
// XML-DSig <Signature>, http://www.w3.org/2000/09/xmldsig#, as its last child), made and checked
// with libxmlsec1 and its OpenSSL backend.
//
// sign() appends one enveloped signature to an alert: exclusive c14n (for SignedInfo and for the
// referenced document), RSA-SHA256 or ECDSA-SHA256 by the key, SHA-256 digest, Reference URI=""
// (the whole alert) with the enveloped-signature transform, KeyInfo with the X.509 certificate(s).
// The alert's own bytes are kept as they are: the signature is inserted before </alert>.
// verify() checks the <Signature> children of <alert> from the last (the one CAP names) backwards
// until one verifies: each, enveloped over URI="", covers everything but itself, so one valid
// signature vouches for the whole alert. A signature added later breaks the digests of those
// before it (NAADS, Canada, inserts its own before the issuer's, and its own cannot be processed:
// its <Object> is in no namespace), so when none verifies as it is, each is tried again over the
// alert without the other <Signature> children (not alert content), and the reason says so.
//
// Untrusted input: the alert passes load_safe_xml first (no DOCTYPE, so no entity of any kind),
// then libxml2 parses it without network access, DTD loading or entity substitution; only a
// Reference to the whole document is followed (never a URI, so nothing is fetched), only the
// transforms, algorithms and KeyInfo kinds listed in signature_verify.cpp are accepted (no XSLT,
// XPath, RetrievalMethod or EncryptedKey).
//
// libxmlsec1, libxml2 and OpenSSL are initialised once per process, on first use, under
// std::call_once, and shut down by an atexit handler; nothing here may be used after exit()
// has begun. Every function is thread-safe; a Signer is immutable once loaded and may be shared
// by threads (each signature works on a copy of its key).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "capcast/core/result.h"

namespace capcast::cap {

// A private key and its certificate (and any further certificates of the chain that followed it
// in the PEM file, written to KeyInfo after it), loaded once. Copies share the same key.
class Signer {
 public:
  struct Impl;
  explicit Signer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  const Impl& impl() const { return *impl_; }
  // The certificate's subject, RFC 2253 form ("CN=...,O=...").
  const std::string& subject() const;
  // The SignatureMethod sign() uses: RSA-SHA256 or ECDSA-SHA256, by the key.
  const std::string& algorithm() const;

 private:
  std::shared_ptr<const Impl> impl_;
};

// Reads a PEM private key (RSA or EC; PKCS#8 or traditional, encrypted when `password` is not
// empty) and a PEM certificate whose public key is the key's. Errors (kInvalidArgument,
// kIoError) name the file and what is wrong; the password never appears in them.
Result<Signer> load_signer(const std::string& key_file, const std::string& cert_file,
                           const std::string& password);

// The alert with an enveloped signature appended as the last child of its root element.
// kInvalidArgument when the document already holds a Signature (an originator's signature must
// not be wrapped or replaced), when its root is not an element with content, or when it is
// UTF-16/32 (only UTF-8 and ISO-8859-1, whose bytes the ASCII signature can be spliced into);
// kParseError when it is not well-formed or not safe XML (load_safe_xml).
Result<std::string> sign(std::string_view cap_xml, const Signer& signer);

// Whether the document holds an XML-DSig <Signature> element anywhere (so that sign() would
// refuse it); false as well for a document that is not safe, well-formed XML.
bool is_signed(std::string_view cap_xml);

enum class SignatureVerdict {
  kValid,        // the digest and the signature value match (and the chain, when a CA was given)
  kNoSignature,  // the alert carries no <Signature> child
  kInvalid,      // tampered or malformed: what `reason` says
  kUnsupported,  // an algorithm, transform or reference this code does not accept
  kUntrusted,    // the math holds but the certificate does not chain to the trusted CAs
};

struct SignatureCheck {
  SignatureVerdict verdict = SignatureVerdict::kNoSignature;
  // The signing certificate's subject (RFC 2253) when KeyInfo carried one, else empty (a bare
  // KeyValue names nobody).
  std::string subject;
  std::string algorithm;       // the SignatureMethod URI
  int signatures = 0;          // how many <Signature> children <alert> has
  bool chain_checked = false;  // a trusted CA file was given and the chain was checked
  // Why the verdict is not kValid; when it is but the last Signature is not the one that
  // verified, which one did and why the last did not.
  std::string reason;
  bool valid() const { return verdict == SignatureVerdict::kValid; }
};

// Checks the alert's signature. With `trusted_ca_file` (PEM, one or more certificates) empty,
// only the signature math is checked with the key KeyInfo carries (a certificate's validity
// dates and chain are ignored): it proves integrity, not who signed. With it, the certificate
// must chain to one of those CAs and be valid now (a bare KeyValue is kUntrusted). Errors (not
// verdicts) only for input that is not safe, well-formed XML (kParseError) or a CA file that cannot
// be read (kIoError).
Result<SignatureCheck> verify(std::string_view cap_xml, const std::string& trusted_ca_file = "");

std::string_view verdict_name(SignatureVerdict verdict);

}  // namespace capcast::cap
