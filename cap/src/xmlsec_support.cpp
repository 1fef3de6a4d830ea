#include "xmlsec_support.h"

#include <libxml/parser.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <xmlsec/errors.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>
#include <xmlsec/openssl/x509.h>
#include <xmlsec/xmlsec.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace capcast::cap::xmlsec {
namespace {

constexpr size_t kMaxErrorText = 600;

// libxmlsec1's callback is process-wide; each thread collects into its own buffer, and only
// while an ErrorCapture lives on it (depth > 0), so that nothing accumulates otherwise.
thread_local std::string t_errors;
thread_local int t_depth = 0;

void on_error(const char* /*file*/, int /*line*/, const char* func, const char* errorObject,
              const char* errorSubject, int /*reason*/, const char* msg) {
  if (t_depth == 0 || t_errors.size() > kMaxErrorText) return;
  if (!t_errors.empty()) t_errors += "; ";
  t_errors += func ? func : "?";
  if (errorObject && std::strcmp(errorObject, "unknown") != 0) {
    t_errors += std::string(" [") + errorObject + "]";
  }
  if (errorSubject && std::strcmp(errorSubject, "unknown") != 0) {
    t_errors += std::string(" ") + errorSubject;
  }
  if (msg && *msg) t_errors += std::string(": ") + msg;
}

void shutdown() {
  // Reverse order of initialisation. libxml2 itself is left to the process's end: other code
  // in the process may still use it (xmlCleanupParser is for a program that is done with it).
  xmlSecOpenSSLShutdown();
  xmlSecOpenSSLAppShutdown();
  xmlSecShutdown();
}

Status initialise() {
  xmlInitParser();
  if (xmlSecInit() < 0) return internal_error("libxmlsec1: initialisation failed");
  if (xmlSecCheckVersion() != 1) {
    xmlSecShutdown();
    return internal_error("libxmlsec1: the loaded library is not compatible with its headers");
  }
  // The OpenSSL backend is linked in (XMLSEC_NO_CRYPTO_DYNAMIC_LOADING in Debian's build), so
  // its functions are called by name rather than through xmlSecCrypto* indirection.
  if (xmlSecOpenSSLAppInit(nullptr) < 0) {
    xmlSecShutdown();
    return internal_error("libxmlsec1: OpenSSL application initialisation failed");
  }
  if (xmlSecOpenSSLInit() < 0) {
    xmlSecOpenSSLAppShutdown();
    xmlSecShutdown();
    return internal_error("libxmlsec1: OpenSSL backend initialisation failed");
  }
  xmlSecErrorsSetCallback(on_error);
  std::atexit(shutdown);
  return {};
}

}  // namespace

Status ensure_initialised() {
  static std::once_flag once;
  static Status status;
  std::call_once(once, [] { status = initialise(); });
  return status;
}

ErrorCapture::ErrorCapture() {
  if (t_depth++ == 0) t_errors.clear();
}

ErrorCapture::~ErrorCapture() {
  if (--t_depth == 0) t_errors.clear();
}

std::string ErrorCapture::text() const {
  return t_errors.empty() ? "no detail from libxmlsec1" : t_errors;
}

bool ErrorCapture::mentions(std::string_view word) const {
  return t_errors.find(word) != std::string::npos;
}

Result<DocPtr> parse(std::string_view xml) {
  if (xml.size() > static_cast<size_t>(INT_MAX)) return parse_error("document too large");
  // Deliberately absent: XML_PARSE_NOENT (substitute entities), XML_PARSE_DTDLOAD,
  // XML_PARSE_DTDATTR, XML_PARSE_DTDVALID, XML_PARSE_XINCLUDE, XML_PARSE_HUGE.
  // XML_PARSE_NOBLANKS too: whitespace is part of what is signed.
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  xmlDoc* doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr, options);
  if (doc == nullptr) {
    const xmlError* e = xmlGetLastError();
    return parse_error(std::string("libxml2: not well-formed XML") +
                       (e && e->message ? std::string(": ") + e->message : ""));
  }
  return DocPtr(doc);
}

bool is_dsig(const xmlNode* node, const char* local) {
  return node && node->type == XML_ELEMENT_NODE && node->ns && node->ns->href &&
         std::strcmp(reinterpret_cast<const char*>(node->ns->href), kDsigNs) == 0 &&
         std::strcmp(reinterpret_cast<const char*>(node->name), local) == 0;
}

std::string subject_of(const X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return "";
  std::string out;
  if (X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) >= 0) {
    char* p = nullptr;
    long n = BIO_get_mem_data(bio, &p);
    if (n > 0 && p) out.assign(p, static_cast<size_t>(n));
  }
  BIO_free(bio);
  return out;
}

std::string key_subject(xmlSecKey* key) {
  if (key == nullptr) return "";
  xmlSecKeyData* data = xmlSecKeyGetData(key, xmlSecOpenSSLKeyDataX509Id);
  if (data == nullptr) return "";
  X509* cert = xmlSecOpenSSLKeyDataX509GetKeyCert(data);
  return cert == nullptr ? "" : subject_of(cert);
}

}  // namespace capcast::cap::xmlsec
