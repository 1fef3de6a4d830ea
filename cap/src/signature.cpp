// Signing: the key and certificates are read with OpenSSL directly (so that a missing password
// fails instead of prompting on a terminal, and the key is checked against the certificate),
// then handed to libxmlsec1, which builds the <Signature> over a libxml2 tree of the alert. The
// serialized <Signature> is spliced into the alert's original bytes just before </alert>: the
// signed content stays byte for byte what the originator wrote, and exclusive c14n makes the
// SignedInfo's canonical form independent of where it sits (W3C xml-exc-c14n §3).
#include "capcast/cap/signature.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <xmlsec/openssl/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/openssl/x509.h>
#include <xmlsec/templates.h>
#include <xmlsec/transforms.h>
#include <pugixml.hpp>

#include <cstring>
#include <vector>

#include "capcast/cap/safe_xml.h"
#include "xmlsec_support.h"

namespace capcast::cap {

struct Signer::Impl {
  xmlsec::KeyPtr key;
  xmlSecTransformId method = nullptr;
  std::string algorithm;
  std::string subject;
};

const std::string& Signer::subject() const {
  return impl_->subject;
}
const std::string& Signer::algorithm() const {
  return impl_->algorithm;
}

namespace {

// OpenSSL's PEM password callback: the configured password, or a refusal (never a prompt).
int password_cb(char* buf, int size, int /*rwflag*/, void* u) {
  const auto* pw = static_cast<const std::string*>(u);
  if (pw == nullptr || pw->empty() || size <= 0 || pw->size() > static_cast<size_t>(size)) {
    return -1;
  }
  std::memcpy(buf, pw->data(), pw->size());
  return static_cast<int>(pw->size());
}

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Deleter {
  void operator()(X509* c) const { X509_free(c); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

Result<BioPtr> open_file(const std::string& path, const char* what) {
  if (path.empty()) return invalid_argument(std::string(what) + ": no file given");
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) {
    ERR_clear_error();
    return io_error(std::string(what) + " " + path + ": cannot be opened");
  }
  return bio;
}

// Where the root element's end tag starts in `xml` (a document load_safe_xml accepted, so
// without DOCTYPE): npos when the root is an empty-element tag.
size_t root_end_tag(std::string_view xml) {
  size_t i = 0;
  if (xml.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  // The prolog: the declaration, comments, processing instructions and white space.
  while (i < xml.size()) {
    if (xml.compare(i, 4, "<!--") == 0) {
      i = xml.find("-->", i + 4);
      if (i == std::string_view::npos) return i;
      i += 3;
    } else if (xml.compare(i, 2, "<?") == 0) {
      i = xml.find("?>", i + 2);
      if (i == std::string_view::npos) return i;
      i += 2;
    } else if (xml[i] == '<') {
      break;
    } else {
      ++i;
    }
  }
  size_t end = element_end(xml, i);
  if (end == std::string_view::npos || end < 2 || xml[end - 2] == '/') {
    return std::string_view::npos;
  }
  size_t tag = xml.rfind("</", end - 1);
  return tag == std::string_view::npos || tag <= i ? std::string_view::npos : tag;
}

bool utf16_or_32(std::string_view xml) {
  return xml.size() >= 2 &&
         ((xml[0] == '\xFE' && xml[1] == '\xFF') || (xml[0] == '\xFF' && xml[1] == '\xFE') ||
          (xml.size() >= 4 && xml[0] == 0 && xml[1] == 0));
}

pugi::xml_node find_signature(const pugi::xml_document& doc) {
  return doc.find_node([](pugi::xml_node n) {
    return n.type() == pugi::node_element && local_name(n.name()) == "Signature" &&
           namespace_of(n) == xmlsec::kDsigNs;
  });
}

// Builds the <Signature> template as the last child of the root and signs it.
Status sign_tree(xmlDoc* doc, const Signer::Impl& signer, xmlNode** signature) {
  xmlNode* root = xmlDocGetRootElement(doc);
  xmlNode* sig = xmlSecTmplSignatureCreate(doc, xmlSecTransformExclC14NId, signer.method, nullptr);
  if (sig == nullptr) return internal_error("libxmlsec1: cannot create the Signature template");
  if (xmlAddChild(root, sig) == nullptr) {
    xmlFreeNode(sig);
    return internal_error("libxml2: cannot append the Signature");
  }
  const auto* whole_document = reinterpret_cast<const xmlChar*>("");
  xmlNode* ref = xmlSecTmplSignatureAddReference(sig, xmlSecOpenSSLTransformSha256Id, nullptr,
                                                 whole_document, nullptr);
  xmlNode* key_info = xmlSecTmplSignatureEnsureKeyInfo(sig, nullptr);
  xmlNode* x509 = key_info ? xmlSecTmplKeyInfoAddX509Data(key_info) : nullptr;
  // XML-DSig §6.6.4: the enveloped-signature transform takes the Signature out of what is
  // digested; then the document is canonicalized explicitly with exclusive c14n (without it,
  // §4.3.3.2 would apply inclusive c14n 1.0).
  if (ref == nullptr || x509 == nullptr ||
      xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId) == nullptr ||
      xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId) == nullptr ||
      xmlSecTmplX509DataAddCertificate(x509) == nullptr) {
    return internal_error("libxmlsec1: cannot complete the Signature template");
  }
  xmlsec::DsigPtr ctx(xmlSecDSigCtxCreate(nullptr));
  if (!ctx) return internal_error("libxmlsec1: cannot create a signature context");
  // The context destroys its key: it gets a copy, so the Signer stays shareable.
  ctx->signKey = xmlSecKeyDuplicate(signer.key.get());
  if (ctx->signKey == nullptr) return internal_error("libxmlsec1: cannot copy the signing key");
  xmlsec::ErrorCapture errors;
  if (xmlSecDSigCtxSign(ctx.get(), sig) < 0) {
    return internal_error("libxmlsec1: signing failed: " + errors.text());
  }
  *signature = sig;
  return {};
}

}  // namespace

Result<Signer> load_signer(const std::string& key_file, const std::string& cert_file,
                           const std::string& password) {
  if (auto st = xmlsec::ensure_initialised(); !st.ok()) return st;
  auto key_bio = open_file(key_file, "private key");
  if (!key_bio.ok()) return key_bio.status();
  PkeyPtr pkey(PEM_read_bio_PrivateKey(key_bio->get(), nullptr, password_cb,
                                       const_cast<std::string*>(&password)));
  if (!pkey) {
    ERR_clear_error();
    return invalid_argument("private key " + key_file +
                            ": not a PEM private key, or encrypted and the password is " +
                            (password.empty() ? "missing" : "wrong"));
  }
  auto cert_bio = open_file(cert_file, "certificate");
  if (!cert_bio.ok()) return cert_bio.status();
  X509Ptr cert(PEM_read_bio_X509(cert_bio->get(), nullptr, nullptr, nullptr));
  if (!cert) {
    ERR_clear_error();
    return invalid_argument("certificate " + cert_file + ": not a PEM certificate");
  }
  // The rest of the chain, if the file holds it after the signer's certificate.
  std::vector<X509Ptr> chain;
  while (X509* more = PEM_read_bio_X509(cert_bio->get(), nullptr, nullptr, nullptr)) {
    chain.emplace_back(more);
  }
  ERR_clear_error();  // the read that ended the loop
  if (X509_check_private_key(cert.get(), pkey.get()) != 1) {
    ERR_clear_error();
    return invalid_argument("certificate " + cert_file + ": its public key is not that of " +
                            key_file);
  }
  auto impl = std::make_shared<Signer::Impl>();
  const int type = EVP_PKEY_base_id(pkey.get());
  if (type == EVP_PKEY_RSA) {
    impl->method = xmlSecOpenSSLTransformRsaSha256Id;
    impl->algorithm = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";  // RFC 6931 §2.3
  } else if (type == EVP_PKEY_EC) {
    impl->method = xmlSecOpenSSLTransformEcdsaSha256Id;
    impl->algorithm = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";  // RFC 6931 §2.3
  } else {
    return invalid_argument("private key " + key_file + ": only RSA and EC keys can sign");
  }
  impl->subject = xmlsec::subject_of(cert.get());

  xmlsec::ErrorCapture errors;
  impl->key.reset(xmlSecKeyCreate());
  xmlSecKeyData* value = impl->key ? xmlSecOpenSSLEvpKeyAdopt(pkey.get()) : nullptr;
  if (value == nullptr) return internal_error("libxmlsec1: cannot adopt the key: " + errors.text());
  pkey.release();  // owned by `value` now
  if (xmlSecKeySetValue(impl->key.get(), value) < 0) {
    xmlSecKeyDataDestroy(value);
    return internal_error("libxmlsec1: cannot set the key: " + errors.text());
  }
  xmlSecKeyData* x509 = xmlSecKeyEnsureData(impl->key.get(), xmlSecOpenSSLKeyDataX509Id);
  if (x509 == nullptr) return internal_error("libxmlsec1: " + errors.text());
  // The key's own certificate (its subject is what verify() reports), then every certificate
  // KeyInfo carries: the signer's first, the chain after it.
  X509* key_cert = X509_dup(cert.get());
  if (key_cert == nullptr || xmlSecOpenSSLKeyDataX509AdoptKeyCert(x509, key_cert) < 0) {
    X509_free(key_cert);
    return internal_error("libxmlsec1: cannot attach the certificate: " + errors.text());
  }
  chain.insert(chain.begin(), std::move(cert));
  for (auto& c : chain) {
    if (xmlSecOpenSSLKeyDataX509AdoptCert(x509, c.get()) < 0) {
      return internal_error("libxmlsec1: cannot attach the certificate: " + errors.text());
    }
    c.release();  // owned by `x509` now
  }
  return Signer(std::move(impl));
}

bool is_signed(std::string_view cap_xml) {
  pugi::xml_document safe;
  return load_safe_xml(safe, cap_xml, XmlLimits{}).ok() && find_signature(safe);
}

Result<std::string> sign(std::string_view cap_xml, const Signer& signer) {
  if (auto st = xmlsec::ensure_initialised(); !st.ok()) return st;
  pugi::xml_document safe;
  if (auto st = load_safe_xml(safe, cap_xml, XmlLimits{}); !st.ok()) return st;
  pugi::xml_node existing = find_signature(safe);
  if (existing) {
    return invalid_argument(
        "the alert is signed already (<" + std::string(existing.name()) + "> in <" +
        existing.parent().name() +
        ">): its originator's signature must reach the recipient as it is, not be wrapped or "
        "replaced by another");
  }
  if (utf16_or_32(cap_xml)) {
    return invalid_argument("only UTF-8 and ISO-8859-1 alerts can be signed (this is UTF-16/32)");
  }
  const size_t splice_at = root_end_tag(cap_xml);
  if (splice_at == std::string_view::npos) {
    return invalid_argument("the root element has no end tag to put a Signature before");
  }
  auto doc = xmlsec::parse(cap_xml);
  if (!doc.ok()) return doc.status();
  xmlNode* sig = nullptr;
  if (auto st = sign_tree(doc->get(), signer.impl(), &sig); !st.ok()) return st;

  xmlBuffer* buf = xmlBufferCreate();
  if (buf == nullptr) return internal_error("libxml2: out of memory");
  const int n = xmlNodeDump(buf, doc->get(), sig, 0, 0);
  std::string signature = n < 0 ? std::string()
                                : std::string(reinterpret_cast<const char*>(xmlBufferContent(buf)),
                                              static_cast<size_t>(xmlBufferLength(buf)));
  xmlBufferFree(buf);
  if (signature.empty()) return internal_error("libxml2: cannot serialize the Signature");

  std::string out;
  out.reserve(cap_xml.size() + signature.size());
  out.append(cap_xml.substr(0, splice_at)).append(signature).append(cap_xml.substr(splice_at));
  // The splice is checked, not trusted: a signature that does not verify is never returned.
  auto check = verify(out);
  if (!check.ok() || !check->valid()) {
    return internal_error("the signed alert does not verify: " +
                          (check.ok() ? check->reason : check.status().message()));
  }
  return out;
}

}  // namespace capcast::cap
