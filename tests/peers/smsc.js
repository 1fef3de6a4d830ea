#!/usr/bin/env node
// An SMSC for capcast's SMPP tests, on the npm `smpp` package (farhadi/node-smpp 0.5.1): a real
// SMPP 3.4 peer written by others, so that capcast's own codec is checked against an independent
// implementation. Started by peerctl (`peerctl start smsc DIR`) on 127.0.0.1 with free ports.
//
//   node smsc.js SMPP_PORT HTTP_PORT
//
// SMPP: bind_transmitter / bind_transceiver / bind_receiver with system_id "capcast" and password
// "secret" (else ESME_RBINDFAIL 0x0D); submit_sm, submit_multi, enquire_link, unbind answered; an
// enquire_link sent to each bound session every `enquire_every_ms`; delivery receipts (deliver_sm,
// esm_class 0x04, SMPP 3.4 Appendix B text plus the receipted_message_id and message_state TLVs)
// to transceiver/receiver sessions when registered_delivery asks for one.
//
// HTTP (JSON) to steer and observe it from a test:
//   GET  /stats      counters, the largest number of submits seen outstanding per session
//   GET  /messages   every accepted submit: system_id, destination(s), data_coding, esm_class,
//                    short_message as hex, SAR TLVs, message_payload hex, message_id
//   POST /config     JSON merged into the knobs below
//   POST /reset      clears messages and counters, knobs back to their defaults
//   POST /drop       closes every SMPP connection at once (an SMSC restart)
//
// Knobs: throttle_every N (every Nth submit_sm gets ESME_RTHROTTLED 0x58), qfull_every N
// (ESME_RMSGQFUL 0x14), reject_prefix P (destinations starting with P get ESME_RINVDSTADR 0x0B),
// drop_after N (the connection is closed after the Nth submit, unanswered), resp_delay_ms (answer
// submits that late: lets a test see the ESME's window), id_format "hex"|"dec" for message_id in
// submit_sm_resp, receipt_id_format "same"|"dec"|"hex-upper-padded" for the id in receipts (SMSCs
// that mix formats), receipt_delay_ms, receipt_stat ("DELIVRD"), receipt_text (true: the id also
// in the text), receipt_pdu ("deliver_sm", or "data_sm": the receipt as a data_sm, SMPP 3.4
// §4.7.1, with only the TLVs, as some SMSCs send them), enquire_every_ms.
'use strict';
const http = require('http');
const smpp = require('smpp');
const defs = require('smpp/lib/defs');

// Keep short_message and message_payload as the bytes on the wire: the tests compare bytes, and
// node-smpp's own decoding guesses (it decodes data_coding 0 as its idea of GSM).
defs.filters.message.decode = function (value) {
  return value;
};

const smppPort = Number(process.argv[2]);
const httpPort = Number(process.argv[3]);
const defaults = {
  throttle_every: 0,
  qfull_every: 0,
  reject_prefix: '',
  drop_after: 0,
  resp_delay_ms: 0,
  id_format: 'hex',
  receipt_id_format: 'same',
  receipt_delay_ms: 5,
  receipt_stat: 'DELIVRD',
  receipt_text: true,
  receipt_pdu: 'deliver_sm',
  enquire_every_ms: 0,
};
let knobs = { ...defaults };
let messages = [];
let stats = {};
let nextId = 0xa0000; // hex ids with letters: never mistaken for decimal ones
const sessions = new Set();

function resetStats() {
  stats = {
    binds: 0,
    bind_failures: 0,
    submit_sm: 0,
    submit_multi: 0,
    accepted: 0,
    throttled: 0,
    queue_full: 0,
    rejected: 0,
    enquire_link_received: 0,
    enquire_link_resp_received: 0,
    unbinds: 0,
    receipts_sent: 0,
    deliver_sm_resp: 0,
    data_sm_resp: 0,
    data_sm_resp_errors: 0,
    drops: 0,
    max_outstanding: 0,
    connections: 0,
  };
}
resetStats();

function pad2(n) {
  return String(n).padStart(2, '0');
}
function smppDate(d) {
  return (
    pad2(d.getUTCFullYear() % 100) + pad2(d.getUTCMonth() + 1) + pad2(d.getUTCDate()) +
    pad2(d.getUTCHours()) + pad2(d.getUTCMinutes())
  );
}

