/* libosmocore's CBSP codec behind the flat interface of osmo_cbsp.h (test-only, GPL peer). */
#include "osmo_cbsp.h"

#include <osmocom/core/msgb.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/gsm/cbsp.h>
#include <string.h>

static void cell_from(struct oc_cell* c, uint8_t d, const union gsm0808_cell_id_u* u) {
  memset(c, 0, sizeof(*c));
  c->discr = d;
  switch (d) {
    case CELL_IDENT_WHOLE_GLOBAL:
      c->mcc = u->global.lai.plmn.mcc;
      c->mnc = u->global.lai.plmn.mnc;
      c->mnc_3_digits = u->global.lai.plmn.mnc_3_digits;
      c->lac = u->global.lai.lac;
      c->ci = u->global.cell_identity;
      break;
    case CELL_IDENT_LAC_AND_CI:
      c->lac = u->lac_and_ci.lac;
      c->ci = u->lac_and_ci.ci;
      break;
    case CELL_IDENT_CI:
      c->ci = u->ci;
      break;
    case CELL_IDENT_LAI:
      c->mcc = u->lai_and_lac.plmn.mcc;
      c->mnc = u->lai_and_lac.plmn.mnc;
      c->mnc_3_digits = u->lai_and_lac.plmn.mnc_3_digits;
      c->lac = u->lai_and_lac.lac;
      break;
    case CELL_IDENT_LAC:
      c->lac = u->lac;
      break;
    default:
      break;
  }
}

static void cell_to(union gsm0808_cell_id_u* u, const struct oc_cell* c) {
  memset(u, 0, sizeof(*u));
  switch (c->discr) {
    case CELL_IDENT_WHOLE_GLOBAL:
      u->global.lai.plmn.mcc = c->mcc;
      u->global.lai.plmn.mnc = c->mnc;
      u->global.lai.plmn.mnc_3_digits = c->mnc_3_digits;
      u->global.lai.lac = c->lac;
      u->global.cell_identity = c->ci;
      break;
    case CELL_IDENT_LAC_AND_CI:
      u->lac_and_ci.lac = c->lac;
      u->lac_and_ci.ci = c->ci;
      break;
    case CELL_IDENT_CI:
      u->ci = c->ci;
      break;
    case CELL_IDENT_LAI:
      u->lai_and_lac.plmn.mcc = c->mcc;
      u->lai_and_lac.plmn.mnc = c->mnc;
      u->lai_and_lac.plmn.mnc_3_digits = c->mnc_3_digits;
      u->lai_and_lac.lac = c->lac;
      break;
    case CELL_IDENT_LAC:
      u->lac = c->lac;
      break;
    default:
      break;
  }
}

static void cells_from(struct oc_msg* m, const struct osmo_cbsp_cell_list* l) {
  const struct osmo_cbsp_cell_ent* e;
  m->has_cell_list = 1;
  m->cell_discr = l->id_discr;
  m->n_cells = 0;
  llist_for_each_entry(e, &l->list, list) {
    if (m->n_cells < OC_MAX_CELLS) cell_from(&m->cells[m->n_cells++], l->id_discr, &e->cell_id);
  }
}

static void cells_to(void* ctx, struct osmo_cbsp_cell_list* l, const struct oc_msg* m) {
  int i;
  l->id_discr = m->cell_discr;
  INIT_LLIST_HEAD(&l->list);
  if (!m->has_cell_list) return;
  for (i = 0; i < m->n_cells; i++) {
    struct osmo_cbsp_cell_ent* e = talloc_zero(ctx, struct osmo_cbsp_cell_ent);
    struct oc_cell c = m->cells[i];
    c.discr = m->cell_discr;
    cell_to(&e->cell_id, &c);
    llist_add_tail(&e->list, &l->list);
  }
}

