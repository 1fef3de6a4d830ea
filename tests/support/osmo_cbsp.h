/* A flat, C++-friendly view of libosmocore's CBSP codec (osmocom/gsm/cbsp.h, whose headers do
 * not compile as C++), for the tests that use libosmocore as an independent oracle and peer:
 * tests/dispatch/cbsp_oracle_test.cpp and tests/peers/bsc_peer.cpp. libosmocore is GPL: only
 * test executables link this, never capcast. Thread-compatible (libosmocore keeps its error
 * text per thread). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OC_MAX_CELLS 64

struct oc_cell {
  uint8_t discr; /* TS 48.049 §8.2.6 cell identification discriminator */
  uint16_t mcc, mnc;
  uint8_t mnc_3_digits;
  uint16_t lac, ci;
};
struct oc_fail {
  struct oc_cell cell; /* with its own discriminator */
  uint8_t cause;
};
struct oc_compl {
  struct oc_cell cell;
  uint16_t num_compl;
  uint8_t num_bcast_info;
};

/* One CBSP message as libosmocore decodes it (or is asked to encode it). has_* say which
 * optional parts are there. Periods are in libosmocore's units: repetition as the raw 16-bit
 * value, warning and keep-alive periods in seconds. */
struct oc_msg {
  int type;
  int has_msg_id, has_new_serial, has_old_serial;
  uint16_t msg_id, new_serial, old_serial;
  int has_cell_list;
  uint8_t cell_discr;
  int n_cells;
  struct oc_cell cells[OC_MAX_CELLS];
  int has_channel;
  uint8_t channel;
  int is_cbs; /* WRITE-REPLACE: CBS (1) or ETWS (0) */
  uint8_t category, dcs;
  uint16_t rep_period, num_bcast_req;
  int n_pages;
  uint8_t page_used[15];
  uint8_t pages[15][82];
  uint8_t emerg_ind;
  uint16_t warning_type;
  uint8_t wsi[50];
  uint32_t warning_period_s;
  int has_compl;
  uint8_t compl_discr;
  int n_compl;
  struct oc_compl compl_list[OC_MAX_CELLS];
  int has_fail;
  int n_fail;
  struct oc_fail fail[OC_MAX_CELLS];
  uint8_t cause, bcast_msg_type, recovery_ind;
  uint32_t keep_alive_s;
};

/* osmo_cbsp_decode of one framed PDU: 0 and *out filled, or -1 and *err (libosmocore's text,
 * possibly "") */
int oc_decode(const uint8_t* buf, size_t len, struct oc_msg* out, const char** err);
/* osmo_cbsp_encode: the PDU's length (written to buf), or -1 and *err. */
int oc_encode(const struct oc_msg* in, uint8_t* buf, size_t cap, const char** err);
/* libosmocore's name of a message type ("WRITE-REPLACE"), for logs and JSON. */
const char* oc_msg_type_name(int type);

#ifdef __cplusplus
}
#endif