function receiptId(idHex) {
  const n = BigInt('0x' + idHex);
  switch (knobs.receipt_id_format) {
    case 'dec':
      return n.toString(10);
    case 'hex-upper-padded':
      return n.toString(16).toUpperCase().padStart(10, '0');
    default:
      return idHex;
  }
}

function sendReceipt(session, submit, idHex, destination) {
  if (!session.bound || session.kind === 'transmitter') return;
  const id = receiptId(idHex);
  const now = new Date();
  let text =
    'sub:001 dlvrd:001 submit date:' + smppDate(now) + ' done date:' + smppDate(now) +
    ' stat:' + knobs.receipt_stat + ' err:000 text:';
  if (knobs.receipt_text) text = 'id:' + id + ' ' + text;
  const states = { DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, ACCEPTD: 6, UNKNOWN: 7, REJECTD: 8 };
  if (knobs.receipt_pdu === 'data_sm') {
    // data_sm has no short_message: the id and state are in the TLVs only.
    session.data_sm(
      {
        source_addr_ton: 1,
        source_addr_npi: 1,
        source_addr: destination,
        destination_addr: submit.source_addr,
        esm_class: 0x04,
        registered_delivery: 0,
        data_coding: 0,
        receipted_message_id: id,
        message_state: states[knobs.receipt_stat] || 7,
      },
      (resp) => {
        if (resp.command_status === 0) stats.data_sm_resp++;
        else stats.data_sm_resp_errors++;
      },
    );
    stats.receipts_sent++;
    return;
  }
  session.deliver_sm(
    {
      source_addr: destination,
      destination_addr: submit.source_addr,
      esm_class: 0x04,
      data_coding: 0,
      short_message: Buffer.from(text, 'latin1'),
      receipted_message_id: id,
      message_state: states[knobs.receipt_stat] || 7,
    },
    () => {
      stats.deliver_sm_resp++;
    },
  );
  stats.receipts_sent++;
}

function answer(session, pdu, response, after) {
  const send = () => {
    session.outstanding--;
    if (!session.closed) session.send(pdu.response(response));
    if (after) after();
  };
  if (knobs.resp_delay_ms > 0) setTimeout(send, knobs.resp_delay_ms);
  else send();
}

function onSubmit(session, pdu, multi) {
  session.submits++;
  session.outstanding++;
  stats.max_outstanding = Math.max(stats.max_outstanding, session.outstanding);
  if (multi) stats.submit_multi++;
  else stats.submit_sm++;
  const n = stats.submit_sm + stats.submit_multi;
  if (knobs.drop_after > 0 && session.submits >= knobs.drop_after) {
    stats.drops++;
    session.closed = true;
    session.close();
    return;
  }
  if (knobs.throttle_every > 0 && n % knobs.throttle_every === 0) {
    stats.throttled++;
    answer(session, pdu, { command_status: smpp.ESME_RTHROTTLED });
    return;
  }
  if (knobs.qfull_every > 0 && n % knobs.qfull_every === 0) {
    stats.queue_full++;
    answer(session, pdu, { command_status: smpp.ESME_RMSGQFUL });
    return;
  }
  const dests = multi
    ? (pdu.dest_address || []).map((d) => d.destination_addr || d.dl_name)
    : [pdu.destination_addr];
  if (!multi && knobs.reject_prefix && pdu.destination_addr.startsWith(knobs.reject_prefix)) {
    stats.rejected++;
    answer(session, pdu, { command_status: smpp.ESME_RINVDSTADR });
    return;
  }
  const idNum = nextId++;
  const idHex = idNum.toString(16);
  const messageId = knobs.id_format === 'dec' ? String(idNum) : idHex;
  const sm = Buffer.isBuffer(pdu.short_message) ? pdu.short_message : Buffer.alloc(0);
  const payload = Buffer.isBuffer(pdu.message_payload) ? pdu.message_payload : null;
  messages.push({
    system_id: session.system_id,
    kind: multi ? 'submit_multi' : 'submit_sm',
    source_addr: pdu.source_addr,
    source_addr_ton: pdu.source_addr_ton,
    source_addr_npi: pdu.source_addr_npi,
    destinations: dests,
    esm_class: pdu.esm_class,
    data_coding: pdu.data_coding,
    registered_delivery: pdu.registered_delivery,
    short_message: sm.toString('hex'),
    message_payload: payload ? payload.toString('hex') : null,
    sar_msg_ref_num: pdu.sar_msg_ref_num,
    sar_total_segments: pdu.sar_total_segments,
    sar_segment_seqnum: pdu.sar_segment_seqnum,
    message_id: messageId,
  });
  stats.accepted++;
  const response = { message_id: messageId };
  if (multi) {
    const failed = dests.filter((d) => knobs.reject_prefix && d && d.startsWith(knobs.reject_prefix));
    response.unsuccess_sme = failed.map((d) => ({
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: d,
      error_status_code: smpp.ESME_RINVDSTADR,
    }));
  }
  answer(session, pdu, response, () => {
    if ((pdu.registered_delivery & 0x03) !== 0) {
      // One receipt per destination (a submit_multi's all carry its one message id).
      const failed = new Set((response.unsuccess_sme || []).map((u) => u.destination_addr));
      for (const d of dests.filter((x) => x && !failed.has(x))) {
        setTimeout(() => sendReceipt(session, pdu, idHex, d), knobs.receipt_delay_ms);
      }
    }
  });
}