static void compl_from(struct oc_msg* m, const struct osmo_cbsp_num_compl_list* l) {
  const struct osmo_cbsp_num_compl_ent* e;
  if (llist_empty(&l->list)) return;
  m->has_compl = 1;
  m->compl_discr = l->id_discr;
  llist_for_each_entry(e, &l->list, list) {
    if (m->n_compl >= OC_MAX_CELLS) break;
    cell_from(&m->compl_list[m->n_compl].cell, l->id_discr, &e->cell_id);
    m->compl_list[m->n_compl].num_compl = e->num_compl;
    m->compl_list[m->n_compl].num_bcast_info = e->num_bcast_info;
    m->n_compl++;
  }
}

static void compl_to(void* ctx, struct osmo_cbsp_num_compl_list* l, const struct oc_msg* m) {
  int i;
  INIT_LLIST_HEAD(&l->list);
  l->id_discr = m->compl_discr;
  if (!m->has_compl) return;
  for (i = 0; i < m->n_compl; i++) {
    struct osmo_cbsp_num_compl_ent* e = talloc_zero(ctx, struct osmo_cbsp_num_compl_ent);
    struct oc_cell c = m->compl_list[i].cell;
    c.discr = m->compl_discr;
    cell_to(&e->cell_id, &c);
    e->num_compl = m->compl_list[i].num_compl;
    e->num_bcast_info = m->compl_list[i].num_bcast_info;
    llist_add_tail(&e->list, &l->list);
  }
}

static void fail_from(struct oc_msg* m, const struct llist_head* l) {
  const struct osmo_cbsp_fail_ent* e;
  m->has_fail = 1;
  llist_for_each_entry(e, l, list) {
    if (m->n_fail >= OC_MAX_CELLS) break;
    cell_from(&m->fail[m->n_fail].cell, e->id_discr, &e->cell_id);
    m->fail[m->n_fail].cause = e->cause;
    m->n_fail++;
  }
}

static void fail_to(void* ctx, struct llist_head* l, const struct oc_msg* m) {
  int i;
  INIT_LLIST_HEAD(l);
  for (i = 0; i < m->n_fail; i++) {
    struct osmo_cbsp_fail_ent* e = talloc_zero(ctx, struct osmo_cbsp_fail_ent);
    e->id_discr = m->fail[i].cell.discr;
    cell_to(&e->cell_id, &m->fail[i].cell);
    e->cause = m->fail[i].cause;
    llist_add_tail(&e->list, l);
  }
}

#define OPT16(m, has, field, ptr) \
  do {                            \
    if (ptr) {                    \
      (m)->has = 1;               \
      (m)->field = *(ptr);        \
    }                             \
  } while (0)

