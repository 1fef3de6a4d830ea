// Verification: the last <Signature> child of <alert> is checked against allow-lists before
// libxmlsec1 sees it, so that an algorithm we do not accept is named as such (rather than as a
// generic failure), and libxmlsec1 is held to the same lists: a Reference may only be URI=""
// (the whole document: nothing is fetched, no XPointer), its transforms only enveloped-signature
// and c14n, KeyInfo only X509Data or KeyValue (no RetrievalMethod, no EncryptedKey, no KeyName
// lookup), manifests are ignored.
#include <xmlsec/keyinfo.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>
#include <xmlsec/openssl/x509.h>
#include <xmlsec/transforms.h>
#include <pugixml.hpp>

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "capcast/cap/safe_xml.h"
#include "capcast/cap/signature.h"
#include "xmlsec_support.h"

namespace capcast::cap {
namespace {

enum Use : unsigned { kC14n = 1, kSignature = 2, kDigest = 4, kTransform = 8 };

struct Algorithm {
  const char* uri;
  xmlSecTransformId (*id)();
  unsigned use;
};

// XML-DSig 1.1 §6 and RFC 6931. SHA-1 is still accepted when verifying: NAADS (Canada), PAGASA
// and USGS signed with rsa-sha1; SignatureCheck::algorithm lets a caller refuse it.
const Algorithm kAlgorithms[] = {
    {"http://www.w3.org/TR/2001/REC-xml-c14n-20010315", xmlSecTransformInclC14NGetKlass,
     kC14n | kTransform},
    {"http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
     xmlSecTransformInclC14NWithCommentsGetKlass, kC14n | kTransform},
    {"http://www.w3.org/2006/12/xml-c14n11", xmlSecTransformInclC14N11GetKlass, kC14n | kTransform},
    {"http://www.w3.org/2006/12/xml-c14n11#WithComments",
     xmlSecTransformInclC14N11WithCommentsGetKlass, kC14n | kTransform},
    {"http://www.w3.org/2001/10/xml-exc-c14n#", xmlSecTransformExclC14NGetKlass,
     kC14n | kTransform},
    {"http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
     xmlSecTransformExclC14NWithCommentsGetKlass, kC14n | kTransform},
    {"http://www.w3.org/2000/09/xmldsig#enveloped-signature", xmlSecTransformEnvelopedGetKlass,
     kTransform},
    {"http://www.w3.org/2000/09/xmldsig#rsa-sha1", xmlSecOpenSSLTransformRsaSha1GetKlass,
     kSignature},
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", xmlSecOpenSSLTransformRsaSha256GetKlass,
     kSignature},
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", xmlSecOpenSSLTransformRsaSha384GetKlass,
     kSignature},
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", xmlSecOpenSSLTransformRsaSha512GetKlass,
     kSignature},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
     xmlSecOpenSSLTransformEcdsaSha256GetKlass, kSignature},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
     xmlSecOpenSSLTransformEcdsaSha384GetKlass, kSignature},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
     xmlSecOpenSSLTransformEcdsaSha512GetKlass, kSignature},
    {"http://www.w3.org/2000/09/xmldsig#sha1", xmlSecOpenSSLTransformSha1GetKlass, kDigest},
    {"http://www.w3.org/2001/04/xmlenc#sha256", xmlSecOpenSSLTransformSha256GetKlass, kDigest},
    {"http://www.w3.org/2001/04/xmldsig-more#sha384", xmlSecOpenSSLTransformSha384GetKlass,
     kDigest},
    {"http://www.w3.org/2001/04/xmlenc#sha512", xmlSecOpenSSLTransformSha512GetKlass, kDigest},
};

bool accepted(std::string_view uri, unsigned use) {
  for (const auto& a : kAlgorithms) {
    if ((a.use & use) != 0 && uri == a.uri) return true;
  }
  return false;
}