const server = smpp.createServer((session) => {
  stats.connections++;
  sessions.add(session);
  session.submits = 0;
  session.outstanding = 0;
  session.closed = false;
  session.bound = false;
  let enquirer = null;
  const onBind = (kind) => (pdu) => {
    if (pdu.system_id !== 'capcast' || pdu.password !== 'secret') {
      stats.bind_failures++;
      session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
      return;
    }
    stats.binds++;
    session.bound = true;
    session.kind = kind;
    session.system_id = pdu.system_id;
    session.send(pdu.response({ system_id: 'capcast-smsc' }));
    if (knobs.enquire_every_ms > 0) {
      enquirer = setInterval(() => {
        if (!session.closed) {
          session.enquire_link({}, () => {
            stats.enquire_link_resp_received++;
          });
        }
      }, knobs.enquire_every_ms);
    }
  };
  session.on('bind_transmitter', onBind('transmitter'));
  session.on('bind_transceiver', onBind('transceiver'));
  session.on('bind_receiver', onBind('receiver'));
  session.on('submit_sm', (pdu) => onSubmit(session, pdu, false));
  session.on('submit_multi', (pdu) => onSubmit(session, pdu, true));
  session.on('enquire_link', (pdu) => {
    stats.enquire_link_received++;
    session.send(pdu.response());
  });
  session.on('unbind', (pdu) => {
    stats.unbinds++;
    session.send(pdu.response());
    session.closed = true;
    session.close();
  });
  const gone = () => {
    session.closed = true;
    if (enquirer) clearInterval(enquirer);
    sessions.delete(session);
  };
  session.on('close', gone);
  session.on('error', gone);
});
server.listen(smppPort, '127.0.0.1');

function body(req) {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(data));
  });
}

http
  .createServer(async (req, res) => {
    const reply = (code, value) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'GET' && req.url === '/stats') return reply(200, { ...stats, knobs });
    if (req.method === 'GET' && req.url === '/messages') return reply(200, messages);
    if (req.method === 'POST' && req.url === '/reset') {
      messages = [];
      knobs = { ...defaults };
      resetStats();
      return reply(200, { ok: true });
    }
    if (req.method === 'POST' && req.url === '/config') {
      try {
        Object.assign(knobs, JSON.parse((await body(req)) || '{}'));
      } catch (e) {
        return reply(400, { error: String(e) });
      }
      return reply(200, knobs);
    }
    if (req.method === 'POST' && req.url === '/drop') {
      stats.drops++;
      for (const s of sessions) {
        s.closed = true;
        s.close();
      }
      return reply(200, { ok: true });
    }
    reply(404, { error: 'unknown ' + req.method + ' ' + req.url });
  })
  .listen(httpPort, '127.0.0.1');