static void from_decoded(struct oc_msg* m, const struct osmo_cbsp_decoded* d) {
  memset(m, 0, sizeof(*m));
  m->type = d->msg_type;
  switch (d->msg_type) {
    case CBSP_MSGT_WRITE_REPLACE: {
      const struct osmo_cbsp_write_replace* w = &d->u.write_replace;
      m->has_msg_id = m->has_new_serial = 1;
      m->msg_id = w->msg_id;
      m->new_serial = w->new_serial_nr;
      OPT16(m, has_old_serial, old_serial, w->old_serial_nr);
      cells_from(m, &w->cell_list);
      m->is_cbs = w->is_cbs;
      if (w->is_cbs) {
        const struct osmo_cbsp_content* c;
        m->has_channel = 1;
        m->channel = w->u.cbs.channel_ind;
        m->category = w->u.cbs.category;
        m->rep_period = w->u.cbs.rep_period;
        m->num_bcast_req = w->u.cbs.num_bcast_req;
        m->dcs = w->u.cbs.dcs;
        llist_for_each_entry(c, &w->u.cbs.msg_content, list) {
          if (m->n_pages >= 15) break;
          m->page_used[m->n_pages] = c->user_len;
          memcpy(m->pages[m->n_pages], c->data, 82);
          m->n_pages++;
        }
      } else {
        m->emerg_ind = w->u.emergency.indicator;
        m->warning_type = w->u.emergency.warning_type;
        memcpy(m->wsi, w->u.emergency.warning_sec_info, 50);
        m->warning_period_s = w->u.emergency.warning_period;
      }
      break;
    }
    case CBSP_MSGT_WRITE_REPLACE_COMPL: {
      const struct osmo_cbsp_write_replace_complete* w = &d->u.write_replace_compl;
      m->has_msg_id = m->has_new_serial = 1;
      m->msg_id = w->msg_id;
      m->new_serial = w->new_serial_nr;
      OPT16(m, has_old_serial, old_serial, w->old_serial_nr);
      compl_from(m, &w->num_compl_list);
      cells_from(m, &w->cell_list);
      OPT16(m, has_channel, channel, w->channel_ind);
      break;
    }
    case CBSP_MSGT_WRITE_REPLACE_FAIL: {
      const struct osmo_cbsp_write_replace_failure* w = &d->u.write_replace_fail;
      m->has_msg_id = m->has_new_serial = 1;
      m->msg_id = w->msg_id;
      m->new_serial = w->new_serial_nr;
      OPT16(m, has_old_serial, old_serial, w->old_serial_nr);
      fail_from(m, &w->fail_list);
      compl_from(m, &w->num_compl_list);
      if (!llist_empty(&w->cell_list.list)) cells_from(m, &w->cell_list);
      OPT16(m, has_channel, channel, w->channel_ind);
      break;
    }
    case CBSP_MSGT_KILL: {
      const struct osmo_cbsp_kill* k = &d->u.kill;
      m->has_msg_id = m->has_old_serial = 1;
      m->msg_id = k->msg_id;
      m->old_serial = k->old_serial_nr;
      cells_from(m, &k->cell_list);
      OPT16(m, has_channel, channel, k->channel_ind);
      break;
    }
    case CBSP_MSGT_KILL_COMPL: {
      const struct osmo_cbsp_kill_complete* k = &d->u.kill_compl;
      m->has_msg_id = m->has_old_serial = 1;
      m->msg_id = k->msg_id;
      m->old_serial = k->old_serial_nr;
      compl_from(m, &k->num_compl_list);
      cells_from(m, &k->cell_list);
      OPT16(m, has_channel, channel, k->channel_ind);
      break;
    }
    case CBSP_MSGT_KILL_FAIL: {
      const struct osmo_cbsp_kill_failure* k = &d->u.kill_fail;
      m->has_msg_id = m->has_old_serial = 1;
      m->msg_id = k->msg_id;
      m->old_serial = k->old_serial_nr;
      fail_from(m, &k->fail_list);
      compl_from(m, &k->num_compl_list);
      if (!llist_empty(&k->cell_list.list)) cells_from(m, &k->cell_list);
      OPT16(m, has_channel, channel, k->channel_ind);
      break;
    }
    case CBSP_MSGT_RESET:
      cells_from(m, &d->u.reset.cell_list);
      break;
    case CBSP_MSGT_RESET_COMPL:
      cells_from(m, &d->u.reset_compl.cell_list);
      break;
    case CBSP_MSGT_RESET_FAIL:
      fail_from(m, &d->u.reset_fail.fail_list);
      if (!llist_empty(&d->u.reset_fail.cell_list.list)) cells_from(m, &d->u.reset_fail.cell_list);
      break;
    case CBSP_MSGT_RESTART:
      cells_from(m, &d->u.restart.cell_list);
      m->bcast_msg_type = d->u.restart.bcast_msg_type;
      m->recovery_ind = d->u.restart.recovery_ind;
      break;
    case CBSP_MSGT_FAILURE:
      fail_from(m, &d->u.failure.fail_list);
      m->bcast_msg_type = d->u.failure.bcast_msg_type;
      break;
    case CBSP_MSGT_ERROR_IND: {
      const struct osmo_cbsp_error_ind* e = &d->u.error_ind;
      m->cause = e->cause;
      OPT16(m, has_msg_id, msg_id, e->msg_id);
      OPT16(m, has_new_serial, new_serial, e->new_serial_nr);
      OPT16(m, has_old_serial, old_serial, e->old_serial_nr);
      OPT16(m, has_channel, channel, e->channel_ind);
      break;
    }
    case CBSP_MSGT_KEEP_ALIVE:
      m->keep_alive_s = d->u.keep_alive.repetition_period;
      break;
    default:
      break;
  }
}

