// Internal to cap/: what signature.cpp and signature_verify.cpp share around libxmlsec1: the
// once-per-process initialisation, the capture of libxmlsec1's error reports (per thread), owning
// pointers for the C objects, and the hardened libxml2 parse.
#pragma once

#include <libxml/tree.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/xmldsig.h>

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "capcast/core/result.h"

namespace capcast::cap::xmlsec {

inline constexpr const char* kDsigNs = "http://www.w3.org/2000/09/xmldsig#";

// Initialises libxml2, libxmlsec1 and its OpenSSL backend once (std::call_once) and registers
// their shutdown with atexit. Returns the outcome of that one initialisation.
Status ensure_initialised();

// Collects the error reports libxmlsec1 makes on this thread while it lives (the callback is
// process-wide, the buffer thread_local), so that a failure can say why.
class ErrorCapture {
 public:
  ErrorCapture();
  ~ErrorCapture();
  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;
  // The reports so far, "; "-separated, at most a few hundred characters.
  std::string text() const;
  bool mentions(std::string_view word) const;
};

struct DocDeleter {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
struct KeyDeleter {
  void operator()(xmlSecKey* k) const { xmlSecKeyDestroy(k); }
};
struct MngrDeleter {
  void operator()(xmlSecKeysMngr* m) const { xmlSecKeysMngrDestroy(m); }
};
struct DsigDeleter {
  void operator()(xmlSecDSigCtx* c) const { xmlSecDSigCtxDestroy(c); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;
using KeyPtr = std::unique_ptr<xmlSecKey, KeyDeleter>;
using MngrPtr = std::unique_ptr<xmlSecKeysMngr, MngrDeleter>;
using DsigPtr = std::unique_ptr<xmlSecDSigCtx, DsigDeleter>;

// Parses bytes that load_safe_xml accepted already: no network (XML_PARSE_NONET), no DTD loaded
// (no XML_PARSE_DTDLOAD), no entity substituted (no XML_PARSE_NOENT), nothing printed.
Result<DocPtr> parse(std::string_view xml);

// The element children of `parent` named `local` in the XML-DSig namespace.
bool is_dsig(const xmlNode* node, const char* local);

// A certificate's subject, RFC 2253 ("CN=...,O=..."); "" when it cannot be printed.
std::string subject_of(const X509* cert);

// The subject of the certificate libxmlsec1 took the key from; "" when none.
std::string key_subject(xmlSecKey* key);

}  // namespace capcast::cap::xmlsec