std::string attr(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (v == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

bool has_attr(const xmlNode* n, const char* name) {
  return xmlHasProp(n, reinterpret_cast<const xmlChar*>(name)) != nullptr;
}

const xmlNode* child(const xmlNode* parent, const char* local) {
  for (const xmlNode* c = parent->children; c; c = c->next) {
    if (xmlsec::is_dsig(c, local)) return c;
  }
  return nullptr;
}

// Why the Signature's algorithms or reference are not accepted; "" when they are.
std::string unsupported(const xmlNode* sig, std::string* algorithm) {
  const xmlNode* si = child(sig, "SignedInfo");
  if (si == nullptr) return "no SignedInfo";
  const xmlNode* c14n = child(si, "CanonicalizationMethod");
  const xmlNode* method = child(si, "SignatureMethod");
  if (c14n == nullptr || method == nullptr) return "no CanonicalizationMethod or SignatureMethod";
  *algorithm = attr(method, "Algorithm");
  if (!accepted(attr(c14n, "Algorithm"), kC14n)) {
    return "canonicalization " + attr(c14n, "Algorithm") + " is not supported";
  }
  if (!accepted(*algorithm, kSignature))
    return "signature method " + *algorithm + " is not supported";
  int references = 0;
  for (const xmlNode* r = si->children; r; r = r->next) {
    if (!xmlsec::is_dsig(r, "Reference")) continue;
    if (++references > 1)
      return "more than one Reference: only one, to the whole alert, is accepted";
    if (!has_attr(r, "URI") || !attr(r, "URI").empty()) {
      return "Reference URI=\"" + attr(r, "URI") +
             "\": only URI=\"\" (the whole alert, CAP 1.2 §3.3.2.1) is accepted";
    }
    if (const xmlNode* ts = child(r, "Transforms")) {
      for (const xmlNode* t = ts->children; t; t = t->next) {
        if (xmlsec::is_dsig(t, "Transform") && !accepted(attr(t, "Algorithm"), kTransform)) {
          return "transform " + attr(t, "Algorithm") + " is not supported";
        }
      }
    }
    const xmlNode* digest = child(r, "DigestMethod");
    if (digest == nullptr || !accepted(attr(digest, "Algorithm"), kDigest)) {
      return "digest method " + (digest ? attr(digest, "Algorithm") : "(none)") +
             " is not supported";
    }
  }
  return references == 0 ? "no Reference" : "";
}

// The dsig context, held to the allow-lists.
Status restrict(xmlSecDSigCtx* ctx, bool check_chain) {
  ctx->flags |= XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
  ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty;
  if (!check_chain) ctx->keyInfoReadCtx.flags |= XMLSEC_KEYINFO_FLAGS_X509DATA_DONT_VERIFY_CERTS;
  for (const auto& a : kAlgorithms) {
    if ((a.use & (kTransform | kDigest)) != 0 &&
        xmlSecDSigCtxEnableReferenceTransform(ctx, a.id()) < 0) {
      return internal_error("libxmlsec1: cannot enable a reference transform");
    }
    if ((a.use & (kC14n | kSignature)) != 0 &&
        xmlSecDSigCtxEnableSignatureTransform(ctx, a.id()) < 0) {
      return internal_error("libxmlsec1: cannot enable a signature transform");
    }
  }
  // With a trust anchor only a certificate may give the key: a bare KeyValue names no one and
  // would otherwise pass as trusted.
  const xmlSecKeyDataId key_data[] = {xmlSecOpenSSLKeyDataX509Id, xmlSecKeyDataValueId,
                                      xmlSecOpenSSLKeyDataRsaId, xmlSecOpenSSLKeyDataEcdsaId};
  const size_t kinds = check_chain ? 1 : std::size(key_data);
  for (size_t k = 0; k < kinds; ++k) {
    const xmlSecKeyDataId id = key_data[k];
    // The list holds klass pointers as void*; libxmlsec1 never writes through them.
    if (xmlSecPtrListAdd(&ctx->keyInfoReadCtx.enabledKeyData,
                         const_cast<struct _xmlSecKeyDataKlass*>(id)) < 0) {
      return internal_error("libxmlsec1: cannot enable a KeyInfo kind");
    }
  }
  return {};
}

}  // namespace

std::string_view verdict_name(SignatureVerdict v) {
  switch (v) {
    case SignatureVerdict::kValid:
      return "valid";
    case SignatureVerdict::kNoSignature:
      return "no signature";
    case SignatureVerdict::kInvalid:
      return "invalid";
    case SignatureVerdict::kUnsupported:
      return "unsupported";
    case SignatureVerdict::kUntrusted:
      return "untrusted";
  }
  return "?";
}

namespace {

// Checks one Signature with libxmlsec1, filling in the verdict, subject and reason.
Status check_one(xmlNode* sig, xmlSecKeysMngr* mngr, SignatureCheck* check) {
  if (std::string why = unsupported(sig, &check->algorithm); !why.empty()) {
    check->verdict = SignatureVerdict::kUnsupported;
    check->reason = why;
    return {};
  }
  xmlsec::DsigPtr ctx(xmlSecDSigCtxCreate(mngr));
  if (!ctx) return internal_error("libxmlsec1: cannot create a signature context");
  if (auto st = restrict(ctx.get(), check->chain_checked); !st.ok()) return st;
  xmlsec::ErrorCapture errors;
  const int rc = xmlSecDSigCtxVerify(ctx.get(), sig);
  check->subject = xmlsec::key_subject(ctx->signKey);
  if (rc < 0) {
    // No key could be taken from KeyInfo: with a trust anchor, because no certificate there
    // chains to it (or it is not valid now), or there is no certificate at all.
    check->verdict = check->chain_checked && ctx->signKey == nullptr ? SignatureVerdict::kUntrusted
                                                                     : SignatureVerdict::kInvalid;
    check->reason = (check->verdict == SignatureVerdict::kUntrusted
                         ? "no certificate in KeyInfo chains to a trusted CA and is valid now: "
                         : "the signature cannot be checked: ") +
                    errors.text();
    return {};
  }
  if (ctx->status == xmlSecDSigStatusSucceeded && check->chain_checked && check->subject.empty()) {
    check->verdict = SignatureVerdict::kUntrusted;
    check->reason = "the key did not come from a certificate";
    return {};
  }
  if (ctx->status == xmlSecDSigStatusSucceeded) {
    check->verdict = SignatureVerdict::kValid;
    check->reason.clear();
    return {};
  }
  check->verdict = SignatureVerdict::kInvalid;
  auto* ref =
      static_cast<xmlSecDSigReferenceCtx*>(xmlSecPtrListGetItem(&ctx->signedInfoReferences, 0));
  check->reason = ref != nullptr && ref->status != xmlSecDSigStatusSucceeded
                      ? "the alert was changed after it was signed (its digest is not the "
                        "DigestValue)"
                      : "the SignatureValue does not match SignedInfo (SignedInfo changed, or "
                        "signed with another key than KeyInfo's)";
  return {};
}

}  // namespace

Result<SignatureCheck> verify(std::string_view cap_xml, const std::string& trusted_ca_file) {
  if (auto st = xmlsec::ensure_initialised(); !st.ok()) return st;
  {
    pugi::xml_document safe;
    if (auto st = load_safe_xml(safe, cap_xml, XmlLimits{}); !st.ok()) return st;
  }
  auto doc = xmlsec::parse(cap_xml);
  if (!doc.ok()) return doc.status();
  std::vector<xmlNode*> sigs;
  for (xmlNode* c = xmlDocGetRootElement(doc->get())->children; c; c = c->next) {
    if (xmlsec::is_dsig(c, "Signature")) sigs.push_back(c);
  }
  SignatureCheck check;
  check.signatures = static_cast<int>(sigs.size());
  if (sigs.empty()) {
    check.reason = "the alert carries no <Signature> (CAP 1.2 §3.3.2.1)";
    return check;
  }
  xmlsec::MngrPtr mngr(xmlSecKeysMngrCreate());
  if (!mngr || xmlSecOpenSSLAppDefaultKeysMngrInit(mngr.get()) < 0) {
    return internal_error("libxmlsec1: cannot create a keys manager");
  }
  check.chain_checked = !trusted_ca_file.empty();
  if (check.chain_checked) {
    xmlsec::ErrorCapture errors;
    if (!std::ifstream(trusted_ca_file).good()) {
      return io_error("trusted CA file " + trusted_ca_file + ": cannot be read");
    }
    if (xmlSecOpenSSLAppKeysMngrAddCertsFile(mngr.get(), trusted_ca_file.c_str()) < 0) {
      return io_error("trusted CA file " + trusted_ca_file + ": not PEM certificates (" +
                      errors.text() + ")");
    }
  }
  // From the last Signature backwards; the first valid one decides. Each enveloped signature
  // over URI="" covers everything but itself, so one valid signature vouches for the whole
  // alert, the other signatures included. With none valid, the last one's failure is told.
  SignatureCheck last;
  for (size_t k = sigs.size(); k-- > 0;) {
    SignatureCheck one = check;
    if (auto st = check_one(sigs[k], mngr.get(), &one); !st.ok()) return st;
    if (k == sigs.size() - 1) last = one;
    if (one.valid()) {
      if (k != sigs.size() - 1) {
        one.reason = "the last Signature does not verify (" + last.reason + "); Signature " +
                     std::to_string(k + 1) + " of " + std::to_string(sigs.size()) + " does";
      }
      return one;
    }
  }
  // A signature added later breaks the digests of those before it, wherever it is put (NAADS,
  // Canada, inserts its own before the issuer's). So each is tried again over the alert without
  // the other Signature children, which are not alert content: the alert is then vouched for by
  // that signer, and the reason says which signatures were set aside.
  for (size_t k = sigs.size(); sigs.size() > 1 && k-- > 0;) {
    auto copy = xmlsec::parse(cap_xml);
    if (!copy.ok()) return copy.status();
    xmlNode* mine = nullptr;
    size_t index = 0;
    for (xmlNode* c = xmlDocGetRootElement(copy->get())->children; c;) {
      xmlNode* next = c->next;
      if (xmlsec::is_dsig(c, "Signature") && index++ != k) {
        xmlUnlinkNode(c);
        xmlFreeNode(c);
      } else if (xmlsec::is_dsig(c, "Signature")) {
        mine = c;
      }
      c = next;
    }
    SignatureCheck one = check;
    if (auto st = check_one(mine, mngr.get(), &one); !st.ok()) return st;
    if (one.valid()) {
      one.reason = "Signature " + std::to_string(k + 1) + " of " + std::to_string(sigs.size()) +
                   " verifies over the alert without the other Signatures, which do not verify "
                   "(the last: " +
                   last.reason + ")";
      return one;
    }
  }
  return last;
}

}  // namespace capcast::cap