int oc_decode(const uint8_t* buf, size_t len, struct oc_msg* out, const char** err) {
  void* ctx = talloc_named_const(NULL, 0, "oc_decode");
  struct msgb* msg = osmo_cbsp_msgb_alloc(ctx, "oc_decode");
  struct osmo_cbsp_decoded* d;
  int rc = -1;
  *err = "";
  if (len > 65000) goto out;
  msg->l1h = msgb_put(msg, len);
  memcpy(msg->l1h, buf, len);
  msg->l2h = msg->l1h + 4; /* the header at l1h, the IEs at l2h, or it fails silently */
  d = osmo_cbsp_decode(ctx, msg);
  if (!d) {
    *err = osmo_cbsp_errstr ? osmo_cbsp_errstr : "decode failed";
    goto out;
  }
  from_decoded(out, d);
  rc = 0;
out:
  msgb_free(msg);
  talloc_free(ctx);
  return rc;
}

static uint16_t* u16(void* ctx, int has, uint16_t v) {
  uint16_t* p;
  if (!has) return NULL;
  p = talloc_zero(ctx, uint16_t);
  *p = v;
  return p;
}

static enum cbsp_channel_ind* chan(void* ctx, int has, uint8_t v) {
  enum cbsp_channel_ind* p;
  if (!has) return NULL;
  p = talloc_zero(ctx, enum cbsp_channel_ind);
  *p = (enum cbsp_channel_ind)v;
  return p;
}

