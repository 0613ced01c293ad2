#!/usr/bin/env node
// The npm smpp client (node-smpp, a third-party SMPP stack) as a tenant binding to
// diskret's SMPP server over TLS (`ssmpp://`), verifying the certificate against the CA
// file given: bind_transceiver, N submit_sm with registered_delivery, every receipt back.
// Prints one JSON line {tls, protocol, ok, errors, dlrs}; exit 0 only if all went well.
//   npm_tls_client.js <port> <ca.pem> <system_id> <password> <count>
'use strict';
const fs = require('fs');
const smpp = require('smpp');

const [port, caFile, systemId, password, countText] = process.argv.slice(2);
const count = Number(countText || 5);
const result = { tls: false, protocol: null, ok: 0, errors: 0, dlrs: 0 };
const finish = (code) => {
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(code);
};
setTimeout(() => finish(1), 30000).unref();

const session = smpp.connect({
  url: `ssmpp://127.0.0.1:${port}`,
  ca: [fs.readFileSync(caFile)],
  servername: 'localhost',
  rejectUnauthorized: true,
});
session.on('error', (e) => {
  process.stderr.write(`smpp error: ${e.message}\n`);
  finish(1);
});
session.on('deliver_sm', (pdu) => {
  session.send(pdu.response());
  if (pdu.esm_class & 0x04) {
    result.dlrs += 1;
    if (result.dlrs === count) {
      session.unbind(() => finish(result.ok === count && result.errors === 0 ? 0 : 1));
    }
  }
});
session.on('secureConnect', () => {
  result.tls = session.socket.encrypted === true && session.socket.authorized === true;
  result.protocol = session.socket.getProtocol();
  session.bind_transceiver({ system_id: systemId, password }, (bind) => {
    if (bind.command_status !== 0) {
      process.stderr.write(`bind failed status=0x${bind.command_status.toString(16)}\n`);
      return finish(1);
    }
    for (let i = 0; i < count; i++) {
      session.submit_sm({
        source_addr: 'Shop', source_addr_ton: 5,
        destination_addr: `4915112000${String(100 + i)}`, dest_addr_ton: 1, dest_addr_npi: 1,
        registered_delivery: 1, short_message: `TLS message ${i}`,
      }, (resp) => {
        if (resp.command_status === 0 && resp.message_id) result.ok += 1;
        else result.errors += 1;
      });
    }
  });
});