int oc_encode(const struct oc_msg* m, uint8_t* buf, size_t cap, const char** err) {
  void* ctx = talloc_named_const(NULL, 0, "oc_encode");
  struct osmo_cbsp_decoded* d = osmo_cbsp_decoded_alloc(ctx, (enum cbsp_msg_type)m->type);
  struct msgb* msg;
  int rc = -1, i;
  *err = "";
  switch (m->type) {
    case CBSP_MSGT_WRITE_REPLACE: {
      struct osmo_cbsp_write_replace* w = &d->u.write_replace;
      w->msg_id = m->msg_id;
      w->new_serial_nr = m->new_serial;
      w->old_serial_nr = u16(ctx, m->has_old_serial, m->old_serial);
      cells_to(ctx, &w->cell_list, m);
      w->is_cbs = m->is_cbs;
      if (m->is_cbs) {
        w->u.cbs.channel_ind = (enum cbsp_channel_ind)m->channel;
        w->u.cbs.category = (enum cbsp_category)m->category;
        w->u.cbs.rep_period = m->rep_period;
        w->u.cbs.num_bcast_req = m->num_bcast_req;
        w->u.cbs.dcs = m->dcs;
        INIT_LLIST_HEAD(&w->u.cbs.msg_content);
        for (i = 0; i < m->n_pages; i++) {
          struct osmo_cbsp_content* c = talloc_zero(ctx, struct osmo_cbsp_content);
          c->user_len = m->page_used[i];
          memcpy(c->data, m->pages[i], 82);
          llist_add_tail(&c->list, &w->u.cbs.msg_content);
        }
      } else {
        w->u.emergency.indicator = m->emerg_ind;
        w->u.emergency.warning_type = m->warning_type;
        memcpy(w->u.emergency.warning_sec_info, m->wsi, 50);
        w->u.emergency.warning_period = m->warning_period_s;
      }
      break;
    }
    case CBSP_MSGT_WRITE_REPLACE_COMPL: {
      struct osmo_cbsp_write_replace_complete* w = &d->u.write_replace_compl;
      w->msg_id = m->msg_id;
      w->new_serial_nr = m->new_serial;
      w->old_serial_nr = u16(ctx, m->has_old_serial, m->old_serial);
      compl_to(ctx, &w->num_compl_list, m);
      cells_to(ctx, &w->cell_list, m);
      w->channel_ind = chan(ctx, m->has_channel, m->channel);
      break;
    }
    case CBSP_MSGT_WRITE_REPLACE_FAIL: {
      struct osmo_cbsp_write_replace_failure* w = &d->u.write_replace_fail;
      w->msg_id = m->msg_id;
      w->new_serial_nr = m->new_serial;
      w->old_serial_nr = u16(ctx, m->has_old_serial, m->old_serial);
      fail_to(ctx, &w->fail_list, m);
      compl_to(ctx, &w->num_compl_list, m);
      cells_to(ctx, &w->cell_list, m);
      w->channel_ind = chan(ctx, m->has_channel, m->channel);
      break;
    }
    case CBSP_MSGT_KILL: {
      struct osmo_cbsp_kill* k = &d->u.kill;
      k->msg_id = m->msg_id;
      k->old_serial_nr = m->old_serial;
      cells_to(ctx, &k->cell_list, m);
      k->channel_ind = chan(ctx, m->has_channel, m->channel);
      break;
    }
    case CBSP_MSGT_KILL_COMPL: {
      struct osmo_cbsp_kill_complete* k = &d->u.kill_compl;
      k->msg_id = m->msg_id;
      k->old_serial_nr = m->old_serial;
      compl_to(ctx, &k->num_compl_list, m);
      cells_to(ctx, &k->cell_list, m);
      k->channel_ind = chan(ctx, m->has_channel, m->channel);
      break;
    }
    case CBSP_MSGT_KILL_FAIL: {
      struct osmo_cbsp_kill_failure* k = &d->u.kill_fail;
      k->msg_id = m->msg_id;
      k->old_serial_nr = m->old_serial;
      fail_to(ctx, &k->fail_list, m);
      compl_to(ctx, &k->num_compl_list, m);
      cells_to(ctx, &k->cell_list, m);
      k->channel_ind = chan(ctx, m->has_channel, m->channel);
      break;
    }
    case CBSP_MSGT_RESET_COMPL:
      cells_to(ctx, &d->u.reset_compl.cell_list, m);
      break;
    case CBSP_MSGT_RESTART:
      cells_to(ctx, &d->u.restart.cell_list, m);
      d->u.restart.bcast_msg_type = m->bcast_msg_type;
      d->u.restart.recovery_ind = m->recovery_ind;
      break;
    case CBSP_MSGT_FAILURE:
      fail_to(ctx, &d->u.failure.fail_list, m);
      d->u.failure.bcast_msg_type = m->bcast_msg_type;
      break;
    case CBSP_MSGT_ERROR_IND: {
      struct osmo_cbsp_error_ind* e = &d->u.error_ind;
      e->cause = (enum cbsp_cell_id_cause)m->cause;
      e->msg_id = u16(ctx, m->has_msg_id, m->msg_id);
      e->new_serial_nr = u16(ctx, m->has_new_serial, m->new_serial);
      e->old_serial_nr = u16(ctx, m->has_old_serial, m->old_serial);
      e->channel_ind = chan(ctx, m->has_channel, m->channel);
      break;
    }
    case CBSP_MSGT_KEEP_ALIVE:
      d->u.keep_alive.repetition_period = (uint8_t)m->keep_alive_s;
      break;
    case CBSP_MSGT_KEEP_ALIVE_COMPL:
      break;
    default:
      *err = "message type not supported by oc_encode";
      goto out;
  }
  msg = osmo_cbsp_encode(ctx, d);
  if (!msg) {
    *err = osmo_cbsp_errstr ? osmo_cbsp_errstr : "encode failed";
    goto out;
  }
  if (msgb_length(msg) <= cap) {
    memcpy(buf, msgb_data(msg), msgb_length(msg));
    rc = (int)msgb_length(msg);
  } else {
    *err = "buffer too small";
  }
  msgb_free(msg);
out:
  talloc_free(ctx);
  return rc;
}

const char* oc_msg_type_name(int type) {
  return get_value_string(cbsp_msg_type_names, (uint32_t)type);
}
